//===- BatchCheck.h - May a batch run image by image? -----------*- C++ -*-===//
//
// spec2c compiles a batch-N model for one image and runs the images one
// after the other (spec2::batchProgram). That is only right when no node
// mixes the images (a Softmax or a reduction over the batch axis, a
// Reshape that merges it): checked on the float reference, the batch-N
// graph against the one-image graph on each image of a random batch.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_PIPELINES_BATCHCHECK_H
#define SPEC2_PIPELINES_BATCHCHECK_H

#include "spec2/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"

namespace spec2 {

/// Success if `batched` (the model at batch `n`) gives, image by image, what
/// `single` (the model at batch 1) gives on each image alone; else an error
/// naming the output and the image that differ.
llvm::Error checkImagesIndependent(mlir::ModuleOp batched, mlir::ModuleOp single,
                                   int64_t n);

/// Image `i` of the `n` along dimension 0 of the f32 tensor `t`, as
/// [1, ...].
Tensor imageOf(const Tensor &t, int64_t i, int64_t n);

} // namespace spec2

#endif // SPEC2_PIPELINES_BATCHCHECK_H
