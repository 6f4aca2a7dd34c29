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
    {"fft_size", &OverlayConfig::fftSize},
    {"pin", &OverlayConfig::pin},
    {"pout", &OverlayConfig::pout},
    {"spec_banks", &OverlayConfig::specBanks},
    {"spec_ports", &OverlayConfig::specPorts},
    {"fft_points_per_cycle", &OverlayConfig::fftPointsPerCycle},
    {"ifft_points_per_cycle", &OverlayConfig::ifftPointsPerCycle},
    {"fc_lanes", &OverlayConfig::fcLanes},
    {"vec_lanes", &OverlayConfig::vecLanes},
    {"buffers.inp", &OverlayConfig::inpDepth},
    {"buffers.ker", &OverlayConfig::kerDepth},
    {"buffers.bias", &OverlayConfig::biasDepth},
    {"buffers.fcx", &OverlayConfig::fcxDepth},
    {"buffers.spec", &OverlayConfig::specDepth},
    {"buffers.oacc", &OverlayConfig::oaccDepth},
    {"buffers.facc", &OverlayConfig::faccDepth},
    {"buffers.out", &OverlayConfig::outDepth},
    {"clock_mhz", &OverlayConfig::clockMhz},
    {"ddr_mb_per_s", &OverlayConfig::ddrMbPerS},
    {"dma_latency", &OverlayConfig::dmaLatency},
    {"pipeline_depth.fft", &OverlayConfig::fftDepth},
    {"pipeline_depth.smac", &OverlayConfig::smacDepth},
    {"pipeline_depth.ifft", &OverlayConfig::ifftDepth},
    {"pipeline_depth.fc", &OverlayConfig::fcDepth},
    {"pipeline_depth.vec", &OverlayConfig::vecDepth},
    {"device.dsp", &OverlayConfig::deviceDsp},
    {"device.bram18", &OverlayConfig::deviceBram18},
    {"device.uram", &OverlayConfig::deviceUram},
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

/// The semantic rules every configuration must satisfy.
Error validate(const OverlayConfig &c, StringRef fileName) {
  auto range = [&](StringRef key, uint32_t v, uint64_t lo, uint64_t hi,
                   StringRef why) -> Error {
    if (v >= lo && v <= hi)
      return Error::success();
    return fail(fileName, "'" + key + "' must be in [" + llvm::Twine(lo) +
                              ", " + llvm::Twine(hi) + "]" + why + ", got " +
                              llvm::Twine(v));
  };
  if (c.fftSize < 4 || c.fftSize > 16 || (c.fftSize & (c.fftSize - 1)))
    return fail(fileName, "'fft_size' must be a power of two in [4, 16], got " +
                              llvm::Twine(c.fftSize));
  const std::pair<StringRef, uint32_t> atLeastOne[] = {
      {"pin", c.pin},
      {"pout", c.pout},
      {"spec_banks", c.specBanks},
      {"spec_ports", c.specPorts},
      {"fft_points_per_cycle", c.fftPointsPerCycle},
      {"ifft_points_per_cycle", c.ifftPointsPerCycle},
      {"fc_lanes", c.fcLanes},
      {"vec_lanes", c.vecLanes},
      {"clock_mhz", c.clockMhz},
      {"ddr_mb_per_s", c.ddrMbPerS}};
  for (auto [key, v] : atLeastOne)
    if (v < 1)
      return fail(fileName, "'" + key + "' must be at least 1, got 0");
  if (Error e = range("spec_banks", c.specBanks, 1, c.bins(),
                      " (the bins of one spectrum, N*(N/2+1))"))
    return e;
  constexpr uint64_t kMaxDepth = uint64_t(1) << isa::kSramAddrBits;
  for (const OverlayConfigKey &k : kKeys)
    if (k.key.starts_with("buffers."))
      if (Error e = range(k.key, c.*k.member, 1, kMaxDepth,
                          " (addresses are " +
                              std::to_string(isa::kSramAddrBits) + " bits)"))
        return e;
  return Error::success();
}

} // namespace

llvm::ArrayRef<OverlayConfigKey> overlayConfigKeys() { return kKeys; }

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
