//===- Constants.cpp - Reading and making weight constants ----------------===//
#include "spec2/Support/Constants.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace spec2 {

std::optional<std::vector<double>> readNumbers(Attribute attr) {
  auto shaped = dyn_cast_or_null<TypedAttr>(attr);
  if (!shaped)
    return std::nullopt;
  auto type = dyn_cast<ShapedType>(shaped.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  Type et = type.getElementType();
  const int64_t n = type.getNumElements();
  std::vector<double> out;
  out.reserve(n);
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if (et.isF32() && bytes.size() == size_t(n) * 4) {
      const float *p = reinterpret_cast<const float *>(bytes.data());
      out.assign(p, p + n);
      return out;
    }
    if (et.isInteger(32) && bytes.size() == size_t(n) * 4) {
      const int32_t *p = reinterpret_cast<const int32_t *>(bytes.data());
      out.assign(p, p + n);
      return out;
    }
    return std::nullopt;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  if (isa<FloatType>(et)) {
    for (APFloat f : dense.getValues<APFloat>())
      out.push_back(f.convertToDouble());
  } else if (isa<IntegerType>(et)) {
    for (APInt i : dense.getValues<APInt>())
      out.push_back(double(i.getSExtValue()));
  } else {
    return std::nullopt;
  }
  return out;
}

Value throughReshapes(Value v) {
  while (auto r = v.getDefiningOp<tosa::ReshapeOp>())
    v = r.getInput1();
  return v;
}

bool isConstantTensor(Value v) {
  return bool(throughReshapes(v).getDefiningOp<tosa::ConstOp>());
}

std::optional<std::vector<double>> constantNumbers(Value v) {
  auto c = throughReshapes(v).getDefiningOp<tosa::ConstOp>();
  if (!c)
    return std::nullopt;
  return readNumbers(c.getValues());
}

namespace {
template <typename T>
ElementsAttr makeElements(ShapedType type, std::vector<T> data,
                          StringRef nameHint) {
  if (data.size() <= kMaxInlineElements)
    return DenseElementsAttr::get(type, ArrayRef<T>(data));
  auto *owned = new std::vector<T>(std::move(data));
  ArrayRef<char> bytes(reinterpret_cast<const char *>(owned->data()),
                       owned->size() * sizeof(T));
  AsmResourceBlob blob(
      bytes, alignof(T), [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
}
} // namespace

ElementsAttr makeF32Elements(MLIRContext *ctx, ArrayRef<int64_t> shape,
                             std::vector<float> data, StringRef nameHint) {
  return makeElements(RankedTensorType::get(shape, Float32Type::get(ctx)),
                      std::move(data), nameHint);
}

ElementsAttr makeI32Elements(MLIRContext *ctx, ArrayRef<int64_t> shape,
                             std::vector<int32_t> data, StringRef nameHint) {
  return makeElements(RankedTensorType::get(shape, IntegerType::get(ctx, 32)),
                      std::move(data), nameHint);
}

ElementsAttr makeByteElements(MLIRContext *ctx, std::vector<uint8_t> bytes,
                              StringRef nameHint) {
  const int64_t n = int64_t(bytes.size());
  return makeElements(RankedTensorType::get({n}, IntegerType::get(ctx, 8)),
                      std::move(bytes), nameHint);
}

std::optional<std::vector<uint8_t>> readBytes(Attribute attr) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> d = blob->getData();
    return std::vector<uint8_t>(d.begin(), d.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || !dense.getElementType().isInteger(8))
    return std::nullopt;
  std::vector<uint8_t> out;
  for (APInt v : dense.getValues<APInt>())
    out.push_back(uint8_t(v.getZExtValue()));
  return out;
}

} // namespace spec2
