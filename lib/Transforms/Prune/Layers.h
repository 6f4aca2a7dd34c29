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

namespace spec2::prune {

/// Prunes `op` to `perCo` canonical bins per output channel (whole bins per
/// pair unless the layer is lane-balanced), fitted with `stats` from the
/// sequential fit if given (then a layer that keeps every bin is refitted
/// too), with the joint fit over `patch` if given, else with the
/// calibration covariance; returns the layer's weights before and after.
mlir::FailureOr<LayerCounts> pruneConv(const Settings &s, spectral::Conv2DOp op,
                                       int64_t perCo,
                                       const LayerStatistics *stats,
                                       const PatchStatistics *patch = nullptr);

/// Row-balanced pruning of a fully-connected layer to `frac` zeros. With
/// `stats` from the sequential fit, the kept weights (all of them in a
/// dense layer) are refitted to the original outputs on the pruned
/// network's inputs, with a ridge toward the original weights.
mlir::FailureOr<LayerCounts> pruneFc(const Settings &s,
                                     spectral::FullyConnectedOp op, double frac,
                                     const LayerStatistics *stats);

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_LAYERS_H
