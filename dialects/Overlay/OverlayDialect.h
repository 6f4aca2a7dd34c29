//===- OverlayDialect.h - One op per overlay instruction --------*- C++ -*-===//
#ifndef SPEC2_DIALECTS_OVERLAY_OVERLAYDIALECT_H
#define SPEC2_DIALECTS_OVERLAY_OVERLAYDIALECT_H

#include "spec2/isa.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "mlir/IR/Builders.h"

namespace spec2 {
namespace ovl {
/// Does `value` fit a `width`-bit field (isa::fits)? The predicate of every
/// instruction field attribute (OverlayOps.td).
bool fitsField(mlir::IntegerAttr value, unsigned width, bool isSigned);
/// Is `value` a string attribute naming one of `values` (", "-separated)?
bool isSelector(mlir::Attribute value, llvm::StringRef values);
} // namespace ovl
} // namespace spec2

#include "Overlay/OverlayOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "Overlay/OverlayOps.h.inc"

namespace spec2 {
namespace ovl {

/// Is `op` one of the instruction ops (not program/segment/tensor)?
bool isInstruction(mlir::Operation *op);

/// The instruction word of an instruction op, from its typed field
/// accessors (generated from the ISA field table). Fails with a diagnostic
/// on the op for an attribute that is not one of its fields, an unknown
/// selector or a value that does not fit its field.
mlir::FailureOr<isa::Word> encodeInsn(mlir::Operation *op);

/// The instruction op of `word`, made with its op's typed builder at the
/// builder's insertion point; null for an opcode or variant that has no op.
mlir::Operation *buildInsn(mlir::OpBuilder &b, mlir::Location loc,
                           const isa::Word &word);

} // namespace ovl
} // namespace spec2

#endif
