//===- CycleModel.h - Cycles per instruction and per program ----*- C++ -*-===//
//
// The analytical timing model of the overlay: cycles of each instruction from
// its fields (pipeline depths, initiation intervals, lanes), DDR transfer time
// from bytes in whole beats and the configured bandwidth, and the overlap of
// the load, compute and store modules through the dependency tokens. The
// compiler uses it for decisions and reports; the C-simulation keeps its own
// counters, and the tests check that the two agree.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_COSTMODEL_CYCLEMODEL_H
#define SPEC2_COSTMODEL_CYCLEMODEL_H

#include "spec2/engines.h"
#include "spec2/isa.h"
#include "spec2/overlay_config.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace spec2 {
namespace cost {

/// Modeled cost of one instruction.
struct InsnCost {
  uint64_t cycles = 0; ///< cycles its module is busy (DMA: latency + transfer)
  /// Compute: cycles after its start at which the SCONVs and FFTs that
  /// follow count it as finished (isa::ComputeIssue); <= cycles.
  uint64_t release = 0;
  uint64_t ddrCycles = 0; ///< DMA only: cycles the DDR is transferring
  uint64_t ddrBytes = 0;  ///< DMA only: payload bytes
  uint64_t ddrBeatBytes = 0;
  uint64_t engine[kNumEngines] = {}; ///< busy cycles per engine
  uint64_t macCycles = 0;  ///< SCONV: MAC steps + bank-conflict stalls
  uint64_t macSteps = 0;   ///< SCONV: lockstep steps
  uint64_t bankStalls = 0; ///< SCONV: stalls passed in
};

/// Bank-conflict stall cycles of one SCONV, per output-channel block.
using SconvStalls = std::vector<uint64_t>;

/// Whole-program estimate.
struct ProgramCost {
  uint64_t totalCycles = 0;
  uint64_t moduleBusy[3] = {};
  uint64_t engine[kNumEngines] = {};
  uint64_t ddrBytesRead = 0, ddrBytesWritten = 0, ddrBeatBytes = 0;
  uint64_t macCycles = 0, bankStalls = 0;
  std::vector<InsnCost> insns; ///< per instruction, in program order
  std::vector<uint64_t> start, end;
  bool deadlock = false;
};

class CycleModel {
public:
  explicit CycleModel(const OverlayConfig &config) : cfg(config) {}

  /// Cost of `insn`. An SCONV needs the bank-conflict stalls of each of its
  /// output-channel blocks (from the bank scheduler, or sconvStalls()); none
  /// means conflict-free.
  InsnCost cost(const isa::Word &insn,
                const SconvStalls *stalls = nullptr) const;

  /// Estimate for a program: per-instruction costs placed on the three
  /// modules' timelines as the dependency tokens and the shared DDR allow.
  /// `stallsOf(i)` gives the stalls of SCONV instruction i (may be empty).
  ProgramCost
  estimate(const std::vector<isa::Word> &insns,
           const std::function<SconvStalls(size_t)> &stallsOf = {}) const;

  /// Stall cycles of one lockstep step in which lane (pi, po) reads the
  /// KER entry index index[pi * pout + po] (isa::entryIndex) of an SCONV
  /// addressing `ncig` groups; padding and faulting entries read nothing.
  uint64_t stepStalls(const uint16_t *index, uint64_t ncig) const;

  /// Stalls per output-channel block of an SCONV whose kernel entries'
  /// indices are `kerIndex`, laid out as in KER starting at its ker_addr.
  SconvStalls sconvStalls(const isa::Word &sconv,
                          const uint16_t *kerIndex) const;

  /// DDR cycles to move `beatBytes` at the configured bandwidth.
  uint64_t ddrCycles(uint64_t beatBytes) const;

  const OverlayConfig &config() const { return cfg; }

  /// The `bytes` bytes of the program's DRAM image at `addr`, or null if
  /// the program put nothing there.
  using DramBytes =
      std::function<const uint8_t *(uint64_t addr, uint64_t bytes)>;

  /// Estimate for a whole program: KER's contents are followed through the
  /// program's kernel loads (their entries read through `dram`) so that
  /// every SCONV gets the bank-conflict stalls of the entries it reads.
  ProgramCost estimateProgram(const std::vector<isa::Word> &insns,
                              const DramBytes &dram) const;

private:
  InsnCost loadCost(const isa::Word &insn) const;
  InsnCost storeCost(const isa::Word &insn) const;
  InsnCost sconvCost(const isa::Word &insn, const SconvStalls *stalls) const;
  InsnCost outqCost(const isa::Word &insn) const;
  /// Cycles of one pass of `tiles` N x N tiles through an FFT unit.
  uint64_t fftPass(uint64_t tiles) const;
  /// The same through the IFFT unit (ifftPointsPerCycle).
  uint64_t ifftPass(uint64_t tiles) const;

  OverlayConfig cfg;
};

} // namespace cost
} // namespace spec2

#endif // SPEC2_COSTMODEL_CYCLEMODEL_H
