//===- GraphChecks.h - Checks on imported graphs ----------------*- C++ -*-===//
#ifndef SPEC2_IMPORT_GRAPHCHECKS_H
#define SPEC2_IMPORT_GRAPHCHECKS_H

#include "mlir/IR/BuiltinOps.h"

namespace spec2 {

/// Compiling for the overlay needs every conv and matmul weight to be a
/// compile-time constant (the compiler transforms and prunes the spectra).
/// Emits one error per weight that is a graph input, at its node.
mlir::LogicalResult verifyWeightsAreConstant(mlir::ModuleOp module);

} // namespace spec2

#endif // SPEC2_IMPORT_GRAPHCHECKS_H
