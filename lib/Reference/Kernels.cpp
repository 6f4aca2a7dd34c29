//===- Kernels.cpp - Float32 reference kernels ----------------------------===//

#include "spec2/Reference/Kernels.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <limits>

namespace spec2::ref {

namespace {

using RowMajor =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Columns of the lowered input held at once: bounds im2col's memory to
/// 16 MB whatever the layer (VGG16's first layers would need 115 MB).
constexpr int64_t kIm2colFloats = int64_t(1) << 22;

} // namespace

// A convolution as matrix products (Eigen's blocked, vectorised GEMM, on
// every core with OpenMP): per block of output rows, the input windows
// laid out as rows of [kh * kw * c] (im2col, zeros at padding), times the
// weights [oc x kh * kw * c] transposed, gives the NHWC output block. A
// 1x1, stride 1, unpadded conv multiplies the input in place.
void conv2d(const float *in, llvm::ArrayRef<int64_t> s, const float *weight,
            const float *bias, int64_t biasSize, int64_t oc, const Window2D &w,
            float *out, int64_t oh, int64_t ow) {
  const int64_t n = s[0], h = s[1], wd = s[2], c = s[3];
  const int64_t k = w.kh * w.kw * c;
  Eigen::Map<const RowMajor> weights(weight, oc, k);
  Eigen::RowVectorXf biasRow(oc);
  for (int64_t j = 0; j < oc; ++j)
    biasRow[j] = bias[biasSize == 1 ? 0 : j];
  const bool direct = w.kh == 1 && w.kw == 1 && w.strideY == 1 &&
                      w.strideX == 1 && w.padTop == 0 && w.padLeft == 0 &&
                      oh == h && ow == wd;
  const int64_t rowsPerBlock =
      std::max<int64_t>(1, std::min(oh, kIm2colFloats / std::max<int64_t>(
                                                        1, ow * k)));
  std::vector<float> cols;
  if (!direct)
    cols.resize(size_t(rowsPerBlock * ow * k));
  for (int64_t b = 0; b < n; ++b) {
    const float *image = in + b * h * wd * c;
    float *outImage = out + b * oh * ow * oc;
    if (direct) {
      Eigen::Map<const RowMajor> a(image, h * wd, c);
      Eigen::Map<RowMajor> o(outImage, oh * ow, oc);
      o.noalias() = a * weights.transpose();
      o.rowwise() += biasRow;
      continue;
    }
    for (int64_t y0 = 0; y0 < oh; y0 += rowsPerBlock) {
      const int64_t rows = std::min(rowsPerBlock, oh - y0);
      float *col = cols.data();
      for (int64_t y = y0; y < y0 + rows; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t ky = 0; ky < w.kh; ++ky) {
            const int64_t iy = y * w.strideY - w.padTop + ky * w.dilationY;
            for (int64_t kx = 0; kx < w.kw; ++kx, col += c) {
              const int64_t ix = x * w.strideX - w.padLeft + kx * w.dilationX;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                std::fill(col, col + c, 0.0f);
              else
                std::copy_n(image + (iy * wd + ix) * c, c, col);
            }
          }
      Eigen::Map<const RowMajor> a(cols.data(), rows * ow, k);
      Eigen::Map<RowMajor> o(outImage + y0 * ow * oc, rows * ow, oc);
      o.noalias() = a * weights.transpose();
      o.rowwise() += biasRow;
    }
  }
}

// One GEMM gives every input pixel's contribution to its KH x KW output
// window ([N*H*W, C] x [C, KH*KW*O]); the windows are then added into place.
void transposeConv2d(const float *in, llvm::ArrayRef<int64_t> s,
                     const float *weight, const float *bias, int64_t biasSize,
                     int64_t oc, const Window2D &w, float *out, int64_t oh,
                     int64_t ow) {
  const int64_t n = s[0], h = s[1], wd = s[2], c = s[3];
  const int64_t taps = w.kh * w.kw * oc;
  Eigen::Map<const RowMajor> weights(weight, taps, c);
  Eigen::Map<const RowMajor> pixels(in, n * h * wd, c);
  RowMajor products = pixels * weights.transpose();
  for (int64_t i = 0; i < n * oh * ow; ++i)
    for (int64_t k = 0; k < oc; ++k)
      out[i * oc + k] = bias[biasSize == 1 ? 0 : k];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < wd; ++x) {
        const float *p = products.data() + ((b * h + y) * wd + x) * taps;
        for (int64_t o = 0; o < oc; ++o)
          for (int64_t ky = 0; ky < w.kh; ++ky) {
            const int64_t oy = y * w.strideY + w.padTop + ky;
            for (int64_t kx = 0; kx < w.kw; ++kx) {
              const int64_t ox = x * w.strideX + w.padLeft + kx;
              if (oy >= 0 && oy < oh && ox >= 0 && ox < ow)
                out[((b * oh + oy) * ow + ox) * oc + o] +=
                    p[(o * w.kh + ky) * w.kw + kx];
            }
          }
      }
}

