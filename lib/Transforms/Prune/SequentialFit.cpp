//===- SequentialFit.cpp - Pruning layers in order on the pruned network --===//
//
// Per layer: the statistics of its input on the pruned network so far and
// the original one (LayerStatistics.h), the spatial patch moments for the
// joint fit of a narrow conv layer, or nothing where the statistics would
// not fit in memory.
//
//===----------------------------------------------------------------------===//
#include "SequentialFit.h"

#include "Budget.h"

#include "spec2/Reference/SpectralExecutor.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Support/LayerName.h"

#include "llvm/ADT/ScopeExit.h"

#include <cstdio>
#include <random>

using namespace mlir;

namespace spec2::prune {

FailureOr<std::optional<Inputs>> sequentialInputs(func::FuncOp func,
                                                  const Settings &s,
                                                  StringRef calib,
                                                  unsigned calibCount,
                                                  unsigned calibSeed) {
  if (calib.empty() || s.method == Method::Magnitude)
    return std::optional<Inputs>();
  if (Operation *op = SpectralExecutor::firstUnsupported(func)) {
    func.emitRemark("pruning fits each layer on its own (the float "
                    "executor of the sequential fit does not run '")
        << op->getName() << "')";
    return std::optional<Inputs>();
  }
  // The fit reruns the network up to each layer on every input, twice:
  // beyond a budget (VGG-size networks) it would take hours.
  const double cost = sequentialFitCost(func, calibCount);
  if (cost > kSequentialBudget) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.1e (limit %.0e)", cost,
                  kSequentialBudget);
    func.emitRemark("pruning fits each layer on its own: the sequential "
                    "fit would run about ")
        << text << " multiply-adds on " << calibCount << " calibration inputs";
    return std::optional<Inputs>();
  }
  // The inputs spec2-calibrate ran (Dataset.h: one definition, the same
  // seed), made again: passes share no memory but the IR.
  auto shape = cast<ShapedType>(func.getArgument(0).getType()).getShape();
  auto made = calibrationInputs(
      calib, {std::vector<int64_t>(shape.begin(), shape.end())}, calibCount,
      calibSeed);
  if (!made)
    return func.emitError() << llvm::toString(made.takeError());
  Inputs inputs;
  for (std::vector<Tensor> &in : *made)
    inputs.push_back(std::move(in.front().f32));
  return std::optional<Inputs>(std::move(inputs));
}

bool isPrunedLayer(Operation *op) {
  return llvm::isa<spectral::Conv2DOp, spectral::SpatialConv2DOp,
                   spectral::FullyConnectedOp>(op);
}

LogicalResult
pruneSequentially(func::FuncOp func, const Settings &s,
                  ArrayRef<Operation *> layers, const Inputs &inputs,
                  const llvm::DenseMap<Operation *, int64_t> &keepOf,
                  Progress &progress, PruneLayerFn pruneLayer) {
  auto original = cast<func::FuncOp>(func->clone());
  llvm::scope_exit eraseOriginal([&] { original->erase(); });
  SmallVector<Operation *> originalLayers;
  original.walk([&](Operation *op) {
    if (isPrunedLayer(op))
      originalLayers.push_back(op);
  });
  FailureOr<SpectralExecutor> originalExec = SpectralExecutor::create(original);
  if (failed(originalExec))
    return failure();
  for (size_t i = 0; i < layers.size(); ++i) {
    Operation *op = layers[i];
    progress.step(layerName(op));
    auto conv = dyn_cast<spectral::Conv2DOp>(op);
    const bool joint =
        conv && s.method == Method::Obs && jointFits(conv) &&
        keepOf.lookup(conv) <
            conv.getInChannels() * spectral::independentBins(conv.getFftSize());
    if (!joint && !statisticsFit(op)) {
      if (failed(pruneLayer(op, nullptr, nullptr, nullptr)))
        return failure();
      continue;
    }
    FailureOr<SpectralExecutor> current = SpectralExecutor::create(func);
    if (failed(current))
      return failure();
    if (llvm::isa<spectral::SpatialConv2DOp>(op)) {
      SpatialStatistics stats = gatherSpatialStatistics(
          *originalExec, originalLayers[i], *current, op, inputs);
      if (failed(pruneLayer(op, nullptr, nullptr, &stats)))
        return failure();
      continue;
    }
    if (!joint) {
      LayerStatistics stats = gatherLayerStatistics(
          *originalExec, originalLayers[i], *current, op, inputs);
      if (failed(pruneLayer(op, &stats, nullptr, nullptr)))
        return failure();
      continue;
    }
    const size_t count = jointInputCount(conv, inputs.size());
    PatchStatistics patch =
        gatherPatchStatistics(*originalExec, originalLayers[i], *current, op,
                              ArrayRef(inputs).take_front(count));
    if (failed(pruneLayer(op, nullptr, &patch, nullptr)))
      return failure();
  }
  return success();
}

} // namespace spec2::prune
