//===- Passes.h - spec2c passes ---------------------------------*- C++ -*-===//
#ifndef SPEC2_TRANSFORMS_PASSES_H
#define SPEC2_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Target/DefaultTarget.h"

namespace spec2 {
class Spec2Dialect;
namespace spectral {
class SpectralDialect;
}
namespace ovl {
class OverlayDialect;
}

#define GEN_PASS_DECL
#include "spec2/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "spec2/Transforms/Passes.h.inc"

} // namespace spec2

#endif // SPEC2_TRANSFORMS_PASSES_H
