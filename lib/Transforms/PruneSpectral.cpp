//===- PruneSpectral.cpp - Balanced pruning of spectral and FC weights ----===//
//
// Conv kernels: per (output, input) channel pair keep the same number of
// canonical bins (spectral::isCanonicalBin), chosen by ADMM against the
// calibration tiles' covariance and refitted by least squares, or by
// magnitude (the baseline). FC rows: the same number of weights per row.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "LayerStatistics.h"
#include "Prune/LinearAlgebra.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Conversion/KerLayout.h"
#include "spec2/Reference/SpectralExecutor.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Support/Progress.h"
#include "spec2/Target/TargetOption.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numeric>
#include <random>

#define DEBUG_TYPE "spec2-prune-spectral"

namespace spec2 {
#define GEN_PASS_DEF_PRUNESPECTRAL
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

using prune::Cd;
using prune::Cholesky;
using prune::choleskySolve;
using prune::invert;
using prune::mul;

/// How many weights an output channel keeps and how they may spread over its
/// input channels: the channels are split into groups, each with a limit
/// that holds for every output channel. Either one group per input channel
/// (the same number of bins in every pair) or, for the overlay's lanes, one
/// group per input lane (channels ci = r mod lanes): the lanes of an output
/// channel then stay balanced however the weights spread over the channels
/// that share a lane (include/spec2/Conversion/KerLayout.h).
struct Quota {
  int64_t lanes = 0;          ///< 0: one group per input channel
  std::vector<int64_t> limit; ///< weights kept per group
  int64_t groupOf(int64_t ci) const { return lanes ? ci % lanes : ci; }
  int64_t groups() const { return int64_t(limit.size()); }

  /// `keep` bins in each of `cin` pairs.
  static Quota perPair(int64_t cin, int64_t keep) {
    return {0, std::vector<int64_t>(cin, keep)};
  }
  /// `total` weights per output channel over `lanes` input lanes of `cin`
  /// channels with `indep` bins each, spread as evenly as whole counts allow
  /// (the first lanes take the remainder).
  static Quota perLane(int64_t cin, int64_t lanes, int64_t indep,
                       int64_t total) {
    Quota q{std::min(lanes, cin), {}};
    q.limit.assign(q.lanes, 0);
    std::vector<int64_t> size(q.lanes, 0);
    for (int64_t ci = 0; ci < cin; ++ci)
      ++size[ci % q.lanes];
    int64_t left = total;
    for (int64_t r = 0; r < q.lanes; ++r) {
      q.limit[r] = std::min(size[r] * indep, total * size[r] / cin);
      left -= q.limit[r];
    }
    for (int64_t r = 0; left > 0 && r < q.lanes; ++r) {
      const int64_t more = std::min(left, size[r] * indep - q.limit[r]);
      q.limit[r] += more;
      left -= more;
    }
    return q;
  }
};

/// Keeps, per (co, ci), the `keep` canonical bins of largest output energy
/// of `w` ([cout][cin][half-spectrum bins], folded); returns the mask. With
/// the input's power per (channel, bin) the energy a weight adds to the
/// output, without it the weight's own; ties go to the lower bin.
std::vector<uint8_t> balancedMask(const std::vector<Cd> &w, int64_t pairs,
                                  int64_t n, ArrayRef<int64_t> canonical,
                                  int64_t keep,
                                  const std::vector<double> *power = nullptr,
                                  int64_t cin = 1) {
  const int64_t bins = spectral::halfSpectrumBins(n);
  std::vector<uint8_t> mask(w.size(), 0);
  std::vector<int64_t> order(canonical.begin(), canonical.end());
  std::vector<double> energy(bins);
  for (int64_t k = 0; k < pairs; ++k) {
    for (int64_t b : canonical)
      energy[b] = spectral::binEnergyWeight(n, b) *
                  (power ? (*power)[(k % cin) * bins + b] : 1.0) *
                  std::norm(w[k * bins + b]);
    std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                      [&](int64_t a, int64_t b) {
                        return energy[a] != energy[b] ? energy[a] > energy[b]
                                                      : a < b;
                      });
    for (int64_t t = 0; t < keep; ++t)
      mask[k * bins + order[t]] = 1;
  }
  return mask;
}

/// Greedy optimal-brain-surgeon support: per output channel, repeatedly drops
/// the (bin, input channel) weight whose removal raises the output error
/// least once the channel's other weights in that bin are re-solved
/// (|w_i|^2 / [C_b^-1]_ii, scaled by the bin's energy weight), never taking a
/// quota group below its limit, until every group holds exactly its limit.
/// `hinv[b]` is the inverse input covariance of bin b (cin x cin).
std::vector<uint8_t> obsMask(const std::vector<Cd> &w0, int64_t cout,
                             int64_t cin, int64_t n,
                             ArrayRef<int64_t> canonical, const Quota &quota,
                             ArrayRef<std::vector<Cd>> hinv) {
  const int64_t bins = spectral::halfSpectrumBins(n);
  const int64_t nbc = int64_t(canonical.size());
  std::vector<uint8_t> mask(cout * cin * bins, 0);
  llvm::parallelFor(0, cout, [&](size_t co) {
    std::vector<std::vector<Cd>> h(nbc), w(nbc, std::vector<Cd>(cin));
    std::vector<std::vector<uint8_t>> alive(nbc, std::vector<uint8_t>(cin, 1));
    std::vector<int64_t> count(quota.groups(), 0), bestI(nbc);
    for (int64_t ci = 0; ci < cin; ++ci)
      count[quota.groupOf(ci)] += nbc;
    int64_t total = 0;
    for (int64_t g = 0; g < quota.groups(); ++g)
      total += std::max<int64_t>(0, count[g] - quota.limit[g]);
    std::vector<double> bestCost(nbc);
    for (int64_t q = 0; q < nbc; ++q) {
      h[q] = hinv[canonical[q]];
      for (int64_t i = 0; i < cin; ++i)
        w[q][i] = w0[(co * cin + i) * bins + canonical[q]];
    }
    auto rescore = [&](int64_t q) {
      const double weight = spectral::binEnergyWeight(n, canonical[q]);
      bestCost[q] = std::numeric_limits<double>::infinity();
      bestI[q] = -1;
      for (int64_t i = 0; i < cin; ++i) {
        if (!alive[q][i] ||
            count[quota.groupOf(i)] <= quota.limit[quota.groupOf(i)])
          continue;
        const double c = weight * std::norm(w[q][i]) /
                         std::max(h[q][i * cin + i].real(), 1e-300);
        if (c < bestCost[q]) {
          bestCost[q] = c;
          bestI[q] = i;
        }
      }
    };
    for (int64_t q = 0; q < nbc; ++q)
      rescore(q);
    for (int64_t r = 0; r < total; ++r) {
      const int64_t q =
          std::min_element(bestCost.begin(), bestCost.end()) - bestCost.begin();
      const int64_t i = bestI[q];
      if (i < 0)
        break;
      std::vector<Cd> &H = h[q];
      std::vector<Cd> &W = w[q];
      const double hii = std::max(H[i * cin + i].real(), 1e-300);
      const Cd f = W[i] / hii;
      for (int64_t j = 0; j < cin; ++j)
        if (alive[q][j] && j != i)
          W[j] -= mul(f, H[i * cin + j]);
      W[i] = 0;
      for (int64_t a = 0; a < cin; ++a) {
        if (!alive[q][a] || a == i)
          continue;
        const Cd ha = H[a * cin + i] / hii;
        for (int64_t b = 0; b < cin; ++b)
          if (alive[q][b] && b != i)
            H[a * cin + b] -= mul(ha, H[i * cin + b]);
      }
      alive[q][i] = 0;
      const int64_t g = quota.groupOf(i);
      --count[g];
      rescore(q);
      if (count[g] == quota.limit[g])
        for (int64_t p = 0; p < nbc; ++p)
          if (bestI[p] >= 0 && quota.groupOf(bestI[p]) == g)
            rescore(p);
    }
    for (int64_t q = 0; q < nbc; ++q)
      for (int64_t i = 0; i < cin; ++i)
        mask[(co * cin + i) * bins + canonical[q]] = alive[q][i];
  });
  return mask;
}

