// The spatial conv engine (CONV, CONVQ; `small` config: 4 output lanes of
// 4 x 2 multipliers) against a plain direct convolution written here, bit
// for bit, with its counters: useful MACs, padded taps, steps.
#include "SpatialConvCase.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::hw_small;
using spec2::test::ConvCase;
using spec2::test::Insn;

namespace {

struct SpatialEngineTest : ::testing::Test {
  std::unique_ptr<Buffers> buf{new Buffers()};
  std::mt19937 rng{4321};
};

/// Runs `c` on the engine and checks OACC, the counters and the cycles
/// against the reference, which it returns.
ConvCase::Want checkCase(SpatialEngineTest &t, ConvCase c) {
  c.fill(t.rng, 1000);
  c.place(*t.buf);
  const ConvCase::Want want = c.reference();
  Activity act;
  execConv(c.insn(), *t.buf, act);
  EXPECT_EQ(act.faults, 0u);
  for (uint64_t i = 0; i < want.oacc.size(); ++i)
    if (t.buf->oacc[c.oaccAddr + i] != want.oacc[i]) {
      ADD_FAILURE() << "OACC " << i << ": " << t.buf->oacc[c.oaccAddr + i]
                    << ", want " << want.oacc[i];
      break;
    }
  EXPECT_EQ(act.macsUseful, want.useful);
  EXPECT_EQ(act.macsPadded, want.padded);
  const uint64_t steps = isa::convSteps(c.nco, c.oh * c.ow, c.nr(), c.chain,
                                        kCfg.convPout, kCfg.convPk,
                                        kCfg.convPx);
  EXPECT_EQ(act.macsIssued, steps * kCfg.convLanes());
  EXPECT_EQ(act.cycles, steps + kCfg.convDepth);
  EXPECT_EQ(act.engine[kEngConv], act.cycles);
  return want;
}

} // namespace

TEST_F(SpatialEngineTest, Standard3x3WithPadding) {
  // 3 -> 6 channels (two blocks, the second half full), pad 1 all round.
  ConvCase c = ConvCase::standard(3, 6, 7, 7, 3, 3);
  c.pad(1);
  // 7x7 border pixels read padding: 24 of them 3 taps, 4 corners 5.
  EXPECT_EQ(checkCase(*this, c).padded, 6u * 3 * (20 * 3 + 4 * 5));
}

TEST_F(SpatialEngineTest, Pointwise) {
  checkCase(*this, ConvCase::standard(8, 5, 5, 6, 1, 1));
}

TEST_F(SpatialEngineTest, GroupedWithGroupsSpanningLaneBlocks) {
  // 3 groups of 2 input and 3 output channels: blocks of 4 lanes hold
  // channels of two groups each.
  ConvCase c = ConvCase::standard(6, 9, 6, 6, 3, 3);
  c.cpg = 2;
  c.opg = 3;
  c.pad(1);
  checkCase(*this, c);
}

TEST_F(SpatialEngineTest, DepthwiseChannelMultiplierTwoInChainMode) {
  for (bool chain : {false, true}) {
    ConvCase c = ConvCase::standard(5, 10, 6, 7, 3, 3);
    c.cpg = 1;
    c.opg = 2;
    c.pad(1);
    c.chain = chain;
    checkCase(*this, c);
  }
}

TEST_F(SpatialEngineTest, StridesTwoAndFour) {
  for (unsigned s : {2u, 4u}) {
    ConvCase c = ConvCase::standard(2, 4, 13, 12, 3, 3);
    c.sy = c.sx = s;
    c.pad(1);
    checkCase(*this, c);
  }
}

TEST_F(SpatialEngineTest, DilationTwo) {
  ConvCase c = ConvCase::standard(2, 3, 9, 9, 3, 3);
  c.dy = c.dx = 2;
  c.pad(2);
  checkCase(*this, c);
}

TEST_F(SpatialEngineTest, ElevenByElevenKernelStrideFour) {
  // AlexNet's first layer, shrunk: pad 2, stride 4.
  ConvCase c = ConvCase::standard(3, 4, 23, 23, 11, 11);
  c.sy = c.sx = 4;
  c.pad(2);
  checkCase(*this, c);
}

TEST_F(SpatialEngineTest, PrunedListsWithExplicitIndices) {
  ConvCase c = ConvCase::standard(4, 7, 6, 6, 3, 3);
  c.pad(1);
  // Every block keeps its own reduction indices (a third of 36).
  std::uniform_int_distribution<int> keep(0, 2);
  c.kept.assign(c.blocks(), {});
  for (auto &list : c.kept)
    for (uint64_t r = 0; r < c.reduction(); ++r)
      if (keep(rng) == 0)
        list.push_back(uint16_t(r));
  c.kept[1].resize(c.kept[0].size()); // equal lengths: one nr
  for (uint64_t r = 0; c.kept[1].size() > 0 && r < c.kept[1].size(); ++r)
    c.kept[1][r] = uint16_t(c.reduction() - 1 - 2 * r);
  checkCase(*this, c);
}