void depthwiseConv2d(const float *in, llvm::ArrayRef<int64_t> s,
                     const float *weight, int64_t mult, const float *bias,
                     int64_t biasSize, const Window2D &w, float *out,
                     int64_t oh, int64_t ow) {
  int64_t n = s[0], h = s[1], wd = s[2], c = s[3], oc = c * mult;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        float *o = out + ((b * oh + y) * ow + x) * oc;
        for (int64_t k = 0; k < oc; ++k)
          o[k] = bias[biasSize == 1 ? 0 : k];
        for (int64_t ky = 0; ky < w.kh; ++ky) {
          int64_t iy = y * w.strideY - w.padTop + ky * w.dilationY;
          if (iy < 0 || iy >= h)
            continue;
          for (int64_t kx = 0; kx < w.kw; ++kx) {
            int64_t ix = x * w.strideX - w.padLeft + kx * w.dilationX;
            if (ix < 0 || ix >= wd)
              continue;
            const float *px = in + ((b * h + iy) * wd + ix) * c;
            const float *pw = weight + (ky * w.kw + kx) * c * mult;
            for (int64_t k = 0; k < oc; ++k)
              o[k] += px[k / mult] * pw[k];
          }
        }
      }
}

void pool2d(bool isMax, const float *in, llvm::ArrayRef<int64_t> s,
            const Window2D &w, float *out, int64_t oh, int64_t ow) {
  int64_t n = s[0], h = s[1], wd = s[2], c = s[3];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x)
        for (int64_t k = 0; k < c; ++k) {
          float acc = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
          int64_t count = 0;
          for (int64_t ky = 0; ky < w.kh; ++ky) {
            int64_t iy = y * w.strideY - w.padTop + ky;
            if (iy < 0 || iy >= h)
              continue;
            for (int64_t kx = 0; kx < w.kw; ++kx) {
              int64_t ix = x * w.strideX - w.padLeft + kx;
              if (ix < 0 || ix >= wd)
                continue;
              float v = in[((b * h + iy) * wd + ix) * c + k];
              acc = isMax ? std::max(acc, v) : acc + v;
              ++count;
            }
          }
          out[((b * oh + y) * ow + x) * c + k] =
              isMax ? acc : (count ? acc / static_cast<float>(count) : 0.0f);
        }
}

void batchMatmul(const float *a, const float *b, float *out, int64_t batch,
                 int64_t m, int64_t k, int64_t n) {
  for (int64_t t = 0; t < batch; ++t) {
    Eigen::Map<const RowMajor> ma(a + t * m * k, m, k), mb(b + t * k * n, k, n);
    Eigen::Map<RowMajor> mo(out + t * m * n, m, n);
    mo.noalias() = ma * mb;
  }
}

// OpenMP's thread count is a per-thread setting: it changes only the
// calling thread's parallel regions, which Eigen's GEMM opens.
SerialKernels::SerialKernels() : previousThreads(omp_get_max_threads()) {
  omp_set_num_threads(1);
}

SerialKernels::~SerialKernels() { omp_set_num_threads(previousThreads); }

} // namespace spec2::ref
