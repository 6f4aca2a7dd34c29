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
#include "spec2/Target/DefaultTarget.h"

namespace spec2 {

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
  Option<std::string> pruneMethod{*this, "prune-method",
                                  llvm::cl::desc("obs, admm or magnitude"),
                                  llvm::cl::init("obs")};
  Option<double> fcSparsity{*this, "fc-sparsity",
                            llvm::cl::desc("Fraction of fully-connected "
                                           "weights to prune (row-balanced)"),
                            llvm::cl::init(0.0)};
  Option<std::string> layerSparsity{
      *this, "layer-sparsity",
      llvm::cl::desc("Per-layer overrides NAME=R[,NAME=R...]"),
      llvm::cl::init("")};

  Option<std::string> dataflow{
      *this, "dataflow",
      llvm::cl::desc("auto, activation_reuse or kernel_reuse (every conv)"),
      llvm::cl::init("auto")};

  /// True if any layer is to be pruned.
  bool prunes() const {
    return sparsity > 0 || fcSparsity > 0 || !layerSparsity.empty();
  }
};

/// Graph IR -> spectral IR: calibrate, lower to spectral layers, fold
/// BatchNorm, fuse activations, prune (when asked), quantise.
void populateSpectralPipeline(mlir::OpPassManager &pm, const CompileOptions &o);
/// Spectral IR -> overlay program.
void populateOverlayPipeline(mlir::OpPassManager &pm, const CompileOptions &o);

/// Registers the pipelines above and every spec2 pass.
void registerPipelines();
/// Every dialect spec2 produces or consumes.
void registerSpec2Dialects(mlir::DialectRegistry &registry);

} // namespace spec2

#endif // SPEC2_PIPELINES_PIPELINES_H
