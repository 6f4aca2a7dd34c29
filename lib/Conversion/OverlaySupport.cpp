//===- OverlaySupport.cpp - Which ops have an engine on the overlay -------===//
#include "spec2/Conversion/OverlaySupport.h"

#include "Spectral/SpectralDialect.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace spec2 {

const char *overlaySupportedOps() {
  return "the overlay runs convolution, fully-connected, max/average/global "
         "pooling, add, ReLU/ReLU6/clip, element-wise functions of one "
         "activation, softmax over channels, concatenation and slices along "
         "channels and channel shuffles";
}

namespace {

/// Why `op` has no overlay engine, as precisely as we can tell.
std::string whyNoEngine(Operation *op) {
  // Every conv with constant weights has an engine (spectral or spatial).
  if (llvm::isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return "its weights are not constant";
  if (llvm::isa<tosa::MatMulOp>(op))
    return "only matrix-vector products with constant weights run on the "
           "fully-connected engine";
  if (llvm::isa<tosa::ConcatOp>(op))
    return "the overlay concatenates only along an axis with extents of 1 "
           "before it (channels of NCHW at batch 1)";
  if (llvm::isa<tosa::ReduceMaxOp, tosa::ReduceSumOp, tosa::ReduceMinOp,
                tosa::ReduceProductOp>(op)) {
    auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    std::string shape;
    if (type)
      for (int64_t d : type.getShape())
        shape += (shape.empty() ? "" : "x") + std::to_string(d);
    return "reductions run on the overlay as global pooling (over H and W) "
           "and as a Softmax over the channels (axis 1) of a batch-1 [1, C] "
           "or [1, C, H, W] tensor; this one reduces axis " +
           std::to_string(op->getAttrOfType<IntegerAttr>("axis").getInt()) +
           " of " + (shape.empty() ? "a tensor" : shape);
  }
  if (llvm::isa<tosa::SliceOp>(op))
    return "the overlay slices only one axis with extents of 1 before it "
           "(channels of NCHW at batch 1), as a view";
  return "";
}

} // namespace

std::string Refusal::message(bool withSupported) const {
  std::string m =
      "'" + op->getName().getStringRef().str() + "' has no engine on the overlay";
  if (!why.empty())
    return m + ": " + why;
  return withSupported ? m + ": " + overlaySupportedOps() : m;
}

std::vector<Refusal> overlayRefusals(func::FuncOp func) {
  std::vector<Refusal> refused, transposes;
  for (Operation &op : func.getBody().front()) {
    if (llvm::isa<spectral::SpectralDialect>(op.getDialect()) ||
        llvm::isa<func::ReturnOp, tosa::ReshapeOp, tosa::ConstOp,
                  tosa::ConstShapeOp>(op))
      continue;
    Refusal r{&op, whyNoEngine(&op)};
    (llvm::isa<tosa::TransposeOp>(op) ? transposes : refused)
        .push_back(std::move(r));
  }
  return refused.empty() ? transposes : refused;
}

} // namespace spec2
