//===- OverlayDialect.h - One op per overlay instruction --------*- C++ -*-===//
#ifndef SPEC2_DIALECTS_OVERLAY_OVERLAYDIALECT_H
#define SPEC2_DIALECTS_OVERLAY_OVERLAYDIALECT_H

#include "spec2/isa.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "Overlay/OverlayOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "Overlay/OverlayOps.h.inc"

namespace spec2 {
namespace ovl {

/// Is `op` one of the instruction ops (not program/segment/tensor)?
bool isInstruction(mlir::Operation *op);

/// The instruction word of an instruction op: its mnemonic (op name plus the
/// buffer or vector-op selector) looked up in the assembler's field table,
/// every attribute stored in its field. Fails with a diagnostic on the op for
/// an unknown selector, an unknown attribute or a value that does not fit.
mlir::FailureOr<isa::Word> encodeInsn(mlir::Operation *op);

} // namespace ovl
} // namespace spec2

#endif