TEST_F(SpatialEngineTest, TreeAndChainGiveTheSameOacc) {
  ConvCase c = ConvCase::standard(3, 6, 7, 9, 3, 3);
  c.pad(1);
  c.fill(rng, 30000);
  c.place(*buf);
  Activity tree, chain;
  execConv(c.insn(), *buf, tree);
  std::vector<int32_t> first(buf->oacc, buf->oacc + c.oaccSize());
  c.chain = true;
  execConv(c.insn(), *buf, chain);
  EXPECT_EQ(std::vector<int32_t>(buf->oacc, buf->oacc + c.oaccSize()), first);
  EXPECT_EQ(tree.macsUseful, chain.macsUseful);
  EXPECT_EQ(tree.macsPadded, chain.macsPadded);
  // 63 pixels, 27 entries: tree 32 x 7 steps a block, chain 8 x 27.
  EXPECT_EQ(tree.cycles - kCfg.convDepth, 2u * 32 * 7);
  EXPECT_EQ(chain.cycles - kCfg.convDepth, 2u * 8 * 27);
}

TEST_F(SpatialEngineTest, AccumulatesWithoutFirst) {
  ConvCase c = ConvCase::standard(2, 3, 5, 5, 3, 3);
  c.fill(rng, 1000);
  c.place(*buf);
  const ConvCase::Want want = c.reference();
  for (uint64_t i = 0; i < c.oaccSize(); ++i)
    buf->oacc[c.oaccAddr + i] = int32_t(i * 7 - 100);
  c.first = false;
  Activity act;
  execConv(c.insn(), *buf, act);
  for (uint64_t i = 0; i < c.oaccSize(); ++i)
    ASSERT_EQ(buf->oacc[c.oaccAddr + i], want.oacc[i] + int32_t(i * 7 - 100));
}

TEST_F(SpatialEngineTest, AccShiftRoundsAndSaturates) {
  // One tap, one channel: OACC = sat32(round(w*x >> s)) (+ old).
  ConvCase c = ConvCase::standard(1, 1, 1, 2, 1, 1);
  c.weights = {3};
  c.input = {5, -5}; // 15 and -15
  c.accShift = 1;    // 7.5 -> 8, -7.5 -> -7 (ties towards +infinity)
  c.place(*buf);
  Activity act;
  execConv(c.insn(), *buf, act);
  EXPECT_EQ(buf->oacc[c.oaccAddr], 8);
  EXPECT_EQ(buf->oacc[c.oaccAddr + 1], -7);
  // Adding to an OACC near the int32 bound saturates.
  c.weights = {32767};
  c.input = {32767, -32768};
  c.accShift = 0;
  c.first = false;
  c.place(*buf);
  buf->oacc[c.oaccAddr] = 2147483000;
  buf->oacc[c.oaccAddr + 1] = -2147483000;
  execConv(c.insn(), *buf, act);
  EXPECT_EQ(buf->oacc[c.oaccAddr], 2147483647);
  EXPECT_EQ(buf->oacc[c.oaccAddr + 1], -2147483647 - 1);
}

TEST_F(SpatialEngineTest, ReadsMidAndCountsFaults) {
  ConvCase c = ConvCase::standard(2, 4, 5, 5, 3, 3);
  c.pad(1);
  c.mid = true;
  checkCase(*this, c);
  // An index past cpg*kh*kw faults once per lane-pixel it would feed.
  c.kept.assign(c.blocks(), {0, uint16_t(c.reduction())});
  c.fill(rng, 1000);
  c.place(*buf);
  Activity act;
  execConv(c.insn(), *buf, act);
  EXPECT_EQ(act.faults, 4u * 25);
}

namespace {

Insn convqInsn(uint64_t oacc, uint64_t nc, uint64_t oh, uint64_t ow,
               uint64_t bias, unsigned shift, bool toMid, uint64_t out,
               int64_t lo = -32768, int64_t hi = 32767) {
  using namespace isa::convq;
  return Insn(isa::kConvq)
      .set(kOaccAddr, oacc)
      .set(kNc, nc)
      .set(kOh, oh)
      .set(kOw, ow)
      .set(kBiasAddr, bias)
      .set(kShift, shift)
      .set(kDstBuf, toMid)
      .set(kOutAddr, out)
      .set(kClampLo, lo)
      .set(kClampHi, hi);
}

/// The plain reference of CONVQ before the LUT, for element i of channel
/// c whose residual is r.
int64_t refRequant(int64_t oacc, int64_t bias, bool res, int64_t r,
                   int resShift, unsigned shift) {
  int64_t v = oacc + bias;
  if (res)
    v += resShift >= 0 ? r * (int64_t(1) << resShift)
                       : ref::roundShift(r, unsigned(-resShift));
  return ref::clamp(ref::roundShift(v, shift), -32768, 32767);
}

} // namespace

