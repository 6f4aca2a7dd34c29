//===- Layers.h - Pruning one conv or fully-connected layer ---------------===//
//
// What the pass calls per layer: read the layer's weights, choose the kept
// ones by the method in the settings, refit them where a covariance allows,
// and store them back in the layer's attributes.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_LAYERS_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_LAYERS_H

#include "Settings.h"

#include "LayerStatistics.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/SpatialKer.h"

#include <optional>
#include <vector>

namespace spec2::prune {

/// The weights a runtime level may keep: 1 where the previous, denser level
/// kept one (spec2.level_base). A conv's mask is over its folded kernels,
/// [pair][half-spectrum bin]; a fully-connected layer's [row][input].
using BaseMask = std::vector<uint8_t>;

/// The base mask of `op` from its spec2.level_base (the previous level's
/// `bins`), if it has one; fails if the attribute does not fit the layer.
mlir::FailureOr<std::optional<BaseMask>> convBaseMask(spectral::Conv2DOp op);
/// The same for a fully-connected layer (the previous level's `columns`).
mlir::FailureOr<std::optional<BaseMask>>
fcBaseMask(spectral::FullyConnectedOp op);

/// Prunes `op` to `perCo` canonical bins per output channel (whole bins per
/// pair unless the layer is lane-balanced), fitted with `stats` from the
/// sequential fit if given (then a layer that keeps every bin is refitted
/// too), with the joint fit over `patch` if given, else with the
/// calibration covariance; returns the layer's weights before and after.
/// With `base`, the weights it drops stay zero (nested runtime levels): the
/// methods drop them first, then choose among the rest, and the refit runs
/// on what is left.
mlir::FailureOr<LayerCounts> pruneConv(const Settings &s, spectral::Conv2DOp op,
                                       int64_t perCo,
                                       const LayerStatistics *stats,
                                       const PatchStatistics *patch = nullptr,
                                       const BaseMask *base = nullptr);

/// Row-balanced pruning of a fully-connected layer to `frac` zeros. With
/// `stats` from the sequential fit, the kept weights (all of them in a
/// dense layer) are refitted to the original outputs on the pruned
/// network's inputs, with a ridge toward the original weights. With `base`,
/// only weights it keeps may stay.
mlir::FailureOr<LayerCounts> pruneFc(const Settings &s,
                                     spectral::FullyConnectedOp op, double frac,
                                     const LayerStatistics *stats,
                                     const BaseMask *base = nullptr);

/// The weights of a spatial layer pruned per lane block: every block of
/// `lanes` output channels keeps the same reduction entries for all its
/// lanes (SpatialKer.h).
struct SpatialPruned {
  std::vector<double> weights; ///< [cout][cpg*kh*kw], zero where pruned
  SpatialKept kept;            ///< the entries each block keeps
};

/// The pruning of one spatial layer on plain arrays (the entry point of
/// nested pruning levels). `w0` is [cout][dim] (dim = cpg*kh*kw, output
/// channel co in group co / (cout/groups)); every lane block keeps
/// min(`keep`, what `base` allows) entries. `base`, if given, is a coarser
/// level's result (a SpatialKept of the same shape): an entry it does not
/// keep stays zero here, so this level's zeros are a superset of its zeros;
/// null allows every entry. With `stats` (and a method other than
/// magnitude) the entries are chosen by OBS per lane block, the lanes of a
/// group sharing the group's inverse input covariance: repeatedly drop the
/// entry r whose removal raises the block's output error least once the
/// kept weights are re-solved, sum over its lanes of w_r^2 / [C^-1]_rr;
/// then the kept weights of each lane are refitted by least squares,
/// W_S (C_pp,SS + ridge) = (W0 C_op)_S + ridge W0_S (the ridge is
/// `refitRidge` times the mean input power when nothing is pruned, else
/// negligible). Without `stats`: magnitude, the entries of largest
/// sum over the block's lanes of w^2, values unchanged.
SpatialPruned pruneSpatialWeights(const Settings &s, int64_t cout,
                                  int64_t groups, int64_t dim, int64_t lanes,
                                  llvm::ArrayRef<double> w0, int64_t keep,
                                  const SpatialStatistics *stats,
                                  const SpatialKept *base = nullptr);

/// Prunes the spatial conv `op` to `keep` entries per lane block of the
/// target's conv_pout lanes (s.spatialLanes) with pruneSpatialWeights and
/// stores the weights back; returns its weights before and after (non-zero
/// lane-block entries times their lanes).
mlir::FailureOr<LayerCounts> pruneSpatial(const Settings &s,
                                          spectral::SpatialConv2DOp op,
                                          int64_t keep,
                                          const SpatialStatistics *stats,
                                          const SpatialKept *base = nullptr);

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_LAYERS_H
