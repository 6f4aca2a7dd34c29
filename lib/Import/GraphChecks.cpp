//===- GraphChecks.cpp - Checks on imported graphs ------------------------===//

#include "spec2/Import/GraphChecks.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace spec2 {

/// Follows layout-only ops back to the value they reorder.
static Value skipLayoutOps(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::SliceOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

LogicalResult verifyWeightsAreConstant(ModuleOp module) {
  bool ok = true;
  module.walk([&](Operation *op) {
    Value weight;
    if (auto c = dyn_cast<tosa::Conv2DOp>(op))
      weight = c.getWeight();
    else if (auto d = dyn_cast<tosa::DepthwiseConv2DOp>(op))
      weight = d.getWeight();
    else if (auto m = dyn_cast<tosa::MatMulOp>(op))
      weight = m.getB();
    else
      return;
    auto arg = dyn_cast<BlockArgument>(skipLayoutOps(weight));
    if (!arg)
      return;
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    op->emitError() << "the weights come from graph input '"
                    << (name ? name.getValue() : StringRef("?"))
                    << "'; compiling for the overlay needs constant weights "
                       "(store them as initializers)";
    ok = false;
  });
  return success(ok);
}

} // namespace spec2
