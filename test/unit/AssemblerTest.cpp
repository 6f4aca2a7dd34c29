//===- AssemblerTest.cpp - Text form of overlay programs ------------------===//

#include "TargetTestUtils.h"

#include "spec2/Target/Assembler.h"
#include "spec2/Target/ProgramFormat.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <random>

using namespace spec2;
using namespace spec2::test;

namespace {

std::string print(const Program &p, bool withData = true) {
  std::string text;
  llvm::raw_string_ostream os(text);
  printProgram(p, os, withData);
  return text;
}

/// The first line of parseProgram's error, or "" on success.
std::string parseError(llvm::StringRef text) {
  llvm::Expected<Program> p = parseProgram(text, "t.s2asm");
  if (p)
    return "";
  std::string e = llvm::toString(p.takeError());
  return e.substr(0, e.find('\n'));
}

constexpr const char *kHeader = ".config small 0x1\n.dram 64\n";

TEST(Assembler, PrintParseRoundTripIsBitExact) {
  Program p = kitchenSinkProgram();
  std::string text = print(p);
  llvm::Expected<Program> back = parseProgram(text, "t.s2asm");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
  EXPECT_EQ(print(*back), text);
  EXPECT_EQ(writeProgram(*back), writeProgram(p));
}

TEST(Assembler, PrintsTheDocumentedSyntax) {
  std::string text = print(kitchenSinkProgram());
  std::string config =
      llvm::formatv(".config small {0:x16}\n", builtinConfig("small").hash);
  ASSERT_EQ(config.size(), std::string(".config small 0x").size() + 17);
  llvm::StringRef expected[] = {
      config,
      ".dram 65536\n",
      ".input x dram=0x0 dims=1x2x8x8 frac=12\n",
      ".output logits dram=0x9000 dims=1x4 frac=-2\n",
      ".segment conv1.bias dram=0x2000 bytes=16\n"
      ".hex 02274c7196bbe0052b50759abfe4092e\n",
      "\nfft inp_stride=64 inp_pitch=8 nc=2 tile=8 shift=3 pop_prev\n",
      "\nload.inp src_h=8 src_w=8 nc=2 ny=8 nx=8 dst_pitch=8 dst_plane=64\n",
      "\nload.bias dram_addr=0x2000 count=4 push_next\n",
      "\nsconv nnz=3 ncig=1 ncob=1 nco=4 oacc_pitch=8 oacc_plane=64 oacc_h=8 "
      "oy=-1 ox=-1 acc_shift=4 ifft_shift=2 push_prev\n",
      "\nstore dram_addr=0x8000 dst_h=8 dst_w=8 nc=4 ny=8 nx=8 src_pitch=8 "
      "src_plane=64 pop_prev push_prev\n",
      "\nvec.add b_addr=64 out_addr=3072 nc=1 h=8 w=8 oh=8 ow=8 shift_a=1 "
      "shift_b=2 shift_out=3 clamp_lo=-100 clamp_hi=100\n",
      "\nfinish pop_next\n"};
  for (llvm::StringRef e : expected)
    EXPECT_NE(text.find(e.str()), std::string::npos) << e.str() << "\n" << text;
}

TEST(Assembler, OmittingDataSaysSoAndCannotBeReassembled) {
  Program p = kitchenSinkProgram();
  std::string text = print(p, /*withData=*/false);
  EXPECT_NE(text.find("; segment data omitted: this listing cannot be "
                      "re-assembled\n"),
            std::string::npos);
  std::string crc =
      llvm::formatv("{0:x8}", programChecksum(p.segments[0].bytes));
  EXPECT_NE(text.find(".segment conv1.weight dram=0x1000 bytes=144 ; data "
                      "omitted (144 bytes, crc32 " +
                      crc + ")\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(".hex"), std::string::npos);
  EXPECT_EQ(parseError(text),
            "t.s2asm:8:10: error: segment 'conv1.weight' declares 144 bytes "
            "but its .hex data has 0 (the data must follow the .segment line)");
}

TEST(Assembler, CorruptWordsPrintAsRawWordsAndRoundTrip) {
  isa::Word reserved{{isa::kReservedLstm, 0, 0, 0}};
  EXPECT_EQ(printInsn(reserved),
            llvm::formatv(".word {0:x16} 0x0000000000000000 "
                          "0x0000000000000000 0x0000000000000000",
                          unsigned(isa::kReservedLstm))
                .str());
  isa::Word stray = insn("finish", {});
  stray.lane[3] = uint64_t(1) << 63;
  EXPECT_EQ(printInsn(stray).rfind(".word ", 0), 0u);

  // Random words, and random words of each format with the unused bits
  // cleared: print then parse gives the same bits; a word without stray
  // bits prints as its mnemonic.
  std::mt19937_64 rng(11);
  Program p;
  p.configName = "small";
  for (int i = 0; i < 2000; ++i) {
    isa::Word w;
    for (uint64_t &lane : w.lane)
      lane = rng();
    p.insns.push_back(w);
  }
  for (const InsnFormat &f : insnFormats())
    for (int i = 0; i < 200; ++i) {
      isa::Word w;
      for (uint64_t &lane : w.lane)
        lane = rng();
      isa::setField(w, isa::kOpcode, f.opcode);
      if (f.hasSelector)
        isa::setField(w, f.selector.field, f.selectorValue);
      for (unsigned b = isa::usedBits(f.opcode); b < isa::kInsnBits; ++b)
        w.lane[b / 64] &= ~(uint64_t(1) << (b % 64));
      EXPECT_EQ(llvm::StringRef(printInsn(w)).split(' ').first, f.mnemonic)
          << printInsn(w);
      p.insns.push_back(w);
    }
  llvm::Expected<Program> back = parseProgram(print(p), "t.s2asm");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_TRUE(*back == p);
}

TEST(Assembler, ParsesNumbersCommentsAndAnyOrder) {
  llvm::Expected<Program> p = parseProgram(
      "; comment\n"
      "  load.inp   nc=0x2 y0=-32768 x0=32767\tpush_next ; trailing\n"
      ".dram 0x100\n"
      ".segment s dram=16 bytes=3\n"
      ".hex 01\n"
      ".hex 02 03\n"
      ".config small 0x0123456789ABCDEF\r\n"
      "finish\n",
      "t.s2asm");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(p->dramBytes, 256u);
  EXPECT_EQ(p->configHash, 0x0123456789abcdefULL);
  ASSERT_EQ(p->segments.size(), 1u);
  EXPECT_EQ(p->segments[0].bytes, (std::vector<uint8_t>{1, 2, 3}));
  ASSERT_EQ(p->insns.size(), 2u);
  EXPECT_EQ(operand(p->insns[0], "nc"), 2);
  EXPECT_EQ(operand(p->insns[0], "y0"), -32768);
  EXPECT_EQ(operand(p->insns[0], "x0"), 32767);
  EXPECT_EQ(isa::getBits(p->insns[0], isa::kPushNext), 1u);
}

TEST(Assembler, ReportsErrorsWithLineAndColumn) {
  std::string h = kHeader;
  EXPECT_EQ(
      parseError(h + "lod nc=1\n"),
      "t.s2asm:3:1: error: unknown mnemonic 'lod' (expected finish, "
      "load.inp, load.ker, load.bias, load.fcx, store, fft, sconv, "
      "outq, gemv, vec.maxpool, vec.avgpool, vec.add, vec.req, vec.lut, "
      "vec.affine, vec.mul, vec.softmax, nop, conv, convq)");
  EXPECT_EQ(
      parseError(h + "fft nc=1 tiles=2\n")
          .rfind("t.s2asm:3:10: error: unknown field 'tiles' for fft (fields: "
                 "inp_addr, inp_stride, inp_pitch, spec_addr, nc, tile, shift, "
                 "ntx, spec_tile, async)",
                 0),
      0u);
  EXPECT_EQ(parseError(h + "store push\n"),
            "t.s2asm:3:7: error: unknown flag 'push' (expected pop_prev, "
            "pop_next, push_prev, push_next or field=value)");
  EXPECT_EQ(parseError(h + "store pop_prev pop_prev\n"),
            "t.s2asm:3:16: error: flag 'pop_prev' given twice");
  EXPECT_EQ(parseError(h + "load.inp  nc=65536\n"),
            "t.s2asm:3:14: error: value 65536 does not fit field 'nc' of "
            "load.inp (0..65535)");
  EXPECT_EQ(parseError(h + "load.inp y0=-32769\n"),
            "t.s2asm:3:13: error: value -32769 does not fit field 'y0' of "
            "load.inp (-32768..32767)");
  EXPECT_EQ(parseError(h + "load.inp nc=-1\n"),
            "t.s2asm:3:13: error: value -1 does not fit field 'nc' of "
            "load.inp (0..65535)");
  EXPECT_EQ(parseError(h + "load.inp nc=1 nc=2\n"),
            "t.s2asm:3:15: error: field 'nc' given twice");
  EXPECT_EQ(parseError(h + "load.inp nc=x1\n"),
            "t.s2asm:3:13: error: invalid number 'x1' for field 'nc'");
  EXPECT_EQ(parseError(h + "load.inp nc=99999999999999999999\n"),
            "t.s2asm:3:13: error: invalid number '99999999999999999999' for "
            "field 'nc'");
  EXPECT_EQ(parseError(h + ".bogus\n"),
            "t.s2asm:3:1: error: unknown directive '.bogus'");
  EXPECT_EQ(parseError("finish\n"),
            "t.s2asm:2:1: error: missing '.config NAME [HASH]' directive");
  EXPECT_EQ(parseError(".config small 1\nfinish\n"),
            "t.s2asm:3:1: error: missing '.dram BYTES' directive");
  EXPECT_EQ(parseError(h + ".config small 2\n"),
            "t.s2asm:3:1: error: duplicate '.config' directive");
  EXPECT_EQ(parseError(h + ".hex 00\n"),
            "t.s2asm:3:1: error: '.hex' data must follow a '.segment' line");
  EXPECT_EQ(parseError(h + ".segment s dram=0 bytes=2\n.hex 0102 03\n"),
            "t.s2asm:4:11: error: '.hex' data exceeds the 2 bytes declared by "
            "segment 's'");
  EXPECT_EQ(parseError(h + ".segment s dram=0 bytes=2\n.hex 012\n"),
            "t.s2asm:4:6: error: odd number of hex digits");
  EXPECT_EQ(parseError(h + ".segment s dram=0 bytes=2\n.hex 0g\n"),
            "t.s2asm:4:7: error: invalid hex digit in '.hex' data");
  EXPECT_EQ(parseError(h + ".segment s dram=0 bytes=2\n.hex 01\nfinish\n"),
            "t.s2asm:3:10: error: segment 's' declares 2 bytes but its .hex "
            "data has 1 (the data must follow the .segment line)");
  EXPECT_EQ(parseError(h + ".segment s dram=0\n"),
            "t.s2asm:3:1: error: .segment needs bytes=");
  EXPECT_EQ(parseError(h + ".input x dram=0 dims=1x0x3 frac=200\n"),
            "t.s2asm:3:33: error: frac must be an integer in -128..127");
  EXPECT_EQ(parseError(h + ".input x dram=0 dims=1x2x3 frac=1 size=4\n"),
            "t.s2asm:3:35: error: unexpected 'size=4' in .input (expected "
            "dram=, dims=, frac=)");
  EXPECT_EQ(parseError(h + ".output y dram=0 dims=1xx3 frac=1\n"),
            "t.s2asm:3:23: error: dimensions are decimal, like "
            "dims=1x3x32x32");
  EXPECT_EQ(parseError(h + ".output y dram=0 dims=1x1x1x1x1x1x1x1x1 frac=1\n"),
            "t.s2asm:3:23: error: rank 9 exceeds the maximum 8");
  EXPECT_EQ(parseError(h + ".input a;b dram=0 dims=1 frac=0\n"),
            "t.s2asm:3:1: error: .input needs dram=");
  EXPECT_EQ(parseError(".config a-name-that-is-too-long 1\n"),
            "t.s2asm:1:9: error: invalid config name "
            "'a-name-that-is-too-long' (1 to 16 characters, no spaces, '\"', "
            "';' or '=')");
  EXPECT_EQ(parseError(h + ".word 1 2 3\n"),
            "t.s2asm:3:1: error: expected '.word' and 4 64-bit lanes, lowest "
            "first");
}

TEST(Assembler, ConfigHashCanBeLeftToTheAssembler) {
  std::string text = ".config small\n.dram 16\nfinish\n";
  EXPECT_EQ(parseError(text),
            "t.s2asm:1:9: error: '.config small' gives no hash and no "
            "configuration is at hand to take it from");
  auto resolve = [](llvm::StringRef name) -> llvm::Expected<uint64_t> {
    if (name == "small")
      return 0x1234;
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no config '" + name + "'");
  };
  llvm::Expected<Program> p = parseProgram(text, "t.s2asm", resolve);
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(p->configHash, 0x1234u);
  EXPECT_EQ(p->configName, "small");
  p = parseProgram(".config big\n", "t.s2asm", resolve);
  ASSERT_FALSE(bool(p));
  std::string e = llvm::toString(p.takeError());
  EXPECT_EQ(e.substr(0, e.find('\n')), "t.s2asm:1:9: error: no config 'big'");
  // A hash that is given wins.
  p = parseProgram(".config small 7\n.dram 1\n", "t.s2asm", resolve);
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(p->configHash, 7u);
  EXPECT_EQ(parseError(".config small 1 2\n"),
            "t.s2asm:1:1: error: expected '.config NAME [HASH]'");
}

TEST(Assembler, ErrorShowsTheSourceLine) {
  llvm::Expected<Program> p =
      parseProgram(std::string(kHeader) + "fft nc=1 tile=99\n", "t.s2asm");
  ASSERT_FALSE(bool(p));
  EXPECT_EQ(llvm::toString(p.takeError()),
            "t.s2asm:3:15: error: value 99 does not fit field 'tile' of fft "
            "(0..31)\n"
            "fft nc=1 tile=99\n"
            "              ^");
}

} // namespace
