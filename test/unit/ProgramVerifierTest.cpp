//===- ProgramVerifierTest.cpp - The loader's safety checks ---------------===//

#include "TargetTestUtils.h"

#include "spec2/Target/Assembler.h"
#include "spec2/Target/ProgramVerifier.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <random>

using namespace spec2;
using namespace spec2::test;

namespace {

const NamedOverlayConfig &small() { return builtinConfig("small"); }

/// The verifier's messages, one per line, or "" if the program passes.
std::string verify(const Program &p,
                   const NamedOverlayConfig &config = small()) {
  llvm::Error e = verifyProgram(p, config);
  return e ? llvm::toString(std::move(e)) : "";
}

/// The kitchen sink with instruction `mnemonic` changed by `fields`.
Program withFields(llvm::StringRef mnemonic,
                   std::initializer_list<Operand> fields) {
  Program p = kitchenSinkProgram();
  isa::Word &w = p.insns[kitchenSinkIndex(mnemonic)];
  for (auto [name, value] : fields)
    w = withOperand(w, name, value);
  return p;
}

/// Expects exactly `message` for the edited kitchen sink.
#define EXPECT_REFUSED(mnemonic, fields, message)                              \
  EXPECT_EQ(verify(withFields(mnemonic, fields)), message)
#define EXPECT_ACCEPTED(mnemonic, fields)                                      \
  EXPECT_EQ(verify(withFields(mnemonic, fields)), "")
#define F(...) (std::initializer_list<Operand>{__VA_ARGS__})

TEST(ProgramVerifier, AcceptsTheKitchenSink) {
  EXPECT_EQ(verify(kitchenSinkProgram()), "");
  // The oracle agrees, and knows the exact footprint of a simple load.
  Program p = kitchenSinkProgram();
  for (const isa::Word &w : p.insns) {
    auto fp = accessFootprint(w, small().config);
    ASSERT_TRUE(fp.has_value()) << printInsn(w);
    EXPECT_EQ(outOfBounds(*fp, small().config, p.dramBytes), "")
        << printInsn(w);
  }
  auto fp = accessFootprint(p.insns[0], small().config);
  EXPECT_EQ((*fp)[kDram].lo, 0u);
  EXPECT_EQ((*fp)[kDram].hi, 256u);
  EXPECT_EQ((*fp)[kInp].hi, 128u);
}

TEST(ProgramVerifier, RefusesAnotherConfig) {
  EXPECT_EQ(verify(kitchenSinkProgram(), builtinConfig("u200")),
            llvm::formatv("config hash mismatch: the program was built for "
                          "'small' (hash {0:x16}), the target is 'u200' (hash "
                          "{1:x16})",
                          small().hash, builtinConfig("u200").hash)
                .str());
  Program p = kitchenSinkProgram();
  p.configHash ^= 1;
  EXPECT_EQ(verify(p).rfind("config hash mismatch: ", 0), 0u);
}

TEST(ProgramVerifier, RefusesReservedOpcodes) {
  Program p = kitchenSinkProgram();
  isa::setField(p.insns[4], isa::kOpcode, isa::kReservedLstm);
  isa::setField(p.insns[5], isa::kOpcode, 15);
  EXPECT_EQ(verify(p),
            "instruction 4: opcode " +
                std::to_string(isa::kReservedLstm) +
                " is reserved for LSTM gate support, which the overlay does "
                "not have yet\n"
                "instruction 5: opcode 15 is reserved");
}

TEST(ProgramVerifier, RefusesNonZeroUnusedBits) {
  for (unsigned op = 0; op < isa::kNumOpcodes; ++op) {
    Program p = kitchenSinkProgram();
    size_t i = 0;
    while (isa::getBits(p.insns[i], isa::kOpcode) != op)
      ++i;
    unsigned bit = isa::usedBits(op);
    p.insns[i].lane[bit / 64] |= uint64_t(1) << (bit % 64);
    EXPECT_EQ(verify(p), "instruction " + std::to_string(i) + " (" +
                             describeInsn(p.insns[i]) +
                             "): bits at or above bit " + std::to_string(bit) +
                             " must be zero")
        << op;
    p.insns[i].lane[3] |= uint64_t(1) << 63;
    EXPECT_NE(verify(p), "");
  }
}

TEST(ProgramVerifier, RequiresExactlyOneFinishAtTheEnd) {
  Program p = kitchenSinkProgram();
  p.insns.pop_back();
  EXPECT_EQ(verify(p).rfind("instruction 23 (vec.softmax) is the last; a "
                            "program "
                            "must end with FINISH",
                            0),
            0u)
      << verify(p);
  p = kitchenSinkProgram();
  p.insns.insert(p.insns.begin() + 3, insn("finish", {}));
  EXPECT_EQ(verify(p), "instruction 3 (finish): FINISH must appear once, as "
                       "the last instruction (the program has 26)");
  p = kitchenSinkProgram();
  p.insns.push_back(insn("finish", {}));
  EXPECT_EQ(verify(p), "instruction 24 (finish): FINISH must appear once, as "
                       "the last instruction (the program has 26)");
  p.insns.clear();
  EXPECT_EQ(verify(p),
            "the program has no instructions (it must end with FINISH)");
}

TEST(ProgramVerifier, RefusesDeadlocksAndLeftoverTokens) {
  ProgramBuilder b(small());
  b.add("load.bias", {{"count", 1}}, {"pop_next", "push_next"})
      .add("outq", {{"nc", 1}, {"oh", 1}, {"ow", 1}, {"sy", 1}, {"sx", 1}},
           {"pop_prev", "push_prev"})
      .add("finish", {});
  EXPECT_EQ(verify(b.build()),
            "dependency tokens deadlock: load module stuck at instruction 0 "
            "(load.bias): waits for c2l (compute push_prev -> load pop_next); "
            "compute module stuck at instruction 1 (outq): waits for l2c "
            "(load push_next -> compute pop_prev)");

  Program p = kitchenSinkProgram();
  // The last store waits for a token that nobody pushes any more.
  p.insns[kitchenSinkIndex("gemv")] =
      insn("gemv", {{"ker_addr", 24}, {"nrows", 4}, {"nnz", 2}}, {"pop_prev"});
  EXPECT_EQ(verify(p),
            "dependency tokens deadlock: compute module stuck at instruction "
            "24 (finish): waits for s2c (store push_prev -> compute "
            "pop_next); store module stuck at instruction 14 (store): waits "
            "for c2s (compute push_next -> store pop_prev)");

  p = kitchenSinkProgram();
  isa::setField(p.insns[0], isa::kPushNext, 1);
  EXPECT_EQ(verify(p), "queue l2c (load push_next -> compute pop_prev) holds 1 "
                       "token(s) at the end of the program; every push needs "
                       "a matching pop");
}

TEST(ProgramVerifier, RefusesFlagsWithoutANeighbour) {
  Program p = kitchenSinkProgram();
  isa::setField(p.insns[0], isa::kPopPrev, 1);
  isa::setField(p.insns[1], isa::kPushPrev, 1);
  isa::setField(p.insns[kitchenSinkIndex("store")], isa::kPushNext, 1);
  isa::setField(p.insns[14], isa::kPopNext, 1);
  EXPECT_EQ(verify(p),
            "instruction 0 (load.inp): pop_prev is not allowed: the load "
            "module has no previous module\n"
            "instruction 1 (load.ker): push_prev is not allowed: the load "
            "module has no previous module\n"
            "instruction 6 (store): push_next is not allowed: the store "
            "module has no next module\n"
            "instruction 14 (store): pop_next is not allowed: the store "
            "module has no next module");
}

/// The kitchen sink as two runtime levels of the same stream.
Program twoLevels() { return asLevels(kitchenSinkProgram(), 2, 500000); }

TEST(ProgramVerifier, ChecksTheLevelTable) {
  EXPECT_EQ(verify(twoLevels()), "");
  const size_t n = kitchenSinkProgram().insns.size();
  Program p = twoLevels();
  p.levels[1].firstInsn -= 1;
  EXPECT_EQ(verify(p),
            "level 1 has instructions [" + std::to_string(n - 1) + ", " +
                std::to_string(2 * n - 1) +
                "); the levels must cover the program's " +
                std::to_string(2 * n) + " instructions in order, this one "
                "from " + std::to_string(n));
  p = twoLevels();
  p.levels[1].sparsityPpm = 0;
  EXPECT_EQ(verify(p), "level 1 has sparsity 0, not above level 0's 0 "
                       "(levels go from dense to sparse)");
  p = twoLevels();
  p.levels[1].outputAddrs.clear();
  EXPECT_EQ(verify(p), "level 1 has 0 output addresses; the program has " +
                           std::to_string(p.outputs.size()) + " outputs");
  // Each level's stream is checked on its own: FINISH ends each level.
  p = twoLevels();
  p.levels[0].numInsns += n;
  p.levels[1].firstInsn += n;
  p.levels[1].numInsns = 0;
  EXPECT_NE(verify(p).find("level 0: instruction " + std::to_string(n - 1) +
                           " (finish"),
            std::string::npos)
      << verify(p);
  // A level's output must lie in DRAM like any output.
  p = twoLevels();
  p.levels[1].outputAddrs[0] = p.dramBytes;
  EXPECT_NE(verify(p).find("level 1: output '"), std::string::npos)
      << verify(p);
}

TEST(ProgramVerifier, RefusesBadDramLayout) {
  Program p = kitchenSinkProgram();
  p.segments[1].dramAddr = 0x1000 + 143; // overlaps conv1.weight by a byte
  EXPECT_EQ(verify(p), "segment 'conv1.weight' [0x1000, 0x1090) and segment "
                       "'conv1.bias' [0x108f, 0x109f) overlap");
  p.segments[1].dramAddr = 0x1000 + 144; // adjacent is fine
  EXPECT_EQ(verify(p), "");

  p = kitchenSinkProgram();
  p.segments.push_back({"big", 0xfff0, std::vector<uint8_t>(17)});
  EXPECT_EQ(verify(p), "segment 'big' occupies DRAM [0xfff0, 0x10001), beyond "
                       "the program's DRAM size 0x10000");
  p.segments.back().bytes.pop_back();
  EXPECT_EQ(verify(p), "");

  p = kitchenSinkProgram();
  p.outputs[1].dramAddr = 0xfffa; // 8 bytes
  EXPECT_EQ(verify(p), "output 'logits' occupies DRAM [0xfffa, 0x10002), "
                       "beyond the program's DRAM size 0x10000");
  p.outputs[1].dramAddr = 0xfff8;
  EXPECT_EQ(verify(p), "");
  p.outputs[1].dramAddr = 0x2008;
  EXPECT_EQ(verify(p), "output 'logits' [0x2008, 0x2010) overlaps segment "
                       "'conv1.bias' [0x2000, 0x2010)");

  p = kitchenSinkProgram();
  p.inputs[0].dims = {1, 0, 8};
  p.outputs[0].dims = {};
  p.outputs[1].name = "y";
  EXPECT_EQ(verify(p), "input 'x' has a zero dimension (dims=1x0x8)\n"
                       "output 'y' has rank 0, must be 1 to 8\n"
                       "two outputs are named 'y'");
  p = kitchenSinkProgram();
  p.inputs[0].dims = {0xffffffff, 0xffffffff, 0xffffffff};
  EXPECT_EQ(verify(p), "input 'x' occupies DRAM [0x0, 2^64 or more), beyond "
                       "the program's DRAM size 0x10000");
  p = kitchenSinkProgram();
  p.dramBytes = (uint64_t(1) << 32) + 1;
  EXPECT_EQ(verify(p), "DRAM size 0x100000001 exceeds 0x100000000, the reach "
                       "of 32-bit DRAM addresses");
  p = kitchenSinkProgram();
  p.segments[0].name = "has space";
  EXPECT_EQ(verify(p), "segment 0 has an invalid name");
}

TEST(ProgramVerifier, LoadBounds) {
  // DRAM: the whole source tensor must be inside; exact fits pass.
  EXPECT_REFUSED("load.inp", F({"dram_addr", 0x10000 - 254}),
                 "instruction 0 (load.inp): DRAM read [0xff02, 0x10002) "
                 "exceeds the program's DRAM size 0x10000 (end = dram_addr + "
                 "nc*src_h*src_w*2)");
  EXPECT_ACCEPTED("load.inp", F({"dram_addr", 0x10000 - 256}));
  EXPECT_REFUSED("load.inp", F({"sram_addr", 16384 - 127}),
                 "instruction 0 (load.inp): INP write [16257, 16385) exceeds "
                 "the buffer depth 16384 of config 'small' (end = sram_addr + "
                 "(nc-1)*dst_plane + (ny-1)*dst_pitch + nx)");
  EXPECT_ACCEPTED("load.inp", F({"sram_addr", 16384 - 128}));
  EXPECT_REFUSED("load.inp", F({"dst_plane", 16384}),
                 "instruction 0 (load.inp): INP write [0, 16448) exceeds the "
                 "buffer depth 16384 of config 'small' (end = sram_addr + "
                 "(nc-1)*dst_plane + (ny-1)*dst_pitch + nx)");
  EXPECT_REFUSED("load.fcx", F({"sram_addr", 1024 - 127}),
                 "instruction 8 (load.fcx): FCX write [897, 1025) exceeds the "
                 "buffer depth 1024 of config 'small' (end = sram_addr + "
                 "(nc-1)*dst_plane + (ny-1)*dst_pitch + nx)");
  EXPECT_ACCEPTED("load.fcx", F({"sram_addr", 1024 - 128}));
  EXPECT_REFUSED("load.inp", F({"nc", 0}, {"count", 3}),
                 "instruction 0 (load.inp): count=3 must be 0 in the box form "
                 "of LOAD\n"
                 "instruction 0 (load.inp): nc=0 must be at least 1");
  EXPECT_REFUSED("load.inp", F({"ker_format", 1}),
                 "instruction 0 (load.inp): ker_format=1 must be 0 in the box "
                 "form of LOAD");
  // Linear forms: 6-byte spectral and 4-byte FC kernel entries, 4-byte
  // biases.
  EXPECT_REFUSED("load.ker", F({"dram_addr", 0x10000 - 143}),
                 "instruction 1 (load.ker): DRAM read [0xff71, 0x10001) "
                 "exceeds the program's DRAM size 0x10000 (end = dram_addr + "
                 "count*6)");
  EXPECT_ACCEPTED("load.ker", F({"dram_addr", 0x10000 - 144}));
  EXPECT_REFUSED("load.ker", F({"sram_addr", 16384 - 23}),
                 "instruction 1 (load.ker): KER write [16361, 16385) exceeds "
                 "the buffer depth 16384 of config 'small' (end = sram_addr + "
                 "count)");
  EXPECT_ACCEPTED("load.ker", F({"sram_addr", 16384 - 24}));
  Program p = kitchenSinkProgram();
  p.insns[7] = withOperand(p.insns[7], "dram_addr", 0x10000 - 31);
  EXPECT_EQ(verify(p), "instruction 7 (load.ker): DRAM read [0xffe1, 0x10001) "
                       "exceeds the program's DRAM size 0x10000 (end = "
                       "dram_addr + count*4)");
  p.insns[7] = withOperand(p.insns[7], "dram_addr", 0x10000 - 32);
  EXPECT_EQ(verify(p), "");
  EXPECT_REFUSED("load.bias", F({"sram_addr", 1024 - 3}),
                 "instruction 2 (load.bias): BIAS write [1021, 1025) exceeds "
                 "the buffer depth 1024 of config 'small' (end = sram_addr + "
                 "count)");
  EXPECT_REFUSED("load.bias", F({"dram_addr", 0x10000 - 15}),
                 "instruction 2 (load.bias): DRAM read [0xfff1, 0x10001) "
                 "exceeds the program's DRAM size 0x10000 (end = dram_addr + "
                 "count*4)");
  EXPECT_REFUSED("load.bias", F({"ker_format", 1}, {"ny", 2}),
                 "instruction 2 (load.bias): ny=2 must be 0 in the linear form "
                 "of LOAD\n"
                 "instruction 2 (load.bias): ker_format=1 must be 0 for "
                 "load.bias");
  EXPECT_REFUSED("load.ker", F({"count", 0}),
                 "instruction 1 (load.ker): count=0 must be at least 1");
  // Packed spectral entries take 5 bytes each.
  EXPECT_ACCEPTED("load.ker", F({"ker_format", 3}));
  EXPECT_REFUSED("load.ker",
                 F({"ker_format", 3}, {"count", (1 << 24) - 1},
                   {"sram_addr", 0}),
                 "instruction 1 (load.ker): DRAM read [0x1000, 0x5000ffb) "
                 "exceeds the program's DRAM size 0x10000 (end = dram_addr + "
                 "count*5)\n"
                 "instruction 1 (load.ker): KER write [0, 16777215) exceeds "
                 "the buffer depth 16384 of config 'small' (end = sram_addr + "
                 "count)");
  EXPECT_REFUSED("load.ker", F({"count", (1 << 24) - 1}, {"sram_addr", 0}),
                 "instruction 1 (load.ker): DRAM read [0x1000, 0x6000ffa) "
                 "exceeds the program's DRAM size 0x10000 (end = dram_addr + "
                 "count*6)\n"
                 "instruction 1 (load.ker): KER write [0, 16777215) exceeds "
                 "the buffer depth 16384 of config 'small' (end = sram_addr + "
                 "count)");
}

TEST(ProgramVerifier, StoreBounds) {
  EXPECT_REFUSED("store", F({"dram_addr", 0x10000 - 511}),
                 "instruction 6 (store): DRAM write [0xfe01, 0x10001) exceeds "
                 "the program's DRAM size 0x10000 (end = dram_addr + "
                 "nc*dst_h*dst_w*2)");
  EXPECT_ACCEPTED("store", F({"dram_addr", 0x10000 - 512}));
  EXPECT_REFUSED("store", F({"sram_addr", 16384 - 255}),
                 "instruction 6 (store): OUT read [16129, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = sram_addr + "
                 "(nc-1)*src_plane + (ny-1)*src_pitch + nx)");
  EXPECT_ACCEPTED("store", F({"sram_addr", 16384 - 256}));
  EXPECT_REFUSED("store", F({"dst_w", 0}),
                 "instruction 6 (store): dst_w=0 must be at least 1");
}

TEST(ProgramVerifier, FftBounds) {
  EXPECT_REFUSED("fft", F({"inp_addr", 16384 - 127}),
                 "instruction 3 (fft): INP read [16257, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = inp_addr + "
                 "(ntx-1)*tile + (nc-1)*inp_stride + (tile-1)*inp_pitch + "
                 "tile)");
  EXPECT_ACCEPTED("fft", F({"inp_addr", 16384 - 128}));
  // Only the tile x tile corner of each slot is read, with its own pitch.
  EXPECT_ACCEPTED("fft", F({"inp_addr", 16384 - 64 - 4 * 100 - 5}, {"tile", 5},
                           {"inp_pitch", 100}));
  EXPECT_REFUSED("fft",
                 F({"inp_addr", 16384 - 64 - 4 * 100 - 4}, {"tile", 5},
                   {"inp_pitch", 100}),
                 "instruction 3 (fft): INP read [15916, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = inp_addr + "
                 "(ntx-1)*tile + (nc-1)*inp_stride + (tile-1)*inp_pitch + "
                 "tile)");
  EXPECT_REFUSED("fft", F({"spec_addr", 2560 - 79}),
                 "instruction 3 (fft): SPEC write [2481, 2561) exceeds the "
                 "buffer depth 2560 of config 'small' (end = spec_addr + "
                 "(ntx-1)*spec_tile + nc*B)");
  // Several tiles along x: each tile further in INP and SPEC.
  EXPECT_ACCEPTED("fft", F({"inp_addr", 16384 - 128 - 16}, {"ntx", 3}));
  EXPECT_REFUSED("fft", F({"inp_addr", 16384 - 128 - 15}, {"ntx", 3}),
                 "instruction 3 (fft): INP read [16241, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = inp_addr + "
                 "(ntx-1)*tile + (nc-1)*inp_stride + (tile-1)*inp_pitch + "
                 "tile)");
  EXPECT_ACCEPTED("fft",
                  F({"spec_addr", 2560 - 240}, {"ntx", 3}, {"spec_tile", 80}));
  EXPECT_REFUSED("fft",
                 F({"spec_addr", 2560 - 239}, {"ntx", 3}, {"spec_tile", 80}),
                 "instruction 3 (fft): SPEC write [2321, 2561) exceeds the "
                 "buffer depth 2560 of config 'small' (end = spec_addr + "
                 "(ntx-1)*spec_tile + nc*B)");
  EXPECT_REFUSED("fft", F({"tile", 9}),
                 "instruction 3 (fft): tile=9 must be in [1, 8] (the config's "
                 "fft_size)");
  EXPECT_REFUSED("fft", F({"tile", 0}, {"nc", 0}),
                 "instruction 3 (fft): nc=0 must be at least 1\n"
                 "instruction 3 (fft): tile=0 must be in [1, 8] (the config's "
                 "fft_size)");
}

TEST(ProgramVerifier, SconvBounds) {
  EXPECT_REFUSED("sconv", F({"ker_addr", 16384 - 23}),
                 "instruction 4 (sconv): KER read [16361, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = ker_addr + "
                 "ncob*nnz*P_in*P_out)");
  EXPECT_ACCEPTED("sconv", F({"ker_addr", 16384 - 24}));
  EXPECT_REFUSED("sconv", F({"spec_addr", 2560 - 79}),
                 "instruction 4 (sconv): SPEC read [2481, 2561) exceeds the "
                 "buffer depth 2560 of config 'small' (end = spec_addr + "
                 "ntx*ncig*P_in*B)");
  EXPECT_ACCEPTED("sconv", F({"spec_addr", 2560 - 80}));
  EXPECT_ACCEPTED("sconv", F({"spec_addr", 2560 - 160}, {"ntx", 2}));
  EXPECT_REFUSED("sconv", F({"spec_addr", 2560 - 159}, {"ntx", 2}),
                 "instruction 4 (sconv): SPEC read [2401, 2561) exceeds the "
                 "buffer depth 2560 of config 'small' (end = spec_addr + "
                 "ntx*ncig*P_in*B)");
  EXPECT_REFUSED("sconv", F({"oacc_addr", 16384 - 255}),
                 "instruction 4 (sconv): OACC write [16129, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = oacc_addr + "
                 "nco*oacc_plane)");
  EXPECT_ACCEPTED("sconv", F({"oacc_addr", 16384 - 256}));
  EXPECT_REFUSED("sconv", F({"nco", 5}),
                 "instruction 4 (sconv): nco=5 must be in [1, 4] "
                 "(ncob*P_out)");
  EXPECT_REFUSED("sconv", F({"oacc_h", 9}),
                 "instruction 4 (sconv): oacc_h*oacc_pitch = 72 exceeds "
                 "oacc_plane=64");
  EXPECT_REFUSED("sconv", F({"nnz", 0}),
                 "instruction 4 (sconv): nnz=0 must be at least 1");
  // Products of 16-bit fields and lane counts cannot wrap around.
  EXPECT_EQ(
      verify(withFields("sconv", F({"ncob", 65535}, {"ncig", 255},
                                   {"nnz", 65535}, {"nco", 1}))),
      "instruction 4 (sconv): KER read [0, 34358689800) exceeds the "
      "buffer depth 16384 of config 'small' (end = ker_addr + "
      "ncob*nnz*P_in*P_out)\n"
      "instruction 4 (sconv): SPEC read [0, 20400) exceeds the buffer depth "
      "2560 of config 'small' (end = spec_addr + ntx*ncig*P_in*B)");
  EXPECT_REFUSED("sconv", F({"ncig", 256}),
                 "instruction 4 (sconv): ncig=256 must be in [1, 255] (groups "
                 "a KER entry index can name)");
}

TEST(ProgramVerifier, OutqBounds) {
  EXPECT_REFUSED("outq", F({"oacc_addr", 16384 - 255}, {"clear", 0}),
                 "instruction 5 (outq): OACC read [16129, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = oacc_addr + "
                 "(nc-1)*oacc_plane + (y0+(oh-1)*sy)*oacc_pitch + x0 + "
                 "(ow-1)*sx + 1)");
  EXPECT_ACCEPTED("outq", F({"oacc_addr", 16384 - 256}));
  // Clearing covers whole planes even when the read does not.
  EXPECT_REFUSED("outq", F({"oacc_addr", 16384 - 256}, {"oacc_plane", 65}),
                 "instruction 5 (outq): OACC read [16128, 16387) exceeds the "
                 "buffer depth 16384 of config 'small' (end = oacc_addr + "
                 "(nc-1)*oacc_plane + (y0+(oh-1)*sy)*oacc_pitch + x0 + "
                 "(ow-1)*sx + 1)\n"
                 "instruction 5 (outq): OACC clear [16128, 16388) exceeds the "
                 "buffer depth 16384 of config 'small' (end = oacc_addr + "
                 "nc*oacc_plane)");
  EXPECT_REFUSED("outq", F({"oacc_addr", 16384 - 319}, {"oacc_plane", 80}),
                 "instruction 5 (outq): OACC clear [16065, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = oacc_addr + "
                 "nc*oacc_plane)");
  EXPECT_ACCEPTED("outq", F({"oacc_addr", 16384 - 320}, {"oacc_plane", 80}));
  EXPECT_ACCEPTED("outq", F({"y0", 1}, {"x0", 1}, {"sy", 2}));
  EXPECT_REFUSED("outq", F({"bias_addr", 1024 - 3}),
                 "instruction 5 (outq): BIAS read [1021, 1025) exceeds the "
                 "buffer depth 1024 of config 'small' (end = bias_addr + nc)");
  EXPECT_REFUSED("outq", F({"out_addr", 16384 - 255}),
                 "instruction 5 (outq): OUT write [16129, 16385) exceeds the "
                 "buffer depth 16384 of config 'small' (end = out_addr + "
                 "nc*oh*ow)");
  EXPECT_REFUSED("outq", F({"clamp_lo", 1}, {"clamp_hi", 0}),
                 "instruction 5 (outq): clamp_lo=1 exceeds clamp_hi=0");
  EXPECT_REFUSED("outq", F({"sx", 0}),
                 "instruction 5 (outq): sx=0 must be at least 1");
  // Carried rows stay inside the plane and move only while it is cleared.
  EXPECT_ACCEPTED("outq", F({"keep_from", 6}, {"keep", 2}));
  EXPECT_REFUSED("outq", F({"keep_from", 7}, {"keep", 2}),
                 "instruction 5 (outq): (keep_from + keep)*oacc_pitch = 72 "
                 "exceeds oacc_plane=64");
  EXPECT_REFUSED("outq", F({"keep", 2}, {"clear", 0}),
                 "instruction 5 (outq): keep=2 needs clear=1 (rows move as the "
                 "plane is cleared)");
  // Rows kept for the other half land at the same place there.
  EXPECT_ACCEPTED("outq", F({"keep_from", 6}, {"keep", 2}, {"keep_swap", 1},
                            {"oacc_addr", 8192 - 256}, {"detach", 1}));
  EXPECT_ACCEPTED("outq", F({"keep_from", 6}, {"keep", 2}, {"keep_swap", 1},
                            {"oacc_addr", 16384 - 256}));
  EXPECT_REFUSED("outq",
                 F({"keep_from", 6}, {"keep", 2}, {"keep_swap", 1},
                   {"oacc_addr", 8192 - 255}),
                 "instruction 5 (outq): keep_swap=1 needs its planes in one "
                 "half of OACC, but [7937, 8193) (end = oacc_addr + "
                 "nc*oacc_plane) crosses 8192");
  EXPECT_REFUSED("outq", F({"keep_swap", 1}, {"clear", 0}),
                 "instruction 5 (outq): keep_swap=1 needs clear=1 (rows move "
                 "as the plane is cleared)");
}

TEST(ProgramVerifier, GemvBounds) {
  size_t g = kitchenSinkIndex("gemv");
  std::string at = "instruction " + std::to_string(g) + " (gemv): ";
  EXPECT_REFUSED("gemv", F({"ker_addr", 16384 - 7}),
                 at + "KER read [16377, 16385) exceeds the buffer depth 16384 "
                      "of config 'small' (end = ker_addr + "
                      "ceil(nrows/fc_lanes)*nnz*fc_lanes)");
  EXPECT_ACCEPTED("gemv", F({"ker_addr", 16384 - 8}));
  // 5 rows on 4 lanes take two row blocks.
  EXPECT_REFUSED("gemv", F({"ker_addr", 16384 - 15}, {"nrows", 5}),
                 at + "KER read [16369, 16385) exceeds the buffer depth 16384 "
                      "of config 'small' (end = ker_addr + "
                      "ceil(nrows/fc_lanes)*nnz*fc_lanes)");
  EXPECT_REFUSED("gemv", F({"acc_addr", 512 - 3}),
                 at + "FACC access [509, 513) exceeds the buffer depth 512 of "
                      "config 'small' (end = acc_addr + nrows)");
  EXPECT_REFUSED("gemv", F({"x_addr", 1024}),
                 at + "x_addr=1024 must be below the FCX depth 1024 of config "
                      "'small'");
  EXPECT_ACCEPTED("gemv", F({"x_addr", 1023}));
  EXPECT_REFUSED("gemv", F({"out_addr", 16384 - 3}),
                 at + "OUT write [16381, 16385) exceeds the buffer depth "
                      "16384 of config 'small' (end = out_addr + nrows)");
  EXPECT_ACCEPTED(
      "gemv", F({"last", 0}, {"out_addr", 16384 - 3}, {"bias_addr", 1024 - 3}));
  EXPECT_REFUSED("gemv", F({"bias_addr", 1024 - 3}),
                 at + "BIAS read [1021, 1025) exceeds the buffer depth 1024 "
                      "of config 'small' (end = bias_addr + nrows)");
  EXPECT_REFUSED("gemv", F({"nrows", 0}), at + "nrows=0 must be at least 1");
  EXPECT_REFUSED("gemv", F({"clamp_lo", 6}),
                 at + "clamp_lo=6 exceeds clamp_hi=5");
}

TEST(ProgramVerifier, VecBounds) {
  EXPECT_REFUSED("vec.maxpool", F({"a_addr", 16384 - 127}),
                 "instruction 9 (vec.maxpool): INP read [16257, 16385) "
                 "exceeds the buffer depth 16384 of config 'small' (end = "
                 "a_addr + nc*h*w)");
  EXPECT_ACCEPTED("vec.maxpool", F({"a_addr", 16384 - 128}));
  EXPECT_REFUSED("vec.maxpool", F({"out_addr", 16384 - 31}),
                 "instruction 9 (vec.maxpool): OUT write [16353, 16385) "
                 "exceeds the buffer depth 16384 of config 'small' (end = "
                 "out_addr + nc*oh*ow)");
  EXPECT_REFUSED("vec.maxpool", F({"oh", 5}),
                 "instruction 9 (vec.maxpool): the last window starts at row "
                 "(oh-1)*sy-pt = 8, outside the h=8 input rows");
  EXPECT_REFUSED("vec.avgpool", F({"ow", 6}),
                 "instruction 10 (vec.avgpool): the last window starts at "
                 "column (ow-1)*sx-pl = 9, outside the w=8 input columns");
  EXPECT_ACCEPTED("vec.avgpool", F({"ow", 5}));
  EXPECT_REFUSED("vec.avgpool", F({"pt", 3}),
                 "instruction 10 (vec.avgpool): pt=3 must be in [0, 2] (below "
                 "kh)");
  EXPECT_REFUSED("vec.maxpool", F({"b_addr", 1}, {"shift_b", 1}, {"kw", 0}),
                 "instruction 9 (vec.maxpool): kw=0 must be at least 1\n"
                 "instruction 9 (vec.maxpool): b_addr=1 must be 0 for a "
                 "pooling operation\n"
                 "instruction 9 (vec.maxpool): shift_b=1 must be 0 for a "
                 "pooling operation");
  EXPECT_REFUSED("vec.add", F({"b_addr", 16384 - 63}),
                 "instruction 11 (vec.add): INP read [16321, 16385) exceeds "
                 "the buffer depth 16384 of config 'small' (end = b_addr + "
                 "nc*h*w)");
  EXPECT_ACCEPTED("vec.add", F({"b_addr", 16384 - 64}));
  EXPECT_REFUSED("vec.add", F({"oh", 4}, {"kh", 1}),
                 "instruction 11 (vec.add): oh=4, ow=8 must equal h=8, w=8 "
                 "for vec.add\n"
                 "instruction 11 (vec.add): kh=1 must be 0 for vec.add");
  EXPECT_REFUSED("vec.req", F({"b_addr", 4}, {"include_pad", 1}),
                 "instruction 12 (vec.req): include_pad=1 must be 0 for "
                 "vec.req\n"
                 "instruction 12 (vec.req): b_addr=4 must be 0 for vec.req");
  EXPECT_REFUSED("vec.req", F({"out_addr", 16384 - 127}),
                 "instruction 12 (vec.req): OUT write [16257, 16385) exceeds "
                 "the buffer depth 16384 of config 'small' (end = out_addr + "
                 "nc*oh*ow)");
  EXPECT_REFUSED("vec.req", F({"h", 0}),
                 "instruction 12 (vec.req): h=0 must be at least 1\n"
                 "instruction 12 (vec.req): oh=8, ow=8 must equal h=0, w=8 "
                 "for vec.req");
}

TEST(ProgramVerifier, CapsTheNumberOfMessages) {
  Program p = kitchenSinkProgram();
  for (int i = 0; i < 30; ++i)
    p.insns.insert(p.insns.begin(), insn("load.ker", {{"count", 0}}));
  std::string e = verify(p);
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), int(kMaxVerifierErrors));
  EXPECT_NE(e.find("... and 10 more problems"), std::string::npos) << e;
}

