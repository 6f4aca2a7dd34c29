//===- ConvSearch.cpp - Cost of a conv walk; the tiling search ------------===//
//
// estimateConv times walkConv's groups as the lowering orders them (lead
// FFTs, tails, store-wait NOPs) on the compute module's issue rule and one
// shared DDR; bestTiling and chooseDataflow search the tilings and loop
// orders with it (ConvSchedule.h).
//
//===----------------------------------------------------------------------===//
#include "spec2/Conversion/ConvSchedule.h"

#include "spec2/CostModel/CycleModel.h"
#include "spec2/Target/InsnTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cassert>
#include <deque>

namespace spec2 {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t alignTo(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

} // namespace

namespace {
/// The DDR's busy intervals as an estimate places transfers on it: each
/// goes into the first gap at or after its ready time that is long enough
/// (transfers are placed roughly, not exactly, in the order they start).
class DdrTimeline {
public:
  /// Places a transfer of `cycles` ready at `ready`; returns its end.
  uint64_t place(uint64_t ready, uint64_t cycles) {
    auto it = std::lower_bound(busy.begin(), busy.end(), ready,
                               [](const std::pair<uint64_t, uint64_t> &b,
                                  uint64_t t) { return b.second <= t; });
    uint64_t at = ready;
    for (; it != busy.end() && it->first < at + cycles; ++it)
      at = std::max(at, it->second);
    if (cycles)
      busy.insert(it, {at, at + cycles});
    return at + cycles;
  }
  /// Drops the intervals no transfer ready at `ready` or later can meet.
  void forget(uint64_t ready) {
    auto it = std::lower_bound(busy.begin(), busy.end(), ready,
                               [](const std::pair<uint64_t, uint64_t> &b,
                                  uint64_t t) { return b.second <= t; });
    busy.erase(busy.begin(), it);
  }

private:
  std::vector<std::pair<uint64_t, uint64_t>> busy; ///< sorted, disjoint
};
} // namespace

ConvCost estimateConv(const ConvGeometry &g, const OverlayConfig &cfg,
                      const ConvTiling &t, Dataflow flow) {
  cost::CycleModel model(cfg);
  ConvCost c;
  // The tiling search encodes millions of instructions: the formats and
  // fields are looked up once per (string literal) name, not per word.
  llvm::DenseMap<const char *, const InsnFormat *> formats;
  llvm::DenseMap<std::pair<const InsnFormat *, const char *>,
                 std::optional<isa::Field>>
      operands;
  auto encode = [&](const InsnDesc &d) {
    const InsnFormat *&fmt = formats[d.mnemonic];
    if (!fmt)
      fmt = findInsnFormat(d.mnemonic);
    assert(fmt && "walkConv uses the assembler's mnemonics");
    isa::Word w{};
    isa::setField(w, isa::kOpcode, fmt->opcode);
    if (fmt->hasSelector)
      isa::setField(w, fmt->selector.field, fmt->selectorValue);
    for (auto &[name, v] : d.fields) {
      auto [it, fresh] = operands.try_emplace({fmt, name});
      if (fresh)
        it->second = findOperand(*fmt, name);
      if (it->second)
        isa::setField(w, *it->second, v);
    }
    return w;
  };
  auto costOf = [&](const InsnDesc &d) { return model.cost(encode(d)); };
  // The groups on the three modules' timelines, as the lowering's tokens
  // order them (the shared DDR aside). Loads wait for the computes of the
  // group before (double-buffered: of the group before that) and, when not
  // double-buffered, for the store before; a group's computes start with its
  // loads' token and after the previous group's store; the computes follow
  // the compute module's issue rule (an async FFT runs beside the SCONV
  // before it).
  isa::ComputeIssue issue;
  isa::Word nopWord{};
  isa::setField(nopWord, isa::kOpcode, isa::kNop);
  auto run = [&](const isa::Word &w, uint64_t notBefore) {
    const uint64_t start = std::max(issue.ready(w), notBefore);
    const cost::InsnCost ic = model.cost(w);
    issue.record(w, start, start + ic.cycles, start + ic.release);
  };
  uint64_t loadEnd = 0, storeEnd = 0;
  // Loads and stores share the DDR, one transfer at a time.
  DdrTimeline ddr;
  // When each group's last compute pushed its token to the loads.
  std::vector<uint64_t> pushed;
  // The stores the compute module has not waited for yet (group, end): it
  // waits for a store one group later, double-buffered (OUT in halves) two,
  // before the tail of that group (NOPs).
  std::deque<std::pair<size_t, uint64_t>> pendingStores;
  const size_t lag = t.doubleBuffered ? 2 : 1;
  auto storeWaits = [&](size_t groupNo) {
    while (!pendingStores.empty() &&
           pendingStores.front().first + lag <= groupNo) {
      run(nopWord, pendingStores.front().second);
      pendingStores.pop_front();
    }
  };
  // Double-buffered, a group's tail waits until the next group's lead has
  // been issued (ProgramBuilder::beginOverlap).
  struct Tail {
    size_t groupNo;
    std::vector<isa::Word> computes;
    std::vector<uint64_t> stores; ///< their DDR transfer cycles
  };
  std::optional<Tail> deferred;
  // A group's stores go onto the DDR timeline once their start is known and
  // every load that starts earlier has been placed (the DDR serves
  // transfers in the order they start, loads first on a tie).
  struct Stores {
    size_t groupNo;
    uint64_t ready;
    std::vector<uint64_t> xfers;
  };
  std::optional<Stores> unplaced;
  auto placeStores = [&] {
    if (!unplaced)
      return;
    storeEnd = unplaced->ready;
    for (uint64_t xfer : unplaced->xfers)
      storeEnd = ddr.place(storeEnd + cfg.dmaLatency, xfer);
    pendingStores.push_back({unplaced->groupNo, storeEnd});
    unplaced.reset();
  };
  auto finish = [&](const Tail &tail) {
    placeStores();
    if (t.doubleBuffered)
      storeWaits(tail.groupNo);
    for (const isa::Word &w : tail.computes)
      run(w, 0);
    pushed.push_back(issue.allDone);
    if (!tail.stores.empty())
      unplaced =
          Stores{tail.groupNo, std::max(storeEnd, issue.allDone), tail.stores};
  };
  walkConv(
      g, cfg, t, flow, ConvAddrs(), ConvShifts(), [&](const InsnGroup &grp) {
        const size_t groupNo = pushed.size() + (deferred ? 1 : 0);
        std::vector<uint64_t> stores;
        for (const InsnDesc &d : grp.stores) {
          const cost::InsnCost ic = costOf(d);
          c.outputBytes += int64_t(ic.ddrBytes);
          stores.push_back(ic.ddrCycles);
        }
        if (!t.doubleBuffered)
          placeStores();
        if (!grp.loads.empty()) {
          uint64_t at =
              std::max({loadEnd, groupNo >= lag ? pushed[groupNo - lag] : 0,
                        t.doubleBuffered ? 0 : storeEnd});
          for (const InsnDesc &d : grp.loads) {
            if (unplaced && unplaced->ready < at)
              placeStores();
            const cost::InsnCost ic = costOf(d);
            (llvm::StringRef(d.mnemonic) == "load.inp" ? c.inputBytes
                                                       : c.kernelBytes) +=
                int64_t(ic.ddrBytes);
            at = ddr.place(at + cfg.dmaLatency, ic.ddrCycles);
          }
          loadEnd = at;
        }
        ddr.forget(std::min(loadEnd, storeEnd));
        if (!t.doubleBuffered)
          storeWaits(groupNo);
        const size_t n = grp.computes.size();
        const size_t lead = deferred ? std::min(grp.lead, n - 1) : 0;
        const size_t tailFrom = std::max(lead, std::min(grp.tailFrom, n));
        uint64_t notBefore = grp.loads.empty() ? 0 : loadEnd; // the first
        for (size_t k = 0; k < lead; ++k, notBefore = 0)
          run(encode(grp.computes[k]), notBefore);
        if (deferred)
          finish(*deferred);
        deferred.reset();
        for (size_t k = lead; k < tailFrom; ++k, notBefore = 0)
          run(encode(grp.computes[k]), notBefore);
        Tail tail{groupNo, {}, std::move(stores)};
        for (size_t k = tailFrom; k < n; ++k)
          tail.computes.push_back(encode(grp.computes[k]));
        // The next group's lead goes before this group's tail and the NOPs
        // before it; with neither, it simply follows.
        const bool waits = (unplaced && unplaced->groupNo + lag <= groupNo) ||
                           (!pendingStores.empty() &&
                            pendingStores.front().first + lag <= groupNo);
        if (t.doubleBuffered && (!tail.computes.empty() || waits))
          deferred = std::move(tail);
        else
          finish(tail);
      });
  if (deferred)
    finish(*deferred);
  placeStores();
  c.cycles = int64_t(std::max(issue.allDone, storeEnd));
  return c;
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
  std::vector<ConvCost> costs(candidates.size());
  llvm::parallelFor(0, candidates.size(), [&](size_t i) {
    costs[i] = estimateConv(g, cfg, candidates[i], flow);
  });
  std::optional<std::pair<ConvTiling, ConvCost>> best;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (!best ||
        std::make_pair(costs[i].cycles, costs[i].ddrBytes()) <
            std::make_pair(best->second.cycles, best->second.ddrBytes()))
      best = std::make_pair(candidates[i], costs[i]);
  return best;
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
