//===- ScheduleBanks.cpp - Bank-conflict-free order of kernel entries -----===//
//
// See the pass description in Passes.td. The schedule of one input lane of
// one block is an edge colouring: output lanes on one side, bank ports on
// the other (each bank split into spec_ports ports, its entries dealt to
// them in turn), one edge per kernel entry, one colour per step. Every lane
// has exactly nnz entries, so when no port has more than nnz either, Konig's
// theorem gives an nnz-colouring: every step then reads each port at most
// once and costs one cycle. The colouring is built edge by edge; when the
// colour free at the lane is taken at the port, the alternating path of the
// two colours from the port is flipped (it cannot reach the lane in a
// bipartite graph).
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Conversion/KerLayout.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/Support/Constants.h"
#include "spec2/Target/OverlayConfigFile.h"

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

/// Orders the entries of the output lanes that share one input lane.
class GroupScheduler {
public:
  GroupScheduler(const OverlayConfig &cfg)
      : banks(cfg.specBanks), ports(cfg.specPorts) {}

  /// `laneBins[l][j]`: bin of entry j of output lane l (all lanes have the
  /// same count). Returns `order[l][t]`: the entry lane l reads at step t.
  std::vector<std::vector<int64_t>>
  schedule(const std::vector<std::vector<int64_t>> &laneBins) const {
    if (laneBins.empty())
      return {};
    std::vector<std::vector<int64_t>> order;
    if (colour(laneBins, order))
      return order;
    order = greedy(laneBins);
    improve(laneBins, order);
    return order;
  }

private:
  /// The Konig colouring; false if some port has more than nnz entries.
  bool colour(const std::vector<std::vector<int64_t>> &laneBins,
              std::vector<std::vector<int64_t>> &order) const {
    const int64_t lanes = int64_t(laneBins.size());
    const int64_t nnz = int64_t(laneBins[0].size());
    const int64_t nodes = lanes + int64_t(banks) * ports;
    // Edges: (lane, port node), in lane-major order.
    std::vector<int64_t> edgeLane, edgePort, dealt(banks, 0), degree(nodes, 0);
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t bin : laneBins[l]) {
        const int64_t bank = bin % banks;
        const int64_t port = lanes + bank * ports + dealt[bank]++ % ports;
        edgeLane.push_back(l);
        edgePort.push_back(port);
        if (++degree[port] > nnz)
          return false;
      }
    const int64_t edges = int64_t(edgeLane.size());
    std::vector<int64_t> at(nodes * nnz, -1), colourOf(edges, -1);
    auto slot = [&](int64_t node, int64_t c) -> int64_t & {
      return at[node * nnz + c];
    };
    auto freeAt = [&](int64_t node) {
      for (int64_t c = 0; c < nnz; ++c)
        if (slot(node, c) < 0)
          return c;
      return int64_t(-1);
    };
    auto other = [&](int64_t e, int64_t node) {
      return edgeLane[e] == node ? edgePort[e] : edgeLane[e];
    };
    std::vector<int64_t> path;
    for (int64_t e = 0; e < edges; ++e) {
      const int64_t u = edgeLane[e], v = edgePort[e];
      const int64_t a = freeAt(u), b = freeAt(v);
      if (a < 0 || b < 0)
        return false; // cannot happen with degrees <= nnz
      if (slot(v, a) >= 0) {
        // Flip the a/b alternating path that starts at v with colour a.
        path.clear();
        for (int64_t x = v, c = a; slot(x, c) >= 0; c = c == a ? b : a) {
          const int64_t ed = slot(x, c);
          path.push_back(ed);
          x = other(ed, x);
        }
        for (int64_t ed : path) {
          slot(edgeLane[ed], colourOf[ed]) = -1;
          slot(edgePort[ed], colourOf[ed]) = -1;
        }
        for (int64_t ed : path) {
          colourOf[ed] = colourOf[ed] == a ? b : a;
          slot(edgeLane[ed], colourOf[ed]) = ed;
          slot(edgePort[ed], colourOf[ed]) = ed;
        }
      }
      colourOf[e] = a;
      slot(u, a) = e;
      slot(v, a) = e;
    }
    order.assign(lanes, std::vector<int64_t>(nnz, -1));
    for (int64_t e = 0, l = 0, j = 0; e < edges; ++e, ++j) {
      if (j == nnz) {
        j = 0;
        ++l;
      }
      order[l][colourOf[e]] = j;
    }
    return true;
  }

  /// For groups with an overloaded bank: step by step, each lane takes the
  /// entry that adds least to the step's busiest bank (a bin another lane
  /// already reads is free), preferring the banks with most entries left.
  std::vector<std::vector<int64_t>>
  greedy(const std::vector<std::vector<int64_t>> &laneBins) const {
    const int64_t lanes = int64_t(laneBins.size());
    const int64_t nnz = int64_t(laneBins[0].size());
    std::vector<std::vector<uint8_t>> used(lanes, std::vector<uint8_t>(nnz));
    std::vector<int64_t> left(banks, 0);
    for (const auto &l : laneBins)
      for (int64_t bin : l)
        ++left[bin % banks];
    std::vector<std::vector<int64_t>> order(lanes,
                                            std::vector<int64_t>(nnz, -1));
    for (int64_t t = 0; t < nnz; ++t) {
      std::vector<int64_t> reads(banks, 0), stepBins;
      for (int64_t l = 0; l < lanes; ++l) {
        int64_t best = -1;
        std::pair<int64_t, int64_t> bestKey{0, 0};
        for (int64_t j = 0; j < nnz; ++j) {
          if (used[l][j])
            continue;
          const int64_t bin = laneBins[l][j], bank = bin % banks;
          const bool shared = std::find(stepBins.begin(), stepBins.end(),
                                        bin) != stepBins.end();
          const int64_t cost = shared ? 0 : reads[bank] / ports;
          const std::pair<int64_t, int64_t> key{cost, -left[bank]};
          if (best < 0 || key < bestKey) {
            best = j;
            bestKey = key;
          }
        }
        used[l][best] = 1;
        order[l][t] = best;
        const int64_t bin = laneBins[l][best];
        --left[bin % banks];
        if (std::find(stepBins.begin(), stepBins.end(), bin) ==
            stepBins.end()) {
          stepBins.push_back(bin);
          ++reads[bin % banks];
        }
      }
    }
    return order;
  }

