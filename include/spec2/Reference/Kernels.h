//===- Kernels.h - Float32 reference kernels ---------------------*- C++ -*-===//
//
// The arithmetic of the reference executor as plain functions over
// row-major float arrays, following TOSA 1.0 semantics (NHWC conv/pooling,
// OHWI weights, average pooling that does not count padding).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REFERENCE_KERNELS_H
#define SPEC2_REFERENCE_KERNELS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace spec2::ref {

/// Window parameters of conv and pooling kernels (TOSA order:
/// pad = {top, bottom, left, right}, stride/dilation = {y, x}).
struct Window2D {
  int64_t kh = 1, kw = 1;
  int64_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  int64_t strideY = 1, strideX = 1;
  int64_t dilationY = 1, dilationX = 1;
};

/// in [N,H,W,C], weight [O,KH,KW,C], bias [O] (or [1]), out [N,OH,OW,O].
void conv2d(const float *in, llvm::ArrayRef<int64_t> inShape,
            const float *weight, const float *bias, int64_t biasSize,
            int64_t outChannels, const Window2D &w, float *out,
            int64_t outH, int64_t outW);

/// in [N,H,W,C], weight [KH,KW,C,M], out [N,OH,OW,C*M].
void depthwiseConv2d(const float *in, llvm::ArrayRef<int64_t> inShape,
                     const float *weight, int64_t multiplier,
                     const float *bias, int64_t biasSize, const Window2D &w,
                     float *out, int64_t outH, int64_t outW);

/// TOSA transpose_conv2d: in [N,H,W,C], weight [O,KH,KW,C], bias [O] (or
/// [1]); input pixel (y, x) adds its products to out [N,OH,OW,O] at
/// (y * strideY + padTop + ky, x * strideX + padLeft + kx). The window's
/// padTop/padLeft are TOSA's out_pad_top/left.
void transposeConv2d(const float *in, llvm::ArrayRef<int64_t> inShape,
                     const float *weight, const float *bias, int64_t biasSize,
                     int64_t outChannels, const Window2D &w, float *out,
                     int64_t outH, int64_t outW);

/// in [N,H,W,C] -> out [N,OH,OW,C]; padding never wins a max and is not
/// counted in an average.
void pool2d(bool isMax, const float *in, llvm::ArrayRef<int64_t> inShape,
            const Window2D &w, float *out, int64_t outH, int64_t outW);

/// a [B,M,K] x b [B,K,N] -> out [B,M,N].
void batchMatmul(const float *a, const float *b, float *out, int64_t batch,
                 int64_t m, int64_t k, int64_t n);

/// The GEMMs above use every core of the machine, except on a thread that
/// holds a SerialKernels: there they run on the calling thread alone. Code
/// that runs several inputs side by side, one worker per core (calibration,
/// pruning statistics, dataset runs), makes one per worker; nested, the
/// GEMMs would put twice as many threads as cores on the machine, and
/// their threads spin while they wait for each other.
class SerialKernels {
public:
  SerialKernels();
  ~SerialKernels();
  SerialKernels(const SerialKernels &) = delete;
  SerialKernels &operator=(const SerialKernels &) = delete;

private:
  int previousThreads;
};

} // namespace spec2::ref

#endif // SPEC2_REFERENCE_KERNELS_H
