//===- ConvSearch.cpp - Cost of a conv walk; the tiling search ------------===//
//
// estimateConv builds walkConv's groups into a program with the lowering's
// ProgramBuilder and times it with the cost model; bestTiling and
// chooseDataflow search the tilings and loop orders with it
// (ConvSchedule.h).
//
//===----------------------------------------------------------------------===//
#include "spec2/Scheduling/ConvSchedule.h"

#include "spec2/CostModel/CycleModel.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace spec2 {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t alignTo(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

} // namespace

ConvCost timeLayer(const std::vector<isa::Word> &words,
                   const OverlayConfig &cfg) {
  const cost::ProgramCost pc = cost::CycleModel(cfg).estimate(words);
  ConvCost c;
  for (size_t i = 0; i < words.size(); ++i) {
    const unsigned op = unsigned(isa::getBits(words[i], isa::kOpcode));
    const int64_t bytes = int64_t(pc.insns[i].ddrBytes);
    if (op == isa::kStore)
      c.outputBytes += bytes;
    else if (op == isa::kLoad)
      (isa::getBits(words[i], isa::load::kBuffer) == isa::kBufInp
           ? c.inputBytes
           : c.kernelBytes) += bytes;
  }
  c.cycles = int64_t(pc.totalCycles);
  return c;
}

ConvCost estimateConv(const ConvGeometry &g, const OverlayConfig &cfg,
                      const ConvTiling &t, Dataflow flow) {
  // The layer as the lowering builds it, alone in a program, timed by the
  // cost model like any program (conflict-free banks: the bank schedule
  // comes later, and its stalls do not depend on the tiling).
  ProgramBuilder pb;
  if (t.doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkConv(g, cfg, t, flow, ConvAddrs(), ConvShifts(),
           [&](InsnGroup &grp) { pb.flush(grp); });
  if (t.doubleBuffered)
    pb.endOverlap();
  return timeLayer(pb.words(), cfg);
}

std::optional<std::pair<ConvTiling, ConvCost>>
bestTiling(const ConvGeometry &g, const OverlayConfig &cfg, Dataflow flow) {
  // The fitting candidates, then their estimates on all cores; the first
  // of the cheapest wins, as if they had been estimated in turn.
  std::vector<ConvTiling> candidates;
  auto consider = [&](const ConvTiling &t) {
    if (fits(g, cfg, t, flow))
      candidates.push_back(t);
  };
  // Channel blocks: the channels split evenly into 1 to 8 blocks (of whole
  // lanes), then halved down to one lane group per block.
  auto blockSizes = [](int64_t channels, int64_t lanes) {
    std::vector<int64_t> sizes;
    int64_t size = 0;
    for (int64_t parts = 1; parts <= 8; ++parts) {
      size = alignTo(ceilDiv(channels, parts), lanes);
      if (sizes.empty() || size < sizes.back())
        sizes.push_back(size);
    }
    for (size = alignTo(size / 2, lanes);
         size >= lanes && size<sizes.back(); size = size> lanes
             ? alignTo(size / 2, lanes)
             : 0)
      sizes.push_back(size);
    return sizes;
  };
  // OACC halves only pay when the groups overlap (double-buffered); whole
  // inputs only when there are several input-channel blocks.
  const std::pair<bool, bool> buffering[] = {
      {false, false}, {true, false}, {true, true}};
  for (bool carry : {false, true})
    for (auto [twice, halves] : buffering)
      for (int64_t co : blockSizes(g.cout, g.pout))
        for (int64_t ci : blockSizes(g.cin, g.pin))
          for (bool whole : {false, true}) {
            if (whole && ci >= g.cin)
              continue;
            ConvTiling t{1, co, ci, twice, carry, halves, whole};
            // Strips: the tallest that fits (fits() shrinks with the rows).
            if (!fits(g, cfg, t, flow))
              continue;
            int64_t lo = 1, hi = g.ho;
            while (lo < hi) {
              t.rows = (lo + hi + 1) / 2;
              if (fits(g, cfg, t, flow))
                lo = t.rows;
              else
                hi = t.rows - 1;
            }
            // Shorter strips cost more halo but may align better with the
            // tiles: every height up to 64 rows; above, the tallest, its
            // halves and the whole-tile heights.
            const int64_t perTile = std::max<int64_t>(1, g.tile / g.sy);
            for (t.rows = lo; t.rows >= 1; --t.rows)
              if (t.rows <= 64 || t.rows == lo || t.rows % perTile == 0 ||
                  (lo % t.rows == 0 &&
                   llvm::isPowerOf2_64(uint64_t(lo / t.rows))))
                consider(t);
          }
  return cheapestCandidate(std::move(candidates), [&](const ConvTiling &t) {
    return estimateConv(g, cfg, t, flow);
  });
}

std::optional<DataflowChoice> chooseDataflow(const ConvGeometry &g,
                                             const OverlayConfig &cfg,
                                             std::optional<Dataflow> force) {
  std::optional<DataflowChoice> best;
  std::vector<DataflowOption> options;
  for (Dataflow d : kDataflows) {
    auto b = bestTiling(g, cfg, d);
    if (!b)
      continue;
    options.push_back({d, b->first, b->second});
  }
  for (const DataflowOption &o : options) {
    if (force && o.flow != *force)
      continue;
    if (!best || std::make_pair(o.cost.cycles, o.cost.ddrBytes()) <
                     std::make_pair(best->chosen.cost.cycles,
                                    best->chosen.cost.ddrBytes()))
      best = DataflowChoice{o, {}};
  }
  if (best)
    best->options = std::move(options);
  return best;
}

} // namespace spec2