public:
  /// Stall cycles of step t in one input lane: its busiest bank's extra
  /// cycles, a bin read by several lanes counting once.
  int64_t stepCost(const std::vector<std::vector<int64_t>> &laneBins,
                   const std::vector<std::vector<int64_t>> &order,
                   int64_t t) const {
    reads.assign(banks, 0);
    seen.clear();
    int64_t worst = 0;
    for (size_t l = 0; l < laneBins.size(); ++l) {
      const int64_t bin = laneBins[l][order[l][t]];
      if (std::find(seen.begin(), seen.end(), bin) != seen.end())
        continue;
      seen.push_back(bin);
      worst = std::max(worst, ++reads[bin % banks]);
    }
    return (worst + ports - 1) / ports - 1;
  }

  /// Improves `order` by swapping two steps of one lane while that lowers
  /// the stalls of the two steps.
  void improve(const std::vector<std::vector<int64_t>> &laneBins,
               std::vector<std::vector<int64_t>> &order) const {
    const int64_t lanes = int64_t(laneBins.size());
    const int64_t nnz = int64_t(laneBins[0].size());
    std::vector<int64_t> cost(nnz);
    for (int64_t t = 0; t < nnz; ++t)
      cost[t] = stepCost(laneBins, order, t);
    for (bool better = true; better;) {
      better = false;
      for (int64_t l = 0; l < lanes; ++l)
        for (int64_t a = 0; a < nnz; ++a)
          for (int64_t b = a + 1; b < nnz; ++b) {
            if (cost[a] == 0 && cost[b] == 0)
              continue;
            std::swap(order[l][a], order[l][b]);
            const int64_t ca = stepCost(laneBins, order, a),
                          cb = stepCost(laneBins, order, b);
            if (ca + cb < cost[a] + cost[b]) {
              cost[a] = ca;
              cost[b] = cb;
              better = true;
            } else {
              std::swap(order[l][a], order[l][b]);
            }
          }
    }
  }

private:
  uint32_t banks, ports;
  mutable std::vector<int64_t> reads, seen; // stepCost's scratch
};

struct ScheduleBanksPass : impl::ScheduleBanksBase<ScheduleBanksPass> {
  using ScheduleBanksBase::ScheduleBanksBase;

