//===- Budget.h - How many weights each layer keeps, and which fits run ---===//
//
// The pruning budget: the conv layers share one global fraction, shared out
// in weights kept per output channel (Quota says how they may spread over
// the input channels); fully-connected rows keep the same count each. And
// the compute budget: which layers are narrow enough for the joint fit over
// all their bins, and whether the sequential fit (rerunning the network up
// to each layer) is affordable.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_BUDGET_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_BUDGET_H

#include "Settings.h"

#include "Spectral/SpectralDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <vector>

namespace spec2::prune {

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
  static Quota perPair(int64_t cin, int64_t keep);
  /// `total` weights per output channel over `lanes` input lanes of `cin`
  /// channels with `indep` bins each, spread as evenly as whole counts allow
  /// (the first lanes take the remainder).
  static Quota perLane(int64_t cin, int64_t lanes, int64_t indep,
                       int64_t total);
};

/// Kept weights of `total` when a fraction of at least `frac` goes.
int64_t keptOf(int64_t total, double frac);

/// Whether a conv layer's weights may spread unevenly over the input
/// channels that share an overlay lane: with a target, where OBS chooses
/// the support (the per-pair methods keep whole bins per pair).
bool laneBalanced(const Settings &s, spectral::Conv2DOp op);

/// Weights kept per output channel of every conv layer of `func`, so that at
/// least `sparsity` of all spectral conv weights go; the layers named in
/// `overrides` keep their own fraction.
llvm::DenseMap<mlir::Operation *, int64_t>
shareConvBudget(mlir::func::FuncOp func, const Settings &s, double sparsity,
                const llvm::StringMap<double> &overrides);

/// Entries kept per lane block of every spatial conv layer of `func`
/// (SpatialKer.h), so that at least `sparsity` of all spatial conv weights
/// go; the layers named in `overrides` keep their own fraction. As for
/// spectral convs, layers whose reduction has one input channel (a first
/// layer on a grey image, depthwise layers) cannot make up for a dropped
/// tap with another channel: the other layers take the share, rounded to
/// the nearest count, and these keep what the budget leaves.
llvm::DenseMap<mlir::Operation *, int64_t>
shareSpatialBudget(mlir::func::FuncOp func, double sparsity,
                   const llvm::StringMap<double> &overrides);

/// Multiply-adds of the sequential fit of `func` on `inputs` inputs.
double sequentialFitCost(mlir::func::FuncOp func, unsigned inputs);

/// Whether a conv layer is narrow enough for the joint fit over all its
/// bins (spatial patch moments, exact for overlap-and-add).
bool jointFits(spectral::Conv2DOp conv);

/// How many of `available` inputs the joint fit of `conv` gathers its
/// patch moments on, within kJointBudget.
size_t jointInputCount(spectral::Conv2DOp conv, size_t available);

/// The widest reduction (cpg*kh*kw) OBS prunes on a spatial layer; wider
/// ones are pruned by magnitude.
constexpr int64_t kMaxSpatialObsDim = 2304;

/// Whether a layer's sequential statistics are small enough to gather.
bool statisticsFit(mlir::Operation *op);

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_BUDGET_H
