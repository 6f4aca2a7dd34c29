//===- KernelFit.cpp - Covariance-driven pruning of spectral conv kernels -===//
//
// The per-bin methods' common frame: the covariance from the sequential
// fit's statistics or the layer's spec2.tile_covariance, the support by OBS
// or ADMM, and the least-squares refit of the kept values on that support.
//
//===----------------------------------------------------------------------===//
#include "SpectralMethods.h"

#include "Spec2/Spec2Dialect.h"

#include "spec2/Support/Constants.h"

#include "llvm/Support/Parallel.h"

using namespace mlir;

namespace spec2::prune {

std::vector<uint8_t> FoldedKernels::everyCanonicalBin() const {
  std::vector<uint8_t> mask(w.size(), 0);
  for (int64_t p = 0; p < pairs(); ++p)
    for (int64_t b : canonical)
      mask[p * bins + b] = 1;
  return mask;
}

double BinCovariance::trace(int64_t b) const {
  double t = 0;
  for (int64_t i = 0; i < cin; ++i)
    t += pruned(b, i, i).real();
  return t;
}

std::vector<Cd> refitSupport(const FoldedKernels &k, const BinCovariance &cov,
                             const std::vector<Cd> &w0C,
                             const std::vector<uint8_t> &mask,
                             const std::vector<Cd> &z) {
  std::vector<Cd> fit(k.w.size(), 0);
  llvm::parallelFor(0, k.canonical.size(), [&](size_t q) {
    const int64_t b = k.canonical[q];
    for (int64_t co = 0; co < k.cout; ++co) {
      std::vector<int64_t> S;
      for (int64_t ci = 0; ci < k.cin; ++ci)
        if (mask[k.at(co, ci, b)])
          S.push_back(ci);
      if (S.empty())
        continue;
      const int64_t m = int64_t(S.size());
      std::vector<Cd> a(m * m), v(m);
      double trace = 0;
      for (int64_t i = 0; i < m; ++i)
        trace += cov.pruned(b, S[i], S[i]).real();
      // w_S C_SS = r (a row vector) is C_SS^T w_S^T = r^T, and C_SS^T is
      // conj(C_SS), Hermitian positive definite as C_SS is.
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < m; ++j)
          a[i * m + j] = std::conj(cov.pruned(b, S[i], S[j])) +
                         (i == j ? 1e-9 * trace / m + 1e-30 : 0.0);
      for (int64_t i = 0; i < m; ++i)
        v[i] = w0C[k.at(co, S[i], b)];
      if (!choleskySolve<Cd>(a, m, v)) {
        for (int64_t i : S)
          fit[k.at(co, i, b)] = z[k.at(co, i, b)];
        continue;
      }
      for (int64_t j = 0; j < m; ++j)
        fit[k.at(co, S[j], b)] = v[j];
    }
  });
  return fit;
}

namespace {

/// The layer's spec2.tile_covariance as complex [bin][i][j]; nullopt if it
/// is missing or of the wrong size.
std::optional<std::vector<Cd>> tileCovariance(spectral::Conv2DOp op,
                                              int64_t bins, int64_t cin) {
  auto covAttr = op->getAttrOfType<ElementsAttr>(attr::kTileCovariance);
  if (!covAttr)
    return std::nullopt;
  auto covV = readNumbers(covAttr);
  if (!covV || int64_t(covV->size()) != bins * cin * cin * 2)
    return std::nullopt;
  std::vector<Cd> c(bins * cin * cin);
  for (size_t i = 0; i < c.size(); ++i)
    c[i] = Cd((*covV)[2 * i], (*covV)[2 * i + 1]);
  return c;
}

/// w0 C_op per canonical bin: [co][j][b] = sum_i w0[co][i][b] C_op,b[i][j].
std::vector<Cd> crossProducts(const FoldedKernels &k,
                              const BinCovariance &cov) {
  std::vector<Cd> w0C(k.w.size());
  llvm::parallelFor(0, k.canonical.size(), [&](size_t q) {
    const int64_t b = k.canonical[q];
    for (int64_t co = 0; co < k.cout; ++co)
      for (int64_t j = 0; j < k.cin; ++j) {
        Cd s = 0;
        for (int64_t i = 0; i < k.cin; ++i)
          s += mul(k.w[k.at(co, i, b)], cov.crossed(b, i, j));
        w0C[k.at(co, j, b)] = s;
      }
  });
  return w0C;
}

} // namespace

LogicalResult fitKernels(const Settings &s, spectral::Conv2DOp op,
                         const FoldedKernels &k, int64_t keep,
                         const Quota &quota, bool everyBin,
                         const LayerStatistics *stats,
                         std::vector<uint8_t> &mask, std::vector<Cd> &fit,
                         const std::vector<uint8_t> *base) {
  std::optional<std::vector<Cd>> fromAttr;
  if (!stats) {
    fromAttr = tileCovariance(op, k.bins, k.cin);
    if (!fromAttr)
      return failure();
  }
  const BinCovariance cov{k.cin, stats ? &stats->pp : &*fromAttr,
                          stats ? &stats->op : &*fromAttr};
  const std::vector<Cd> w0C = crossProducts(k, cov);
  std::vector<Cd> z;
  if (everyBin) {
    mask = k.everyCanonicalBin();
    if (base)
      for (size_t i = 0; i < mask.size(); ++i)
        mask[i] &= (*base)[i];
  } else if (s.method == Method::Obs && k.cin <= kMaxObsChannels) {
    FailureOr<std::vector<uint8_t>> obs =
        obsSupport(k, cov, w0C, quota, base);
    if (failed(obs))
      return failure();
    mask = std::move(*obs);
  } else {
    // ADMM, also for OBS on layers too wide for it.
    std::vector<double> power(k.cin * k.bins);
    for (int64_t ci = 0; ci < k.cin; ++ci)
      for (int64_t b = 0; b < k.bins; ++b)
        power[ci * k.bins + b] = cov.pruned(b, ci, ci).real();
    FailureOr<std::vector<uint8_t>> admm =
        admmSupport(s, k, cov, w0C, power, keep, z, base);
    if (failed(admm))
      return failure();
    mask = std::move(*admm);
  }
  if (z.empty()) {
    z.resize(k.w.size());
    for (size_t i = 0; i < z.size(); ++i)
      z[i] = mask[i] ? k.w[i] : Cd(0);
  }
  fit = refitSupport(k, cov, w0C, mask, z);
  return success();
}

} // namespace spec2::prune