  void runOnOperation() override {
    auto cfg = resolveTarget(target);
    if (!cfg) {
      getOperation().emitError() << llvm::toString(cfg.takeError());
      return signalPassFailure();
    }
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      if (op.getFftSize() != int64_t(cfg->config.fftSize))
        return WalkResult::advance(); // the lowering reports the mismatch
      return succeeded(schedule(op, cfg->config)) ? WalkResult::advance()
                                                  : WalkResult::interrupt();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }

  /// Stalls per input tile of the whole layer with entry order `bins`.
  static int64_t stallsPerTile(const cost::CycleModel &model,
                               const std::vector<double> &bins, int64_t cout,
                               int64_t cin, int64_t nnz) {
    const OverlayConfig &cfg = model.config();
    const int64_t pin = cfg.pin, pout = cfg.pout;
    std::vector<uint16_t> step(pin * pout);
    int64_t stalls = 0;
    for (int64_t co0 = 0; co0 < cout; co0 += pout)
      for (int64_t ci0 = 0; ci0 < cin; ci0 += pin)
        for (int64_t t = 0; t < nnz; ++t) {
          for (int64_t pi = 0; pi < pin; ++pi)
            for (int64_t po = 0; po < pout; ++po)
              step[pi * pout + po] = uint16_t(laneBin(
                  bins, cout, cin, nnz, pout, co0 + po, ci0 + pi, t));
          stalls += int64_t(model.stepStalls(step.data()));
        }
    return stalls;
  }

  LogicalResult schedule(spectral::Conv2DOp op, const OverlayConfig &cfg) {
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t nnz = op.getNnz(), pin = cfg.pin, pout = cfg.pout;
    auto spectra = readNumbers(op.getSpectra());
    auto bins = readNumbers(op.getBins());
    if (!spectra || !bins)
      return op.emitOpError("kernel spectra are not readable");
    cost::CycleModel model(cfg);
    const int64_t naive = stallsPerTile(model, *bins, cout, cin, nnz);
    std::vector<double> newSpectra = *spectra, newBins = *bins;
    if (!this->naive) {
      GroupScheduler scheduler(cfg);
      std::vector<std::vector<int64_t>> laneBins;
      std::vector<std::pair<int64_t, int64_t>> steps(nnz);
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
          std::vector<std::vector<int64_t>> order(
              laneBins.size(), std::vector<int64_t>(nnz));
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
            steps[t] = {-scheduler.stepCost(laneBins, order, t), t};
          std::stable_sort(steps.begin(), steps.end());
          for (int64_t l = 0; l < int64_t(order.size()); ++l) {
            const int64_t pair = (co0 + l) * cin + ci;
            for (int64_t t = 0; t < nnz; ++t) {
              const int64_t src = pair * nnz + order[l][steps[t].second],
                            dst = pair * nnz + t;
              newBins[dst] = (*bins)[src];
              newSpectra[2 * dst] = (*spectra)[2 * src];
              newSpectra[2 * dst + 1] = (*spectra)[2 * src + 1];
            }
          }
        }
    }
    const int64_t stalls = stallsPerTile(model, newBins, cout, cin, nnz);
    // Lower bound: per block, the busiest bank port of any input lane, each
    // distinct bin read at least once.
    int64_t bound = 0;
    const int64_t nbins = cfg.bins();
    for (int64_t co0 = 0; co0 < cout; co0 += pout)
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
            worst = std::max<int64_t>(
                worst, (l + cfg.specPorts - 1) / cfg.specPorts);
        }
        bound += worst - nnz;
      }
    // Never worse than the order it came in.
    if (stalls <= naive && !this->naive) {
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
    const int64_t steps = ((cout + pout - 1) / pout) *
                          ((cin + pin - 1) / pin) * nnz;
    op->setAttr("spec2.mac_steps", builder.getI64IntegerAttr(steps));
    op->setAttr("spec2.bank_stalls", builder.getI64IntegerAttr(kept));
    op->setAttr("spec2.bank_stalls_naive", builder.getI64IntegerAttr(naive));
    op->setAttr("spec2.bank_stalls_bound", builder.getI64IntegerAttr(bound));
    numStallsNaive += uint64_t(naive);
    numStalls += uint64_t(kept);
    return success();
  }
};

} // namespace
} // namespace spec2
