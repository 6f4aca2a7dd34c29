//===- ProgramFormatTest.cpp - .s2b writer and reader ---------------------===//

#include "TargetTestUtils.h"

#include "spec2/Target/Assembler.h"
#include "spec2/Target/ProgramFormat.h"
#include "spec2/Target/ProgramVerifier.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <gtest/gtest.h>

#include <random>

using namespace spec2;
using namespace spec2::test;
namespace endian = llvm::support::endian;

namespace {

/// readProgram's error text, or "" on success.
std::string readError(llvm::ArrayRef<uint8_t> bytes) {
  llvm::Expected<Program> p = readProgram(bytes, "t.s2b");
  if (p)
    return "";
  return llvm::toString(p.takeError());
}

/// The bytes of an empty layer table, between the instructions and the
/// checksum.
constexpr size_t kNoLayerTable = 8;

/// Recomputes the trailing checksum after an edit.
void reseal(std::vector<uint8_t> &bytes) {
  endian::write32le(bytes.data() + bytes.size() - 4,
                    programChecksum(llvm::ArrayRef(bytes).drop_back(4)));
}

TEST(ProgramFormat, RoundTripsBitExactly) {
  Program p = kitchenSinkProgram();
  std::vector<uint8_t> bytes = writeProgram(p);
  llvm::Expected<Program> back = readProgram(bytes, "t.s2b");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_EQ(writeProgram(*back), bytes);
}

TEST(ProgramFormat, RoundTripsOddSizesAndEmptySections) {
  Program p;
  p.configName = "sixteen-chars-ok";
  p.configHash = 0xfedcba9876543210ULL;
  p.dramBytes = uint64_t(1) << 32;
  EXPECT_TRUE(*readProgram(writeProgram(p), "t") == p);
  for (size_t n : {0, 1, 7, 8, 9, 255}) {
    Segment s{std::string(1 + n % 200, 'a'), n * 3, {}};
    for (size_t i = 0; i < n; ++i)
      s.bytes.push_back(uint8_t(i * 7 + n));
    p.segments.push_back(s);
    p.inputs.push_back({std::string(1 + n % 255, 'b'), n,
                        std::vector<uint32_t>(n % 9, uint32_t(n + 1)),
                        int8_t(-int(n % 128))});
  }
  p.insns.push_back(insn("finish", {}));
  std::vector<uint8_t> bytes = writeProgram(p);
  EXPECT_EQ(bytes.size() % 8, 4u);
  llvm::Expected<Program> back = readProgram(bytes, "t");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
}

TEST(ProgramFormat, HeaderLayoutIsAsDocumented) {
  Program p = kitchenSinkProgram();
  std::vector<uint8_t> b = writeProgram(p);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), std::string("S2B\x01"));
  EXPECT_EQ(endian::read32le(&b[4]), 3u);
  EXPECT_EQ(endian::read64le(&b[8]), p.configHash);
  EXPECT_EQ(endian::read32le(&b[16]), p.insns.size());
  EXPECT_EQ(endian::read32le(&b[20]), p.segments.size());
  EXPECT_EQ(endian::read32le(&b[24]), p.inputs.size());
  EXPECT_EQ(endian::read32le(&b[28]), p.outputs.size());
  EXPECT_EQ(endian::read64le(&b[32]), p.dramBytes);
  EXPECT_EQ(endian::read64le(&b[40]), b.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(&b[48])), "small");
  // The instructions end right before the (empty) layer table, lane by
  // lane.
  size_t insns =
      b.size() - 4 - kNoLayerTable - p.insns.size() * isa::kInsnBytes;
  for (size_t i = 0; i < p.insns.size(); ++i)
    for (unsigned l = 0; l < isa::kInsnLanes; ++l)
      EXPECT_EQ(endian::read64le(&b[insns + i * 32 + l * 8]),
                p.insns[i].lane[l]);
  EXPECT_EQ(endian::read32le(&b[b.size() - 4]),
            programChecksum(llvm::ArrayRef(b).drop_back(4)));
}

