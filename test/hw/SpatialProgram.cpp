// See SpatialProgram.h. A 3 x 8 x 8 input; a dense 3x3 conv to 6 channels
// with ReLU, kept in MID; a depthwise 3x3 conv of those keeping 5 of its 9
// taps per output block (pruned), plus the first conv's output as residual.
#include "SpatialProgram.h"
#include "References.h"

#include <random>

namespace spec2 {
namespace test {
namespace {

constexpr unsigned kCin = 3, kC = 6, kH = 8, kW = 8, kTaps = 9;
constexpr unsigned kPlane = kH * kW;
constexpr unsigned kShift1 = 6, kShift2 = 5;
constexpr int kResShift = -1;

/// Padded-tap-aware direct 3x3 conv (pad 1) of one output pixel.
int64_t conv3x3(const std::vector<int16_t> &x, unsigned channel0,
                unsigned cpg, const std::vector<int16_t> &w,
                const std::vector<bool> &keep, unsigned oy, unsigned ox,
                uint64_t &padded) {
  int64_t acc = 0;
  for (unsigned r = 0; r < cpg * kTaps; ++r) {
    if (!keep[r])
      continue;
    const int y = int(oy) + int(r / 3 % 3) - 1, xx = int(ox) + int(r % 3) - 1;
    if (y < 0 || xx < 0 || y >= int(kH) || xx >= int(kW)) {
      ++padded;
      continue;
    }
    acc += int64_t(w[r]) * x[(channel0 + r / kTaps) * kPlane + y * kW + xx];
  }
  return acc;
}

Insn conv(bool mid, uint64_t ker, uint64_t nr, uint64_t cpg, uint64_t opg,
          bool chain) {
  using namespace isa::conv;
  return Insn(isa::kConv)
      .set(kSrcBuf, mid)
      .set(kSrcPitch, kW)
      .set(kY0, -1)
      .set(kX0, -1)
      .set(kVh, kH)
      .set(kVw, kW)
      .set(kKh, 3)
      .set(kKw, 3)
      .set(kSy, 1)
      .set(kSx, 1)
      .set(kDy, 1)
      .set(kDx, 1)
      .set(kOh, kH)
      .set(kOw, kW)
      .set(kNco, kC)
      .set(kCpg, cpg)
      .set(kOpg, opg)
      .set(kKerAddr, ker)
      .set(kNr, nr)
      .set(kFirst, 1)
      .set(kChain, chain);
}

Insn convq(uint64_t bias, unsigned shift, bool toMid, int64_t lo) {
  using namespace isa::convq;
  return Insn(isa::kConvq)
      .set(kNc, kC)
      .set(kOh, kH)
      .set(kOw, kW)
      .set(kBiasAddr, bias)
      .set(kShift, shift)
      .set(kDstBuf, toMid)
      .set(kClampLo, lo)
      .set(kClampHi, 32767);
}

} // namespace

SpatialProgram buildSpatialProgram(const OverlayConfig &cfg, unsigned seed) {
  const unsigned lanes = cfg.convPout, blocks = (kC + lanes - 1) / lanes;
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  std::vector<int16_t> x(kCin * kPlane), w1(kC * kCin * kTaps), w2(kC * kTaps);
  std::vector<int32_t> b1(kC), b2(kC);
  for (int16_t &v : x)
    v = int16_t(uniform(-500, 500));
  for (int16_t &v : w1)
    v = int16_t(uniform(-60, 60));
  for (int16_t &v : w2)
    v = int16_t(uniform(-90, 90));
  for (unsigned c = 0; c < kC; ++c) {
    b1[c] = uniform(-20000, 20000);
    b2[c] = uniform(-20000, 20000);
  }
  // Each output block of the depthwise conv keeps 5 of the 9 taps.
  std::vector<std::vector<uint16_t>> kept(blocks);
  for (unsigned b = 0; b < blocks; ++b)
    for (uint16_t r = 0; r < kTaps; ++r)
      if (kept[b].size() < 5 && (uniform(0, 1) || kTaps - r <= 5 - kept[b].size()))
        kept[b].push_back(r);
  const unsigned nr1 = kCin * kTaps, nr2 = 5;

  SpatialProgram p;
  p.channels = kC;
  p.h = kH;
  p.w = kW;
  p.dram = DramImage(1 << 15);
  const uint64_t xAt = 0, k1At = 1024, k2At = 4096, bAt = 8192;
  p.outAddr = 16384;
  for (unsigned i = 0; i < x.size(); ++i)
    p.dram.putI16(xAt + 2 * i, x[i]);
  // Dense lists: one value per lane and entry (kKerFcDense); pruned lists:
  // {value, index} (kKerFc). Lanes past the channels hold zeros.
  for (unsigned b = 0; b < blocks; ++b)
    for (unsigned po = 0; po < lanes; ++po) {
      const unsigned co = b * lanes + po;
      for (unsigned j = 0; j < nr1; ++j)
        p.dram.putI16(k1At + 2 * ((b * nr1 + j) * lanes + po),
                      co < kC ? w1[co * nr1 + j] : 0);
      for (unsigned j = 0; j < nr2; ++j)
        p.dram.putFc(k2At + 4 * ((b * nr2 + j) * lanes + po),
                     co < kC ? w2[co * kTaps + kept[b][j]] : 0, kept[b][j]);
    }
  for (unsigned c = 0; c < kC; ++c) {
    p.dram.putI32(bAt + 4 * c, b1[c]);
    p.dram.putI32(bAt + 4 * (8 + c), b2[c]);
  }
  const uint64_t ker1 = blocks * nr1 * lanes, ker2 = blocks * nr2 * lanes;
  Insn second = conv(true, ker1, nr2, 1, 1, true);
  Insn residual = convq(8, kShift2, false, -32768);
  residual.set(isa::convq::kRes, 1)
      .set(isa::convq::kResBuf, 1)
      .set(isa::convq::kResPitch, kW)
      .set(isa::convq::kResPlane, kPlane)
      .set(isa::convq::kResShift, kResShift);
  p.insns = {
      loadBox(isa::kBufInp, xAt, 0, kH, kW, 0, 0, kCin, kH, kW, kW, kPlane),
      loadLinear(isa::kBufKer, k1At, 0, ker1, isa::kKerFcDense),
      loadLinear(isa::kBufKer, k2At, ker1, ker2, isa::kKerFc),
      loadLinear(isa::kBufBias, bAt, 0, 16).pushNext(),
      conv(false, 0, nr1, kCin, kC, false).popPrev(),
      convq(0, kShift1, true, 0),
      second,
      residual.pushNext(),
      storeBox(p.outAddr, 0, kH, kW, 0, 0, kC, kH, kW, kW, kPlane)
          .popPrev()
          .pushPrev(),
      finish().popNext()};

  // The reference: the same arithmetic in plain loops.
  std::vector<int16_t> mid(kC * kPlane);
  const std::vector<bool> all(nr1, true);
  for (unsigned c = 0; c < kC; ++c)
    for (unsigned i = 0; i < kPlane; ++i) {
      std::vector<int16_t> wc(w1.begin() + c * nr1, w1.begin() + (c + 1) * nr1);
      const int64_t acc = conv3x3(x, 0, kCin, wc, all, i / kW, i % kW, p.padded);
      mid[c * kPlane + i] = int16_t(ref::clamp(
          ref::clamp(ref::roundShift(acc + b1[c], kShift1), -32768, 32767), 0,
          32767));
    }
  p.want.resize(kC * kPlane);
  for (unsigned c = 0; c < kC; ++c) {
    std::vector<bool> keep(kTaps, false);
    for (uint16_t r : kept[c / lanes])
      keep[r] = true;
    std::vector<int16_t> wc(w2.begin() + c * kTaps,
                            w2.begin() + (c + 1) * kTaps);
    for (unsigned i = 0; i < kPlane; ++i) {
      const int64_t acc = conv3x3(mid, c, 1, wc, keep, i / kW, i % kW, p.padded);
      const int64_t v = ref::clamp(acc, INT32_MIN, INT32_MAX) + b2[c] +
                        ref::roundShift(mid[c * kPlane + i], unsigned(-kResShift));
      p.want[c * kPlane + i] =
          int16_t(ref::clamp(ref::roundShift(v, kShift2), -32768, 32767));
    }
  }
  return p;
}

} // namespace test
} // namespace spec2
