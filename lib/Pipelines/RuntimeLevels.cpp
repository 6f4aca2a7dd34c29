//===- RuntimeLevels.cpp - Compiling nested pruning levels ----------------===//
#include "spec2/Pipelines/RuntimeLevels.h"

#include "Overlay/OverlayDialect.h"
#include "Spec2/Spec2Dialect.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"

#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace spec2 {
namespace {

/// The layers a level prunes, in program order.
SmallVector<Operation *> prunableLayers(func::FuncOp func) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (llvm::isa<spectral::Conv2DOp, spectral::SpatialConv2DOp,
                  spectral::FullyConnectedOp>(op))
      layers.push_back(op);
  });
  return layers;
}

func::FuncOp mainOf(ModuleOp module) {
  return module.lookupSymbol<func::FuncOp>("main");
}

/// The last ovl.program of `module` (the one just lowered).
ovl::ProgramOp lastProgram(ModuleOp module) {
  ovl::ProgramOp last;
  for (auto p : module.getOps<ovl::ProgramOp>())
    last = p;
  return last;
}

} // namespace

LogicalResult setLevelBases(func::FuncOp func, func::FuncOp denser) {
  SmallVector<Operation *> layers = prunableLayers(func);
  SmallVector<Operation *> from = prunableLayers(denser);
  if (layers.size() != from.size())
    return func.emitError("runtime levels: ")
           << layers.size() << " prunable layers here, " << from.size()
           << " in the denser level";
  for (auto [op, base] : llvm::zip(layers, from)) {
    if (op->getName() != base->getName())
      return op->emitError("runtime levels: the denser level has '")
             << base->getName() << "' in this layer's place";
    if (auto conv = dyn_cast<spectral::Conv2DOp>(base))
      op->setAttr(attr::kLevelBase, conv.getBins());
    else if (auto spatial = dyn_cast<spectral::SpatialConv2DOp>(base))
      // Its zero lane-block entries are what it dropped (SpatialKer.h).
      op->setAttr(attr::kLevelBase, spatial.getWeights());
    else
      op->setAttr(attr::kLevelBase,
                  cast<spectral::FullyConnectedOp>(base).getColumns());
  }
  return success();
}

FailureOr<std::vector<CompiledLevel>>
compileRuntimeLevels(ModuleOp module, const CompileOptions &o,
                     const LevelPlan &plan) {
  MLIRContext *ctx = module.getContext();
  // The first stage serves every level; its engine choice is level 0's
  // (the default level).
  CompileOptions first;
  first.copyOptionValuesFrom(o);
  first.sparsity = o.runtimeSparsity.front();
  {
    PassManager pm(ctx);
    populateSpectralLoweringPipeline(pm, first);
    if (failed(pm.run(module)))
      return failure();
  }
  releaseUnreferencedBlobs(ctx, {module.getOperation()});
  std::vector<CompiledLevel> levels;
  for (unsigned k = 0; k <= plan.last; ++k) {
    CompiledLevel level;
    level.sparsity = o.runtimeSparsity[k];
    OwningOpRef<ModuleOp> work(cast<ModuleOp>(module->clone()));
    if (k > 0 && failed(setLevelBases(mainOf(*work),
                                      mainOf(*levels.back().spectral))))
      return failure();
    CompileOptions opts;
    opts.copyOptionValuesFrom(o);
    opts.sparsity = level.sparsity;
    PassManager finish(ctx);
    populateSpectralFinishPipeline(finish, opts);
    if (failed(finish.run(*work)))
      return failure();
    level.spectral = OwningOpRef<ModuleOp>(cast<ModuleOp>(work->clone()));
    if (plan.lower && (k == plan.last || !plan.alone)) {
      // The denser levels' programs go first, to be shared.
      OpBuilder b(ctx);
      b.setInsertionPointToStart(work->getBody());
      if (!plan.alone)
        for (CompiledLevel &denser : levels)
          b.clone(*lastProgram(*denser.program));
      PassManager overlay(ctx);
      populateOverlayPipeline(overlay, opts);
      if (failed(overlay.run(*work)))
        return failure();
      ovl::ProgramOp program = lastProgram(*work);
      program->setAttr(attr::kLevelSparsity,
                       b.getF64FloatAttr(level.sparsity));
      level.program = ModuleOp::create(module.getLoc());
      level.program->getBody()->push_back(program->clone());
      for (NamedAttribute a : (*work)->getAttrs())
        (*level.program)->setAttr(a.getName(), a.getValue());
    }
    levels.push_back(std::move(level));
    work = nullptr;
    SmallVector<Operation *> live = {module.getOperation()};
    for (CompiledLevel &l : levels)
      for (ModuleOp m : {l.spectral.get(), l.program.get()})
        if (m)
          live.push_back(m.getOperation());
    releaseUnreferencedBlobs(ctx, live);
  }
  return levels;
}

} // namespace spec2
