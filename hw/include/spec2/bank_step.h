// The cost of one lockstep step of the SCONV MAC lanes under SPEC bank
// conflicts (docs/isa.md sections 6.5 and 9): the one definition shared by
// the engine's timing (hw/src/spectral_conv.cpp), the cost model
// (lib/CostModel/CycleModel.cpp) and the bank scheduler
// (lib/Transforms/BankSchedule.cpp).
//
// Plain C++17 over isa.h only, so that Vitis HLS can synthesise the engine's
// use of it: fixed-size arrays, no heap, no STL. The HLS source instantiates
// it with the configuration's constants; the compiler passes the same values
// at run time.
#ifndef SPEC2_BANK_STEP_H
#define SPEC2_BANK_STEP_H

#include "spec2/isa.h"

#include <cstdint>

namespace spec2 {
namespace bank {

/// Most SPEC banks a configuration can have: one per bin a KER index names.
constexpr unsigned kMaxBanks = isa::kEntryBinMask + 1;
/// Bin and group limits that exclude no real entry (the bank scheduler's
/// addresses are all valid reads or kEntryNoRead).
constexpr unsigned kAnyBin = isa::kEntryBinMask + 1;
constexpr unsigned kAnyGroup = isa::kMaxSconvGroups;

/// Cycles the output lanes of one input lane need to read their SPEC words
/// in one step, 0 if none reads. Output lane po reads the KER entry index
/// `index[po]` (isa::entryIndex) for po < `lanes`; an index that is
/// kEntryNoRead, names a bin >= `bins` or a group >= `groups` reads nothing
/// (padding or a fault); lanes asking for the same index share one read. The
/// distinct reads of one bank (bin mod `banks`) are served `ports` a cycle,
/// so the step takes as long as its busiest bank needs. Requires
/// 1 <= banks <= MaxBanks and ports >= 1.
template <unsigned MaxBanks = kMaxBanks>
inline unsigned laneStepCycles(const uint16_t *index, unsigned lanes,
                               unsigned bins, unsigned groups, unsigned banks,
                               unsigned ports) {
  unsigned distinct[MaxBanks];
BANK_CLEAR:
  for (unsigned b = 0; b < banks; ++b)
    distinct[b] = 0;
  unsigned worst = 0;
BANK_LANES:
  for (unsigned po = 0; po < lanes; ++po) {
    const unsigned idx = index[po];
    if (idx == isa::kEntryNoRead || isa::entryBin(idx) >= bins ||
        isa::entryGroup(idx) >= groups)
      continue;
    bool shared = false;
    for (unsigned q = 0; q < po && !shared; ++q)
      shared = index[q] == idx;
    if (shared)
      continue;
    const unsigned n = ++distinct[isa::entryBin(idx) % banks];
    worst = n > worst ? n : worst;
  }
  return (worst + ports - 1) / ports;
}

/// Cycles one lockstep step of all P_in x P_out lanes takes: lane (pi, po)
/// reads `index[pi * pout + po]`; each input lane has its own spectrum
/// memory, so the step lasts as long as its slowest input lane, and at least
/// one cycle. The stall cycles of the step are this minus 1.
template <unsigned MaxBanks = kMaxBanks>
inline unsigned stepCycles(const uint16_t *index, unsigned pin, unsigned pout,
                           unsigned bins, unsigned groups, unsigned banks,
                           unsigned ports) {
  unsigned worst = 1;
BANK_INPUT_LANES:
  for (unsigned pi = 0; pi < pin; ++pi) {
    const unsigned c = laneStepCycles<MaxBanks>(index + pi * pout, pout, bins,
                                                groups, banks, ports);
    worst = c > worst ? c : worst;
  }
  return worst;
}

} // namespace bank
} // namespace spec2

#endif // SPEC2_BANK_STEP_H
