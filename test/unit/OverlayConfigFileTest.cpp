//===- OverlayConfigFileTest.cpp - Reading hw/configs/*.json --------------===//

#include "spec2/Target/OverlayConfigFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <set>

using namespace spec2;

namespace {

std::string builtinJson(llvm::StringRef name) {
  llvm::SmallString<256> path(builtinConfigDir());
  llvm::sys::path::append(path, name + ".json");
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "";
}

/// small.json with the first occurrence of `from` replaced by `to`.
std::string edited(llvm::StringRef from, llvm::StringRef to) {
  std::string json = builtinJson("small");
  size_t pos = json.find(from.str());
  EXPECT_NE(pos, std::string::npos) << from.str();
  if (pos != std::string::npos)
    json.replace(pos, from.size(), to.str());
  return json;
}

std::string parseError(llvm::StringRef json) {
  auto c = parseOverlayConfig(json, "small.json");
  return c ? "" : llvm::toString(c.takeError());
}

TEST(OverlayConfigFile, ReadsTheBuiltinConfigurations) {
  auto small = resolveTarget("small");
  ASSERT_TRUE(bool(small)) << llvm::toString(small.takeError());
  EXPECT_EQ(small->name, "small");
  EXPECT_EQ(small->config.fftSize, 8u);
  EXPECT_EQ(small->config.pin, 2u);
  EXPECT_EQ(small->config.pout, 4u);
  EXPECT_EQ(small->config.specDepth, 2560u);
  EXPECT_EQ(small->config.deviceUram, 0u);
  EXPECT_EQ(small->config.vecDepth, 4u);
  EXPECT_EQ(small->hash, configHash(small->config));

  llvm::SmallString<256> path(builtinConfigDir());
  llvm::sys::path::append(path, "u200.json");
  auto u200 = resolveTarget(path);
  ASSERT_TRUE(bool(u200)) << llvm::toString(u200.takeError());
  EXPECT_EQ(u200->name, "u200");
  EXPECT_EQ(u200->config.fcLanes, 128u);
  EXPECT_EQ(u200->config.ddrMbPerS, 76800u);
  EXPECT_NE(u200->hash, small->hash);
}

TEST(OverlayConfigFile, KeyTableCoversEveryMemberOnce) {
  EXPECT_EQ(overlayConfigKeys().size() * sizeof(uint32_t),
            sizeof(OverlayConfig));
  // Table order is struct order (gen-config.cmake relies on it): member i
  // sits at byte offset 4*i, so every member appears exactly once.
  OverlayConfig c{};
  std::set<std::string> keys;
  for (size_t i = 0; i < overlayConfigKeys().size(); ++i) {
    const OverlayConfigKey &k = overlayConfigKeys()[i];
    EXPECT_TRUE(keys.insert(k.key.str()).second) << k.key.str();
    EXPECT_EQ(reinterpret_cast<const char *>(&(c.*k.member)) -
                  reinterpret_cast<const char *>(&c),
              ptrdiff_t(4 * i))
        << k.key.str();
  }
}

TEST(OverlayConfigFile, HashFunctionIsUnchanged) {
  // Programs record configHash: the bytes it hashes and their order must not
  // change. Fields 1, 2, ..., 33 in list order and the ISA version 6
  // (VEC.softmax added) give this value.
  static_assert(isa::kIsaVersion == 6, "a new ISA version is a new hash");
  OverlayConfig c{};
  uint32_t next = 1;
  for (const OverlayConfigKey &k : overlayConfigKeys())
    c.*k.member = next++;
  EXPECT_EQ(configHash(c), 0x0855e4da0aea2d32ULL);
}

/// small.json with the numeric key `dotted` set to `value`.
std::string withValue(llvm::StringRef dotted, int64_t value) {
  llvm::Expected<llvm::json::Value> root =
      llvm::json::parse(builtinJson("small"));
  EXPECT_TRUE(bool(root));
  if (!root) {
    llvm::consumeError(root.takeError());
    return "";
  }
  auto [head, tail] = dotted.split('.');
  llvm::json::Object *obj = root->getAsObject();
  if (!tail.empty())
    obj = obj->getObject(head);
  (*obj)[tail.empty() ? head : tail] = value;
  std::string text;
  llvm::raw_string_ostream(text) << *root;
  return text;
}

TEST(OverlayConfigFile, ChecksEveryFieldsRange) {
  // The reader's range checks come from the field list: just outside each
  // bound is refused with the key, the value and the range; the bound itself
  // passes (for fft_size, whose bounds are powers of two, as well).
  for (const OverlayConfigKey &k : overlayConfigKeys()) {
    const std::string key = k.key.str(), valid = describeValidValues(k);
    if (k.min > 0) {
      EXPECT_EQ(parseError(withValue(k.key, k.min)), "") << key;
      EXPECT_EQ(parseError(withValue(k.key, int64_t(k.min) - 1)),
                "small.json: '" + key + "' must be " + valid + ", got " +
                    std::to_string(k.min - 1));
    }
    if (k.max != kNoMax) {
      EXPECT_EQ(parseError(withValue(k.key, k.max)), "") << key;
      EXPECT_EQ(parseError(withValue(k.key, int64_t(k.max) + 1)),
                "small.json: '" + key + "' must be " + valid + ", got " +
                    std::to_string(uint64_t(k.max) + 1));
    }
    if (k.min == 0) {
      EXPECT_EQ(parseError(withValue(k.key, 0)), "") << key;
    }
    if (k.rule == ConfigRule::PowerOfTwo) {
      EXPECT_EQ(parseError(withValue(k.key, int64_t(k.min) + 1)),
                "small.json: '" + key + "' must be " + valid + ", got " +
                    std::to_string(k.min + 1));
    }
  }
}

TEST(OverlayConfigFile, ReadmeTableMatchesTheFieldList) {
  // hw/README.md documents the keys; its table must say what the list says.
  auto readme = llvm::MemoryBuffer::getFile(SPEC2_SOURCE_DIR "/hw/README.md");
  ASSERT_TRUE(bool(readme));
  llvm::StringRef text = (*readme)->getBuffer();
  size_t from = text.find("<!-- config-keys: begin"),
         to = text.find("<!-- config-keys: end -->");
  ASSERT_NE(from, llvm::StringRef::npos);
  ASSERT_NE(to, llvm::StringRef::npos);
  llvm::StringRef table = text.slice(from, to);
  table = table.drop_until([](char c) { return c == '\n'; }).drop_front();
  std::string want = "| key | valid values | meaning |\n|---|---|---|\n";
  for (const OverlayConfigKey &k : overlayConfigKeys()) {
    std::string valid = describeValidValues(k);
    want += "| `" + k.key.str() + "` | " + (valid.empty() ? "any" : valid) +
            " | " + k.doc.str() + " |\n";
  }
  EXPECT_EQ(table.str(), want);
}

TEST(OverlayConfigFile, RefusesInvalidFiles) {
  EXPECT_EQ(parseError(edited("\"pin\": 2", "\"pin\": 0")),
            "small.json: 'pin' must be at least 1, got 0");
  EXPECT_EQ(parseError(edited("\"pin\": 2,", "")),
            "small.json: 'pin' is missing");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": -1")),
            "small.json: 'buffers.ker' must be a non-negative integer that "
            "fits 32 bits, got -1");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": 1.5")),
            "small.json: 'buffers.ker' must be a non-negative integer that "
            "fits 32 bits, got 1.5");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": \"16384\"")),
            "small.json: 'buffers.ker' must be a non-negative integer that "
            "fits 32 bits, got \"16384\"");
  EXPECT_EQ(
      parseError(edited("\"dma_latency\": 64", "\"dma_latency\": 4294967296")),
      "small.json: 'dma_latency' must be a non-negative integer that "
      "fits 32 bits, got 4294967296");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": 0")),
            "small.json: 'buffers.ker' must be in [1, 1048576] (addresses are "
            "20 bits), got 0");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": 1048577")),
            "small.json: 'buffers.ker' must be in [1, 1048576] (addresses are "
            "20 bits), got 1048577");
  EXPECT_EQ(parseError(edited("\"ker\": 16384", "\"ker\": 1048576")), "");
  EXPECT_EQ(parseError(edited("\"fft_size\": 8", "\"fft_size\": 6")),
            "small.json: 'fft_size' must be a power of two in [4, 16], got 6");
  EXPECT_EQ(parseError(edited("\"fft_size\": 8", "\"fft_size\": 32")),
            "small.json: 'fft_size' must be a power of two in [4, 16], got "
            "32");
  EXPECT_EQ(parseError(edited("\"fft_size\": 8", "\"fft_size\": 2")),
            "small.json: 'fft_size' must be a power of two in [4, 16], got 2");
  EXPECT_EQ(parseError(edited("\"fft_size\": 8", "\"fft_size\": 4")), "");
  EXPECT_EQ(parseError(edited("\"spec_banks\": 4", "\"spec_banks\": 41")),
            "small.json: 'spec_banks' must be in [1, 40] (the bins of one "
            "spectrum, N*(N/2+1)), got 41");
  EXPECT_EQ(parseError(edited("\"spec_banks\": 4", "\"spec_banks\": 40")), "");
  EXPECT_EQ(parseError(edited("\"clock_mhz\": 200", "\"clock_mhz\": 0")),
            "small.json: 'clock_mhz' must be at least 1, got 0");
  EXPECT_EQ(
      parseError(edited("\"ddr_mb_per_s\": 12800", "\"ddr_mb_per_s\": 0")),
      "small.json: 'ddr_mb_per_s' must be at least 1, got 0");
  EXPECT_EQ(parseError(edited("\"pin\": 2", "\"pin\": 2, \"pinn\": 3")),
            "small.json: unknown key 'pinn'");
  EXPECT_EQ(parseError(edited("\"fft\": 16", "\"fft\": 16, \"fft2\": 1")),
            "small.json: unknown key 'pipeline_depth.fft2'");
  EXPECT_EQ(parseError(edited("\"name\": \"small\"", "\"name\": 3")),
            "small.json: 'name' must be present and a string");
  EXPECT_EQ(parseError(edited("\"name\": \"small\"",
                              "\"name\": \"seventeen-chars-x\"")),
            "small.json: 'name' must be 1 to 16 printable characters without "
            "spaces, got 'seventeen-chars-x'");
  EXPECT_EQ(parseError("[1]"),
            "small.json: the configuration must be a JSON object");
  EXPECT_EQ(parseError("{").rfind("small.json: invalid JSON: ", 0), 0u);
}

TEST(OverlayConfigFile, ResolvesNamesAndPaths) {
  auto missing = resolveTarget("nope");
  ASSERT_FALSE(bool(missing));
  std::string e = llvm::toString(missing.takeError());
  EXPECT_EQ(e.rfind("unknown target 'nope' (built-in targets: ", 0), 0u) << e;
  EXPECT_NE(e.find("small"), std::string::npos);
  EXPECT_NE(e.find("u200"), std::string::npos);
  auto noFile = resolveTarget("/nonexistent/x.json");
  ASSERT_FALSE(bool(noFile));
  EXPECT_EQ(llvm::toString(noFile.takeError()),
            "cannot read configuration '/nonexistent/x.json': No such file or "
            "directory");
}

} // namespace
