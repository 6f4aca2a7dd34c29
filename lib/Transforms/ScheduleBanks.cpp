//===- ScheduleBanks.cpp - Bank-conflict-free order of kernel entries -----===//
//
// See the pass description in Passes.td. Each input lane of each block is
// ordered by LaneGroupColoring (Scheduling/BankColoring.h); this file applies
// the orders to a layer's kernels and counts the stalls with the cost
// model's step rule.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/KerLayout.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/Support/Constants.h"
#include "spec2/Target/TargetAttr.h"
#include "spec2/Scheduling/BankColoring.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <numeric>

#define DEBUG_TYPE "spec2-schedule-banks"

namespace spec2 {
#define GEN_PASS_DEF_SCHEDULEBANKS
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

struct ScheduleBanksPass : impl::ScheduleBanksBase<ScheduleBanksPass> {
  using ScheduleBanksBase::ScheduleBanksBase;

  void runOnOperation() override {
    auto cfg = targetOf(getOperation());
    if (!cfg)
      return signalPassFailure();
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      if (op.getFftSize() != int64_t(cfg->config.fftSize))
        return WalkResult::advance(); // the lowering reports the mismatch
      return succeeded(schedule(op, cfg->config)) ? WalkResult::advance()
                                                  : WalkResult::interrupt();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }

  /// Input-channel groups per SCONV assumed here (the tiling comes later):
  /// one when every pair holds nnz entries (the stalls do not depend on the
  /// chunking then), else as many as an SCONV can address.
  static int64_t groupsPerChunk(const PairCounts &counts, int64_t cin,
                                int64_t pin) {
    return counts.uniform()
               ? 1
               : std::min<int64_t>((cin + pin - 1) / pin, isa::kMaxSconvGroups);
  }

  /// MAC steps and stalls per input tile of the whole layer with entry
  /// order `bins`, the lanes walking their lists as KerLayout.h says.
  static std::pair<int64_t, int64_t>
  stallsPerTile(const cost::CycleModel &model, const std::vector<double> &bins,
                const PairCounts &counts, int64_t cout, int64_t cin,
                int64_t nnz, const std::vector<double> *rank = nullptr) {
    const OverlayConfig &cfg = model.config();
    const int64_t pin = cfg.pin, pout = cfg.pout;
    const int64_t ncig = groupsPerChunk(counts, cin, pin);
    std::vector<std::vector<LaneStep>> lanes(pin * pout);
    std::vector<uint16_t> step(pin * pout);
    int64_t steps = 0, stalls = 0;
    for (int64_t co0 = 0; co0 < cout; co0 += pout)
      for (int64_t ci0 = 0; ci0 < cin; ci0 += ncig * pin) {
        for (int64_t pi = 0; pi < pin; ++pi)
          for (int64_t po = 0; po < pout; ++po) {
            lanes[pi * pout + po].clear();
            laneSteps(bins, cout, cin, nnz, pin, co0 + po, ci0, ncig, pi,
                      lanes[pi * pout + po], rank);
          }
        const int64_t n = counts.steps(co0, pout, ci0, ncig, pin);
        for (int64_t t = 0; t < n; ++t) {
          for (int64_t l = 0; l < pin * pout; ++l)
            step[l] = t < int64_t(lanes[l].size())
                          ? lanes[l][t].index
                          : uint16_t(isa::kEntryNoRead);
          stalls += int64_t(model.stepStalls(step.data(), uint64_t(ncig)));
        }
        steps += n;
      }
    return {steps, stalls};
  }