TEST(ProgramFormat, RefusesEveryTruncation) {
  std::vector<uint8_t> bytes = writeProgram(kitchenSinkProgram());
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).take_front(0)),
            "t.s2b: empty file: not a spec2 program");
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    std::string e = readError(llvm::ArrayRef(bytes).take_front(cut));
    EXPECT_EQ(e.rfind("t.s2b: truncated: ", 0), 0u) << cut << ": " << e;
  }
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).take_front(40)),
            "t.s2b: truncated: the file has 40 bytes, less than the 64-byte "
            "header");
  // Cut after 3 and a half instructions.
  const size_t count = kitchenSinkProgram().insns.size();
  size_t insns = bytes.size() - 4 - kNoLayerTable - count * 32;
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).take_front(insns + 3 * 32 + 16)),
            "t.s2b: truncated: header says " + std::to_string(count) +
                " instructions, file ends after 3");
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).drop_back(4)),
            "t.s2b: truncated: the header says the file has " +
                std::to_string(bytes.size()) + " bytes, it has " +
                std::to_string(bytes.size() - 4));
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).take_front(100)),
            "t.s2b: truncated: header says 1 input and 2 outputs, file has "
            "room for at most 2 descriptors");
  EXPECT_EQ(readError(llvm::ArrayRef(bytes).take_front(120)),
            "t.s2b: truncated: file ends inside the descriptor of output 0");
}

TEST(ProgramFormat, ChecksumCatchesEverySingleBitFlip) {
  std::vector<uint8_t> bytes = writeProgram(kitchenSinkProgram());
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::vector<uint8_t> bad = bytes;
    bad[bit / 8] ^= uint8_t(1 << (bit % 8));
    EXPECT_NE(readError(bad), "") << "bit " << bit;
  }
  std::vector<uint8_t> bad = bytes;
  bad[100] ^= 4;
  EXPECT_EQ(readError(bad).rfind("t.s2b: checksum mismatch: stored 0x", 0), 0u)
      << readError(bad);
}

/// The kitchen sink as three runtime levels.
Program threeLevels() { return asLevels(kitchenSinkProgram(), 3, 250000); }

TEST(ProgramFormat, RoundTripsALevelTable) {
  Program p = threeLevels();
  p.levels[1].outputAddrs[0] += 64; // the table is read back, not invented
  std::vector<uint8_t> bytes = writeProgram(p);
  EXPECT_EQ(endian::read32le(&bytes[4]), 3u);
  llvm::Expected<Program> back = readProgram(bytes, "t.s2b");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_EQ(back->numLevels(), 3u);
  EXPECT_EQ(back->levels[1].outputAddrs[0], p.outputs[0].dramAddr + 64);
  EXPECT_EQ(back->levelOutputs(1)[0].dramAddr, p.outputs[0].dramAddr + 64);
  EXPECT_EQ(back->levelInsns(2).size(), kitchenSinkProgram().insns.size());
  EXPECT_EQ(writeProgram(*back), bytes);
  // The instruction image: one table word per level, pointing past the
  // table to each level's stream.
  std::vector<isa::Word> image = instructionImage(p);
  ASSERT_EQ(image.size(), 3 + p.insns.size());
  for (unsigned k = 0; k < 3; ++k) {
    EXPECT_EQ(isa::levelFirst(image[k]), 3 + p.levels[k].firstInsn);
    EXPECT_EQ(isa::levelCount(image[k]), p.levels[k].numInsns);
  }
}

TEST(ProgramFormat, ReadsVersionOneAsOneLevel) {
  // A version 1 file is a version 3 file without the 8 bytes of an empty
  // level table after the tensor descriptors and those of an empty layer
  // table after the instructions.
  Program p = kitchenSinkProgram();
  std::vector<uint8_t> v3 = writeProgram(p);
  const size_t at = levelTableOffset(p);
  std::vector<uint8_t> v1(v3.begin(), v3.begin() + at);
  v1.insert(v1.end(), v3.begin() + at + 8, v3.end() - 4 - kNoLayerTable);
  v1.resize(v1.size() + 4);
  endian::write32le(&v1[4], 1);
  endian::write64le(&v1[40], v1.size());
  reseal(v1);
  llvm::Expected<Program> back = readProgram(v1, "old.s2b");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_EQ(back->numLevels(), 1u);
  EXPECT_EQ(writeProgram(*back), v3); // written as version 3
}

TEST(ProgramFormat, ReadsVersionTwoWithoutLayers) {
  Program p = threeLevels();
  std::vector<uint8_t> v3 = writeProgram(p);
  std::vector<uint8_t> v2(v3.begin(), v3.end() - 4 - kNoLayerTable);
  v2.resize(v2.size() + 4);
  endian::write32le(&v2[4], 2);
  endian::write64le(&v2[40], v2.size());
  reseal(v2);
  llvm::Expected<Program> back = readProgram(v2, "old.s2b");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_TRUE(back->layers.empty() && back->insnLayers.empty());
}

/// The kitchen sink with a layer table: its instructions in three layers.
Program withLayers() {
  Program p = kitchenSinkProgram();
  p.layers = {"/conv1/Conv", "fc.1", "a-layer-with-a-longer-name"};
  for (size_t i = 0; i < p.insns.size(); ++i)
    p.insnLayers.push_back(uint32_t(i * 3 / p.insns.size()));
  return p;
}

