//===- TensorIO.h - Read and write .npy and ONNX .pb tensors ----*- C++ -*-===//
//
// File formats for model inputs and outputs: NumPy .npy (v1-v3, little
// endian, C order) and serialized ONNX TensorProto (.pb).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_TENSORIO_H
#define SPEC2_SUPPORT_TENSORIO_H

#include "spec2/Support/Tensor.h"

#include "llvm/Support/Error.h"

namespace onnx {
class TensorProto;
} // namespace onnx

namespace spec2 {

/// Largest tensor (in elements) any reader accepts before allocating.
constexpr int64_t kMaxTensorElements = int64_t(1) << 31;

/// Parses a .npy file held in memory. float32/float64/float16-free: f4, f8
/// (converted to f32), i4, i8 (converted to i64) and u1 (to f32).
llvm::Expected<Tensor> parseNpy(llvm::StringRef bytes, llvm::StringRef what);
/// Reads a .npy file.
llvm::Expected<Tensor> readNpy(llvm::StringRef path);
/// Writes a .npy file (f32 as '<f4', i64 as '<i8').
llvm::Error writeNpy(llvm::StringRef path, const Tensor &tensor);

/// Decodes an ONNX TensorProto. External data is resolved relative to
/// `baseDir` and must stay inside it; an empty baseDir forbids external data.
llvm::Expected<Tensor> decodeTensorProto(const onnx::TensorProto &proto,
                                         llvm::StringRef baseDir);
/// Reads a serialized TensorProto (.pb) file.
llvm::Expected<Tensor> readTensorProtoFile(llvm::StringRef path);

/// Reads .npy or .pb, chosen by extension.
llvm::Expected<Tensor> readTensorFile(llvm::StringRef path);

} // namespace spec2

#endif // SPEC2_SUPPORT_TENSORIO_H