TEST_F(SpatialEngineTest, ConvqBiasResidualClampToOutAndMid) {
  const unsigned nc = 3, oh = 4, ow = 5, n = nc * oh * ow;
  std::uniform_int_distribution<int> big(-3000000, 3000000), x(-32768, 32767);
  for (unsigned i = 0; i < n; ++i)
    buf->oacc[64 + i] = big(rng);
  for (unsigned c = 0; c < nc; ++c)
    buf->bias[10 + c] = big(rng);
  // The residual: planes of 40 elements, rows of pitch 8, in INP or MID.
  for (unsigned i = 0; i < nc * 40; ++i)
    buf->inp[500 + i] = buf->mid[700 + i] = int16_t(x(rng));
  for (int resShift : {0, 3, -2, -5})
    for (bool toMid : {false, true})
      for (bool resMid : {false, true}) {
        Insn w = convqInsn(64, nc, oh, ow, 10, 7, toMid, 40, -20000, 25000);
        w.set(isa::convq::kRes, 1)
            .set(isa::convq::kResBuf, resMid)
            .set(isa::convq::kResAddr, resMid ? 700 : 500)
            .set(isa::convq::kResPitch, 8)
            .set(isa::convq::kResPlane, 40)
            .set(isa::convq::kResShift, resShift);
        Activity act;
        execConvq(w, *buf, act);
        EXPECT_EQ(act.faults, 0u);
        EXPECT_EQ(act.cycles, (n + kCfg.vecLanes - 1) / kCfg.vecLanes +
                                  kCfg.vecDepth);
        EXPECT_EQ(act.engine[kEngOutq], act.cycles);
        const int16_t *dst = toMid ? buf->mid : buf->out;
        for (unsigned c = 0; c < nc; ++c)
          for (unsigned y = 0; y < oh; ++y)
            for (unsigned xx = 0; xx < ow; ++xx) {
              const unsigned i = (c * oh + y) * ow + xx;
              const int64_t r = buf->inp[500 + c * 40 + y * 8 + xx];
              const int64_t want =
                  ref::clamp(refRequant(buf->oacc[64 + i], buf->bias[10 + c],
                                        true, r, resShift, 7),
                             -20000, 25000);
              ASSERT_EQ(dst[40 + i], want)
                  << "shift " << resShift << " i " << i;
            }
      }
}

TEST_F(SpatialEngineTest, ConvqLutAfterRequantising) {
  const unsigned nc = 2, oh = 3, ow = 7, n = nc * oh * ow;
  std::uniform_int_distribution<int> big(-9000000, 9000000);
  for (unsigned i = 0; i < n; ++i)
    buf->oacc[i] = big(rng);
  buf->bias[0] = 1234;
  buf->bias[1] = -4321;
  // A table with steep segments, so that interpolation and the result
  // shift both matter: T[k] = (k - 128)^2 * 37 - 300000.
  for (unsigned k = 0; k < isa::kLutEntries; ++k)
    buf->bias[100 + k] = int32_t((int(k) - 128) * (int(k) - 128) * 37 - 300000);
  Insn w = convqInsn(0, nc, oh, ow, 0, 8, false, 0, -30000, 30000);
  w.set(isa::convq::kLut, 1)
      .set(isa::convq::kLutAddr, 100)
      .set(isa::convq::kLutShift, 3);
  Activity act;
  execConvq(w, *buf, act);
  EXPECT_EQ(act.faults, 0u);
  for (unsigned i = 0; i < n; ++i) {
    const int64_t a = refRequant(buf->oacc[i], buf->bias[i / (oh * ow)], false,
                                 0, 0, 8);
    const int64_t u = a + 32768, k = u >> 8, f = u & 255;
    const int64_t t0 = buf->bias[100 + k], t1 = buf->bias[100 + k + 1];
    const int64_t l = t0 + ref::roundShift((t1 - t0) * f, 8);
    const int64_t want =
        ref::clamp(ref::clamp(ref::roundShift(l, 3), -32768, 32767), -30000,
                   30000);
    ASSERT_EQ(buf->out[i], want) << "i " << i;
  }
}