  /// For kernels whose pairs hold different counts: orders each block's
  /// lanes (whole lists across input channels, chunked as stallsPerTile
  /// assumes) and returns every slot's position in its lane.
  static std::vector<double> rankLanes(const cost::CycleModel &model,
                                       const std::vector<double> &bins,
                                       const PairCounts &counts, int64_t cout,
                                       int64_t cin, int64_t nnz) {
    const OverlayConfig &cfg = model.config();
    const int64_t pin = cfg.pin, pout = cfg.pout;
    const int64_t ncig = groupsPerChunk(counts, cin, pin);
    LaneGroupColoring scheduler(cfg);
    std::vector<double> rank(bins.size(), 0);
    std::vector<std::vector<LaneStep>> lists(pout);
    std::vector<std::vector<int64_t>> laneBins(pout);
    for (int64_t co0 = 0; co0 < cout; co0 += pout)
      for (int64_t ci0 = 0; ci0 < cin; ci0 += ncig * pin) {
        const int64_t n = counts.steps(co0, pout, ci0, ncig, pin);
        for (int64_t pi = 0; pi < pin && n > 0; ++pi) {
          for (int64_t po = 0; po < pout; ++po) {
            lists[po].clear();
            laneSteps(bins, cout, cin, nnz, pin, co0 + po, ci0, ncig, pi,
                      lists[po]);
            laneBins[po].assign(n, -1);
            for (size_t j = 0; j < lists[po].size(); ++j)
              laneBins[po][j] = lists[po][j].index;
          }
          std::vector<std::vector<int64_t>> order =
              scheduler.schedule(laneBins);
          // Input lanes step together: each puts its stalling steps first,
          // so that they coincide.
          std::vector<std::pair<int64_t, int64_t>> byStalls(n);
          for (int64_t t = 0; t < n; ++t)
            byStalls[t] = {-scheduler.stepCost(laneBins, order, t), t};
          std::stable_sort(byStalls.begin(), byStalls.end());
          for (int64_t po = 0; po < pout; ++po)
            for (int64_t t = 0; t < n; ++t) {
              const int64_t j = order[po][byStalls[t].second];
              if (j < int64_t(lists[po].size()))
                rank[lists[po][j].slot] = double(t);
            }
        }
      }
    return rank;
  }

