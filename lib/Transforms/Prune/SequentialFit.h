//===- SequentialFit.h - Pruning layers in order on the pruned network ----===//
//
// The sequential fit prunes the layers in order, each fitted to the
// original network's outputs on the input the already pruned layers give
// it, from calibration inputs run through the float spectral executor.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_SEQUENTIALFIT_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_SEQUENTIALFIT_H

#include "Settings.h"

#include "LayerStatistics.h"

#include "spec2/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>
#include <vector>

namespace spec2::prune {

/// Calibration inputs, each the flattened model input.
using Inputs = std::vector<std::vector<float>>;

/// The calibration inputs for the sequential fit, if the options ask for one
/// (a `calib` source and a method other than magnitude) and it can run on
/// `func` within kSequentialBudget (nothing otherwise, with a remark saying
/// why); fails if the data cannot be read.
mlir::FailureOr<std::optional<Inputs>> sequentialInputs(mlir::func::FuncOp func,
                                                        const Settings &s,
                                                        llvm::StringRef calib,
                                                        unsigned calibCount,
                                                        unsigned calibSeed);

/// Prunes one layer with the statistics the sequential fit gathered for it
/// (none: from the calibration covariances); `patch` for a joint conv fit,
/// `spatial` for a spatial conv.
using PruneLayerFn = llvm::function_ref<mlir::LogicalResult(
    mlir::Operation *, const LayerStatistics *, const PatchStatistics *,
    const SpatialStatistics *)>;

/// Whether `op` is a layer the pass prunes: spectral, spatial and
/// fully-connected.
bool isPrunedLayer(mlir::Operation *op);

/// Prunes `layers` of `func` in order, each on the statistics of its input
/// as the already pruned layers compute it; `keepOf` gives the conv layers'
/// weights kept per output channel (to choose the joint fit).
mlir::LogicalResult
pruneSequentially(mlir::func::FuncOp func, const Settings &s,
                  llvm::ArrayRef<mlir::Operation *> layers,
                  const Inputs &inputs,
                  const llvm::DenseMap<mlir::Operation *, int64_t> &keepOf,
                  Progress &progress, PruneLayerFn pruneLayer);

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_SEQUENTIALFIT_H
