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

bool isInstruction(Operation *op) {
  return llvm::isa<FinishOp, NopOp, LoadOp, StoreOp, FftOp, SconvOp, OutqOp,
                   GemvOp, VecOp>(op);
}

FailureOr<isa::Word> encodeInsn(Operation *op) {
  std::string mnemonic = op->getName().stripDialect().str();
  if (auto sel = op->getAttrOfType<StringAttr>(llvm::isa<LoadOp>(op) ? "buffer"
                                                                     : "op");
      sel && llvm::isa<LoadOp, VecOp>(op))
    mnemonic += "." + sel.getValue().str();
  const InsnFormat *format = findInsnFormat(mnemonic);
  if (!format)
    return op->emitOpError("has no instruction form '") << mnemonic << "'";
  isa::Word w{};
  isa::setField(w, isa::kOpcode, format->opcode);
  if (format->hasSelector)
    isa::setField(w, format->selector.field, format->selectorValue);
  for (NamedAttribute a : op->getAttrs()) {
    StringRef name = a.getName().getValue();
    // Only the op's own selector is not a field; elsewhere it is unknown.
    if ((name == "buffer" && llvm::isa<LoadOp>(op)) ||
        (name == "op" && llvm::isa<VecOp>(op)))
      continue;
    if (llvm::isa<UnitAttr>(a.getValue())) {
      bool found = false;
      for (const NamedField &f : dependencyFlags())
        if (f.name == name) {
          isa::setField(w, f.field, 1);
          found = true;
        }
      if (!found)
        return op->emitOpError("unknown flag '") << name << "'";
      continue;
    }
    auto field = findOperand(*format, name);
    auto value = dyn_cast<IntegerAttr>(a.getValue());
    if (!field || !value)
      return op->emitOpError("'") << name << "' is not a field of " << mnemonic;
    int64_t v = value.getValue().getSExtValue();
    if (!isa::fits(*field, v))
      return op->emitOpError("field '")
             << name << "' = " << v << " does not fit its " << field->width
             << (field->isSigned ? "-bit signed" : "-bit unsigned") << " field";
    isa::setField(w, *field, v);
  }
  return w;
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
#undef SPEC2_INSN_VERIFIER
