//===- Tensor.cpp - Dense host tensors ------------------------------------===//

#include "spec2/Support/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

namespace spec2 {

llvm::StringRef dtypeName(DType dtype) {
  return dtype == DType::F32 ? "float32" : "int64";
}

Tensor Tensor::floats(std::vector<int64_t> shape, std::vector<float> data) {
  Tensor t;
  t.dtype = DType::F32;
  t.shape = std::move(shape);
  t.f32 = std::move(data);
  return t;
}

Tensor Tensor::ints(std::vector<int64_t> shape, std::vector<int64_t> data) {
  Tensor t;
  t.dtype = DType::I64;
  t.shape = std::move(shape);
  t.i64 = std::move(data);
  return t;
}

int64_t Tensor::numElements() const { return checkedNumElements(shape); }

std::vector<int64_t> Tensor::asInts() const {
  if (dtype == DType::I64)
    return i64;
  std::vector<int64_t> out(f32.size());
  for (size_t i = 0; i < f32.size(); ++i)
    out[i] = static_cast<int64_t>(f32[i]);
  return out;
}

std::vector<float> Tensor::asFloats() const {
  if (dtype == DType::F32)
    return f32;
  std::vector<float> out(i64.size());
  for (size_t i = 0; i < i64.size(); ++i)
    out[i] = static_cast<float>(i64[i]);
  return out;
}

int64_t checkedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    int64_t next;
    if (llvm::MulOverflow(n, d, next))
      return -1;
    n = next;
  }
  return n;
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::interleave(
      shape, [&](int64_t d) { s += std::to_string(d); }, [&] { s += ", "; });
  return s + "]";
}

} // namespace spec2