TEST(ProgramFormat, RoundTripsALayerTable) {
  Program p = withLayers();
  std::vector<uint8_t> bytes = writeProgram(p);
  llvm::Expected<Program> back = readProgram(bytes, "t.s2b");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_EQ(back->insnLayers.back(), 2u);
  EXPECT_EQ(writeProgram(*back), bytes);
  EXPECT_FALSE(verifyProgram(*back, builtinConfig("small")));
  // Every truncation inside it is refused as one.
  for (size_t cut = bytes.size() - 200; cut < bytes.size(); ++cut) {
    std::string e = readError(llvm::ArrayRef(bytes).take_front(cut));
    EXPECT_EQ(e.rfind("t.s2b: truncated: ", 0), 0u) << cut << ": " << e;
  }
}

TEST(ProgramFormat, RefusesALayerOutsideTheTable) {
  Program p = withLayers();
  std::vector<uint8_t> bytes = writeProgram(p);
  // The last instruction's layer index sits before the padding (the
  // kitchen sink has an odd or even count; find it from the end).
  const size_t indices = llvm::alignTo(4 * p.insns.size(), 8);
  const size_t last = bytes.size() - 4 - indices + 4 * (p.insns.size() - 1);
  ASSERT_EQ(endian::read32le(&bytes[last]), 2u);
  endian::write32le(&bytes[last], 3);
  reseal(bytes);
  EXPECT_EQ(readError(bytes),
            "t.s2b: malformed: instruction " +
                std::to_string(p.insns.size() - 1) +
                " belongs to layer 3 of 3 layers");
}

TEST(ProgramFormat, VerifierRefusesAnIncompleteLayerTable) {
  Program p = withLayers();
  p.insnLayers.pop_back();
  llvm::Error e = verifyProgram(p, builtinConfig("small"));
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("the layer table gives the "
                                              "layer of"),
            std::string::npos);
  p = withLayers();
  p.insnLayers[0] = 7;
  e = verifyProgram(p, builtinConfig("small"));
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("instruction 0 belongs to "
                                              "layer 7"),
            std::string::npos);
}

TEST(ProgramFormat, RefusesAnOversizedLevelTable) {
  Program p = threeLevels();
  std::vector<uint8_t> bytes = writeProgram(p);
  const size_t at = levelTableOffset(p);
  ASSERT_EQ(endian::read32le(&bytes[at]), 3u);
  endian::write32le(&bytes[at], 17);
  reseal(bytes);
  EXPECT_EQ(readError(bytes), "t.s2b: malformed: the level table has 17 "
                              "levels, more than 16");
}

TEST(ProgramFormat, NamesWhatIsWrong) {
  std::vector<uint8_t> bytes = writeProgram(kitchenSinkProgram());
  std::vector<uint8_t> b = bytes;
  b[0] = 'X';
  EXPECT_EQ(readError(b), "t.s2b: bad magic: not a spec2 program");
  EXPECT_EQ(readError(llvm::ArrayRef<uint8_t>({'E', 'L', 'F'})),
            "t.s2b: bad magic: not a spec2 program");
  b = bytes;
  b[4] = 4;
  EXPECT_EQ(readError(b), "t.s2b: unsupported format version 4 (this spec2 "
                          "reads versions 1 to 3)");
  b = bytes;
  b.push_back(0);
  EXPECT_EQ(readError(b),
            "t.s2b: trailing data: the header says the file has " +
                std::to_string(bytes.size()) + " bytes, it has " +
                std::to_string(bytes.size() + 1));
  // Absurd counts with a valid checksum: refused before allocating.
  b = bytes;
  endian::write32le(&b[16], 0xffffffffu);
  reseal(b);
  EXPECT_EQ(readError(b).rfind("t.s2b: malformed: header says 4294967295 "
                               "instructions, data ends after ",
                               0),
            0u)
      << readError(b);
  b = bytes;
  endian::write32le(&b[24], 0x10000000u);
  reseal(b);
  EXPECT_EQ(readError(b).rfind("t.s2b: malformed: header says 268435456 "
                               "inputs and 2 outputs",
                               0),
            0u)
      << readError(b);
  b = bytes;
  endian::write32le(&b[20], 0x7fffffffu);
  reseal(b);
  EXPECT_NE(readError(b).find("segments"), std::string::npos) << readError(b);
  // A header that claims to be the whole file leaves no room for the
  // checksum.
  for (size_t n : {64, 65, 67}) {
    b.assign(bytes.begin(), bytes.begin() + n);
    endian::write64le(&b[40], n);
    EXPECT_EQ(readError(b), "t.s2b: truncated: the file has " +
                                std::to_string(n) +
                                " bytes, less than the header and the "
                                "checksum");
  }
  // One instruction fewer in the header: the last one is read as the
  // layer table, and does not fit.
  b = bytes;
  endian::write32le(&b[16], uint32_t(kitchenSinkProgram().insns.size() - 1));
  reseal(b);
  EXPECT_EQ(readError(b).rfind("t.s2b: malformed: data ends inside the layer "
                               "table",
                               0),
            0u)
      << readError(b);
  // Bytes after the layer table are left over.
  b = bytes;
  b.insert(b.end() - 4, 8, 0);
  endian::write64le(&b[40], b.size());
  reseal(b);
  EXPECT_EQ(readError(b),
            "t.s2b: malformed: 8 unexpected bytes before the checksum");
  // A bad character in the config name.
  b = bytes;
  b[49] = ' ';
  reseal(b);
  EXPECT_EQ(readError(b),
            "t.s2b: malformed: invalid config name in the header");
}