/// The joint fit of a conv layer: at most this many spatial kernel values
/// (cin N^2), and at most this many multiply-adds gathering its moments.
constexpr int64_t kMaxJointDim = 1024;
constexpr int64_t kJointBudget = int64_t(1.2e11);

/// The sequential fit's budget of multiply-adds (network runs up to each
/// layer, twice per calibration input).
constexpr double kSequentialBudget = 5e10;
/// Per-bin OBS costs about cin^3 per output channel and bin: wider layers
/// use ADMM's projection instead.
constexpr int64_t kMaxObsChannels = 128;

/// Kept weights of `total` when a fraction of at least `frac` goes.
int64_t keptOf(int64_t total, double frac) {
  return std::max<int64_t>(
      1, int64_t(std::floor(double(total) * (1.0 - frac) + 1e-9)));
}

/// Parses "NAME=R[,NAME=R...]".
FailureOr<llvm::StringMap<double>> parseOverrides(Operation *where,
                                                  StringRef text) {
  llvm::StringMap<double> m;
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [name, value] = item.rsplit('=');
    double r;
    if (name.empty() || value.empty() || value.getAsDouble(r) ||
        !(r >= 0.0 && r < 1.0))
      return where->emitError("layer-sparsity: '")
             << item << "' is not NAME=R with R in [0, 1)";
    m[name.trim()] = r;
  }
  return m;
}

/// ADMM stops early once the support has not changed for this many
/// iterations.
constexpr unsigned kStableIterations = 5;

struct PruneSpectralPass : impl::PruneSpectralBase<PruneSpectralPass> {
  using PruneSpectralBase::PruneSpectralBase;

  /// The target's input lanes (0 without a target).
  int64_t lanes = 0;

