//===- LayerStatistics.cpp - A layer's input moments on calibration data --===//
#include "LayerStatistics.h"

#include "LinearAlgebra.h"

#include "Spectral/SpectralDialect.h"

#include "llvm/Support/Parallel.h"
#include "llvm/Support/Threading.h"

#include <cmath>
#include <fftw3.h>
#include <mutex>

using namespace mlir;

namespace spec2 {

namespace {

using Cd = std::complex<double>;

/// Sums a worker's moments into the first worker's.
template <typename T>
void addInto(std::vector<T> &sum, const std::vector<T> &v) {
  for (size_t k = 0; k < sum.size(); ++k)
    sum[k] += v[k];
}

/// The input `op` sees on one run, or nothing if the run never reached it.
std::vector<float> inputOf(const SpectralExecutor &exec, Operation *op,
                           llvm::ArrayRef<float> input) {
  std::vector<float> seen;
  exec.run(input, [&](Operation *at, llvm::ArrayRef<float> in) {
    if (at != op)
      return true;
    seen.assign(in.begin(), in.end());
    return false;
  });
  return seen;
}

/// Half spectra of the overlay's input tiles of a conv input [c][h][w]:
/// [tile][channel][bin].
struct TileSpectra {
  int64_t n, tile, c, h, w, bins;
  fftw_plan plan;

  explicit TileSpectra(spectral::Conv2DOp conv) {
    auto t = conv.getInput().getType();
    n = conv.getFftSize();
    tile = conv.getTileSize();
    c = t.getDimSize(1);
    h = t.getDimSize(2);
    w = t.getDimSize(3);
    bins = spectral::halfSpectrumBins(n);
    double *r = fftw_alloc_real(n * n);
    fftw_complex *s = fftw_alloc_complex(n * (n / 2 + 1));
    std::lock_guard<std::mutex> lock(mutex());
    plan = fftw_plan_dft_r2c_2d(int(n), int(n), r, s, FFTW_ESTIMATE);
    fftw_free(r);
    fftw_free(s);
  }
  ~TileSpectra() {
    std::lock_guard<std::mutex> lock(mutex());
    fftw_destroy_plan(plan);
  }
  static std::mutex &mutex() {
    static std::mutex m;
    return m;
  }
  int64_t tiles() const {
    return ((h + tile - 1) / tile) * ((w + tile - 1) / tile);
  }

