//===- OverlayExport.h - ovl.program -> Program -----------------*- C++ -*-===//
//
// Binary emission: turns the overlay dialect form of a program into the
// in-memory Program that ProgramFormat writes as .s2b and Assembler prints.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_EXPORT_OVERLAYEXPORT_H
#define SPEC2_EXPORT_OVERLAYEXPORT_H

#include "spec2/Target/Program.h"

#include "mlir/IR/BuiltinOps.h"

namespace spec2 {

/// Exports the single `ovl.program` of `module`. Diagnostics go to the ops.
mlir::FailureOr<Program> exportProgram(mlir::ModuleOp module);

} // namespace spec2

#endif