  /// Whether a conv layer's weights may spread unevenly over the input
  /// channels that share an overlay lane: with a target, where OBS chooses
  /// the support (the per-pair methods keep whole bins per pair).
  bool laneBalanced(spectral::Conv2DOp op) const {
    return lanes > 0 && method == "obs" &&
           op.getInChannels() <= kMaxObsChannels;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!(sparsity >= 0.0 && sparsity < 1.0)) {
      func.emitError("sparsity must be in [0, 1), got ") << sparsity;
      return signalPassFailure();
    }
    if (!(fcSparsity >= 0.0 && fcSparsity < 1.0)) {
      func.emitError("fc-sparsity must be in [0, 1), got ") << fcSparsity;
      return signalPassFailure();
    }
    if (method != "magnitude" && method != "admm" && method != "obs") {
      func.emitError("unknown pruning method '") << method << "'";
      return signalPassFailure();
    }
    auto overrides = parseOverrides(func, layerSparsity);
    if (failed(overrides))
      return signalPassFailure();
    llvm::StringSet<> seen;
    std::string names;
    func.walk([&](Operation *op) {
      if (llvm::isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op) &&
          seen.insert(layerName(op)).second)
        names += (names.empty() ? "" : ", ") + layerName(op);
    });
    for (const auto &o : *overrides)
      if (!seen.contains(o.getKey())) {
        func.emitError("layer-sparsity names '")
            << o.getKey() << "', which is no conv or fully-connected layer "
            << "of this model (layers: " << names << ")";
        return signalPassFailure();
      }

    // The overlay's input lanes, for lane-balanced quotas.
    if (!target.empty()) {
      auto cfg = resolveTargetOption(func, target);
      if (!cfg)
        return signalPassFailure();
      lanes = cfg->config.pin;
    }

    // The conv budget is global: at least `sparsity` of all spectral conv
    // weights go. It is shared out in weights kept per output channel:
    // whole bins per pair, or any count in a lane-balanced layer. Overridden
    // layers take their own fraction. A layer with a single input channel
    // has no other channel to compensate a dropped bin (pruning it only
    // removes output frequencies), so the multi-input layers take the share
    // (rounded to the nearest count) and single-input layers give up what
    // that leaves over budget.
    llvm::DenseMap<Operation *, int64_t> keepOf; // per output channel
    SmallVector<spectral::Conv2DOp> freeLayers, fillers;
    double total = 0, fixedZeros = 0, multi = 0, single = 0;
    auto grain = [&](spectral::Conv2DOp op) {
      return laneBalanced(op) ? 1 : op.getInChannels();
    };
    auto all = [](spectral::Conv2DOp op) {
      return op.getInChannels() * spectral::independentBins(op.getFftSize());
    };
    func.walk([&](spectral::Conv2DOp op) {
      const double w = double(op.getOutChannels() * all(op));
      total += w;
      auto o = overrides->find(layerName(op));
      if (o != overrides->end()) {
        fixedZeros += w * o->second;
        keepOf[op] = grain(op) * keptOf(all(op) / grain(op), o->second);
      } else {
        (op.getInChannels() == 1 ? single : multi) += w;
        (op.getInChannels() == 1 ? fillers : freeLayers).push_back(op);
      }
    });
    if (multi == 0)
      std::swap(freeLayers, fillers);
    const double free = multi > 0 ? multi : single;
    const double share =
        free > 0
            ? std::clamp((sparsity * total - fixedZeros) / free, 0.0, 0.999)
            : 0.0;
    const int64_t budget = int64_t(std::floor((1.0 - sparsity) * total + 1e-9));
    auto weightsKept = [&] {
      int64_t kept = 0;
      for (auto [op, keep] : keepOf)
        kept += keep * cast<spectral::Conv2DOp>(op).getOutChannels();
      return kept;
    };
    // Fillers keep what the budget leaves them (the same count everywhere).
    auto fill = [&] {
      int64_t rows = 0;
      for (spectral::Conv2DOp op : fillers) {
        keepOf[op] = 0;
        rows += op.getOutChannels();
      }
      if (fillers.empty())
        return;
      const int64_t left = budget - weightsKept();
      for (spectral::Conv2DOp op : fillers)
        keepOf[op] = std::clamp<int64_t>(left / rows, 1, all(op));
    };
    // Round the share to the nearest count (the fillers make up for
    // rounding up), else down.
    for (bool down : {false, true}) {
      for (spectral::Conv2DOp op : freeLayers) {
        const double k = double(all(op)) * (1.0 - share) / double(grain(op));
        keepOf[op] =
            grain(op) * std::clamp<int64_t>(int64_t(down ? std::floor(k + 1e-9)
                                                         : std::round(k)),
                                            1, all(op) / grain(op));
      }
      fill();
      if (sparsity <= 0 || weightsKept() <= budget)
        break;
    }

    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (llvm::isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op))
        layers.push_back(op);
    });
    auto fcFraction = [&](Operation *op) {
      auto o = overrides->find(layerName(op));
      return o != overrides->end() ? o->second : fcSparsity;
    };
    auto pruneLayer = [&](Operation *op, const LayerStatistics *stats) {
      if (auto conv = dyn_cast<spectral::Conv2DOp>(op))
        return prune(conv, keepOf[conv], stats);
      return pruneFc(cast<spectral::FullyConnectedOp>(op), fcFraction(op),
                     stats);
    };
    Progress progress("spec2-prune-spectral: layer", layers.size());
    FailureOr<std::optional<Inputs>> inputs = sequentialInputs(func);
    if (failed(inputs))
      return signalPassFailure();
    if (!*inputs) {
      for (Operation *op : layers) {
        progress.step(layerName(op));
        if (failed(pruneLayer(op, nullptr)))
          return signalPassFailure();
      }
    } else if (failed(pruneSequentially(func, layers, **inputs, keepOf,
                                        progress, pruneLayer))) {
      return signalPassFailure();
    }
    // The calibration covariances have served their purpose.
    func.walk([](Operation *op) {
      op->removeAttr("spec2.tile_covariance");
      op->removeAttr("spec2.input_covariance");
    });
  }

  using Inputs = std::vector<std::vector<float>>;

  /// Prunes `layers` in order, each fitted to the original network's outputs
  /// on the input the already pruned layers give it.
  LogicalResult pruneSequentially(
      func::FuncOp func, ArrayRef<Operation *> layers, const Inputs &inputs,
      const llvm::DenseMap<Operation *, int64_t> &keepOf, Progress &progress,
      llvm::function_ref<LogicalResult(Operation *, const LayerStatistics *)>
          pruneLayer) {
    auto original = cast<func::FuncOp>(func->clone());
    llvm::scope_exit eraseOriginal([&] { original->erase(); });
    SmallVector<Operation *> originalLayers;
    original.walk([&](Operation *op) {
      if (llvm::isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op))
        originalLayers.push_back(op);
    });
    FailureOr<SpectralExecutor> originalExec =
        SpectralExecutor::create(original);
    if (failed(originalExec))
      return failure();
    for (size_t i = 0; i < layers.size(); ++i) {
      Operation *op = layers[i];
      progress.step(layerName(op));
      auto conv = dyn_cast<spectral::Conv2DOp>(op);
      const bool joint = conv && method == "obs" && jointFits(conv) &&
                         keepOf.lookup(conv) <
                             conv.getInChannels() *
                                 spectral::independentBins(conv.getFftSize());
      if (!joint && !statisticsFit(op)) {
        if (failed(pruneLayer(op, nullptr)))
          return failure();
        continue;
      }
      FailureOr<SpectralExecutor> current = SpectralExecutor::create(func);
      if (failed(current))
        return failure();
      if (!joint) {
        LayerStatistics stats = gatherLayerStatistics(
            *originalExec, originalLayers[i], *current, op, inputs);
        if (failed(pruneLayer(op, &stats)))
          return failure();
        continue;
      }
      // The patch moments cost (cin N^2)^2 per output pixel: as many inputs
      // as a fixed budget of multiply-adds allows.
      const int64_t dim =
          conv.getInChannels() * conv.getFftSize() * conv.getFftSize();
      const int64_t perInput = 2 * dim * dim *
                               conv.getOutput().getType().getDimSize(2) *
                               conv.getOutput().getType().getDimSize(3);
      const size_t count = std::min<size_t>(
          inputs.size(),
          size_t(std::max<int64_t>(64, kJointBudget / perInput)));
      PatchStatistics patch =
          gatherPatchStatistics(*originalExec, originalLayers[i], *current, op,
                                ArrayRef(inputs).take_front(count));
      if (failed(prune(conv, keepOf.lookup(conv), nullptr, &patch)))
        return failure();
    }
    return success();
  }

  /// Calibration inputs for the sequential fit if the options ask for one
  /// and it can run on `func` (nothing otherwise); fails if the data cannot
  /// be read.
  FailureOr<std::optional<Inputs>> sequentialInputs(func::FuncOp func) {
    if (calib.empty() || method == "magnitude")
      return std::optional<Inputs>();
    if (Operation *op = SpectralExecutor::firstUnsupported(func)) {
      func.emitRemark("pruning fits each layer on its own (the float "
                      "executor of the sequential fit does not run '")
          << op->getName() << "')";
      return std::optional<Inputs>();
    }
    // The fit reruns the network up to each layer on every input, twice:
    // beyond a budget (VGG-size networks) it would take hours.
    double perRun = 0;
    int64_t layers = 0;
    func.walk([&](Operation *op) {
      if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
        auto in = conv.getInput().getType();
        const double tiles =
            double((in.getDimSize(2) + conv.getTileSize() - 1) /
                   conv.getTileSize()) *
            double((in.getDimSize(3) + conv.getTileSize() - 1) /
                   conv.getTileSize());
        perRun += tiles * double(conv.getOutChannels() * conv.getInChannels() *
                                 conv.getNnz());
        ++layers;
      } else if (auto fc = dyn_cast<spectral::FullyConnectedOp>(op)) {
        perRun +=
            double(cast<ShapedType>(fc.getValues().getType()).getNumElements());
        ++layers;
      }
    });
    const double cost = 2.0 * perRun * double(layers) * double(calibCount);
    if (cost > kSequentialBudget) {
      char text[64];
      std::snprintf(text, sizeof(text), "%.1e (limit %.0e)", cost,
                    kSequentialBudget);
      func.emitRemark("pruning fits each layer on its own: the sequential "
                      "fit would run about ")
          << text << " multiply-adds on " << unsigned(calibCount)
          << " calibration inputs";
      return std::optional<Inputs>();
    }
    auto shape = cast<ShapedType>(func.getArgument(0).getType()).getShape();
    if (calib == "random") {
      std::mt19937 rng(1);
      std::uniform_real_distribution<float> u(0, 1);
      Inputs random(calibCount,
                    std::vector<float>(ShapedType::getNumElements(shape)));
      for (std::vector<float> &v : random)
        for (float &x : v)
          x = u(rng);
      return std::optional<Inputs>(std::move(random));
    }
    auto ds = loadDataset(calib, /*train=*/true, calibCount);
    if (!ds)
      return func.emitError("calibration data: ")
             << llvm::toString(ds.takeError());
    if (ArrayRef<int64_t>(ds->imageShape) != shape)
      return func.emitError("calibration images do not fit the model input");
    return std::optional<Inputs>(std::move(ds->images));
  }

  /// Whether a conv layer is narrow enough for the joint fit over all its
  /// bins (spatial patch moments, exact for overlap-and-add).
  static bool jointFits(spectral::Conv2DOp conv) {
    return conv.getInChannels() * conv.getFftSize() * conv.getFftSize() <=
           kMaxJointDim;
  }

  /// Whether a layer's sequential statistics are small enough to gather.
  static bool statisticsFit(Operation *op) {
    constexpr int64_t kMaxBytes = 64 << 20;
    if (auto conv = dyn_cast<spectral::Conv2DOp>(op))
      return spectral::halfSpectrumBins(conv.getFftSize()) *
                 conv.getInChannels() * conv.getInChannels() * 32 <=
             kMaxBytes;
    const int64_t k =
        cast<ShapedType>(op->getOperand(0).getType()).getNumElements();
    return k * k * 32 <= kMaxBytes;
  }

  /// Row-balanced pruning of a fully-connected layer to `frac` zeros. With
  /// `stats` from the sequential fit, the kept weights (all of them in a
  /// dense layer) are refitted to the original outputs on the pruned
  /// network's inputs, with a ridge toward the original weights.
  LogicalResult pruneFc(spectral::FullyConnectedOp op, double frac,
                        const LayerStatistics *stats) {
    auto values = readNumbers(op.getValues());
    auto columns = readNumbers(op.getColumns());
    if (!values || !columns)
      return op.emitOpError("weights are not readable");
    auto shape = cast<ShapedType>(op.getValues().getType()).getShape();
    const int64_t m = shape[0], nnz = shape[1];
    const int64_t k =
        cast<ShapedType>(op.getInput().getType()).getNumElements();
    numFcTotal += uint64_t(m * nnz);
    const int64_t keep = frac <= 0 ? nnz : std::min(nnz, keptOf(k, frac));
    bool dense = nnz == k;
    for (int64_t t = 0; dense && t < k; ++t)
      dense = int64_t((*columns)[t]) == t;
    if (keep >= nnz && !(stats && dense)) {
      numFcKept += uint64_t(m * nnz);
      return success();
    }
    // The least-squares refit needs the dense layout and the covariances:
    // cov = C_pp, cross = C_op (the same without the sequential fit).
    std::optional<std::vector<double>> cov, cross;
    if (method != "magnitude" && dense) {
      if (stats) {
        cov.emplace(k * k);
        cross.emplace(k * k);
        for (int64_t i = 0; i < k * k; ++i) {
          (*cov)[i] = stats->pp[i].real();
          (*cross)[i] = stats->op[i].real();
        }
      } else if (auto attr = op->getAttrOfType<ElementsAttr>(
                     "spec2.input_covariance")) {
        cov = readNumbers(attr);
        cross = cov;
      }
    }
    if (method != "magnitude" && (!cov || int64_t(cov->size()) != k * k)) {
      cov.reset();
      op.emitWarning("no calibration covariance for the refit (run "
                     "spec2-calibrate with fc-covariance); pruned by "
                     "magnitude");
    }
    // Ridge: toward the original weights when a dense layer is refitted on
    // other inputs (it has as many unknowns as inputs and would overfit the
    // calibration set), else a negligible one for inputs the calibration
    // never drives (a pruned row must be free to take over what its dropped
    // weights carried).
    auto ridgeFor = [&](double meanDiag) {
      return (stats && keep == k ? double(refitRidge) : 1e-6) * meanDiag +
             1e-30;
    };
    std::vector<float> newValues(m * keep);
    std::vector<int32_t> newColumns(m * keep);
    std::vector<int64_t> order(nnz);
    // A dense refit shares one factor across the rows.
    Cholesky<double> denseFactor;
    bool denseOk = false;
    double denseRidge = 0;
    if (cov && keep == k) {
      double trace = 0;
      for (int64_t i = 0; i < k; ++i)
        trace += (*cov)[i * (k + 1)];
      denseRidge = ridgeFor(trace / double(k));
      std::vector<double> a = *cov;
      for (int64_t i = 0; i < k; ++i)
        a[i * (k + 1)] += denseRidge;
      denseOk = denseFactor.factor(a, k);
    }
    for (int64_t row = 0; row < m; ++row) {
      const double *w = &(*values)[row * nnz];
      const double *col = &(*columns)[row * nnz];
      auto score = [&](int64_t t) {
        const double second = cov ? (*cov)[int64_t(col[t]) * (k + 1)] : 1.0;
        return w[t] * w[t] * second;
      };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return score(a) > score(b);
      });
      std::sort(order.begin(), order.begin() + keep,
                [&](int64_t a, int64_t b) { return col[a] < col[b]; });
      std::vector<double> kept(keep);
      for (int64_t t = 0; t < keep; ++t)
        kept[t] = w[order[t]];
      if (cov) {
        // W_S (C_pp,SS + ridge) = (W0 C_op)_S + ridge W0_S.
        const std::vector<double> &c = *cov, &x = *cross;
        std::vector<double> rhs(keep);
        for (int64_t i = 0; i < keep; ++i) {
          const int64_t ci = order[i];
          double s = 0;
          for (int64_t j = 0; j < k; ++j)
            s += w[j] * x[j * k + ci];
          rhs[i] = s;
        }
        if (keep == k) {
          if (denseOk) {
            for (int64_t i = 0; i < keep; ++i)
              rhs[i] += denseRidge * w[order[i]];
            denseFactor.solveInPlace(rhs);
            kept = rhs;
          }
        } else {
          std::vector<double> a(keep * keep);
          double trace = 0;
          for (int64_t i = 0; i < keep; ++i)
            trace += c[order[i] * (k + 1)];
          const double ridge = ridgeFor(trace / double(keep));
          for (int64_t i = 0; i < keep; ++i) {
            for (int64_t j = 0; j < keep; ++j)
              a[i * keep + j] =
                  c[order[i] * k + order[j]] + (i == j ? ridge : 0.0);
          }
          if (choleskySolve<double>(a, keep, rhs))
            kept = rhs;
        }
      }
      for (int64_t t = 0; t < keep; ++t) {
        newValues[row * keep + t] = float(kept[t]);
        newColumns[row * keep + t] = int32_t(col[order[t]]);
      }
    }
    numFcKept += uint64_t(m * keep);
    MLIRContext *ctx = op.getContext();
    const std::string name = layerName(op);
    op->setAttr("values", makeF32Elements(ctx, {m, keep}, std::move(newValues),
                                          name + ".values"));
    op->setAttr("columns",
                makeI32Elements(ctx, {m, keep}, std::move(newColumns),
                                name + ".columns"));
    return success();
  }

  /// Prunes `op` to `perCo` canonical bins per output channel (whole bins
  /// per pair unless the layer is lane-balanced), fitted with `stats` from
  /// the sequential fit if given (then a layer that keeps every bin is
  /// refitted too), else with the calibration covariance.
  LogicalResult prune(spectral::Conv2DOp op, int64_t perCo,
                      const LayerStatistics *stats,
                      const PatchStatistics *patch = nullptr) {
    const int64_t n = op.getFftSize(), bins = spectral::halfSpectrumBins(n);
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t pairs = cout * cin, nnz = op.getNnz();
    const int64_t indep = spectral::independentBins(n);
    auto spectra = readNumbers(op.getSpectra());
    auto binsV = readNumbers(op.getBins());
    if (!spectra || !binsV)
      return op.emitOpError("kernel spectra are not readable");
    numTotal += uint64_t(pairs * indep);
    const PairCounts counts(*binsV, cout, cin, nnz);
    if (perCo >= cin * nnz && counts.uniform() && !stats) {
      numKept += uint64_t(pairs * nnz);
      return success();
    }
    perCo = std::min(perCo, cin * indep);
    const int64_t keep = perCo / cin; // per pair, for the per-pair methods
    const Quota quota = laneBalanced(op)
                            ? Quota::perLane(cin, lanes, indep, perCo)
                            : Quota::perPair(cin, keep);
    const bool everyBin = perCo >= cin * indep;
    // The kernels as dense half spectra, folded onto the canonical bins
    // (exact: see spectral::isCanonicalBin).
    SmallVector<int64_t> canonical;
    for (int64_t b = 0; b < bins; ++b)
      if (spectral::isCanonicalBin(n, b))
        canonical.push_back(b);
    std::vector<Cd> w0(pairs * bins, 0);
    for (int64_t k = 0; k < pairs; ++k)
      for (int64_t t = 0; t < nnz; ++t) {
        const int64_t b = int64_t((*binsV)[k * nnz + t]);
        if (b < 0)
          continue; // an absent slot
        const Cd v((*spectra)[2 * (k * nnz + t)],
                   (*spectra)[2 * (k * nnz + t) + 1]);
        w0[k * bins + spectral::canonicalBin(n, b)] +=
            spectral::isCanonicalBin(n, b) ? v : std::conj(v);
      }
    std::vector<uint8_t> mask;
    std::vector<Cd> values = w0;
    if (everyBin && !stats) {
      // Nothing to choose: folding alone (every canonical bin stays).
      mask.assign(w0.size(), 0);
      for (int64_t k = 0; k < pairs; ++k)
        for (int64_t b : canonical)
          mask[k * bins + b] = 1;
    } else if (patch) {
      if (failed(pruneJoint(op, w0, canonical, quota, *patch, mask, values)))
        op.emitWarning("the joint fit's input moments are not positive "
                       "definite; pruned by magnitude");
    } else if (method != "magnitude" &&
               failed(fitKernels(op, w0, canonical, keep, quota, everyBin,
                                 stats, mask, values))) {
      op.emitWarning("no calibration covariance for ")
          << method
          << " (run spec2-calibrate with tile-covariance); pruned by "
             "magnitude";
    }
    if (mask.empty())
      mask = balancedMask(w0, pairs, n, canonical, std::max<int64_t>(1, keep));
    // Store the kept bins in bin order, as many slots as the fullest pair
    // needs (the others' unused slots absent: bin -1).
    int64_t slots = 1, kept = 0;
    for (int64_t k = 0; k < pairs; ++k) {
      int64_t c = 0;
      for (int64_t b : canonical)
        c += mask[k * bins + b];
      slots = std::max(slots, c);
      kept += c;
    }
    std::vector<float> newSpectra(pairs * slots * 2, 0.0f);
    std::vector<int32_t> newBins(pairs * slots, -1);
    for (int64_t k = 0; k < pairs; ++k) {
      int64_t t = 0;
      for (int64_t b : canonical)
        if (mask[k * bins + b]) {
          newSpectra[2 * (k * slots + t)] = float(values[k * bins + b].real());
          newSpectra[2 * (k * slots + t) + 1] =
              float(values[k * bins + b].imag());
          newBins[k * slots + t] = int32_t(b);
          ++t;
        }
    }
    numKept += uint64_t(kept);
    MLIRContext *ctx = op.getContext();
    op->setAttr("spectra", makeF32Elements(ctx, {cout, cin, slots, 2},
                                           std::move(newSpectra), "spectra"));
    op->setAttr("bins", makeI32Elements(ctx, {cout, cin, slots},
                                        std::move(newBins), "bins"));
    op->removeAttr("spec2.tile_covariance");
    return success();
  }

  /// OBS over all bins of an output channel at once, against the layer's
  /// exact output error: the spatial kernel of input channel ci is
  /// k_ci = G theta_ci (theta: the canonical bins' real and imaginary
  /// parts), so the error of channel co is (theta - theta*)^T H (theta -
  /// theta*) with H = G^T P_pp G, and theta* solves H theta* = G^T P_po G
  /// theta0. Drops (bin, input channel) pairs, both parts at once, never
  /// taking a quota group below its limit; the OBS updates keep the values
  /// the exact
  /// least-squares fit on the remaining support. Fails if H is not positive
  /// definite.
  LogicalResult pruneJoint(spectral::Conv2DOp op, const std::vector<Cd> &w0,
                           ArrayRef<int64_t> canonical, const Quota &quota,
                           const PatchStatistics &ps,
                           std::vector<uint8_t> &mask, std::vector<Cd> &fit) {
    const int64_t n = op.getFftSize(), half = n / 2 + 1,
                  bins = spectral::halfSpectrumBins(n), nn = n * n;
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t nbc = int64_t(canonical.size()), per = 2 * nbc;
    const int64_t dim = cin * per;
    // G (nn x per): column (q, re) = c cos(phase) / N^2, (q, im) = -c
    // sin(phase) / N^2; c = 2 off columns 0 and N/2 (bin and conjugate).
    std::vector<double> g(nn * per);
    for (int64_t q = 0; q < nbc; ++q) {
      const int64_t ky = canonical[q] / half, kx = canonical[q] % half;
      const double c = (kx == 0 || kx == n / 2 ? 1.0 : 2.0) / double(nn);
      for (int64_t v = 0; v < n; ++v)
        for (int64_t u = 0; u < n; ++u) {
          const double ph = 2 * M_PI * double(ky * v + kx * u) / double(n);
          g[(v * n + u) * per + 2 * q] = c * std::cos(ph);
          g[(v * n + u) * per + 2 * q + 1] = -c * std::sin(ph);
        }
    }
    // G^T P G, block by block of input channels.
    auto project = [&](const std::vector<double> &p) {
      std::vector<double> h(dim * dim, 0.0);
      llvm::parallelFor(0, cin, [&](size_t ci) {
        std::vector<double> t(nn * per);
        for (int64_t cj = 0; cj < cin; ++cj) {
          std::fill(t.begin(), t.end(), 0.0);
          for (int64_t r = 0; r < nn; ++r) {
            const double *prow = &p[(ci * nn + r) * ps.dim + cj * nn];
            double *trow = &t[r * per];
            for (int64_t s = 0; s < nn; ++s) {
              const double v = prow[s];
              const double *grow = &g[s * per];
              for (int64_t k = 0; k < per; ++k)
                trow[k] += v * grow[k];
            }
          }
          for (int64_t r = 0; r < nn; ++r) {
            const double *grow = &g[r * per], *trow = &t[r * per];
            for (int64_t a = 0; a < per; ++a) {
              double *hrow = &h[(ci * per + a) * dim + cj * per];
              const double ga = grow[a];
              for (int64_t b = 0; b < per; ++b)
                hrow[b] += ga * trow[b];
            }
          }
        }
      });
      return h;
    };
    std::vector<double> h = project(ps.pp), hpo = project(ps.po);
    double trace = 0;
    for (int64_t a = 0; a < dim; ++a)
      trace += h[a * (dim + 1)];
    const double ridge = 1e-6 * trace / double(dim) + 1e-30;
    for (int64_t a = 0; a < dim; ++a)
      h[a * (dim + 1)] += ridge;
    Cholesky<double> factor;
    if (!factor.factor(h, dim))
      return failure();
    const std::vector<double> hinv = factor.inverse();
    mask.assign(cout * cin * bins, 0);
    fit.assign(cout * cin * bins, 0);
    llvm::parallelFor(0, cout, [&](size_t co) {
      // theta* = Hinv (Hpo theta0).
      std::vector<double> t0(dim), rhs(dim, 0.0), w(dim, 0.0);
      for (int64_t ci = 0; ci < cin; ++ci)
        for (int64_t q = 0; q < nbc; ++q) {
          const Cd v = w0[(co * cin + ci) * bins + canonical[q]];
          t0[ci * per + 2 * q] = v.real();
          t0[ci * per + 2 * q + 1] = v.imag();
        }
      for (int64_t a = 0; a < dim; ++a)
        for (int64_t b = 0; b < dim; ++b)
          rhs[a] += hpo[a * dim + b] * t0[b];
      for (int64_t a = 0; a < dim; ++a)
        for (int64_t b = 0; b < dim; ++b)
          w[a] += hinv[a * dim + b] * rhs[b];
      std::vector<double> hi = hinv, ta(dim), tb(dim), ga(dim), gb(dim);
      std::vector<uint8_t> alive(cin * nbc, 1);
      std::vector<int64_t> count(quota.groups(), 0), live;
      for (int64_t ci = 0; ci < cin; ++ci)
        count[quota.groupOf(ci)] += nbc;
      int64_t total = 0;
      for (int64_t g = 0; g < quota.groups(); ++g)
        total += std::max<int64_t>(0, count[g] - quota.limit[g]);
      for (int64_t r = 0; r < total; ++r) {
        // The cheapest pair to drop: w_g^T (Hinv_gg)^-1 w_g.
        int64_t best = -1;
        double bestCost = std::numeric_limits<double>::infinity();
        double m[4] = {0, 0, 0, 0}; // (Hinv_gg)^-1
        for (int64_t gi = 0; gi < cin * nbc; ++gi) {
          const int64_t grp = quota.groupOf(gi / nbc);
          if (!alive[gi] || count[grp] <= quota.limit[grp])
            continue;
          const int64_t a = 2 * gi;
          const double m00 = hi[a * dim + a], m01 = hi[a * dim + a + 1],
                       m11 = hi[(a + 1) * dim + a + 1];
          const double det = m00 * m11 - m01 * m01;
          if (!(det > 0))
            continue;
          const double x = w[a], y = w[a + 1];
          const double cost =
              (m11 * x * x - 2 * m01 * x * y + m00 * y * y) / det;
          if (cost < bestCost) {
            bestCost = cost;
            best = gi;
            m[0] = m11 / det;
            m[1] = m[2] = -m01 / det;
            m[3] = m00 / det;
          }
        }
        if (best < 0)
          break;
        const int64_t a = 2 * best;
        live.clear();
        for (int64_t gi = 0; gi < cin * nbc; ++gi)
          if (alive[gi] && gi != best) {
            live.push_back(2 * gi);
            live.push_back(2 * gi + 1);
          }
        // z = M w_g; w -= Hinv[:, g] z; Hinv -= Hinv[:, g] M Hinv[g, :].
        const double z0 = m[0] * w[a] + m[1] * w[a + 1],
                     z1 = m[2] * w[a] + m[3] * w[a + 1];
        for (int64_t k : live) {
          const double h0 = hi[k * dim + a], h1 = hi[k * dim + a + 1];
          w[k] -= h0 * z0 + h1 * z1;
          ta[k] = h0 * m[0] + h1 * m[2];
          tb[k] = h0 * m[1] + h1 * m[3];
          ga[k] = hi[a * dim + k];
          gb[k] = hi[(a + 1) * dim + k];
        }
        for (int64_t k : live) {
          double *row = &hi[k * dim];
          const double x0 = ta[k], x1 = tb[k];
          for (int64_t l : live)
            row[l] -= x0 * ga[l] + x1 * gb[l];
        }
        w[a] = w[a + 1] = 0;
        alive[best] = 0;
        --count[quota.groupOf(best / nbc)];
      }
      for (int64_t ci = 0; ci < cin; ++ci)
        for (int64_t q = 0; q < nbc; ++q)
          if (alive[ci * nbc + q]) {
            const int64_t k = (co * cin + ci) * bins + canonical[q];
            mask[k] = 1;
            fit[k] = Cd(w[ci * per + 2 * q], w[ci * per + 2 * q + 1]);
          }
    });
    return success();
  }

  /// Chooses the support of the dense folded kernels `w0` ([pair][half-
  /// spectrum bin]) by OBS or ADMM against the input covariance, then
  /// refits the kept values by least squares: sets `mask` and `fit`; fails
  /// without a covariance. The covariance is `stats` (C_pp, and C_op for
  /// the original outputs) or the calibration attribute (both C).
  LogicalResult fitKernels(spectral::Conv2DOp op, const std::vector<Cd> &w0,
                           ArrayRef<int64_t> canonical, int64_t keep,
                           const Quota &quota, bool everyBin,
                           const LayerStatistics *stats,
                           std::vector<uint8_t> &mask, std::vector<Cd> &fit) {
    const int64_t n = op.getFftSize(), bins = spectral::halfSpectrumBins(n);
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    std::vector<Cd> fromAttr;
    if (!stats) {
      auto covAttr = op->getAttrOfType<ElementsAttr>("spec2.tile_covariance");
      if (!covAttr)
        return failure();
      auto covV = readNumbers(covAttr);
      if (!covV || int64_t(covV->size()) != bins * cin * cin * 2)
        return failure();
      fromAttr.resize(bins * cin * cin);
      for (size_t k = 0; k < fromAttr.size(); ++k)
        fromAttr[k] = Cd((*covV)[2 * k], (*covV)[2 * k + 1]);
    }
    const std::vector<Cd> &pp = stats ? stats->pp : fromAttr;
    const std::vector<Cd> &cross = stats ? stats->op : fromAttr;
    auto C = [&](int64_t b, int64_t i, int64_t j) {
      return pp[(b * cin + i) * cin + j];
    };
    auto Cop = [&](int64_t b, int64_t i, int64_t j) {
      return cross[(b * cin + i) * cin + j];
    };
    auto at = [&](int64_t co, int64_t ci, int64_t b) {
      return (co * cin + ci) * bins + b;
    };
    // Per bin: (C_b + rho_b I)^-1 and w0 C_b for every output channel.
    std::vector<std::vector<Cd>> inv(bins);
    std::vector<double> rhoBin(bins);
    std::vector<Cd> w0C(cout * cin * bins);
    std::atomic<bool> singular{false};
    llvm::parallelFor(0, canonical.size(), [&](size_t q) {
      const int64_t b = canonical[q];
      double trace = 0;
      for (int64_t i = 0; i < cin; ++i)
        trace += C(b, i, i).real();
      rhoBin[b] = rho * trace / double(cin) + 1e-12;
      std::vector<Cd> a(cin * cin);
      for (int64_t i = 0; i < cin; ++i)
        for (int64_t j = 0; j < cin; ++j)
          a[i * cin + j] = C(b, i, j) + (i == j ? rhoBin[b] : 0.0);
      if (!invert(a, cin, inv[b])) {
        singular = true;
        return;
      }
      for (int64_t co = 0; co < cout; ++co)
        for (int64_t j = 0; j < cin; ++j) {
          Cd s = 0;
          for (int64_t i = 0; i < cin; ++i)
            s += mul(w0[at(co, i, b)], Cop(b, i, j));
          w0C[at(co, j, b)] = s;
        }
    });
    if (singular)
      return failure();
    std::vector<double> power(cin * bins);
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t b = 0; b < bins; ++b)
        power[ci * bins + b] = C(b, ci, ci).real();
    const int64_t pairs = cout * cin;
    std::vector<Cd> w = w0, z(w0.size()), u(w0.size(), 0);
    const bool useObs = method == "obs" && cin <= kMaxObsChannels;
    if (useObs && !everyBin) {
      std::vector<std::vector<Cd>> hinv(bins);
      llvm::parallelFor(0, canonical.size(), [&](size_t q) {
        const int64_t b = canonical[q];
        std::vector<Cd> a(cin * cin);
        double trace = 0;
        for (int64_t i = 0; i < cin; ++i)
          trace += C(b, i, i).real();
        for (int64_t i = 0; i < cin; ++i)
          for (int64_t j = 0; j < cin; ++j)
            a[i * cin + j] =
                C(b, i, j) + (i == j ? 1e-6 * trace / cin + 1e-30 : 0.0);
        if (!invert(a, cin, hinv[b]))
          singular = true;
      });
      if (singular)
        return failure();
      // OBS starts from the unconstrained fit w0 C_op C_pp^-1 (w0 itself
      // when the input is the original one).
      std::vector<Cd> start(w0.size(), 0);
      for (int64_t b : canonical)
        for (int64_t co = 0; co < cout; ++co)
          for (int64_t i = 0; i < cin; ++i)
            for (int64_t j = 0; j < cin; ++j)
              start[at(co, j, b)] +=
                  mul(w0C[at(co, i, b)], hinv[b][i * cin + j]);
      mask = obsMask(start, cout, cin, n, canonical, quota, hinv);
    } else if (!everyBin) {
      mask = balancedMask(w0, pairs, n, canonical, keep, &power, cin);
    }
    if (everyBin) {
      mask.assign(w0.size(), 0);
      for (int64_t k = 0; k < pairs; ++k)
        for (int64_t b : canonical)
          mask[k * bins + b] = 1;
    }
    for (size_t k = 0; k < z.size(); ++k)
      z[k] = mask[k] ? w0[k] : Cd(0);
    unsigned stable = 0;
    for (unsigned it = 0; !useObs && !everyBin && it < iterations; ++it) {
      // The bins are independent: one task each.
      llvm::parallelFor(0, canonical.size(), [&](size_t q) {
        const int64_t b = canonical[q];
        std::vector<double> rr(cin), ri(cin), sr(cin), si(cin);
        for (int64_t co = 0; co < cout; ++co) {
          for (int64_t j = 0; j < cin; ++j) {
            const Cd r = w0C[at(co, j, b)] +
                         rhoBin[b] * (z[at(co, j, b)] - u[at(co, j, b)]);
            rr[j] = r.real();
            ri[j] = r.imag();
          }
          // w = rhs * inv, row by row of inv, complex products spelled out
          // (std::complex's checked multiply is a library call).
          std::fill(sr.begin(), sr.end(), 0.0);
          std::fill(si.begin(), si.end(), 0.0);
          for (int64_t i = 0; i < cin; ++i) {
            const double a = rr[i], c = ri[i];
            const Cd *row = &inv[b][i * cin];
            for (int64_t j = 0; j < cin; ++j) {
              sr[j] += a * row[j].real() - c * row[j].imag();
              si[j] += a * row[j].imag() + c * row[j].real();
            }
          }
          for (int64_t j = 0; j < cin; ++j)
            w[at(co, j, b)] = Cd(sr[j], si[j]);
        }
      });
      std::vector<Cd> wu(w.size());
      for (size_t k = 0; k < w.size(); ++k)
        wu[k] = w[k] + u[k];
      std::vector<uint8_t> next =
          balancedMask(wu, pairs, n, canonical, keep, &power, cin);
      // Only the support reaches the output (the refit below recomputes the
      // kept values), so a support that has not moved for a while is done.
      stable = next == mask ? stable + 1 : 0;
      mask = std::move(next);
      for (size_t k = 0; k < w.size(); ++k) {
        z[k] = mask[k] ? wu[k] : Cd(0);
        u[k] += w[k] - z[k];
      }
      if (stable >= kStableIterations)
        break;
    }
    // Refit: per (co, b), w_S C_SS = (w0 C)_S on the support S.
    fit.assign(w0.size(), 0);
    llvm::parallelFor(0, canonical.size(), [&](size_t q) {
      const int64_t b = canonical[q];
      for (int64_t co = 0; co < cout; ++co) {
        std::vector<int64_t> S;
        for (int64_t ci = 0; ci < cin; ++ci)
          if (mask[at(co, ci, b)])
            S.push_back(ci);
        if (S.empty())
          continue;
        const int64_t m = int64_t(S.size());
        std::vector<Cd> a(m * m), v(m);
        double trace = 0;
        for (int64_t i = 0; i < m; ++i)
          trace += C(b, S[i], S[i]).real();
        // w_S C_SS = r (a row vector) is C_SS^T w_S^T = r^T, and C_SS^T is
        // conj(C_SS), Hermitian positive definite as C_SS is.
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < m; ++j)
            a[i * m + j] = std::conj(C(b, S[i], S[j])) +
                           (i == j ? 1e-9 * trace / m + 1e-30 : 0.0);
        for (int64_t i = 0; i < m; ++i)
          v[i] = w0C[at(co, S[i], b)];
        if (!choleskySolve<Cd>(a, m, v)) {
          for (int64_t i : S)
            fit[at(co, i, b)] = z[at(co, i, b)];
          continue;
        }
        for (int64_t j = 0; j < m; ++j)
          fit[at(co, S[j], b)] = v[j];
      }
    });
    return success();
  }
};

} // namespace
} // namespace spec2
