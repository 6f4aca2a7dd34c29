//===- ResourceModel.h - DSP and on-chip memory use of a config -*- C++ -*-===//
//
// How many DSP slices, block RAMs, UltraRAMs and LUT-RAM bytes an overlay
// configuration needs, unit by unit, and whether it fits its device. The
// rules (DSPs per complex MAC, BRAM/URAM mapping of each banked buffer) are
// written out in docs/isa.md ("Resources").
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_COSTMODEL_RESOURCEMODEL_H
#define SPEC2_COSTMODEL_RESOURCEMODEL_H

#include "spec2/overlay_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spec2 {
namespace cost {

/// Bytes of one 18 Kb block RAM and one 288 Kb UltraRAM.
constexpr uint64_t kBram18Bytes = 18 * 1024 / 8;
constexpr uint64_t kUramBytes = 288 * 1024 / 8;

/// One unit's share.
struct UnitResources {
  std::string name;
  uint64_t dsp = 0;
  uint64_t bram18 = 0;
  uint64_t uram = 0;
  uint64_t lutramBytes = 0;  ///< small per-lane memories in distributed RAM
  uint64_t registerBits = 0; ///< accumulators and operand registers (FFs)
  uint64_t payloadBytes = 0; ///< bytes the unit actually stores
  /// A memory whose banks could also sit in URAM: the URAMs that would take.
  uint64_t uramAlternative = 0;
};

struct Resources {
  std::vector<UnitResources> units;
  uint64_t dsp = 0, bram18 = 0, uram = 0, lutramBytes = 0, registerBits = 0;

  /// Block-RAM + UltraRAM bytes the design occupies (whole blocks).
  uint64_t onchipBytesUsed() const {
    return bram18 * kBram18Bytes + uram * kUramBytes;
  }
  /// What the device offers.
  static uint64_t onchipBytesAvailable(const OverlayConfig &c) {
    return uint64_t(c.deviceBram18) * kBram18Bytes +
           uint64_t(c.deviceUram) * kUramBytes;
  }
  /// Empty when it fits; otherwise says what does not.
  std::string checkFits(const OverlayConfig &c) const;
};

/// DSPs of one complex multiply-accumulate lane (four real products; the
/// accumulation uses the DSP post-adders).
constexpr uint64_t kDspPerComplexMac = 4;
/// DSPs of one multiplier of the spatial conv engine: one int16 x int16
/// product per DSP48 (its adder tree is in LUTs).
constexpr uint64_t kDspPerConvMultiplier = 1;

Resources estimateResources(const OverlayConfig &config);

} // namespace cost
} // namespace spec2

#endif // SPEC2_COSTMODEL_RESOURCEMODEL_H
