//===- OverlayConfigFile.cpp - Read hw/configs/*.json ---------------------===//

#include "spec2/Target/OverlayConfigFile.h"

#include "spec2/Target/Program.h"
#include "spec2/isa.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#ifndef SPEC2_HW_CONFIG_DIR
#error "SPEC2_HW_CONFIG_DIR must name the source tree's hw/configs"
#endif

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace spec2 {
namespace {

Error fail(StringRef fileName, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 fileName + ": " + msg);
}

const OverlayConfigKey kKeys[] = {
#define SPEC2_CONFIG_KEY(member, key, min, max, rule, doc)                     \
  {key, &OverlayConfig::member, min, max, ConfigRule::rule, doc},
    SPEC2_OVERLAY_CONFIG_FIELDS(SPEC2_CONFIG_KEY)
#undef SPEC2_CONFIG_KEY
};

/// Keys that carry documentation only.
const StringRef kTextKeys[] = {"name", "description", "device.part"};

/// Looks up a dotted key ("buffers.ker") in `root`.
const llvm::json::Value *lookup(const llvm::json::Object &root, StringRef key) {
  auto [head, tail] = key.split('.');
  const llvm::json::Value *v = root.get(head);
  if (!v || tail.empty())
    return v;
  const llvm::json::Object *inner = v->getAsObject();
  return inner ? inner->get(tail) : nullptr;
}

/// Refuses keys that no field reads, so a misspelt key is never ignored.
Error checkUnknownKeys(const llvm::json::Object &root, StringRef fileName) {
  llvm::StringSet<> known;
  for (const OverlayConfigKey &k : kKeys)
    known.insert(k.key);
  for (StringRef k : kTextKeys)
    known.insert(k);
  for (const auto &[key, value] : root) {
    const llvm::json::Object *inner = value.getAsObject();
    if (!inner) {
      if (!known.contains(key.str()))
        return fail(fileName, "unknown key '" + key.str() + "'");
      continue;
    }
    for (const auto &[sub, subValue] : *inner) {
      (void)subValue;
      std::string dotted = key.str() + "." + sub.str();
      if (!known.contains(dotted))
        return fail(fileName, "unknown key '" + dotted + "'");
    }
  }
  return Error::success();
}

/// Does `v` lie in k's range and follow its rule?
bool isValidValue(const OverlayConfigKey &k, uint32_t v) {
  if (v < k.min || v > k.max)
    return false;
  switch (k.rule) {
  case ConfigRule::Any:
    return true;
  case ConfigRule::PowerOfTwo:
    return (v & (v - 1)) == 0;
  }
  llvm_unreachable("unknown ConfigRule");
}

/// The semantic rules every configuration must satisfy: each field's range
/// from the field list, then the rules between fields.
Error validate(const OverlayConfig &c, StringRef fileName) {
  for (const OverlayConfigKey &k : kKeys)
    if (!isValidValue(k, c.*k.member))
      return fail(fileName, "'" + k.key + "' must be " +
                                describeValidValues(k) + ", got " +
                                llvm::Twine(c.*k.member));
  // fft_size is valid here, so bins() is.
  if (c.specBanks > c.bins())
    return fail(fileName, "'spec_banks' must be in [1, " +
                              llvm::Twine(c.bins()) +
                              "] (the bins of one spectrum, N*(N/2+1)), got " +
                              llvm::Twine(c.specBanks));
  return Error::success();
}

} // namespace

llvm::ArrayRef<OverlayConfigKey> overlayConfigKeys() { return kKeys; }

std::string describeValidValues(const OverlayConfigKey &k) {
  std::string text;
  if (k.max != kNoMax)
    text = "in [" + std::to_string(k.min) + ", " + std::to_string(k.max) + "]";
  else if (k.min > 0)
    text = "at least " + std::to_string(k.min);
  if (k.rule == ConfigRule::PowerOfTwo)
    text = "a power of two" + (text.empty() ? "" : " " + text);
  // Why the buffers' bound is what it is (gen-config.cmake says the same).
  if (k.max == kMaxBufferDepth)
    text += " (addresses are " + std::to_string(isa::kSramAddrBits) + " bits)";
  return text;
}

Expected<NamedOverlayConfig> parseOverlayConfig(StringRef json,
                                                StringRef fileName) {
  Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return fail(fileName,
                "invalid JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return fail(fileName, "the configuration must be a JSON object");

  NamedOverlayConfig result{};
  const llvm::json::Value *name = root->get("name");
  std::optional<StringRef> nameStr = name ? name->getAsString() : std::nullopt;
  if (!nameStr)
    return fail(fileName, "'name' must be present and a string");
  if (!isValidConfigName(*nameStr))
    return fail(fileName, "'name' must be 1 to " +
                              llvm::Twine(kMaxConfigNameLength) +
                              " printable characters without spaces, got '" +
                              *nameStr + "'");
  result.name = nameStr->str();

  for (const OverlayConfigKey &k : kKeys) {
    const llvm::json::Value *v = lookup(*root, k.key);
    if (!v)
      return fail(fileName, "'" + k.key + "' is missing");
    std::optional<uint64_t> u = v->getAsUINT64();
    if (!u || *u > UINT32_MAX) {
      std::string shown;
      llvm::raw_string_ostream os(shown);
      os << *v;
      return fail(fileName, "'" + k.key +
                                "' must be a non-negative integer that fits "
                                "32 bits, got " +
                                shown);
    }
    result.config.*k.member = uint32_t(*u);
  }
  if (Error e = checkUnknownKeys(*root, fileName))
    return std::move(e);
  if (Error e = validate(result.config, fileName))
    return std::move(e);
  result.hash = configHash(result.config);
  return result;
}

Expected<NamedOverlayConfig> readOverlayConfig(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read configuration '" + path +
                                       "': " + buffer.getError().message());
  return parseOverlayConfig((*buffer)->getBuffer(),
                            llvm::sys::path::filename(path));
}

StringRef builtinConfigDir() { return SPEC2_HW_CONFIG_DIR; }

Expected<NamedOverlayConfig> resolveTarget(StringRef nameOrPath) {
  if (nameOrPath.ends_with(".json") ||
      nameOrPath.find_first_of("/\\") != StringRef::npos)
    return readOverlayConfig(nameOrPath);

  llvm::SmallString<256> path(builtinConfigDir());
  llvm::sys::path::append(path, nameOrPath + ".json");
  if (llvm::sys::fs::exists(path))
    return readOverlayConfig(path);

  std::vector<std::string> known;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(builtinConfigDir(), ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".json")
      known.push_back(llvm::sys::path::stem(it->path()).str());
  llvm::sort(known);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "unknown target '" + nameOrPath + "' (built-in targets: " +
          llvm::join(known, ", ") + "; or pass a path to a .json file)");
}

} // namespace spec2