  std::vector<Cd> of(const std::vector<float> &x) const {
    const int64_t tilesX = (w + tile - 1) / tile;
    std::vector<Cd> out(tiles() * c * bins);
    double *r = fftw_alloc_real(n * n);
    fftw_complex *s = fftw_alloc_complex(bins);
    for (int64_t t = 0; t < tiles(); ++t)
      for (int64_t ci = 0; ci < c; ++ci) {
        std::fill(r, r + n * n, 0.0);
        for (int64_t v = 0; v < tile; ++v)
          for (int64_t u = 0; u < tile; ++u) {
            const int64_t iy = (t / tilesX) * tile + v,
                          ix = (t % tilesX) * tile + u;
            if (iy < h && ix < w)
              r[v * n + u] = x[(ci * h + iy) * w + ix];
          }
        fftw_execute_dft_r2c(plan, r, s);
        for (int64_t b = 0; b < bins; ++b)
          out[(t * c + ci) * bins + b] = Cd(s[b][0], s[b][1]);
      }
    fftw_free(r);
    fftw_free(s);
    return out;
  }
};

} // namespace

LayerStatistics
gatherLayerStatistics(const SpectralExecutor &original,
                      Operation *originalLayer, const SpectralExecutor &pruned,
                      Operation *prunedLayer,
                      llvm::ArrayRef<std::vector<float>> inputs) {
  auto conv = dyn_cast<spectral::Conv2DOp>(prunedLayer);
  std::optional<TileSpectra> spectra;
  int64_t dim; // c for conv (per bin), k for fully-connected
  int64_t groups;
  if (conv) {
    spectra.emplace(conv);
    dim = spectra->c;
    groups = spectra->bins;
  } else {
    dim =
        cast<ShapedType>(prunedLayer->getOperand(0).getType()).getNumElements();
    groups = 1;
  }
  const size_t workers = std::max<size_t>(
      1, std::min<size_t>(llvm::hardware_concurrency().compute_thread_count(),
                          inputs.size()));
  std::vector<LayerStatistics> part(workers);
  llvm::parallelFor(0, workers, [&](size_t wk) {
    LayerStatistics &st = part[wk];
    st.pp.assign(groups * dim * dim, 0);
    st.op.assign(groups * dim * dim, 0);
    for (size_t i = wk; i < inputs.size(); i += workers) {
      std::vector<float> xo = inputOf(original, originalLayer, inputs[i]);
      std::vector<float> xp = inputOf(pruned, prunedLayer, inputs[i]);
      if (conv) {
        std::vector<Cd> so = spectra->of(xo), sp = spectra->of(xp);
        const int64_t c = spectra->c, bins = spectra->bins;
        for (int64_t t = 0; t < spectra->tiles(); ++t)
          for (int64_t b = 0; b < bins; ++b)
            for (int64_t a = 0; a < c; ++a) {
              const Cd pa = sp[(t * c + a) * bins + b],
                       oa = so[(t * c + a) * bins + b];
              Cd *rowP = &st.pp[(b * c + a) * c],
                 *rowO = &st.op[(b * c + a) * c];
              for (int64_t j = 0; j < c; ++j) {
                const Cd pj = std::conj(sp[(t * c + j) * bins + b]);
                rowP[j] += pa * pj;
                rowO[j] += oa * pj;
              }
            }
      } else {
        for (int64_t a = 0; a < dim; ++a) {
          const double pa = xp[a], oa = xo[a];
          Cd *rowP = &st.pp[a * dim], *rowO = &st.op[a * dim];
          for (int64_t j = 0; j < dim; ++j) {
            rowP[j] += pa * xp[j];
            rowO[j] += oa * xp[j];
          }
        }
      }
    }
  });
  for (size_t wk = 1; wk < workers; ++wk) {
    addInto(part[0].pp, part[wk].pp);
    addInto(part[0].op, part[wk].op);
  }
  return std::move(part[0]);
}

/// a_p for every sampled output pixel of `conv` on input x: [pixel][ci][r].
static std::vector<double> patches(spectral::Conv2DOp conv,
                                   const std::vector<float> &x) {
  auto in = conv.getInput().getType(), out = conv.getOutput().getType();
  const int64_t c = in.getDimSize(1), h = in.getDimSize(2),
                w = in.getDimSize(3);
  const int64_t ho = out.getDimSize(2), wo = out.getDimSize(3);
  const int64_t n = conv.getFftSize(), tile = conv.getTileSize();
  const int64_t kh = conv.getKernel()[0], kw = conv.getKernel()[1];
  const int64_t pt = conv.getPad()[0], pl = conv.getPad()[1];
  const int64_t sy = conv.getStride()[0], sx = conv.getStride()[1];
  const int64_t dim = c * n * n;
  std::vector<double> a(ho * wo * dim, 0.0);
  for (int64_t i = 0; i < ho; ++i)
    for (int64_t j = 0; j < wo; ++j) {
      double *ap = &a[(i * wo + j) * dim];
      const int64_t py = i * sy, px = j * sx; // full-resolution position
      // Tiles whose N x N output window [o, o + N) holds p.
      for (int64_t ty = 0; ty * tile < h; ++ty) {
        const int64_t oy = ty * tile + pt - (kh - 1), v = py - oy;
        if (v < 0 || v >= n)
          continue;
        for (int64_t tx = 0; tx * tile < w; ++tx) {
          const int64_t ox = tx * tile + pl - (kw - 1), u = px - ox;
          if (u < 0 || u >= n)
            continue;
          for (int64_t qy = 0; qy < tile && ty * tile + qy < h; ++qy)
            for (int64_t qx = 0; qx < tile && tx * tile + qx < w; ++qx) {
              const int64_t r = ((v - qy + n) % n) * n + (u - qx + n) % n;
              for (int64_t ci = 0; ci < c; ++ci)
                ap[ci * n * n + r] +=
                    x[(ci * h + ty * tile + qy) * w + tx * tile + qx];
            }
        }
      }
    }
  return a;
}

PatchStatistics
gatherPatchStatistics(const SpectralExecutor &original,
                      Operation *originalLayer, const SpectralExecutor &pruned,
                      Operation *prunedLayer,
                      llvm::ArrayRef<std::vector<float>> inputs) {
  auto conv = cast<spectral::Conv2DOp>(prunedLayer);
  const int64_t n = conv.getFftSize();
  const int64_t dim = conv.getInChannels() * n * n;
  const int64_t pixels = conv.getOutput().getType().getDimSize(2) *
                         conv.getOutput().getType().getDimSize(3);
  const size_t workers = std::max<size_t>(
      1, std::min<size_t>(llvm::hardware_concurrency().compute_thread_count(),
                          inputs.size()));
  // The patches of a batch of inputs ([sample][value]) update the moments
  // block by block, so that a block of them stays in cache while every
  // sample of the batch passes (the inner loop is a vectorised axpy).
  constexpr size_t kBatch = 32;
  constexpr int64_t kRows = 32, kCols = 256;
  std::vector<PatchStatistics> part(workers);
  llvm::parallelFor(0, workers, [&](size_t wk) {
    PatchStatistics &st = part[wk];
    st.pp.assign(dim * dim, 0.0);
    st.po.assign(dim * dim, 0.0);
    std::vector<size_t> mine;
    for (size_t i = wk; i < inputs.size(); i += workers)
      mine.push_back(i);
    std::vector<double> ap, ao;
    for (size_t b0 = 0; b0 < mine.size(); b0 += kBatch) {
      const size_t nb = std::min(kBatch, mine.size() - b0);
      ap.clear();
      ao.clear();
      for (size_t k = 0; k < nb; ++k) {
        const std::vector<float> &x = inputs[mine[b0 + k]];
        std::vector<double> o =
            patches(conv, inputOf(original, originalLayer, x));
        std::vector<double> q = patches(conv, inputOf(pruned, prunedLayer, x));
        ao.insert(ao.end(), o.begin(), o.end());
        ap.insert(ap.end(), q.begin(), q.end());
      }
      const int64_t samples = int64_t(nb) * pixels;
      for (int64_t r0 = 0; r0 < dim; r0 += kRows)
        for (int64_t c0 = 0; c0 < dim; c0 += kCols) {
          const int64_t r1 = std::min(dim, r0 + kRows),
                        c1 = std::min(dim, c0 + kCols);
          for (int64_t t = 0; t < samples; ++t) {
            const double *xp = &ap[t * dim], *xo = &ao[t * dim];
            for (int64_t a = r0; a < r1; ++a) {
              const double va = xp[a];
              if (va == 0)
                continue;
              double *rowP = &st.pp[a * dim], *rowO = &st.po[a * dim];
              for (int64_t b = c0; b < c1; ++b) {
                rowP[b] += va * xp[b];
                rowO[b] += va * xo[b];
              }
            }
          }
        }
    }
  });
  for (size_t wk = 1; wk < workers; ++wk) {
    addInto(part[0].pp, part[wk].pp);
    addInto(part[0].po, part[wk].po);
  }
  part[0].dim = dim;
  return std::move(part[0]);
}

/// The patches of the sampled output pixels of `conv` on input x, for group
/// `g`: [sample][ci][ky][kx], zero on padding.
static void spatialPatches(spectral::SpatialConv2DOp conv, int64_t g,
                           int64_t stride, const std::vector<float> &x,
                           std::vector<double> &out) {
  auto in = conv.getInput().getType(), o = conv.getOutput().getType();
  const int64_t h = in.getDimSize(2), w = in.getDimSize(3);
  const int64_t ho = o.getDimSize(2), wo = o.getDimSize(3);
  const int64_t kh = conv.getKernel()[0], kw = conv.getKernel()[1];
  const int64_t sy = conv.getStride()[0], sx = conv.getStride()[1];
  const int64_t dy = conv.getDilation()[0], dx = conv.getDilation()[1];
  const int64_t pt = conv.getPad()[0], pl = conv.getPad()[1];
  const int64_t cpg = conv.getChannelsPerGroup(), dim = cpg * kh * kw;
  for (int64_t p = 0; p < ho * wo; p += stride) {
    const int64_t i = p / wo, j = p % wo;
    const size_t at = out.size();
    out.resize(at + dim, 0.0);
    double *a = &out[at];
    for (int64_t ci = 0; ci < cpg; ++ci)
      for (int64_t ky = 0; ky < kh; ++ky) {
        const int64_t iy = i * sy - pt + ky * dy;
        if (iy < 0 || iy >= h)
          continue;
        for (int64_t kx = 0; kx < kw; ++kx) {
          const int64_t ix = j * sx - pl + kx * dx;
          if (ix >= 0 && ix < w)
            a[(ci * kh + ky) * kw + kx] = x[((g * cpg + ci) * h + iy) * w + ix];
        }
      }
  }
}

SpatialStatistics
gatherSpatialStatistics(const SpectralExecutor &original,
                        Operation *originalLayer, const SpectralExecutor &pruned,
                        Operation *prunedLayer,
                        llvm::ArrayRef<std::vector<float>> inputs) {
  auto conv = cast<spectral::SpatialConv2DOp>(prunedLayer);
  SpatialStatistics st;
  st.groups = int64_t(conv.getGroup());
  st.dim = conv.getChannelsPerGroup() * conv.getKernel()[0] *
           conv.getKernel()[1];
  const int64_t pixels = conv.getOutput().getType().getDimSize(2) *
                         conv.getOutput().getType().getDimSize(3);
  const double perPixel =
      2.0 * double(st.groups) * double(st.dim) * double(st.dim);
  const int64_t stride = std::max<int64_t>(
      1, int64_t(std::ceil(perPixel * double(pixels) * double(inputs.size()) /
                           kSpatialStatisticsBudget)));
  const size_t workers = std::max<size_t>(
      1, std::min<size_t>(llvm::hardware_concurrency().compute_thread_count(),
                          inputs.size()));
  constexpr size_t kBatch = 16;
  std::vector<SpatialStatistics> part(workers);
  llvm::parallelFor(0, workers, [&](size_t wk) {
    SpatialStatistics &s = part[wk];
    s.pp.assign(st.groups * st.dim * st.dim, 0.0);
    s.op.assign(st.groups * st.dim * st.dim, 0.0);
    std::vector<size_t> mine;
    for (size_t i = wk; i < inputs.size(); i += workers)
      mine.push_back(i);
    std::vector<double> ap, ao;
    for (size_t b0 = 0; b0 < mine.size(); b0 += kBatch) {
      const size_t nb = std::min(kBatch, mine.size() - b0);
      std::vector<std::vector<float>> xo(nb), xp(nb);
      for (size_t k = 0; k < nb; ++k) {
        xo[k] = inputOf(original, originalLayer, inputs[mine[b0 + k]]);
        xp[k] = inputOf(pruned, prunedLayer, inputs[mine[b0 + k]]);
      }
      for (int64_t g = 0; g < st.groups; ++g) {
        ap.clear();
        ao.clear();
        for (size_t k = 0; k < nb; ++k) {
          spatialPatches(conv, g, stride, xp[k], ap);
          spatialPatches(conv, g, stride, xo[k], ao);
        }
        const int64_t rows = int64_t(ap.size()) / st.dim;
        const int64_t at = g * st.dim * st.dim;
        prune::addCrossMoments(ap, ap, rows, st.dim,
                               llvm::MutableArrayRef(s.pp).slice(at, st.dim * st.dim));
        prune::addCrossMoments(ao, ap, rows, st.dim,
                               llvm::MutableArrayRef(s.op).slice(at, st.dim * st.dim));
      }
    }
  });
  for (size_t wk = 1; wk < workers; ++wk) {
    addInto(part[0].pp, part[wk].pp);
    addInto(part[0].op, part[wk].op);
  }
  st.pp = std::move(part[0].pp);
  st.op = std::move(part[0].op);
  return st;
}

} // namespace spec2
