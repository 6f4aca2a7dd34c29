//===- OverlayDialect.cpp - Overlay dialect ops, verifiers, encoding ------===//
#include "Overlay/OverlayDialect.h"

#include "spec2/Target/InsnTable.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace spec2::ovl;

#include "Overlay/OverlayOpsDialect.cpp.inc"

void OverlayDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Overlay/OverlayOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "Overlay/OverlayOps.cpp.inc"

namespace spec2 {
namespace ovl {

#include "Overlay/OverlayInsnBuilders.cpp.inc"

bool fitsField(IntegerAttr value, unsigned width, bool isSigned) {
  return value && isa::fits(isa::Field{0, width, isSigned},
                            value.getValue().getSExtValue());
}

bool isSelector(Attribute value, StringRef values) {
  auto s = dyn_cast_or_null<StringAttr>(value);
  if (!s)
    return false;
  SmallVector<StringRef> names;
  values.split(names, ", ");
  return llvm::is_contained(names, s.getValue());
}

FailureOr<isa::Word> encodeInsn(Operation *op) {
  // Fields and flags are the op's own (inherent) attributes; anything else
  // would be silently dropped by the encoding.
  for (NamedAttribute a : op->getDiscardableAttrs())
    return op->emitOpError("'")
           << a.getName().getValue() << "' is not a field of "
           << op->getName().stripDialect();
  return encodeInsnOp(op);
}

Operation *buildInsn(OpBuilder &b, Location loc, const isa::Word &word) {
  return buildInsnOp(b, loc, word);
}

} // namespace ovl
} // namespace spec2

LogicalResult ProgramOp::verify() {
  Block &body = getBody().front();
  Operation *last = nullptr;
  for (Operation &op : body)
    if (isInstruction(&op))
      last = &op;
  if (!last || !llvm::isa<FinishOp>(last))
    return emitOpError("must end with ovl.finish");
  if (getDramBytes() <= 0 ||
      getDramBytes() > (int64_t(1) << isa::kDramAddrBits))
    return emitOpError("dram_bytes must be in [1, 2^32]");
  return success();
}

LogicalResult SegmentOp::verify() {
  auto t = cast<ShapedType>(getData().getType());
  if (!t.getElementType().isInteger(8) || t.getRank() != 1)
    return emitOpError("data must be a 1-D i8 tensor");
  // The I64Attr getter is unsigned: compare the signed value.
  if (int64_t(getDramAddr()) < 0)
    return emitOpError("dram_addr must be non-negative");
  return success();
}

LogicalResult TensorOp::verify() {
  if (getKind() != "input" && getKind() != "output")
    return emitOpError("kind must be \"input\" or \"output\"");
  if (getDims().empty())
    return emitOpError("needs at least one dimension");
  for (int64_t d : getDims())
    if (d < 1)
      return emitOpError("dimensions must be positive");
  // The I64Attr getter is unsigned: compare the signed value.
  if (int64_t(getDramAddr()) < 0)
    return emitOpError("dram_addr must be non-negative");
  // The program format stores it as an int8 (TensorDesc::fracBits).
  int32_t frac = int32_t(getFrac());
  if (frac < -128 || frac > 127)
    return emitOpError("frac must be in [-128, 127], got ") << frac;
  return success();
}

#define SPEC2_INSN_VERIFIER(Op)                                                \
  LogicalResult Op::verify() { return spec2::ovl::encodeInsn(*this); }
SPEC2_INSN_VERIFIER(FinishOp)
SPEC2_INSN_VERIFIER(NopOp)
SPEC2_INSN_VERIFIER(LoadOp)
SPEC2_INSN_VERIFIER(StoreOp)
SPEC2_INSN_VERIFIER(FftOp)
SPEC2_INSN_VERIFIER(SconvOp)
SPEC2_INSN_VERIFIER(OutqOp)
SPEC2_INSN_VERIFIER(GemvOp)
SPEC2_INSN_VERIFIER(VecOp)
SPEC2_INSN_VERIFIER(ConvOp)
SPEC2_INSN_VERIFIER(ConvqOp)
#undef SPEC2_INSN_VERIFIER
