// One CONV test case for the `small` configuration: a convolution described
// the way a layer is (channels, kernel, stride, dilation, tile origin, groups,
// optionally pruned weight lists), the CONV word and buffer contents that run
// it, and a plain direct-convolution reference of OACC and of the engine's
// counters, written independently of hw/src/spatial_conv.cpp.
#ifndef SPEC2_TEST_HW_SPATIALCONVCASE_H
#define SPEC2_TEST_HW_SPATIALCONVCASE_H

#include "References.h"
#include "TestProgram.h"
#include "overlay.h"

#include <memory>
#include <random>
#include <vector>

namespace spec2 {
namespace test {

struct ConvCase {
  uint64_t cin, nco, vh, vw, kh, kw, oh, ow, cpg, opg;
  uint64_t sy = 1, sx = 1, dy = 1, dx = 1;
  int64_t y0 = 0, x0 = 0;
  bool chain = false, first = true, mid = false;
  unsigned accShift = 0;
  uint64_t srcAddr = 100, pitch, kerAddr = 50, oaccAddr = 30;
  std::vector<int16_t> input;   ///< [cin][vh][vw]
  std::vector<int16_t> weights; ///< [nco][cpg][kh][kw]
  /// Per block of conv_pout output channels, the reduction indices its list
  /// keeps (all of one length); empty: dense lists.
  std::vector<std::vector<uint16_t>> kept;

  /// cin -> cout channels, one group, no padding, stride 1.
  static ConvCase standard(uint64_t cin, uint64_t cout, uint64_t vh,
                           uint64_t vw, uint64_t kh, uint64_t kw) {
    ConvCase c;
    c.cin = c.cpg = cin;
    c.nco = c.opg = cout;
    c.vh = vh;
    c.vw = vw;
    c.kh = kh;
    c.kw = kw;
    c.oh = vh - kh + 1;
    c.ow = vw - kw + 1;
    c.pitch = vw + 3;
    return c;
  }

  /// Padding p on every side: the tile origin and the output size for the
  /// current stride and dilation.
  ConvCase &pad(int64_t p) {
    y0 = x0 = -p;
    oh = (vh + 2 * p - dy * (kh - 1) - 1) / sy + 1;
    ow = (vw + 2 * p - dx * (kw - 1) - 1) / sx + 1;
    return *this;
  }

  uint64_t lanes() const { return hw_small::kCfg.convPout; }
  uint64_t blocks() const { return (nco + lanes() - 1) / lanes(); }
  uint64_t reduction() const { return cpg * kh * kw; }
  uint64_t nr() const { return kept.empty() ? reduction() : kept[0].size(); }
  uint64_t oaccSize() const { return nco * oh * ow; }

  /// Random input in [-mag, mag] and weights, a fifth of them zero.
  void fill(std::mt19937 &rng, int mag) {
    std::uniform_int_distribution<int> v(-mag, mag), zero(0, 4);
    input.resize(cin * vh * vw);
    for (int16_t &x : input)
      x = int16_t(v(rng));
    weights.resize(nco * reduction());
    for (int16_t &w : weights)
      w = zero(rng) == 0 ? 0 : int16_t(v(rng));
  }

  /// The reduction index of entry j of block b.
  uint64_t index(uint64_t b, uint64_t j) const {
    return kept.empty() ? j : kept[b][j];
  }

  /// Writes the input tile (INP or MID) and the weight lists (KER).
  void place(hw_small::Buffers &buf) const {
    int16_t *src = mid ? buf.mid : buf.inp;
    for (uint64_t c = 0; c < cin; ++c)
      for (uint64_t y = 0; y < vh; ++y)
        for (uint64_t x = 0; x < vw; ++x)
          src[srcAddr + (c * vh + y) * pitch + x] =
              input[(c * vh + y) * vw + x];
    for (uint64_t b = 0; b < blocks(); ++b)
      for (uint64_t j = 0; j < nr(); ++j)
        for (uint64_t po = 0; po < lanes(); ++po) {
          const uint64_t co = b * lanes() + po, r = index(b, j);
          hw_small::KerEntry &e =
              buf.ker[kerAddr + (b * nr() + j) * lanes() + po];
          e.re = co < nco && r < reduction() ? weights[co * reduction() + r]
                                             : 0;
          e.im = 0;
          e.index = kept.empty() ? uint16_t(isa::kFcStepColumn) : uint16_t(r);
        }
  }

  Insn insn() const {
    using namespace isa::conv;
    return Insn(isa::kConv)
        .set(kSrcBuf, mid)
        .set(kSrcAddr, srcAddr)
        .set(kSrcPitch, pitch)
        .set(kY0, y0)
        .set(kX0, x0)
        .set(kVh, vh)
        .set(kVw, vw)
        .set(kKh, kh)
        .set(kKw, kw)
        .set(kSy, sy)
        .set(kSx, sx)
        .set(kDy, dy)
        .set(kDx, dx)
        .set(kOh, oh)
        .set(kOw, ow)
        .set(kOaccAddr, oaccAddr)
        .set(kNco, nco)
        .set(kCpg, cpg)
        .set(kOpg, opg)
        .set(kKerAddr, kerAddr)
        .set(kNr, nr())
        .set(kAccShift, accShift)
        .set(kFirst, first)
        .set(kChain, chain);
  }

  struct Want {
    std::vector<int32_t> oacc; ///< with first = 1
    uint64_t useful = 0, padded = 0;
  };
  /// Direct convolution over the kept taps, zero outside the tile.
  Want reference() const {
    Want w;
    w.oacc.resize(oaccSize());
    for (uint64_t co = 0; co < nco; ++co) {
      const uint64_t g = co / opg, b = co / lanes();
      for (uint64_t oy = 0; oy < oh; ++oy)
        for (uint64_t ox = 0; ox < ow; ++ox) {
          int64_t acc = 0;
          for (uint64_t j = 0; j < nr(); ++j) {
            const uint64_t r = index(b, j);
            const uint64_t ci = r / (kh * kw), ky = (r / kw) % kh, kx = r % kw;
            const int64_t y = y0 + int64_t(oy * sy + ky * dy);
            const int64_t x = x0 + int64_t(ox * sx + kx * dx);
            if (y < 0 || x < 0 || y >= int64_t(vh) || x >= int64_t(vw)) {
              ++w.padded;
              continue;
            }
            const int64_t wt = weights[co * reduction() + r];
            w.useful += wt != 0;
            acc += wt * input[((g * cpg + ci) * vh + uint64_t(y)) * vw +
                              uint64_t(x)];
          }
          w.oacc[(co * oh + oy) * ow + ox] = int32_t(ref::clamp(
              ref::roundShift(acc, accShift), INT32_MIN, INT32_MAX));
        }
    }
    return w;
  }
};

} // namespace test
} // namespace spec2

#endif // SPEC2_TEST_HW_SPATIALCONVCASE_H
