//===- PruneSpectral.cpp - Balanced pruning of spectral and FC weights ----===//
//
// The pass: checks its options, shares out the budget, and prunes every
// conv and fully-connected layer, in order on the pruned network when the
// sequential fit runs. The budget, the methods and their linear algebra
// live in Prune/.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "Spec2/Spec2Dialect.h"

#include "Prune/Budget.h"
#include "Prune/Layers.h"
#include "Prune/SequentialFit.h"
#include "Prune/Settings.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Support/Progress.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#define DEBUG_TYPE "spec2-prune-spectral"

namespace spec2 {
#define GEN_PASS_DEF_PRUNESPECTRAL
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

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

/// Fails, naming the model's layers, if `overrides` names a layer that is
/// no conv or fully-connected layer of `func`.
LogicalResult checkOverrideNames(func::FuncOp func,
                                 const llvm::StringMap<double> &overrides) {
  llvm::StringSet<> seen;
  std::string names;
  func.walk([&](Operation *op) {
    if (prune::isPrunedLayer(op) && seen.insert(layerName(op)).second)
      names += (names.empty() ? "" : ", ") + layerName(op);
  });
  for (const auto &o : overrides)
    if (!seen.contains(o.getKey()))
      return func.emitError("layer-sparsity names '")
             << o.getKey() << "', which is no conv or fully-connected layer "
             << "of this model (layers: " << names << ")";
  return success();
}

struct PruneSpectralPass : impl::PruneSpectralBase<PruneSpectralPass> {
  using PruneSpectralBase::PruneSpectralBase;

  /// The options as the methods read them; fails on a bad option.
  FailureOr<prune::Settings> settings(func::FuncOp func) {
    if (!(sparsity >= 0.0 && sparsity < 1.0))
      return func.emitError("sparsity must be in [0, 1), got ") << sparsity;
    if (!(fcSparsity >= 0.0 && fcSparsity < 1.0))
      return func.emitError("fc-sparsity must be in [0, 1), got ")
             << fcSparsity;
    std::optional<prune::Method> m = prune::parseMethod(method);
    if (!m)
      return func.emitError("unknown pruning method '") << method << "'";
    prune::Settings s;
    s.method = *m;
    s.iterations = iterations;
    s.rho = rho;
    s.refitRidge = refitRidge;
    return s;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FailureOr<prune::Settings> s = settings(func);
    if (failed(s))
      return signalPassFailure();
    auto overrides = parseOverrides(func, layerSparsity);
    if (failed(overrides) || failed(checkOverrideNames(func, *overrides)))
      return signalPassFailure();
    // The overlay's input lanes, for lane-balanced quotas.
    if (func->getParentOfType<ModuleOp>()->hasAttr(kTargetAttrName)) {
      auto cfg = targetOf(func);
      if (!cfg)
        return signalPassFailure();
      s->lanes = cfg->config.pin;
      s->spatialLanes = cfg->config.convPout;
    }
    const llvm::DenseMap<Operation *, int64_t> keepOf =
        prune::shareConvBudget(func, *s, sparsity, *overrides);
    const llvm::DenseMap<Operation *, int64_t> spatialKeepOf =
        prune::shareSpatialBudget(func, sparsity, *overrides);

    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (prune::isPrunedLayer(op))
        layers.push_back(op);
    });
    auto pruneLayer = [&](Operation *op, const LayerStatistics *stats,
                          const PatchStatistics *patch,
                          const SpatialStatistics *spatial) -> LogicalResult {
      if (auto conv = dyn_cast<spectral::SpatialConv2DOp>(op)) {
        // A runtime level's base: the denser level's weights, whose
        // dropped entries stay dropped here.
        std::optional<SpatialKept> base;
        if (auto a = conv->getAttrOfType<ElementsAttr>(attr::kLevelBase)) {
          auto w = readNumbers(a);
          if (!w || a.getShapedType() != conv.getWeights().getShapedType())
            return conv.emitOpError(
                "spec2.level_base is not the weights of this layer");
          base = SpatialKept::ofWeights(SpatialGeometry::of(conv),
                                        s->spatialLanes, *w);
        }
        auto counts = prune::pruneSpatial(*s, conv, spatialKeepOf.lookup(conv),
                                          spatial, base ? &*base : nullptr);
        if (failed(counts))
          return failure();
        numSpatialTotal += counts->total;
        numSpatialKept += counts->kept;
        return success();
      }
      if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
        auto base = prune::convBaseMask(conv);
        if (failed(base))
          return failure();
        auto counts = prune::pruneConv(*s, conv, keepOf.lookup(conv), stats,
                                       patch, base->has_value() ? &**base
                                                                : nullptr);
        if (failed(counts))
          return failure();
        numTotal += counts->total;
        numKept += counts->kept;
        return success();
      }
      auto fc = cast<spectral::FullyConnectedOp>(op);
      auto base = prune::fcBaseMask(fc);
      if (failed(base))
        return failure();
      auto o = overrides->find(layerName(op));
      auto counts =
          prune::pruneFc(*s, fc, o != overrides->end() ? o->second : fcSparsity,
                         stats, base->has_value() ? &**base : nullptr);
      if (failed(counts))
        return failure();
      numFcTotal += counts->total;
      numFcKept += counts->kept;
      return success();
    };
    Progress progress("spec2-prune-spectral: layer", layers.size());
    auto inputs = prune::sequentialInputs(func, *s, calib, calibCount, calibSeed);
    if (failed(inputs))
      return signalPassFailure();
    if (!*inputs) {
      for (Operation *op : layers) {
        progress.step(layerName(op));
        if (failed(pruneLayer(op, nullptr, nullptr, nullptr)))
          return signalPassFailure();
      }
    } else if (failed(prune::pruneSequentially(func, *s, layers, **inputs,
                                               keepOf, progress, pruneLayer))) {
      return signalPassFailure();
    }
    // The calibration covariances and the level bases have served their
    // purpose.
    func.walk([](Operation *op) {
      op->removeAttr(attr::kTileCovariance);
      op->removeAttr(attr::kInputCovariance);
      op->removeAttr(attr::kLevelBase);
    });
  }
};

} // namespace
} // namespace spec2
