//===- BankColoring.h - Conflict-free order of one lane group --*- C++ -*-===//
//
// The core of spec2-schedule-banks (lib/Transforms/ScheduleBanks.cpp): the
// order in which the output lanes sharing one input lane read their kernel
// entries, so that in each step every bank port serves at most one distinct
// address. Konig's edge colouring when no port holds more than nnz entries,
// greedy steps and pairwise swaps otherwise.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_BANKCOLORING_H
#define SPEC2_SCHEDULING_BANKCOLORING_H

#include "spec2/isa.h"
#include "spec2/overlay_config.h"

#include <cstdint>
#include <vector>

namespace spec2 {

/// The conflict-free read order of one lane group: the output lanes that
/// share one input lane of one output-channel block.
class LaneGroupColoring {
public:
  explicit LaneGroupColoring(const OverlayConfig &cfg)
      : banks(cfg.specBanks), ports(cfg.specPorts) {}

  /// `laneBins[l][j]`: address of entry j of output lane l, a KER entry
  /// index (isa::entryIndex: group and bin; a bare bin is group 0) or -1 for
  /// padding that reads nothing; all lanes have the same count. Returns
  /// `order[l][t]`: the entry lane l reads at step t, a permutation per
  /// lane.
  std::vector<std::vector<int64_t>>
  schedule(const std::vector<std::vector<int64_t>> &laneBins) const;

  /// Stall cycles of step t: the busiest bank's extra cycles, an address
  /// read by several lanes counting once (bank::laneStepCycles - 1, so -1
  /// when no lane reads).
  int64_t stepCost(const std::vector<std::vector<int64_t>> &laneBins,
                   const std::vector<std::vector<int64_t>> &order,
                   int64_t t) const;

private:
  bool colour(const std::vector<std::vector<int64_t>> &laneBins,
              std::vector<std::vector<int64_t>> &order) const;
  std::vector<std::vector<int64_t>>
  greedy(const std::vector<std::vector<int64_t>> &laneBins) const;
  void improve(const std::vector<std::vector<int64_t>> &laneBins,
               std::vector<std::vector<int64_t>> &order) const;

  /// The bank an address lives in: its bin's.
  int64_t bankOf(int64_t address) const {
    return int64_t(isa::entryBin(unsigned(address))) % banks;
  }

  uint32_t banks, ports;
  mutable std::vector<uint16_t> step; // stepCost's scratch
};

} // namespace spec2

#endif
