//===- Tensor.h - Dense host tensors ----------------------------*- C++ -*-===//
//
// The host-side tensor exchanged by the file readers, the ONNX importer's
// constant folder and the float reference executor.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_TENSOR_H
#define SPEC2_SUPPORT_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spec2 {

/// Element types a host tensor can hold. Activations and weights are f32;
/// i64 carries shapes, axes and indices.
enum class DType { F32, I64 };

/// Returns "float32" or "int64".
llvm::StringRef dtypeName(DType dtype);

/// A dense row-major tensor on the host.
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<float> f32;   ///< Elements when dtype == F32.
  std::vector<int64_t> i64; ///< Elements when dtype == I64.

  static Tensor floats(std::vector<int64_t> shape, std::vector<float> data);
  static Tensor ints(std::vector<int64_t> shape, std::vector<int64_t> data);

  int64_t numElements() const;
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// The elements converted to int64 (f32 values are truncated).
  std::vector<int64_t> asInts() const;
  /// The elements converted to float.
  std::vector<float> asFloats() const;
};

/// Product of dims; returns -1 if the product overflows int64 or any dim is
/// negative, so callers can refuse absurd shapes before allocating.
int64_t checkedNumElements(llvm::ArrayRef<int64_t> shape);

/// "[1, 3, 224, 224]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace spec2

#endif // SPEC2_SUPPORT_TENSOR_H
