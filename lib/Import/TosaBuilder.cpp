//===- TosaBuilder.cpp - Shape-aware helpers that build TOSA ops ----------===//

#include "TosaBuilder.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"

using namespace mlir;

namespace spec2::import {

/// Constants up to this many elements stay plain dense attributes.
static constexpr size_t kMaxInlineElements = 64;

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

RankedTensorType TosaBuilder::f32Type(ArrayRef<int64_t> shape,
                                      MLIRContext *ctx) {
  return RankedTensorType::get(shape, Float32Type::get(ctx));
}

ArrayRef<int64_t> TosaBuilder::shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

Value TosaBuilder::constant(ArrayRef<int64_t> shape, std::vector<float> data,
                            StringRef nameHint) {
  auto type = f32Type(shape, b.getContext());
  ElementsAttr attr;
  if (data.size() <= kMaxInlineElements) {
    attr = DenseElementsAttr::get(type, ArrayRef<float>(data));
  } else {
    // Hand the vector's storage to the blob without copying: VGG16's
    // weights are 550 MB.
    auto *owned = new std::vector<float>(std::move(data));
    ArrayRef<char> bytes(reinterpret_cast<const char *>(owned->data()),
                         owned->size() * sizeof(float));
    AsmResourceBlob blob(
        bytes, alignof(float),
        [owned](void *, size_t, size_t) { delete owned; },
        /*dataIsMutable=*/false);
    attr = DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
  }
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value TosaBuilder::splat(ArrayRef<int64_t> shape, float value) {
  auto type = f32Type(shape, b.getContext());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, value));
}

Value TosaBuilder::zeroPoint() { return splat({1}, 0.0f); }

Value TosaBuilder::shapeValue(ArrayRef<int64_t> shape) {
  auto type = tosa::shapeType::get(b.getContext(), shape.size());
  auto attr = DenseIntElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(shape.size())},
                            b.getIndexType()),
      shape);
  return tosa::ConstShapeOp::create(b, loc, type, attr);
}

Value TosaBuilder::reshape(Value v, ArrayRef<int64_t> shape) {
  if (shapeOf(v) == shape)
    return v;
  return tosa::ReshapeOp::create(b, loc, f32Type(shape, b.getContext()), v,
                                 shapeValue(shape));
}

Value TosaBuilder::transpose(Value v, ArrayRef<int32_t> perms) {
  ArrayRef<int64_t> in = shapeOf(v);
  SmallVector<int64_t> out;
  bool identity = true;
  for (size_t i = 0; i < perms.size(); ++i) {
    out.push_back(in[perms[i]]);
    identity &= perms[i] == static_cast<int32_t>(i);
  }
  if (identity)
    return v;
  return tosa::TransposeOp::create(b, loc, f32Type(out, b.getContext()), v,
                                   b.getDenseI32ArrayAttr(perms));
}

Value TosaBuilder::slice(Value v, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  if (shapeOf(v) == size)
    return v;
  return tosa::SliceOp::create(b, loc, f32Type(size, b.getContext()), v,
                               shapeValue(start), shapeValue(size));
}

Value TosaBuilder::pad(Value v, ArrayRef<int64_t> pads, float value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return v;
  SmallVector<int64_t> out(shapeOf(v));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] += pads[2 * i] + pads[2 * i + 1];
  return tosa::PadOp::create(b, loc, f32Type(out, b.getContext()), v,
                             shapeValue(pads), splat({1}, value));
}

Value TosaBuilder::concat(ArrayRef<Value> values, int32_t axis) {
  if (values.size() == 1)
    return values.front();
  SmallVector<int64_t> out(shapeOf(values.front()));
  out[axis] = 0;
  for (Value v : values)
    out[axis] += shapeOf(v)[axis];
  return tosa::ConcatOp::create(b, loc, f32Type(out, b.getContext()), values,
                                b.getI32IntegerAttr(axis));
}

Value TosaBuilder::tile(Value v, ArrayRef<int64_t> multiples) {
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return v;
  SmallVector<int64_t> out(shapeOf(v));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] *= multiples[i];
  return tosa::TileOp::create(b, loc, f32Type(out, b.getContext()), v,
                              shapeValue(multiples));
}

Value TosaBuilder::reverse(Value v, int32_t axis) {
  if (shapeOf(v)[axis] == 1)
    return v;
  return tosa::ReverseOp::create(b, loc, v.getType(), v,
                                 b.getI32IntegerAttr(axis));
}

Value TosaBuilder::expandRank(Value v, int64_t rank) {
  ArrayRef<int64_t> in = shapeOf(v);
  if (static_cast<int64_t>(in.size()) >= rank)
    return v;
  SmallVector<int64_t> out(rank - in.size(), 1);
  out.append(in.begin(), in.end());
  return reshape(v, out);
}

std::tuple<Value, Value, RankedTensorType>
TosaBuilder::broadcastOperands(Value a, Value c) {
  int64_t rank = std::max(shapeOf(a).size(), shapeOf(c).size());
  Value x = expandRank(a, rank), y = expandRank(c, rank);
  auto shape = broadcastShapes(shapeOf(x), shapeOf(y));
  assert(succeeded(shape) && "caller checks broadcastability");
  return {x, y, f32Type(*shape, b.getContext())};
}

Value TosaBuilder::mul(Value a, Value c) {
  auto [x, y, type] = broadcastOperands(a, c);
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, loc, shiftType, DenseElementsAttr::get(shiftType, int8_t(0)));
  return tosa::MulOp::create(b, loc, type, x, y, shift);
}

Value TosaBuilder::clamp(Value v, float lo, float hi) {
  return tosa::ClampOp::create(b, loc, v.getType(), v, b.getF32FloatAttr(lo),
                               b.getF32FloatAttr(hi));
}

Value TosaBuilder::reduce(StringRef kind, Value v, int32_t axis) {
  SmallVector<int64_t> out(shapeOf(v));
  out[axis] = 1;
  auto type = f32Type(out, b.getContext());
  auto axisAttr = b.getI32IntegerAttr(axis);
  if (kind == "max")
    return tosa::ReduceMaxOp::create(b, loc, type, v, axisAttr);
  if (kind == "min")
    return tosa::ReduceMinOp::create(b, loc, type, v, axisAttr);
  if (kind == "prod")
    return tosa::ReduceProductOp::create(b, loc, type, v, axisAttr);
  assert(kind == "sum" && "unknown reduction");
  return tosa::ReduceSumOp::create(b, loc, type, v, axisAttr);
}

} // namespace spec2::import
