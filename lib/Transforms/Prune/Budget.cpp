//===- Budget.cpp - How many weights each layer keeps, and which fits run -===//
//
// The conv budget is global: at least `sparsity` of all spectral conv
// weights go. It is shared out in weights kept per output channel: whole
// bins per pair, or any count in a lane-balanced layer. Overridden layers
// take their own fraction. A layer with a single input channel has no other
// channel to compensate a dropped bin (pruning it only removes output
// frequencies), so the multi-input layers take the share (rounded to the
// nearest count) and single-input layers give up what that leaves over
// budget.
//
//===----------------------------------------------------------------------===//
#include "Budget.h"

#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/Support/LayerName.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace spec2::prune {

Quota Quota::perPair(int64_t cin, int64_t keep) {
  return {0, std::vector<int64_t>(cin, keep)};
}

Quota Quota::perLane(int64_t cin, int64_t lanes, int64_t indep, int64_t total) {
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

int64_t keptOf(int64_t total, double frac) {
  return std::max<int64_t>(
      1, int64_t(std::floor(double(total) * (1.0 - frac) + 1e-9)));
}

bool laneBalanced(const Settings &s, spectral::Conv2DOp op) {
  return s.lanes > 0 && s.method == Method::Obs &&
         op.getInChannels() <= kMaxObsChannels;
}

namespace {

/// The conv layers' share-out: the layers that take the global share, those
/// that fill what it leaves, and the counts kept so far.
struct ConvShare {
  explicit ConvShare(const Settings &s) : s(s) {}

  const Settings &s;
  llvm::DenseMap<Operation *, int64_t> keepOf; // per output channel
  SmallVector<spectral::Conv2DOp> freeLayers, fillers;

  /// Per output channel, counts are multiples of this.
  int64_t grain(spectral::Conv2DOp op) const {
    return laneBalanced(s, op) ? 1 : op.getInChannels();
  }
  /// Weights of an output channel before pruning.
  static int64_t all(spectral::Conv2DOp op) {
    return op.getInChannels() * spectral::independentBins(op.getFftSize());
  }
  int64_t weightsKept() const {
    int64_t kept = 0;
    for (auto [op, keep] : keepOf)
      kept += keep * cast<spectral::Conv2DOp>(op).getOutChannels();
    return kept;
  }
  /// Fillers keep what `budget` leaves them (the same count everywhere).
  void fill(int64_t budget) {
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
  }
};

} // namespace

llvm::DenseMap<Operation *, int64_t>
shareConvBudget(func::FuncOp func, const Settings &s, double sparsity,
                const llvm::StringMap<double> &overrides) {
  ConvShare c(s);
  double total = 0, fixedZeros = 0, multi = 0, single = 0;
  func.walk([&](spectral::Conv2DOp op) {
    const double w = double(op.getOutChannels() * c.all(op));
    total += w;
    auto o = overrides.find(layerName(op));
    if (o != overrides.end()) {
      fixedZeros += w * o->second;
      c.keepOf[op] = c.grain(op) * keptOf(c.all(op) / c.grain(op), o->second);
    } else {
      (op.getInChannels() == 1 ? single : multi) += w;
      (op.getInChannels() == 1 ? c.fillers : c.freeLayers).push_back(op);
    }
  });
  if (multi == 0)
    std::swap(c.freeLayers, c.fillers);
  const double free = multi > 0 ? multi : single;
  const double share =
      free > 0 ? std::clamp((sparsity * total - fixedZeros) / free, 0.0, 0.999)
               : 0.0;
  const int64_t budget = int64_t(std::floor((1.0 - sparsity) * total + 1e-9));
  // Round the share to the nearest count (the fillers make up for rounding
  // up), else down.
  for (bool down : {false, true}) {
    for (spectral::Conv2DOp op : c.freeLayers) {
      const double k = double(c.all(op)) * (1.0 - share) / double(c.grain(op));
      c.keepOf[op] =
          c.grain(op) * std::clamp<int64_t>(int64_t(down ? std::floor(k + 1e-9)
                                                         : std::round(k)),
                                            1, c.all(op) / c.grain(op));
    }
    c.fill(budget);
    if (sparsity <= 0 || c.weightsKept() <= budget)
      break;
  }
  return std::move(c.keepOf);
}

llvm::DenseMap<Operation *, int64_t>
shareSpatialBudget(func::FuncOp func, double sparsity,
                   const llvm::StringMap<double> &overrides) {
  llvm::DenseMap<Operation *, int64_t> keepOf;
  SmallVector<spectral::SpatialConv2DOp> free, fillers;
  double total = 0, fixedZeros = 0, multi = 0, single = 0;
  auto dimOf = [](spectral::SpatialConv2DOp op) {
    return op.getChannelsPerGroup() * op.getKernel()[0] * op.getKernel()[1];
  };
  func.walk([&](spectral::SpatialConv2DOp op) {
    const double w = double(op.getOutChannels() * dimOf(op));
    total += w;
    auto o = overrides.find(layerName(op));
    if (o != overrides.end()) {
      fixedZeros += w * o->second;
      keepOf[op] = keptOf(dimOf(op), o->second);
    } else {
      (op.getChannelsPerGroup() == 1 ? single : multi) += w;
      (op.getChannelsPerGroup() == 1 ? fillers : free).push_back(op);
    }
  });
  if (multi == 0)
    std::swap(free, fillers);
  const double freeWeights = multi > 0 ? multi : single;
  const double share =
      freeWeights > 0
          ? std::clamp((sparsity * total - fixedZeros) / freeWeights, 0.0, 0.999)
          : 0.0;
  const int64_t budget = int64_t(std::floor((1.0 - sparsity) * total + 1e-9));
  auto kept = [&] {
    int64_t k = 0;
    for (auto [op, keep] : keepOf)
      k += keep * cast<spectral::SpatialConv2DOp>(op).getOutChannels();
    return k;
  };
  for (bool down : {false, true}) {
    for (spectral::SpatialConv2DOp op : free) {
      const double k = double(dimOf(op)) * (1.0 - share);
      keepOf[op] = std::clamp<int64_t>(
          int64_t(down ? std::floor(k + 1e-9) : std::round(k)), 1, dimOf(op));
    }
    int64_t rows = 0;
    for (spectral::SpatialConv2DOp op : fillers) {
      keepOf[op] = 0;
      rows += op.getOutChannels();
    }
    if (!fillers.empty()) {
      const int64_t left = budget - kept();
      for (spectral::SpatialConv2DOp op : fillers)
        keepOf[op] = std::clamp<int64_t>(left / rows, 1, dimOf(op));
    }
    if (sparsity <= 0 || kept() <= budget)
      break;
  }
  return keepOf;
}

double sequentialFitCost(func::FuncOp func, unsigned inputs) {
  double perRun = 0;
  int64_t layers = 0;
  func.walk([&](Operation *op) {
    if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
      auto in = conv.getInput().getType();
      const double tiles = double((in.getDimSize(2) + conv.getTileSize() - 1) /
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
    } else if (auto conv = dyn_cast<spectral::SpatialConv2DOp>(op)) {
      perRun += double(SpatialGeometry::of(conv).macs());
      ++layers;
    }
  });
  return 2.0 * perRun * double(layers) * double(inputs);
}

bool jointFits(spectral::Conv2DOp conv) {
  return conv.getInChannels() * conv.getFftSize() * conv.getFftSize() <=
         kMaxJointDim;
}

size_t jointInputCount(spectral::Conv2DOp conv, size_t available) {
  // The patch moments cost (cin N^2)^2 per output pixel.
  const int64_t dim =
      conv.getInChannels() * conv.getFftSize() * conv.getFftSize();
  const int64_t perInput = 2 * dim * dim *
                           conv.getOutput().getType().getDimSize(2) *
                           conv.getOutput().getType().getDimSize(3);
  return std::min<size_t>(
      available, size_t(std::max<int64_t>(64, kJointBudget / perInput)));
}

bool statisticsFit(Operation *op) {
  constexpr int64_t kMaxBytes = 64 << 20;
  if (auto conv = dyn_cast<spectral::SpatialConv2DOp>(op)) {
    const int64_t dim = conv.getChannelsPerGroup() * conv.getKernel()[0] *
                        conv.getKernel()[1];
    return dim <= kMaxSpatialObsDim &&
           int64_t(conv.getGroup()) * dim * dim * 16 <= kMaxBytes;
  }
  if (auto conv = dyn_cast<spectral::Conv2DOp>(op))
    return spectral::halfSpectrumBins(conv.getFftSize()) *
               conv.getInChannels() * conv.getInChannels() * 32 <=
           kMaxBytes;
  const int64_t k =
      cast<ShapedType>(op->getOperand(0).getType()).getNumElements();
  return k * k * 32 <= kMaxBytes;
}

} // namespace spec2::prune
