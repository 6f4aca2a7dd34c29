// The spatial conv engine (spatial_conv.cpp) in the pieces the C-simulation's
// fast path (hw/sim/fast_engines.cpp) shares with it: the decoded fields of
// CONV and CONVQ, where a tap of an output pixel lies, and the engine's
// timing. Only the MAC loop differs between the fast path and this source.
#ifndef SPEC2_HW_SPATIAL_CONV_H
#define SPEC2_HW_SPATIAL_CONV_H

#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {

constexpr uint32_t kConvPout = kCfg.convPout;
constexpr uint32_t kConvPk = kCfg.convPk;
constexpr uint32_t kConvPx = kCfg.convPx;
/// Multipliers of one output lane: conv_pk x conv_px.
constexpr uint32_t kConvSlots = kConvPk * kConvPx;

/// The fields of one CONV word.
struct ConvFields {
  bool mid, first, chain;
  uint64_t srcAddr, pitch, vh, vw, kh, kw, sy, sx, dy, dx, oh, ow;
  int64_t y0, x0;
  uint64_t oaccAddr, nco, cpg, opg, kerAddr, nr;
  unsigned accShift;

  uint64_t pixels() const { return oh * ow; }
  uint64_t blocks() const { return (nco + kConvPout - 1) / kConvPout; }
  uint64_t reduction() const { return cpg * kh * kw; }
  /// Input channel 0 of output channel co's group in the source buffer
  /// (opg 0, which the verifier refuses, reads as group 0).
  uint64_t groupBase(uint64_t co) const {
    return srcAddr + (opg ? co / opg : 0) * cpg * vh * pitch;
  }
  /// The step count of the engine (isa::convSteps).
  uint64_t steps() const {
    return isa::convSteps(nco, pixels(), nr, chain, kConvPout, kConvPk,
                          kConvPx);
  }
};
ConvFields decodeConv(const isa::Word &insn);

/// Where reduction index r of output pixel `pixel` reads, relative to its
/// group's channel 0; false for a tap outside the tile (padding).
inline bool convTap(const ConvFields &f, uint64_t r, uint64_t pixel,
                    uint64_t &offset) {
  const uint64_t taps = f.kh * f.kw;
  const uint64_t ci = r / taps, ky = r / f.kw % f.kh, kx = r % f.kw;
  const uint64_t oy = pixel / f.ow, ox = pixel % f.ow;
  const int64_t ty = f.y0 + int64_t(oy * f.sy + ky * f.dy);
  const int64_t tx = f.x0 + int64_t(ox * f.sx + kx * f.dx);
  if (ty < 0 || tx < 0 || uint64_t(ty) >= f.vh || uint64_t(tx) >= f.vw)
    return false;
  offset = (ci * f.vh + uint64_t(ty)) * f.pitch + uint64_t(tx);
  return true;
}

/// The requantised contribution of one accumulator added into OACC.
inline int32_t convAccumulate(int32_t old, bool first, int64_t acc,
                              unsigned accShift) {
  const int64_t add = isa::sat32(isa::roundShift(isa::satAcc(acc), accShift));
  return isa::sat32((first ? 0 : int64_t(old)) + add);
}

/// A CONV's cycles and issued lane-steps on the engine.
inline void convTiming(const ConvFields &f, Activity &act) {
  const uint64_t steps = f.steps();
  act.macsIssued += steps * kCfg.convLanes();
  act.cycles = steps + kCfg.convDepth;
  act.engine[kEngConv] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_SPATIAL_CONV_H
