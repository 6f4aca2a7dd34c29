//===- TosaBuilder.h - Shape-aware helpers that build TOSA ops --*- C++ -*-===//
//
// The importer computes every result shape itself (ONNX shapes are static
// after symbolic-dimension binding), so these helpers take explicit shapes and
// spell out TOSA 1.0's operand conventions (zero points, shift, shape values)
// in one place.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_IMPORT_TOSABUILDER_H
#define SPEC2_LIB_IMPORT_TOSABUILDER_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <vector>

namespace spec2::import {

/// Broadcasts two shapes by the ONNX/numpy rules; fails if incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Builds f32 TOSA ops at a fixed location.
class TosaBuilder {
public:
  TosaBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() const { return loc; }

  static mlir::RankedTensorType f32Type(llvm::ArrayRef<int64_t> shape,
                                        mlir::MLIRContext *ctx);
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);

  /// A constant: small ones as dense attributes (so upstream folders see
  /// them), large ones as dense_resource blobs named after `nameHint`.
  mlir::Value constant(llvm::ArrayRef<int64_t> shape, std::vector<float> data,
                       llvm::StringRef nameHint = "cst");
  mlir::Value splat(llvm::ArrayRef<int64_t> shape, float value);
  /// The f32 zero point TOSA 1.0 conv/pool/matmul ops take as an operand.
  mlir::Value zeroPoint();
  mlir::Value shapeValue(llvm::ArrayRef<int64_t> shape);

  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int32_t> perms);
  mlir::Value slice(mlir::Value v, llvm::ArrayRef<int64_t> start,
                    llvm::ArrayRef<int64_t> size);
  /// `pads` holds (before, after) per dimension, interleaved as TOSA wants.
  mlir::Value pad(mlir::Value v, llvm::ArrayRef<int64_t> pads, float value);
  mlir::Value concat(llvm::ArrayRef<mlir::Value> values, int32_t axis);
  /// Repeats `v` `multiples[d]` times along each dimension d.
  mlir::Value tile(mlir::Value v, llvm::ArrayRef<int64_t> multiples);
  /// Reverses the order of elements along `axis`.
  mlir::Value reverse(mlir::Value v, int32_t axis);
  /// Prepends unit dimensions up to `rank`.
  mlir::Value expandRank(mlir::Value v, int64_t rank);

  mlir::Value nchwToNhwc(mlir::Value v) { return transpose(v, {0, 2, 3, 1}); }
  mlir::Value nhwcToNchw(mlir::Value v) { return transpose(v, {0, 3, 1, 2}); }

  /// Element-wise binary op with numpy broadcasting; the caller has checked
  /// that the shapes broadcast.
  template <typename OpTy> mlir::Value binary(mlir::Value a, mlir::Value c) {
    auto [x, y, type] = broadcastOperands(a, c);
    return OpTy::create(b, loc, type, x, y);
  }
  mlir::Value mul(mlir::Value a, mlir::Value c);
  template <typename OpTy> mlir::Value unary(mlir::Value a) {
    return OpTy::create(b, loc, a.getType(), a);
  }
  mlir::Value clamp(mlir::Value v, float lo, float hi);
  mlir::Value reduce(llvm::StringRef kind, mlir::Value v, int32_t axis);

private:
  std::tuple<mlir::Value, mlir::Value, mlir::RankedTensorType>
  broadcastOperands(mlir::Value a, mlir::Value c);

  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace spec2::import

#endif // SPEC2_LIB_IMPORT_TOSABUILDER_H
