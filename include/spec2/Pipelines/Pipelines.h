//===- Pipelines.h - Registered pass pipelines ------------------*- C++ -*-===//
//
// spec2c and spec2-opt share one definition of every pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_PIPELINES_PIPELINES_H
#define SPEC2_PIPELINES_PIPELINES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>
#include "spec2/Target/DefaultTarget.h"

namespace spec2 {

/// How spectral and FC weights are pruned (spec2-prune-spectral's methods).
enum class PruneMethod { Obs, Admm, Magnitude };
/// The conv dataflow: per layer by the cost model, or one for every layer.
enum class DataflowPolicy { Auto, ActivationReuse, KernelReuse };
/// "obs", "admm", "magnitude".
llvm::StringRef pruneMethodName(PruneMethod m);
/// "auto", "activation_reuse", "kernel_reuse".
llvm::StringRef dataflowPolicyName(DataflowPolicy d);
std::optional<PruneMethod> parsePruneMethod(llvm::StringRef name);
std::optional<DataflowPolicy> parseDataflowPolicy(llvm::StringRef name);

/// Canonicalize + CSE of the imported graph (cancels layout transposes).
void populateGraphCleanupPipeline(mlir::OpPassManager &pm);
mlir::LogicalResult runGraphCleanup(mlir::ModuleOp module);

/// Options of the compile pipelines.
struct CompileOptions : mlir::PassPipelineOptions<CompileOptions> {
  Option<std::string> calib{
      *this, "calib",
      llvm::cl::desc("Calibration inputs: fashion-mnist[:DIR] "
                     "or random"),
      llvm::cl::init("random")};
  Option<unsigned> calibCount{*this, "calib-count",
                              llvm::cl::desc("Calibration inputs to run"),
                              llvm::cl::init(256)};
  Option<std::string> target{
      *this, "target", llvm::cl::desc("Overlay configuration name or .json"),
      llvm::cl::init(kDefaultTarget.str())};
  Option<double> sparsity{*this, "sparsity",
                          llvm::cl::desc("Fraction of spectral conv weights "
                                         "to prune (balanced for the MAC "
                                         "lanes)"),
                          llvm::cl::init(0.0)};
  Option<PruneMethod> pruneMethod{
      *this, "prune-method", llvm::cl::desc("obs, admm or magnitude"),
      llvm::cl::init(PruneMethod::Obs),
      llvm::cl::values(clEnumValN(PruneMethod::Obs, "obs", ""),
                       clEnumValN(PruneMethod::Admm, "admm", ""),
                       clEnumValN(PruneMethod::Magnitude, "magnitude", ""))};
  Option<double> fcSparsity{*this, "fc-sparsity",
                            llvm::cl::desc("Fraction of fully-connected "
                                           "weights to prune (row-balanced)"),
                            llvm::cl::init(0.0)};
  Option<std::string> layerSparsity{
      *this, "layer-sparsity",
      llvm::cl::desc("Per-layer overrides NAME=R[,NAME=R...]"),
      llvm::cl::init("")};

  Option<DataflowPolicy> dataflow{
      *this, "dataflow",
      llvm::cl::desc("auto, activation_reuse or kernel_reuse (every conv)"),
      llvm::cl::init(DataflowPolicy::Auto),
      llvm::cl::values(
          clEnumValN(DataflowPolicy::Auto, "auto", ""),
          clEnumValN(DataflowPolicy::ActivationReuse, "activation_reuse", ""),
          clEnumValN(DataflowPolicy::KernelReuse, "kernel_reuse", ""))};

  Option<std::string> engine{
      *this, "engine",
      llvm::cl::desc("Engine of the convs both engines can run: auto (the "
                     "cost model's choice per layer), spectral or spatial"),
      llvm::cl::init("auto")};
  Option<std::string> layerEngine{
      *this, "layer-engine",
      llvm::cl::desc("Per-layer engines NAME=E[,NAME=E...]"),
      llvm::cl::init("")};
  Option<bool> fuse{
      *this, "fuse",
      llvm::cl::desc("Fuse inverted-residual blocks where the cost model "
                     "says it is faster (spec2-fuse-bottlenecks)"),
      llvm::cl::init(true)};

  ListOption<double> runtimeSparsity{
      *this, "runtime-sparsity",
      llvm::cl::desc("Conv sparsity of each runtime level, densest first "
                     "(spec2c compiles one level at a time with `sparsity` "
                     "set to each)")};

  /// True if any layer is to be pruned, at some runtime level.
  bool prunes() const {
    return prunesNow() || llvm::any_of(runtimeSparsity,
                                       [](double r) { return r > 0; });
  }
  /// True if any layer is to be pruned at `sparsity` (this level).
  bool prunesNow() const {
    return sparsity > 0 || fcSparsity > 0 || !layerSparsity.empty();
  }
};

/// Graph IR -> spectral IR, the stage every runtime level shares: set the
/// target, calibrate, choose engines, lower to spectral layers, fold
/// BatchNorm, fuse activations.
void populateSpectralLoweringPipeline(mlir::OpPassManager &pm,
                                      const CompileOptions &o);
/// Runs on a copy of `module` (graph IR) the conversion to spectral layers
/// in its dry run (placeholder weights: no calibration, no engine choice,
/// nothing read) for `target`, and reports every op the overlay cannot run,
/// each at its node, with the reason; fails if there is any. Fast (no
/// weight is touched), so spec2c runs it before any heavy work.
mlir::LogicalResult checkOverlaySupport(mlir::ModuleOp module,
                                        llvm::StringRef target);
/// The rest, once per runtime level: prune (when asked), quantise, schedule
/// bank reads, tile and choose dataflows.
void populateSpectralFinishPipeline(mlir::OpPassManager &pm,
                                    const CompileOptions &o);
/// Both stages: graph IR -> spectral IR, calibrated and quantised.
void populateSpectralPipeline(mlir::OpPassManager &pm, const CompileOptions &o);
/// Spectral IR -> overlay program.
void populateOverlayPipeline(mlir::OpPassManager &pm, const CompileOptions &o);

/// Registers the pipelines above and every spec2 pass.
void registerPipelines();

/// Adds to `pm` what frees, after each pass on `root` as a whole, the
/// weights no op of `root` refers to any more (releaseUnreferencedBlobs):
/// a model's memory is then its live weights, not every copy the pipeline
/// made. `root` must be the only module of the context in use.
void releaseDeadWeightsAfterPasses(mlir::PassManager &pm,
                                   mlir::Operation *root);
/// Every dialect spec2 produces or consumes.
void registerSpec2Dialects(mlir::DialectRegistry &registry);

} // namespace spec2

#endif // SPEC2_PIPELINES_PIPELINES_H
