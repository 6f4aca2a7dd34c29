//===- EnergyModelTest.cpp - The energy estimate of small programs --------===//
#include "TargetTestUtils.h"

#include "spec2/CostModel/EnergyModel.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::cost;
using spec2::test::builtinConfig;
using spec2::test::insn;

namespace {

constexpr double kPj = 1e-12;
/// 45 nm to 16 nm, as worked out by hand in docs/energy.md.
constexpr double kScale = 0.3171468;

isa::Word loadInp(int64_t nc, int64_t ny, int64_t nx) {
  return insn("load.inp", {{"src_h", ny},
                           {"src_w", nx},
                           {"nc", nc},
                           {"ny", ny},
                           {"nx", nx},
                           {"dst_pitch", nx},
                           {"dst_plane", ny * nx}});
}

isa::Word sconv(int64_t nnz) {
  return insn("sconv", {{"nnz", nnz},
                        {"ncig", 1},
                        {"ncob", 1},
                        {"nco", 4},
                        {"oacc_pitch", 8},
                        {"oacc_plane", 64},
                        {"oacc_h", 8}});
}

/// The depthwise 3x3 (chain) and the pointwise (tree) CONVs of the
/// kitchen-sink program.
isa::Word depthwise() {
  return insn("conv", {{"src_pitch", 8}, {"y0", -1}, {"x0", -1}, {"vh", 8},
                       {"vw", 8},        {"kh", 3},  {"kw", 3},  {"sy", 1},
                       {"sx", 1},        {"dy", 1},  {"dx", 1},  {"oh", 8},
                       {"ow", 8},        {"nco", 2}, {"cpg", 1}, {"opg", 1},
                       {"nr", 9},        {"first", 1}, {"chain", 1}});
}
isa::Word pointwise() {
  return insn("conv", {{"src_buf", 1}, {"src_pitch", 8}, {"vh", 8},
                       {"vw", 8},      {"kh", 1},        {"kw", 1},
                       {"sy", 1},      {"sx", 1},        {"dy", 1},
                       {"dx", 1},      {"oh", 8},        {"ow", 8},
                       {"nco", 4},     {"cpg", 2},       {"opg", 4},
                       {"nr", 2},      {"first", 1}});
}

TEST(EnergyModel, CoefficientsFollowTheirDerivation) {
  // (16/45)(0.85/0.9)^2 = 0.3171468; the figures of docs/energy.md.
  EXPECT_NEAR(energy::kNodeScale, 0.3171468, 1e-6);
  EXPECT_NEAR(energy::kDspMacPj, (0.8 + 0.15) * kScale * 4, 1e-3);
  EXPECT_NEAR(energy::kBramPjPerBit, 0.15625 * kScale * 4, 1e-4);
  EXPECT_NEAR(energy::kUramPjPerBit, 0.3125 * kScale * 4, 1e-4);
  EXPECT_NEAR(energy::kDdrPjPerByte, 162.5, 1e-9);
  EXPECT_NEAR(energy::kU200StaticWatts, 4.780918, 1e-6);
}

// LOAD 8x8 -> VEC.REQ -> STORE 8x8 on `small`, counted by hand: the load
// writes 64 INP elements and moves 8 rows of 16 bytes, each in its own
// 64-byte beat (512 beat bytes); the REQ reads 64 INP and writes 64 OUT
// elements (64 element operations); the store reads 64 OUT elements and
// moves another 512 beat bytes. small has no URAM: 16-bit BRAM accesses.
TEST(EnergyModel, HandCountedProgram) {
  const NamedOverlayConfig &cfg = builtinConfig("small");
  const std::vector<isa::Word> prog = {
      loadInp(1, 8, 8),
      insn("vec.req", {{"nc", 1},
                       {"h", 8},
                       {"w", 8},
                       {"oh", 8},
                       {"ow", 8},
                       {"clamp_lo", -32768},
                       {"clamp_hi", 32767}}),
      insn("store", {{"dram_addr", 0x1000},
                     {"dst_h", 8},
                     {"dst_w", 8},
                     {"nc", 1},
                     {"ny", 8},
                     {"nx", 8},
                     {"src_pitch", 8},
                     {"src_plane", 64}}),
      insn("finish", {})};
  EnergyModel model(cfg.config);
  Activity a;
  for (const isa::Word &w : prog)
    a += model.activity(w);
  EXPECT_EQ(a.accesses[kMemInp], 128u);
  EXPECT_EQ(a.accesses[kMemOut], 128u);
  EXPECT_EQ(a.vecOps, 64u);
  EXPECT_EQ(a.ddrBeatBytes, 1024u);
  EXPECT_EQ(a.smacLaneSteps + a.fcMacs + a.convMacs + a.vecProducts, 0u);

  // 1000 cycles at 200 MHz = 5 us of the device's static power
  // (220 DSPs x 4.78 W / 6840).
  const Energy e = model.estimate(prog, 1000);
  EXPECT_NEAR(e.compute, 64 * 3 * 0.1 * kScale * 14 * kPj, 1e-16);
  EXPECT_NEAR(e.onchip, 256 * 16 * 0.15625 * kScale * 4 * kPj, 1e-16);
  EXPECT_NEAR(e.ddr, 1024 * 162.5 * kPj, 1e-15);
  EXPECT_NEAR(e.stat, 220 * 4.780918 / 6840 * 5e-6, 1e-12);
  EXPECT_NEAR(e.total(), e.compute + e.onchip + e.ddr + e.stat, 1e-18);
}

TEST(EnergyModel, UltraRamAccessesMoveWholeWords) {
  // u200 puts INP in UltraRAM (docs/isa.md §10) and KER in block RAM.
  EnergyModel model(builtinConfig("u200").config);
  EXPECT_NEAR(model.accessJoules(kMemInp), 72 * energy::kUramPjPerBit * kPj,
              1e-18);
  EXPECT_NEAR(model.accessJoules(kMemKer), 48 * energy::kBramPjPerBit * kPj,
              1e-18);
}

TEST(EnergyModel, MonotoneInDdrBytes) {
  EnergyModel model(builtinConfig("small").config);
  double prev = 0;
  for (int64_t rows : {4, 8, 16, 32}) {
    const Energy e = model.estimate({loadInp(2, rows, 16)}, 100);
    EXPECT_GT(e.ddr, prev) << rows << " rows";
    prev = e.ddr;
  }
}

TEST(EnergyModel, MonotoneInSparsity) {
  // Fewer kernel entries per lane (sparser kernels) is fewer lane-steps,
  // KER and SPEC reads; the IFFTs stay.
  EnergyModel model(builtinConfig("small").config);
  double prev = 1e9;
  for (int64_t nnz : {40, 20, 10, 5}) {
    const Activity a = model.activity(sconv(nnz));
    EXPECT_EQ(a.smacLaneSteps, uint64_t(nnz) * 8); // 2x4 lanes
    const double j = model.dynamic(a).total();
    EXPECT_LT(j, prev) << nnz << " entries";
    prev = j;
  }
  // The IFFT part: 4 live channels, 8x8 transforms of 64*3 butterflies and
  // 2*8*2*4 = 128 twiddle products.
  const Activity a = model.activity(sconv(5));
  EXPECT_EQ(a.ifftButterflies, 4u * 192);
  EXPECT_EQ(a.ifftProducts, 4u * 128);
}

TEST(EnergyModel, ConvCounted) {
  // small: 4 output lanes x 4 reduction lanes x 2 pixel lanes. Depthwise
  // chain: ceil(2/4) * ceil(64/8) * 9 = 72 steps; pointwise tree:
  // ceil(4/4) * ceil(64/2) * ceil(2/4) = 32 steps; 32 multipliers a step.
  EnergyModel model(builtinConfig("small").config);
  const Activity dw = model.activity(depthwise());
  EXPECT_EQ(dw.convMacs, 72u * 32);
  EXPECT_EQ(dw.accesses[kMemKer], 72u * 4);         // one entry per lane
  EXPECT_EQ(dw.accesses[kMemInp], 72u * 4 * 2 * 4); // own pixels per lane
  EXPECT_EQ(dw.accesses[kMemOacc], 2u * 64);
  const Activity pw = model.activity(pointwise());
  EXPECT_EQ(pw.convMacs, 32u * 32);
  EXPECT_EQ(pw.accesses[kMemKer], 32u * 4 * 4);
  EXPECT_EQ(pw.accesses[kMemMid], 32u * 4 * 2); // shared by the 4 lanes
  EXPECT_NEAR(model.dynamic(dw).compute, 72 * 32 * energy::kDspMacPj * kPj,
              1e-16);
  // CONVQ: its output stage, with the residual and the LUT.
  const Activity q = model.activity(insn(
      "convq", {{"nc", 2}, {"oh", 8}, {"ow", 8}, {"res", 1}, {"lut", 1}}));
  EXPECT_EQ(q.vecOps, 3u * 128);
  EXPECT_EQ(q.vecProducts, 128u);
  EXPECT_EQ(q.accesses[kMemBias], 2u + 2 * 128);
}

TEST(EnergyModel, SummaryFigures) {
  Energy e;
  e.compute = 1e-3;
  e.stat = 1e-3;
  const EnergySummary s = summarize(e, 1e-3, 4e9);
  EXPECT_NEAR(s.averageWatts, 2.0, 1e-12);
  EXPECT_NEAR(s.gopPerS, 4000.0, 1e-9);
  EXPECT_NEAR(s.gopPerSPerWatt, 2000.0, 1e-9);
}

} // namespace
