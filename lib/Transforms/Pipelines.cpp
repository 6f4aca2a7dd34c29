//===- Pipelines.cpp - Registered pass pipelines --------------------------===//

#include "spec2/Transforms/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace spec2 {

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

void registerPipelines() {
  PassPipelineRegistration<>(
      "spec2-graph-cleanup",
      "Canonicalize and CSE the imported graph (cancels layout transposes)",
      [](OpPassManager &pm) { populateGraphCleanupPipeline(pm); });
}

} // namespace spec2