/// Random field values that hit zero, small numbers, limits and noise.
int64_t randomValue(std::mt19937_64 &rng, const isa::Field &f) {
  int64_t lo = f.isSigned ? -(int64_t(1) << (f.width - 1)) : 0;
  int64_t hi = f.isSigned ? (int64_t(1) << (f.width - 1)) - 1
                          : int64_t((uint64_t(1) << f.width) - 1);
  int64_t v;
  switch (rng() % 8) {
  case 0:
  case 1:
    v = 0;
    break;
  case 2:
    v = 1;
    break;
  case 3:
  case 4:
    v = int64_t(rng() % 9);
    break;
  case 5:
    v = int64_t(rng() % 20000);
    break;
  case 6:
    v = f.isSigned ? -int64_t(rng() % 9) : int64_t(rng() % 300);
    break;
  default:
    v = lo + int64_t(rng() % uint64_t(hi - lo + 1));
  }
  return std::clamp(v, lo, hi);
}

TEST(ProgramVerifier, AcceptedInstructionsStayInBounds) {
  // Soundness against the oracle: whatever the verifier accepts, the
  // element-by-element enumeration of the ISA semantics keeps in bounds.
  std::mt19937_64 rng(2024);
  const NamedOverlayConfig &config = small();
  for (const InsnFormat &format : insnFormats()) {
    if (format.operands.empty()) // finish, nop: nothing to access
      continue;
    size_t accepted = 0, enumerated = 0;
    isa::Word valid =
        kitchenSinkProgram().insns[kitchenSinkIndex(format.mnemonic)];
    isa::setField(valid, isa::kPopPrev, 0);
    isa::setField(valid, isa::kPopNext, 0);
    isa::setField(valid, isa::kPushPrev, 0);
    isa::setField(valid, isa::kPushNext, 0);
    for (int trial = 0; trial < 20000; ++trial) {
      // Half the trials change one to three fields of a valid instruction,
      // half draw every field.
      isa::Word w = valid;
      if (trial % 2) {
        for (const NamedField &f : format.operands)
          isa::setField(w, f.field, randomValue(rng, f.field));
      } else {
        for (int k = 0, n = 1 + int(rng() % 3); k < n; ++k) {
          const NamedField &f = format.operands[rng() % format.operands.size()];
          isa::setField(w, f.field, randomValue(rng, f.field));
        }
      }
      ProgramBuilder b(config, 1 << 16);
      b.add(w).add("finish", {});
      llvm::Error e = verifyProgram(b.build(), config);
      if (e) {
        llvm::consumeError(std::move(e));
        continue;
      }
      ++accepted;
      auto fp = accessFootprint(w, config.config);
      if (!fp)
        continue;
      ++enumerated;
      ASSERT_EQ(outOfBounds(*fp, config.config, 1 << 16), "") << printInsn(w);
    }
    EXPECT_GT(enumerated, 1000u)
        << format.mnemonic.str() << " accepted " << accepted;
  }
}

} // namespace
