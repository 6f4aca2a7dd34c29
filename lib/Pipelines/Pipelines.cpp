//===- Pipelines.cpp - Registered pass pipelines --------------------------===//

#include "spec2/Pipelines/Pipelines.h"

#include "Overlay/OverlayDialect.h"
#include "Spec2/Spec2Dialect.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/Conversion/OverlaySupport.h"
#include "spec2/Conversion/Passes.h"
#include "spec2/Support/Constants.h"
#include "spec2/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace spec2 {

StringRef pruneMethodName(PruneMethod m) {
  return m == PruneMethod::Admm        ? "admm"
         : m == PruneMethod::Magnitude ? "magnitude"
                                       : "obs";
}

StringRef dataflowPolicyName(DataflowPolicy d) {
  return d == DataflowPolicy::ActivationReuse ? "activation_reuse"
         : d == DataflowPolicy::KernelReuse   ? "kernel_reuse"
                                              : "auto";
}

std::optional<PruneMethod> parsePruneMethod(StringRef name) {
  for (PruneMethod m :
       {PruneMethod::Obs, PruneMethod::Admm, PruneMethod::Magnitude})
    if (pruneMethodName(m) == name)
      return m;
  return std::nullopt;
}

std::optional<DataflowPolicy> parseDataflowPolicy(StringRef name) {
  for (DataflowPolicy d : {DataflowPolicy::Auto, DataflowPolicy::ActivationReuse,
                           DataflowPolicy::KernelReuse})
    if (dataflowPolicyName(d) == name)
      return d;
  return std::nullopt;
}

void populateGraphCleanupPipeline(OpPassManager &pm) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
}

LogicalResult runGraphCleanup(ModuleOp module) {
  PassManager pm(module.getContext());
  populateGraphCleanupPipeline(pm);
  return pm.run(module);
}

namespace {
/// Lower to spectral layers, fold BatchNorm, fuse activations: the real
/// conversion, or (dry) its shape on placeholder weights.
void populateLayerConversion(OpPassManager &fpm, bool dry) {
  GraphToSpectralOptions lower;
  lower.dryRun = dry;
  fpm.addPass(createGraphToSpectral(lower));
  fpm.addPass(createCanonicalizerPass());
  FoldBatchNormOptions fold;
  fold.dryRun = dry;
  fpm.addPass(createFoldBatchNorm(fold));
  fpm.addPass(createFuseActivations());
  fpm.addPass(createCanonicalizerPass());
}
} // namespace

void populateSpectralLoweringPipeline(OpPassManager &pm,
                                      const CompileOptions &o) {
  SetTargetOptions target;
  target.target = o.target;
  pm.addPass(createSetTarget(target));
  CalibrateOptions calib;
  calib.source = o.calib;
  calib.count = o.calibCount;
  // ADMM fits pruned kernels to the calibration tiles' spectra, and pruned
  // fully-connected rows to the calibration inputs.
  if (o.prunes() && o.pruneMethod != PruneMethod::Magnitude) {
    calib.tileCovariance = true;
    calib.fcCovariance = o.fcSparsity > 0 || !o.layerSparsity.empty();
  }
  pm.addPass(createCalibrate(calib));
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  ChooseEngineOptions engines;
  engines.engine = o.engine;
  engines.layerEngine = o.layerEngine;
  engines.sparsity = o.sparsity;
  engines.layerSparsity = o.layerSparsity;
  fpm.addPass(createChooseEngine(engines));
  populateLayerConversion(fpm, /*dry=*/false);
}

