//===- LayerStatistics.cpp - A layer's input moments on calibration data --===//
#include "LayerStatistics.h"

#include "Spectral/SpectralDialect.h"

#include "llvm/Support/Parallel.h"
#include "llvm/Support/Threading.h"

#include <fftw3.h>
#include <mutex>

using namespace mlir;

namespace spec2 {

namespace {

using Cd = std::complex<double>;

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
                      const std::vector<std::vector<float>> &inputs) {
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
  for (size_t wk = 1; wk < workers; ++wk)
    for (size_t k = 0; k < part[0].pp.size(); ++k) {
      part[0].pp[k] += part[wk].pp[k];
      part[0].op[k] += part[wk].op[k];
    }
  return std::move(part[0]);
}

} // namespace spec2
