// A hand-assembled program for the spatial conv engine (LOAD INP/KER/BIAS,
// CONV, CONVQ to MID, a pruned depthwise CONV from MID in chain mode, CONVQ
// with the residual from MID, STORE) for any configuration, with its output
// computed by plain integer loops. Shared by the end-to-end, kernel and
// cost-model tests.
#ifndef SPEC2_TEST_HW_SPATIALPROGRAM_H
#define SPEC2_TEST_HW_SPATIALPROGRAM_H

#include "TestProgram.h"
#include "spec2/overlay_config.h"

#include <vector>

namespace spec2 {
namespace test {

struct SpatialProgram {
  std::vector<isa::Word> insns;
  DramImage dram{0};
  uint64_t outAddr = 0;
  unsigned channels = 0, h = 0, w = 0;
  /// What STORE writes to outAddr: [channels][h][w] int16.
  std::vector<int16_t> want;
  /// Padded taps of the two CONVs (their macsPadded).
  uint64_t padded = 0;
};

SpatialProgram buildSpatialProgram(const OverlayConfig &cfg, unsigned seed);

} // namespace test
} // namespace spec2

#endif