  LogicalResult schedule(spectral::Conv2DOp op, const OverlayConfig &cfg) {
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t nnz = op.getNnz(), pin = cfg.pin, pout = cfg.pout;
    auto spectra = readNumbers(op.getSpectra());
    auto bins = readNumbers(op.getBins());
    if (!spectra || !bins)
      return op.emitOpError("kernel spectra are not readable");
    cost::CycleModel model(cfg);
    // Reordering keeps every pair's entries, so the counts hold throughout.
    const PairCounts counts(*bins, cout, cin, nnz);
    const auto [steps, naive] =
        stallsPerTile(model, *bins, counts, cout, cin, nnz);
    std::vector<double> newSpectra = *spectra, newBins = *bins;
    // Pairs with unequal counts share lanes across input channels: their
    // lanes are ordered as wholes, the order kept as a rank per slot.
    const bool uniform = counts.uniform();
    std::optional<std::vector<double>> rank;
    if (!this->naive && !uniform)
      rank = rankLanes(model, *bins, counts, cout, cin, nnz);
    if (!this->naive && uniform) {
      LaneGroupColoring scheduler(cfg);
      std::vector<std::vector<int64_t>> laneBins;
      std::vector<std::pair<int64_t, int64_t>> byStalls(nnz);
      for (int64_t co0 = 0; co0 < cout; co0 += pout)
        for (int64_t ci = 0; ci < cin; ++ci) {
          laneBins.clear();
          for (int64_t co = co0; co < std::min(cout, co0 + pout); ++co) {
            laneBins.emplace_back(nnz);
            for (int64_t j = 0; j < nnz; ++j)
              laneBins.back()[j] = int64_t((*bins)[(co * cin + ci) * nnz + j]);
          }
          // Most groups need nothing: dense kernels read the same bin on
          // every lane (one shared read).
          std::vector<std::vector<int64_t>> order(laneBins.size(),
                                                  std::vector<int64_t>(nnz));
          for (auto &o : order)
            std::iota(o.begin(), o.end(), 0);
          bool stalls = false;
          for (int64_t t = 0; t < nnz && !stalls; ++t)
            stalls = scheduler.stepCost(laneBins, order, t) > 0;
          if (!stalls)
            continue;
          order = scheduler.schedule(laneBins);
          // The input lanes of a block step together, each step as slow as
          // its slowest lane: put every input lane's stalling steps first,
          // so that they coincide.
          for (int64_t t = 0; t < nnz; ++t)
            byStalls[t] = {-scheduler.stepCost(laneBins, order, t), t};
          std::stable_sort(byStalls.begin(), byStalls.end());
          for (int64_t l = 0; l < int64_t(order.size()); ++l) {
            const int64_t pair = (co0 + l) * cin + ci;
            for (int64_t t = 0; t < nnz; ++t) {
              const int64_t src = pair * nnz + order[l][byStalls[t].second],
                            dst = pair * nnz + t;
              newBins[dst] = (*bins)[src];
              newSpectra[2 * dst] = (*spectra)[2 * src];
              newSpectra[2 * dst + 1] = (*spectra)[2 * src + 1];
            }
          }
        }
    }
    const int64_t stalls = stallsPerTile(model, newBins, counts, cout, cin, nnz,
                                         rank ? &*rank : nullptr)
                               .second;
    // Lower bound, for kernels whose pairs all hold nnz entries: per block,
    // the busiest bank port of any input lane, each distinct bin read at
    // least once.
    int64_t bound = 0;
    const int64_t nbins = cfg.bins();
    for (int64_t co0 = 0; uniform && co0 < cout; co0 += pout)
      for (int64_t ci0 = 0; ci0 < cin; ci0 += pin) {
        int64_t worst = nnz;
        for (int64_t ci = ci0; ci < std::min(cin, ci0 + pin); ++ci) {
          std::vector<int64_t> load(cfg.specBanks, 0);
          std::vector<uint8_t> seen(nbins, 0);
          for (int64_t co = co0; co < std::min(cout, co0 + pout); ++co)
            for (int64_t j = 0; j < nnz; ++j) {
              const int64_t bin = int64_t((*bins)[(co * cin + ci) * nnz + j]);
              if (bin < nbins && !seen[bin]++)
                ++load[bin % cfg.specBanks];
            }
          for (int64_t l : load)
            worst = std::max<int64_t>(worst,
                                      (l + cfg.specPorts - 1) / cfg.specPorts);
        }
        bound += worst - nnz;
      }
    // Never worse than the order it came in.
    if (rank && stalls < naive)
      op->setAttr(
          attr::kLaneOrder,
          makeI32Elements(op.getContext(), {cout, cin, nnz},
                          std::vector<int32_t>(rank->begin(), rank->end()),
                          "lane_order"));
    if (stalls <= naive && !this->naive && uniform) {
      MLIRContext *ctx = op.getContext();
      std::vector<float> s(newSpectra.begin(), newSpectra.end());
      std::vector<int32_t> b(newBins.begin(), newBins.end());
      op->setAttr("spectra", makeF32Elements(ctx, {cout, cin, nnz, 2},
                                             std::move(s), "spectra"));
      op->setAttr("bins",
                  makeI32Elements(ctx, {cout, cin, nnz}, std::move(b), "bins"));
    }
    Builder builder(op.getContext());
    const int64_t kept = this->naive ? naive : std::min(naive, stalls);
    op->setAttr(attr::kMacSteps, builder.getI64IntegerAttr(steps));
    op->setAttr(attr::kBankStalls, builder.getI64IntegerAttr(kept));
    op->setAttr(attr::kBankStallsNaive, builder.getI64IntegerAttr(naive));
    if (uniform)
      op->setAttr(attr::kBankStallsBound, builder.getI64IntegerAttr(bound));
    numStallsNaive += uint64_t(naive);
    numStalls += uint64_t(kept);
    return success();
  }
};

} // namespace
} // namespace spec2
