//===- Constants.cpp - Reading and making weight constants ----------------===//
#include "spec2/Support/Constants.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringSet.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

std::optional<std::vector<double>>
perChannelConstant(Value v, int64_t rank, int64_t channels) {
  auto c = constantNumbers(v);
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!c || !t)
    return std::nullopt;
  if (c->size() == 1)
    return std::vector<double>(channels, (*c)[0]);
  if (int64_t(c->size()) != channels || t.getRank() > rank)
    return std::nullopt;
  const int64_t offset = rank - t.getRank();
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (t.getDimSize(d) != 1 && d + offset != 1 && t.getRank() != 1)
      return std::nullopt;
  return c;
}

namespace {
template <typename T>
std::optional<NumbersOf<T>> readAs(Attribute attr, bool (*holds)(Type)) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    auto type = cast<ShapedType>(res.getType());
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (blob && holds(type.getElementType()) && type.hasStaticShape() &&
        blob->getData().size() == size_t(type.getNumElements()) * sizeof(T))
      return NumbersOf<T>(llvm::ArrayRef<T>(
          reinterpret_cast<const T *>(blob->getData().data()),
          size_t(type.getNumElements())));
  }
  std::optional<std::vector<double>> numbers = readNumbers(attr);
  if (!numbers)
    return std::nullopt;
  return NumbersOf<T>(std::vector<T>(numbers->begin(), numbers->end()));
}
} // namespace

std::optional<NumbersOf<float>> readFloats(Attribute attr) {
  return readAs<float>(attr, [](Type t) { return t.isF32(); });
}

std::optional<NumbersOf<int32_t>> readInt32s(Attribute attr) {
  return readAs<int32_t>(attr, [](Type t) { return t.isInteger(32); });
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

size_t releaseUnreferencedBlobs(MLIRContext *ctx,
                                ArrayRef<Operation *> roots) {
  llvm::StringSet<> live;
  for (Operation *root : roots)
    root->walk([&](Operation *op) {
      op->getAttrDictionary().walk([&](DenseResourceElementsAttr r) {
        live.insert(r.getRawHandle().getKey());
      });
    });
  auto &manager =
      DenseResourceElementsHandle::getManagerInterface(ctx).getBlobManager();
  std::vector<std::string> dead;
  manager.getBlobMap([&](const llvm::StringMap<
                         DialectResourceBlobManager::BlobEntry> &blobs) {
    for (const auto &entry : blobs) {
      const AsmResourceBlob *blob = entry.getValue().getBlob();
      if (blob && !blob->getData().empty() && !live.contains(entry.getKey()))
        dead.push_back(entry.getKey().str());
    }
  });
  size_t freed = 0;
  for (const std::string &key : dead) {
    DialectResourceBlobManager::BlobEntry *entry = manager.lookup(key);
    freed += entry->getBlob()->getData().size();
    entry->setBlob(AsmResourceBlob()); // runs the blob's deleter
  }
#if defined(__GLIBC__)
  if (freed)
    malloc_trim(0); // hand the pages back: RSS is what runs out
#endif
  return freed;
}

} // namespace spec2