TEST(ProgramFormat, CorruptButResealedFilesNeverCrash) {
  // Any bit of the file flipped, checksum recomputed: the reader either
  // refuses the file or returns a program; the verifier then runs on it.
  std::vector<uint8_t> bytes = writeProgram(kitchenSinkProgram());
  const NamedOverlayConfig &small = builtinConfig("small");
  size_t read = 0;
  for (size_t bit = 0; bit < (bytes.size() - 4) * 8; ++bit) {
    std::vector<uint8_t> bad = bytes;
    bad[bit / 8] ^= uint8_t(1 << (bit % 8));
    reseal(bad);
    llvm::Expected<Program> p = readProgram(bad, "t");
    if (!p) {
      llvm::consumeError(p.takeError());
      continue;
    }
    ++read;
    llvm::consumeError(verifyProgram(*p, small));
  }
  EXPECT_GT(read, 0u);

  // Random bytes overwritten, possibly cut short, with the size field and
  // the checksum made consistent again.
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> bad = bytes;
    if (trial % 3 == 0)
      bad.resize(kProgramHeaderBytes + 4 + rng() % (bytes.size() - 67));
    for (int k = 0, n = 1 + int(rng() % 8); k < n; ++k)
      bad[rng() % (bad.size() - 4)] = uint8_t(rng());
    if (trial % 2)
      endian::write64le(&bad[40], bad.size());
    reseal(bad);
    llvm::Expected<Program> p = readProgram(bad, "t");
    if (!p) {
      llvm::consumeError(p.takeError());
      continue;
    }
    llvm::consumeError(verifyProgram(*p, small));
  }
}

TEST(ProgramFormat, FlippedInstructionBitsAreRefusedOrStayInBounds) {
  // Every bit of every instruction word flipped, checksum recomputed: the
  // file still reads, and the verifier either refuses the program or every
  // access the oracle enumerates stays in bounds. The listing of the
  // corrupt program re-assembles to the same words.
  Program good = kitchenSinkProgram();
  std::vector<uint8_t> bytes = writeProgram(good);
  const NamedOverlayConfig &small = builtinConfig("small");
  size_t first =
      bytes.size() - 4 - kNoLayerTable - good.insns.size() * isa::kInsnBytes;
  size_t accepted = 0, refused = 0, checked = 0;
  for (size_t bit = first * 8; bit < (bytes.size() - 4 - kNoLayerTable) * 8;
       ++bit) {
    std::vector<uint8_t> bad = bytes;
    bad[bit / 8] ^= uint8_t(1 << (bit % 8));
    reseal(bad);
    llvm::Expected<Program> p = readProgram(bad, "t");
    ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
    size_t index = (bit / 8 - first) / isa::kInsnBytes;
    if (llvm::Error e = verifyProgram(*p, small)) {
      llvm::consumeError(std::move(e));
      ++refused;
    } else {
      ++accepted;
      auto fp = accessFootprint(p->insns[index], small.config);
      if (fp) {
        ++checked;
        EXPECT_EQ(outOfBounds(*fp, small.config, p->dramBytes), "")
            << "bit " << bit << ": " << printInsn(p->insns[index]);
      }
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    printProgram(*p, os, /*withData=*/true);
    llvm::Expected<Program> again = parseProgram(text, "t.s2asm");
    ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
    EXPECT_TRUE(*again == *p) << "bit " << bit;
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(checked, 0u);
  (void)accepted;
}

} // namespace