LogicalResult checkOverlaySupport(ModuleOp module, StringRef target) {
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager pm(module.getContext());
  SetTargetOptions t;
  t.target = target.str();
  pm.addPass(createSetTarget(t));
  populateLayerConversion(pm.nest<func::FuncOp>(), /*dry=*/true);
  if (failed(pm.run(*copy)))
    return failure();
  auto main = copy->lookupSymbol<func::FuncOp>("main");
  if (!main)
    return success();
  std::vector<Refusal> refused = overlayRefusals(main);
  if (refused.empty())
    return success();
  // One error per node (a BatchNormalization is a mul and an add): the op
  // kinds no engine runs, then those refused for a particular reason.
  struct NodeRefusals {
    std::vector<std::string> kinds, reasons;
  };
  llvm::MapVector<Location, NodeRefusals> byNode;
  for (const Refusal &r : refused) {
    NodeRefusals &n = byNode[r.op->getLoc()];
    std::string kind = "'" + r.op->getName().getStringRef().str() + "'";
    if (!r.why.empty())
      n.reasons.push_back(r.message(/*withSupported=*/false));
    else if (!llvm::is_contained(n.kinds, kind))
      n.kinds.push_back(std::move(kind));
  }
  for (auto &[loc, n] : byNode) {
    std::string text;
    if (!n.kinds.empty())
      text = llvm::join(n.kinds, ", ") +
             (n.kinds.size() == 1 ? " has" : " have") +
             " no engine on the overlay";
    for (const std::string &m : n.reasons)
      text += (text.empty() ? "" : "; ") + m;
    emitError(loc) << text;
  }
  return module.emitError()
         << byNode.size() << (byNode.size() == 1 ? " node" : " nodes")
         << " cannot run on the overlay (found before calibration); "
         << overlaySupportedOps();
}

void populateSpectralFinishPipeline(OpPassManager &pm,
                                    const CompileOptions &o) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (o.prunesNow()) {
    PruneSpectralOptions prune;
    prune.sparsity = o.sparsity;
    prune.method = pruneMethodName(o.pruneMethod).str();
    prune.fcSparsity = o.fcSparsity;
    prune.layerSparsity = o.layerSparsity;
    // Fit each layer on what the pruned layers before it produce.
    if (o.pruneMethod != PruneMethod::Magnitude) {
      prune.calib = o.calib;
      prune.calibCount = o.calibCount;
      prune.calibSeed = CalibrateOptions().seed;
    }
    fpm.addPass(createPruneSpectral(prune));
  }
  fpm.addPass(createQuantize());
  fpm.addPass(createScheduleBanks());
  fpm.addPass(createTileConvs());
  SelectDataflowOptions flows;
  flows.force = o.dataflow == DataflowPolicy::Auto
                    ? std::string()
                    : dataflowPolicyName(o.dataflow).str();
  fpm.addPass(createSelectDataflow(flows));
  if (o.fuse)
    fpm.addPass(createFuseBottlenecks());
}

void populateSpectralPipeline(OpPassManager &pm, const CompileOptions &o) {
  populateSpectralLoweringPipeline(pm, o);
  populateSpectralFinishPipeline(pm, o);
}

void populateOverlayPipeline(OpPassManager &pm, const CompileOptions &o) {
  SetTargetOptions target;
  target.target = o.target;
  pm.addPass(createSetTarget(target));
  pm.addPass(createSpectralToOverlay());
}

namespace {
class ReleaseDeadWeights : public PassInstrumentation {
public:
  explicit ReleaseDeadWeights(Operation *root) : root(root) {}
  void runAfterPass(Pass *, Operation *op) override {
    // Passes on functions may run in parallel (then their adaptor's turn
    // comes when all are done); spec2c runs them one at a time.
    if (op == root || (op->getParentOp() == root &&
                       !root->getContext()->isMultithreadingEnabled()))
      releaseUnreferencedBlobs(root->getContext(), {root});
  }

private:
  Operation *root;
};
} // namespace

void releaseDeadWeightsAfterPasses(PassManager &pm, Operation *root) {
  pm.addInstrumentation(std::make_unique<ReleaseDeadWeights>(root));
}

void registerPipelines() {
  registerSpec2Passes();
  registerSpec2ConversionPasses();
  PassPipelineRegistration<>(
      "spec2-graph-cleanup",
      "Canonicalize and CSE the imported graph (cancels layout transposes)",
      [](OpPassManager &pm) { populateGraphCleanupPipeline(pm); });
  PassPipelineRegistration<CompileOptions>(
      "spec2-to-spectral",
      "Calibrate, place convs on engines, lower to spectral layers, fold BatchNorm, fuse, prune, "
      "quantise, schedule bank reads, tile, choose dataflows and fuse inverted-residual blocks",
      populateSpectralPipeline);
  PassPipelineRegistration<CompileOptions>(
      "spec2-to-overlay", "Spectral layers to an overlay program",
      populateOverlayPipeline);
}

void registerSpec2Dialects(DialectRegistry &registry) {
  registry.insert<Spec2Dialect, spectral::SpectralDialect, ovl::OverlayDialect,
                  tosa::TosaDialect, func::FuncDialect>();
}

} // namespace spec2
