//===- FixedPoint.h - The compiler's int16 format rule ----------*- C++ -*-===//
//
// One definition of how spec2c picks a power-of-two format for a range, used
// by the quantiser (activations) and the overlay lowering (weights).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_FIXEDPOINT_H
#define SPEC2_SUPPORT_FIXEDPOINT_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace spec2 {

/// ceil(log2(v)) for v > 0 (negative below 1), 0 for v <= 0.
inline int64_t ceilLog2(double v) {
  return v <= 0 ? 0 : int64_t(std::ceil(std::log2(v)));
}

/// The finest format: ranges down to 2^(14 - kMaxFrac) ~ 1.4e-14 keep 14
/// significant bits (networks with random weights shrink their activations
/// block by block; torchvision's mobilenet_v2 ends near 1e-9, efficientnet_b0
/// near 1e-13). Shifts between formats stay within the ISA's 6-bit fields.
constexpr int64_t kMaxFrac = 60;

/// The smallest range the formats resolve to 14 bits: a floor for ranges
/// that are zero (or calibrated on inputs that never reach a layer).
inline double minFullRange() { return std::ldexp(1.0, int(14 - kMaxFrac)); }

/// Fraction bits f (real = q * 2^-f) that put `absmax` just below 2^14 in
/// int16, one bit of headroom; within [-8, kMaxFrac]; 14 for an all-zero
/// range.
inline int fracFor(double absmax) {
  if (!(absmax > 0))
    return 14;
  return int(
      std::max<int64_t>(-8, std::min<int64_t>(kMaxFrac, 14 - ceilLog2(absmax))));
}

} // namespace spec2

#endif // SPEC2_SUPPORT_FIXEDPOINT_H
