//===- Kernels.cpp - Float32 reference kernels ----------------------------===//

#include "spec2/Reference/Kernels.h"

#include <algorithm>
#include <limits>

namespace spec2::ref {

void conv2d(const float *in, llvm::ArrayRef<int64_t> s, const float *weight,
            const float *bias, int64_t biasSize, int64_t oc, const Window2D &w,
            float *out, int64_t oh, int64_t ow) {
  int64_t n = s[0], h = s[1], wd = s[2], c = s[3];
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
            for (int64_t k = 0; k < oc; ++k) {
              const float *pw = weight + ((k * w.kh + ky) * w.kw + kx) * c;
              float acc = 0.0f;
              for (int64_t ci = 0; ci < c; ++ci)
                acc += px[ci] * pw[ci];
              o[k] += acc;
            }
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
    const float *pa = a + t * m * k, *pb = b + t * k * n;
    float *po = out + t * m * n;
    std::fill(po, po + m * n, 0.0f);
    // i-k-j order keeps the inner loop contiguous in both b and out.
    for (int64_t i = 0; i < m; ++i)
      for (int64_t kk = 0; kk < k; ++kk) {
        float av = pa[i * k + kk];
        const float *row = pb + kk * n;
        float *o = po + i * n;
        for (int64_t j = 0; j < n; ++j)
          o[j] += av * row[j];
      }
  }
}

} // namespace spec2::ref
