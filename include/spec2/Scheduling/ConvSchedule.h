//===- ConvSchedule.h - How a spectral conv layer runs on the overlay -*- C++
//-*-===//
//
// One description of a convolution's execution, used both to lower it and to
// choose how: the layer's geometry on the target, a tiling (output rows per
// strip, output- and input-channel blocks) that fits the on-chip buffers, and
// a dataflow, the loop order that decides what stays on chip:
//
//  - activation reuse: strips outside, output-channel blocks inside. A strip
//    of input is loaded once (when all input channels fit) and the kernels
//    stream past it, once per strip.
//  - kernel reuse: output-channel blocks outside, strips inside. A block's
//    kernels are loaded once (when all input channels fit) and the input
//    streams past them, once per output-channel block.
//
// walkConv() produces the instruction groups (loads, computes, stores) of
// either; a load whose source and destination equal the last load into that
// buffer is skipped, which is where the reuse comes from. The estimate runs
// the same walk through the cost model.
//
// A double-buffered tiling gives INP, KER and BIAS two halves each: every new
// load into a buffer goes to the half the buffer did not use last, so the
// loads of one group run while the group before computes (the lowering wires
// the groups as an overlapped run, ProgramBuilder::beginOverlap). Half the
// buffers for the strips and blocks, against loads hidden behind computes.
// OACC can be split too, so that each group's OUTQ runs beside the next
// group's SCONVs (OUTQ `detach`); the estimate follows the lowering's
// instruction order and shares the DDR between loads and stores, so that it
// ranks tilings as the cost model of the finished program would.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_CONVSCHEDULE_H
#define SPEC2_SCHEDULING_CONVSCHEDULE_H

#include "Spec2/Spec2Dialect.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/KerLayout.h"
#include "spec2/Scheduling/ProgramBuilder.h"
#include "spec2/overlay_config.h"

#include "mlir/IR/Builders.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Parallel.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spec2 {

// Dataflow, kDataflows, dataflowName and parseDataflow come with the
// spec2.dataflow attribute (dialects/Spec2/Spec2Dialect.h).

/// A conv layer's shape on the target.
struct ConvGeometry {
  int64_t cin, h, w, cout, ho, wo, kh, kw, pt, pl, sy, sx;
  int64_t n, tile, nnz, bins, pin, pout;
  /// Present slots per kernel pair (null: every pair holds nnz).
  std::shared_ptr<const PairCounts> counts;
  int64_t tilesX() const { return (w + tile - 1) / tile; }
  int64_t tilesY() const { return (h + tile - 1) / tile; }
  int64_t pitch() const { return tilesX() * tile; }
  int64_t wFull() const { return (wo - 1) * sx + 1; }

  static ConvGeometry of(spectral::Conv2DOp op, const OverlayConfig &cfg);
};

/// Output rows per strip, channel block sizes (multiples of the lanes),
/// whether INP, KER and BIAS are split into halves that alternate, whether
/// the overlap-and-add rows a strip spills below itself are carried to the
/// next strip in OACC (each tile row transformed once) rather than
/// recomputed by it, and whether OACC is split into halves that alternate
/// between output groups, so that each OUTQ (but the layer's last) runs
/// detached, beside the next group's SCONVs, and whether each strip's input
/// comes in one load of all its channels (which must fit INP, or a half of
/// it) rather than one per input-channel block.
struct ConvTiling {
  int64_t rows, coBlock, ciBlock;
  bool doubleBuffered = false;
  bool carry = false;
  bool oaccHalves = false;
  bool wholeInput = false;
};

/// The tiling as the spec2.tiling(s) attributes store it: [rows, co block,
/// ci block, double-buffered, carry, OACC halves, whole input], the last
/// four 0 or 1 (missing ones read as 0). Nothing for another length.
std::vector<int64_t> tilingArray(const ConvTiling &t);
std::optional<ConvTiling> tilingFromArray(llvm::ArrayRef<int64_t> a);
/// tilingArray(t) as an attribute.
mlir::DenseI64ArrayAttr tilingAttr(mlir::Builder &b, const ConvTiling &t);

/// True if every buffer the tiling needs fits the target's (carried rows
/// under activation reuse keep a plane per output-channel chunk).
bool fits(const ConvGeometry &g, const OverlayConfig &cfg, const ConvTiling &t,
          Dataflow flow);

/// SCONV steps on kernel chunk (coi, cii) of a tiling: its longest lane
/// (KerLayout.h).
int64_t chunkSteps(const ConvGeometry &g, const ConvTiling &t, int64_t coi,
                   int64_t cii);
