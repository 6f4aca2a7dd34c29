//===- Pipelines.h - Registered pass pipelines -------------------*- C++ -*-===//
//
// One definition per pipeline, shared by spec2c, spec2-run and spec2-opt
// (where each is available as --spec2-<name>).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TRANSFORMS_PIPELINES_H
#define SPEC2_TRANSFORMS_PIPELINES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace spec2 {

/// Graph-level clean-up after import: canonicalisation (which cancels the
/// NCHW<->NHWC transpose pairs between adjacent conv/pool ops and folds
/// small constant reshapes/slices) and CSE.
void populateGraphCleanupPipeline(mlir::OpPassManager &pm);

/// Runs the graph clean-up pipeline on `module`.
mlir::LogicalResult runGraphCleanup(mlir::ModuleOp module);

/// Registers the pipelines above with the global pass registry.
void registerPipelines();

} // namespace spec2

#endif // SPEC2_TRANSFORMS_PIPELINES_H
