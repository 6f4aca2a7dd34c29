//===- RuntimeLevels.h - Compiling nested pruning levels --------*- C++ -*-===//
//
// spec2c --runtime-sparsity=R0,R1,...: the first stage of spec2-to-spectral
// (calibration, engine choice, lowering to spectral layers) runs once; then
// level after level, on a copy of that IR, the second stage prunes at the
// level's sparsity with the previous level's support as every layer's base
// (spec2.level_base: the new zeros are a superset of the old, the kept
// weights refitted) and spec2-to-overlay lowers it next to the denser
// levels' programs, so that it shares their inputs and identical segments
// (lib/Conversion/EarlierLevels.h).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_PIPELINES_RUNTIMELEVELS_H
#define SPEC2_PIPELINES_RUNTIMELEVELS_H

#include "spec2/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <vector>

namespace spec2 {

/// One runtime level, compiled.
struct CompiledLevel {
  double sparsity = 0;
  /// @main after spec2-to-spectral: pruned, quantised, scheduled.
  mlir::OwningOpRef<mlir::ModuleOp> spectral;
  /// Its ovl.program, alone in a module (null if not lowered).
  mlir::OwningOpRef<mlir::ModuleOp> program;
};

/// How far compileRuntimeLevels goes.
struct LevelPlan {
  /// The last level to compile (the denser ones are compiled for its base).
  unsigned last = 0;
  /// Lower the levels to overlay programs.
  bool lower = true;
  /// Lower level `last` on its own (a program of one level at DRAM 0),
  /// not next to the denser levels.
  bool alone = false;
};

/// Compiles graph-IR `module` at each of `o.runtimeSparsity` up to
/// `plan.last`; `module` is left after the first stage. Fails with the
/// pipeline's diagnostics.
mlir::FailureOr<std::vector<CompiledLevel>>
compileRuntimeLevels(mlir::ModuleOp module, const CompileOptions &o,
                     const LevelPlan &plan);

/// Gives every spectral conv and fully-connected layer of `func` the support
/// of the same layer of `denser` (the previous level, pruned) as its
/// spec2.level_base. Spatial convs are not pruned by any level yet: when
/// they are, their KER lists plug in here the same way. Fails if the two
/// functions do not have the same layers.
mlir::LogicalResult setLevelBases(mlir::func::FuncOp func,
                                  mlir::func::FuncOp denser);

} // namespace spec2

#endif // SPEC2_PIPELINES_RUNTIMELEVELS_H