/// KER entries of kernel chunk (coi, cii): its output blocks' steps on every
/// lane.
int64_t kerChunkEntries(const ConvGeometry &g, const ConvTiling &t, int64_t coi,
                        int64_t cii);

/// The KER format of the layer's kernel entries under tiling `t`: packed
/// (isa::kKerSpectralPacked, 5 bytes) when every SCONV addresses few enough
/// input-channel groups and bins for a one-byte index, else 6 bytes.
unsigned kerFormat(const ConvGeometry &g, const ConvTiling &t);

/// DRAM addresses the instructions refer to: the input activation, the
/// output activation, the weight segment (kernel chunks in (co block, ci
/// block) order, then the int32 biases at `biasOffset`).
struct ConvAddrs {
  int64_t in = 0, out = 0, seg = 0, biasOffset = 0;
};

/// The KER and BIAS halves a double-buffered layer ended on (`known`), as
/// walkConv reports them. Given those of the layer just before, a double-
/// buffered layer's first group loads its kernels and biases first, into
/// the other halves (InsnGroup::prefetch).
struct WeightHalves {
  bool known = false;
  bool kerUpper = false, biasUpper = false;
};

/// The fixed-point parameters of the layer's computes.
struct ConvShifts {
  int64_t fft = 0, acc = 0, ifft = 0, outq = 0, clampLo = -32768,
          clampHi = 32767;
};

/// Calls `emit` with every instruction group of the layer, in order. With
/// `halves`: in, those of the layer before (see WeightHalves); out, this
/// layer's.
void walkConv(const ConvGeometry &g, const OverlayConfig &cfg,
              const ConvTiling &t, Dataflow flow, const ConvAddrs &addrs,
              const ConvShifts &shifts,
              const std::function<void(InsnGroup &)> &emit,
              WeightHalves *halves = nullptr);

/// Modeled cost of a layer: DDR payload bytes by what they carry, and cycles
/// as the lowering's dependency tokens order the groups: one after another
/// (loads, then computes, then stores), or, double-buffered, each group's
/// loads waiting only for the computes two groups back and its computes for
/// the previous group's computes and stores.
struct ConvCost {
  int64_t inputBytes = 0, kernelBytes = 0, outputBytes = 0, cycles = 0;
  int64_t ddrBytes() const { return inputBytes + kernelBytes + outputBytes; }
};

/// The candidate `estimate` times fastest (then with the fewest DDR bytes;
/// the first of equals), the estimates run in parallel; nothing if there
/// are no candidates. Every tiling search ends here.
template <typename Tiling, typename Estimate>
std::optional<std::pair<Tiling, ConvCost>>
cheapestCandidate(std::vector<Tiling> candidates, Estimate estimate) {
  if (candidates.empty())
    return std::nullopt;
  std::vector<ConvCost> costs(candidates.size());
  llvm::parallelFor(0, candidates.size(),
                    [&](size_t i) { costs[i] = estimate(candidates[i]); });
  size_t best = 0;
  for (size_t i = 1; i < candidates.size(); ++i)
    if (std::make_pair(costs[i].cycles, costs[i].ddrBytes()) <
        std::make_pair(costs[best].cycles, costs[best].ddrBytes()))
      best = i;
  return std::make_pair(std::move(candidates[best]), costs[best]);
}
/// The cost model's figures for one layer's instructions alone in a program
/// (no FINISH: its time is until its last store ends, as its share of a
/// whole program's), DDR bytes split by the buffer they load or store.
ConvCost timeLayer(const std::vector<isa::Word> &words, const OverlayConfig &cfg);

ConvCost estimateConv(const ConvGeometry &g, const OverlayConfig &cfg,
                      const ConvTiling &t, Dataflow flow);

/// The fitting tiling with the fewest modeled cycles for `flow` (then the
/// fewest DDR bytes), or nothing if none fits.
std::optional<std::pair<ConvTiling, ConvCost>>
bestTiling(const ConvGeometry &g, const OverlayConfig &cfg, Dataflow flow);

/// A dataflow with its best tiling and that tiling's modeled cost.
struct DataflowOption {
  Dataflow flow;
  ConvTiling tiling;
  ConvCost cost;
};
struct DataflowChoice {
  DataflowOption chosen;
  std::vector<DataflowOption> options; ///< every dataflow that fits
};

/// The dataflow (`force`, or the one with the fewest modeled cycles, then
/// the fewest DDR bytes) and its best tiling; nothing if no tiling fits.
std::optional<DataflowChoice> chooseDataflow(const ConvGeometry &g,
                                             const OverlayConfig &cfg,
                                             std::optional<Dataflow> force);

} // namespace spec2

#endif
