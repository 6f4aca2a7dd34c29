//===- Constants.h - Reading and making weight constants --------*- C++ -*-===//
//
// Weights live in `dense_resource` blobs when large (VGG16 has 138M of them)
// and in uniqued dense attributes when small. These helpers read either kind
// as plain numbers and make the right kind for new data.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_CONSTANTS_H
#define SPEC2_SUPPORT_CONSTANTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace spec2 {

/// Constants with more elements than this become resource blobs.
constexpr size_t kMaxInlineElements = 64;

/// The elements of a float or integer ElementsAttr (dense or resource) as
/// doubles; nullopt for anything else.
std::optional<std::vector<double>> readNumbers(mlir::Attribute attr);

/// The elements of an attribute as T: a view of a resource blob that holds
/// T already (no copy: a VGG16 FC layer has 100M weights), else converted.
template <typename T> class NumbersOf {
public:
  explicit NumbersOf(llvm::ArrayRef<T> view) : view(view) {}
  explicit NumbersOf(std::vector<T> data)
      : owned(std::move(data)), view(owned) {}
  // A moved vector keeps its buffer, so the view stays valid.
  NumbersOf(NumbersOf &&) = default;
  NumbersOf(const NumbersOf &) = delete;
  size_t size() const { return view.size(); }
  T operator[](size_t i) const { return view[i]; }
  const T *begin() const { return view.begin(); }
  const T *end() const { return view.end(); }

private:
  std::vector<T> owned;
  llvm::ArrayRef<T> view;
};

/// An f32 (or any float/integer) attribute as floats; nullopt as readNumbers.
std::optional<NumbersOf<float>> readFloats(mlir::Attribute attr);
/// An i32 (or any integer) attribute as int32s; nullopt as readNumbers.
std::optional<NumbersOf<int32_t>> readInt32s(mlir::Attribute attr);

/// The value `v` is a view of: `v` without the tosa.reshapes in front of it
/// (a reshape moves no data, on the reference or the overlay).
mlir::Value throughReshapes(mlir::Value v);

/// The value of `v` if it is a constant (looking through tosa.reshape).
std::optional<std::vector<double>> constantNumbers(mlir::Value v);
/// True if `v` is (a reshape of) a tosa.const: what constantNumbers reads,
/// without reading it.
bool isConstantTensor(mlir::Value v);

/// The values of constant `v` (through reshapes) as one per channel of an
/// operand [N, C, ...] of rank `rank`: a scalar counts for every channel; C
/// values must lie along axis 1 (right-aligned broadcasting; a 1-D vector
/// counts as the channels). Nothing otherwise.
std::optional<std::vector<double>>
perChannelConstant(mlir::Value v, int64_t rank, int64_t channels);

/// An f32 ElementsAttr of `shape` owning `data` (a resource blob named after
/// `nameHint` when large).
mlir::ElementsAttr makeF32Elements(mlir::MLIRContext *ctx,
                                   llvm::ArrayRef<int64_t> shape,
                                   std::vector<float> data,
                                   llvm::StringRef nameHint);
/// The same for i32.
mlir::ElementsAttr makeI32Elements(mlir::MLIRContext *ctx,
                                   llvm::ArrayRef<int64_t> shape,
                                   std::vector<int32_t> data,
                                   llvm::StringRef nameHint);

/// A 1-D i8 ElementsAttr owning `bytes` (program segments).
mlir::ElementsAttr makeByteElements(mlir::MLIRContext *ctx,
                                    std::vector<uint8_t> bytes,
                                    llvm::StringRef nameHint);

/// The raw bytes of a 1-D i8 ElementsAttr made by makeByteElements (or any
/// dense i8 attribute).
std::optional<std::vector<uint8_t>> readBytes(mlir::Attribute attr);

/// Frees the data of every resource blob of `ctx` that no attribute under
/// `roots` refers to: a blob outlives the ops that used it (the context
/// owns it), so without this each generation of a model's weights (ONNX,
/// folded, spectral, pruned, program segments) would stay in memory to the
/// end. Every module still in use must be among `roots`. Returns the bytes
/// freed.
size_t releaseUnreferencedBlobs(mlir::MLIRContext *ctx,
                                llvm::ArrayRef<mlir::Operation *> roots);

} // namespace spec2

#endif // SPEC2_SUPPORT_CONSTANTS_H
