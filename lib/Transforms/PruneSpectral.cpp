//===- PruneSpectral.cpp - Balanced magnitude pruning of spectral kernels -===//
//
// The magnitude baseline of issue #5: per (output, input) channel pair keep
// the same number of half-spectrum bins, those with the largest energy.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <numeric>

#define DEBUG_TYPE "spec2-prune-spectral"

namespace spec2 {
#define GEN_PASS_DEF_PRUNESPECTRAL
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

using Cd = std::complex<double>;

/// a * b without std::complex's NaN-checked library call.
inline Cd mul(Cd a, Cd b) {
  return Cd(a.real() * b.real() - a.imag() * b.imag(),
            a.real() * b.imag() + a.imag() * b.real());
}

/// Inverse of an n x n complex matrix (row-major) by Gauss-Jordan with
/// partial pivoting; false if singular.
bool invert(std::vector<Cd> a, int64_t n, std::vector<Cd> &inv) {
  inv.assign(n * n, 0);
  for (int64_t i = 0; i < n; ++i)
    inv[i * n + i] = 1;
  for (int64_t col = 0; col < n; ++col) {
    int64_t piv = col;
    for (int64_t r = col + 1; r < n; ++r)
      if (std::norm(a[r * n + col]) > std::norm(a[piv * n + col]))
        piv = r;
    if (std::abs(a[piv * n + col]) < 1e-300)
      return false;
    if (piv != col)
      for (int64_t c = 0; c < n; ++c) {
        std::swap(a[piv * n + c], a[col * n + c]);
        std::swap(inv[piv * n + c], inv[col * n + c]);
      }
    const Cd d = Cd(1) / a[col * n + col];
    for (int64_t c = 0; c < n; ++c) {
      a[col * n + c] = mul(a[col * n + c], d);
      inv[col * n + c] = mul(inv[col * n + c], d);
    }
    for (int64_t r = 0; r < n; ++r) {
      if (r == col || a[r * n + col] == Cd(0))
        continue;
      const Cd f = a[r * n + col];
      for (int64_t c = 0; c < n; ++c) {
        a[r * n + c] -= mul(f, a[col * n + c]);
        inv[r * n + c] -= mul(f, inv[col * n + c]);
      }
    }
  }
  return true;
}

/// Conjugate and squared magnitude of a real or complex scalar.
inline double conjOf(double x) { return x; }
inline Cd conjOf(Cd x) { return std::conj(x); }
inline double normOf(double x) { return x * x; }
inline double normOf(Cd x) { return std::norm(x); }
inline double mul(double a, double b) { return a * b; }

/// Solves a v = rhs in place by Cholesky, for symmetric (T = double) or
/// Hermitian (T = Cd) positive definite a (n x n, row-major, overwritten by
/// its factor L); false if a is not positive definite.
template <typename T>
bool choleskySolve(std::vector<T> &a, int64_t n, std::vector<T> &rhs) {
  for (int64_t j = 0; j < n; ++j) {
    double d = std::real(a[j * n + j]);
    for (int64_t k = 0; k < j; ++k)
      d -= normOf(a[j * n + k]);
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      T v = a[i * n + j];
      for (int64_t k = 0; k < j; ++k)
        v -= mul(a[i * n + k], conjOf(a[j * n + k]));
      a[i * n + j] = v / d;
    }
  }
  for (int64_t i = 0; i < n; ++i) { // L y = rhs
    T v = rhs[i];
    for (int64_t k = 0; k < i; ++k)
      v -= mul(a[i * n + k], rhs[k]);
    rhs[i] = v / std::real(a[i * n + i]);
  }
  for (int64_t i = n - 1; i >= 0; --i) { // L^H v = y
    T v = rhs[i];
    for (int64_t k = i + 1; k < n; ++k)
      v -= mul(conjOf(a[k * n + i]), rhs[k]);
    rhs[i] = v / std::real(a[i * n + i]);
  }
  return true;
}

/// Keeps, per (co, ci), the `keep` bins of largest weighted energy of `w`
/// ([cout][cin][bins]); returns the mask.
std::vector<uint8_t> balancedMask(const std::vector<Cd> &w, int64_t pairs,
                                  int64_t bins, int64_t half, int64_t n,
                                  int64_t keep,
                                  const std::vector<double> *power = nullptr,
                                  int64_t cin = 1) {
  std::vector<uint8_t> mask(w.size(), 0);
  std::vector<int64_t> order(bins);
  for (int64_t k = 0; k < pairs; ++k) {
    // With the input's power per (channel, bin), the energy a weight adds to
    // the output; without, the weight's own energy.
    auto energy = [&](int64_t b) {
      const int64_t kx = b % half;
      const double p = power ? (*power)[(k % cin) * bins + b] : 1.0;
      return ((kx == 0 || kx == n / 2) ? 1.0 : 2.0) * p *
             std::norm(w[k * bins + b]);
    };
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(
        order.begin(), order.begin() + keep, order.end(),
        [&](int64_t a, int64_t b) { return energy(a) > energy(b); });
    for (int64_t t = 0; t < keep; ++t)
      mask[k * bins + order[t]] = 1;
  }
  return mask;
}

/// Parses "NAME=R[,NAME=R...]".
FailureOr<llvm::StringMap<double>> parseOverrides(Operation *where,
                                                  StringRef text) {
  llvm::StringMap<double> m;
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [name, value] = item.rsplit('=');
    double r;
    if (name.empty() || value.empty() || value.getAsDouble(r) ||
        !(r >= 0.0 && r < 1.0))
      return where->emitError("layer-sparsity: '")
             << item << "' is not NAME=R with R in [0, 1)";
    m[name.trim()] = r;
  }
  return m;
}

/// ADMM stops early once the support has not changed for this many
/// iterations.
constexpr unsigned kStableIterations = 5;

struct PruneSpectralPass : impl::PruneSpectralBase<PruneSpectralPass> {
  using PruneSpectralBase::PruneSpectralBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!(sparsity >= 0.0 && sparsity < 1.0)) {
      func.emitError("sparsity must be in [0, 1), got ") << sparsity;
      return signalPassFailure();
    }
    if (!(fcSparsity >= 0.0 && fcSparsity < 1.0)) {
      func.emitError("fc-sparsity must be in [0, 1), got ") << fcSparsity;
      return signalPassFailure();
    }
    if (method != "magnitude" && method != "admm") {
      func.emitError("unknown pruning method '") << method << "'";
      return signalPassFailure();
    }
    auto overrides = parseOverrides(func, layerSparsity);
    if (failed(overrides))
      return signalPassFailure();
    llvm::StringSet<> seen;
    std::string names;
    func.walk([&](Operation *op) {
      if (isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op) &&
          seen.insert(layerName(op)).second)
        names += (names.empty() ? "" : ", ") + layerName(op);
    });
    for (const auto &o : *overrides)
      if (!seen.contains(o.getKey())) {
        func.emitError("layer-sparsity names '")
            << o.getKey() << "', which is no conv or fully-connected layer "
            << "of this model (layers: " << names << ")";
        return signalPassFailure();
      }

    // The conv budget is global: `sparsity` of all spectral conv weights.
    // Overridden layers take their own fraction. A layer with a single input
    // channel has no other channel to compensate a dropped bin (pruning it
    // only removes output frequencies), so it stays dense and the other
    // layers take its share.
    double total = 0, fixedZeros = 0, single = 0, multi = 0;
    func.walk([&](spectral::Conv2DOp op) {
      const double w = double(op.getOutChannels() * op.getInChannels() *
                              spectral::halfSpectrumBins(op.getFftSize()));
      total += w;
      auto o = overrides->find(layerName(op));
      if (o != overrides->end())
        fixedZeros += w * o->second;
      else
        (op.getInChannels() == 1 ? single : multi) += w;
    });
    const double free = multi > 0 ? multi : single;
    const double share =
        free > 0 ? std::clamp((sparsity * total - fixedZeros) / free, 0.0,
                              0.999)
                 : 0.0;
    auto convSparsity = [&](spectral::Conv2DOp op) {
      auto o = overrides->find(layerName(op));
      if (o != overrides->end())
        return o->second;
      return op.getInChannels() == 1 && multi > 0 ? 0.0 : share;
    };
    size_t layers = 0;
    func.walk([&](Operation *op) {
      layers += isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op);
    });
    Progress progress("spec2-prune-spectral: layer", layers);
    WalkResult r = func.walk([&](Operation *op) {
      LogicalResult ok = success();
      if (isa<spectral::Conv2DOp, spectral::FullyConnectedOp>(op))
        progress.step(layerName(op));
      if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
        ok = prune(conv, convSparsity(conv));
      } else if (auto fc = dyn_cast<spectral::FullyConnectedOp>(op)) {
        auto o = overrides->find(layerName(op));
        ok = pruneFc(fc, o != overrides->end() ? o->second : fcSparsity);
      }
      return succeeded(ok) ? WalkResult::advance() : WalkResult::interrupt();
    });
    if (r.wasInterrupted())
      return signalPassFailure();
    // The calibration covariances have served their purpose.
    func.walk([](Operation *op) {
      op->removeAttr("spec2.tile_covariance");
      op->removeAttr("spec2.input_covariance");
    });
  }

  /// Row-balanced pruning of a fully-connected layer to `frac` zeros.
  LogicalResult pruneFc(spectral::FullyConnectedOp op, double frac) {
    auto values = readNumbers(op.getValues());
    auto columns = readNumbers(op.getColumns());
    if (!values || !columns)
      return op.emitOpError("weights are not readable");
    auto shape = cast<ShapedType>(op.getValues().getType()).getShape();
    const int64_t m = shape[0], nnz = shape[1];
    const int64_t k = cast<ShapedType>(op.getInput().getType()).getNumElements();
    numFcTotal += uint64_t(m * nnz);
    const int64_t keep =
        std::max<int64_t>(1, int64_t(std::llround(double(k) * (1.0 - frac))));
    if (frac <= 0 || keep >= nnz) {
      numFcKept += uint64_t(m * nnz);
      return success();
    }
    // The least-squares refit needs the dense layout and the covariance.
    std::optional<std::vector<double>> cov;
    if (method == "admm") {
      bool dense = nnz == k;
      for (int64_t t = 0; dense && t < k; ++t)
        dense = int64_t((*columns)[t]) == t;
      if (auto attr = op->getAttrOfType<ElementsAttr>("spec2.input_covariance"))
        if (dense)
          cov = readNumbers(attr);
      if (!cov || int64_t(cov->size()) != k * k) {
        cov.reset();
        op.emitWarning("no calibration covariance for the refit (run "
                       "spec2-calibrate with fc-covariance); pruned by "
                       "magnitude");
      }
    }
    std::vector<float> newValues(m * keep);
    std::vector<int32_t> newColumns(m * keep);
    std::vector<int64_t> order(nnz);
    for (int64_t row = 0; row < m; ++row) {
      const double *w = &(*values)[row * nnz];
      const double *col = &(*columns)[row * nnz];
      auto score = [&](int64_t t) {
        const double second = cov ? (*cov)[int64_t(col[t]) * (k + 1)] : 1.0;
        return w[t] * w[t] * second;
      };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return score(a) > score(b);
      });
      std::sort(order.begin(), order.begin() + keep,
                [&](int64_t a, int64_t b) { return col[a] < col[b]; });
      std::vector<double> kept(keep);
      for (int64_t t = 0; t < keep; ++t)
        kept[t] = w[order[t]];
      if (cov) {
        // W_S C_SS = (W0 C)_S, with a small ridge for unused inputs.
        const std::vector<double> &c = *cov;
        std::vector<double> a(keep * keep), rhs(keep);
        double trace = 0;
        for (int64_t i = 0; i < keep; ++i)
          trace += c[order[i] * (k + 1)];
        const double ridge = 1e-6 * trace / double(keep) + 1e-30;
        for (int64_t i = 0; i < keep; ++i) {
          const int64_t ci = order[i];
          for (int64_t j = 0; j < keep; ++j)
            a[i * keep + j] = c[ci * k + order[j]] + (i == j ? ridge : 0.0);
          double s = 0;
          for (int64_t j = 0; j < k; ++j)
            s += w[j] * c[j * k + ci];
          rhs[i] = s;
        }
        if (choleskySolve(a, keep, rhs))
          kept = rhs;
      }
      for (int64_t t = 0; t < keep; ++t) {
        newValues[row * keep + t] = float(kept[t]);
        newColumns[row * keep + t] = int32_t(col[order[t]]);
      }
    }
    numFcKept += uint64_t(m * keep);
    MLIRContext *ctx = op.getContext();
    const std::string name = layerName(op);
    op->setAttr("values", makeF32Elements(ctx, {m, keep}, std::move(newValues),
                                          name + ".values"));
    op->setAttr("columns", makeI32Elements(ctx, {m, keep},
                                           std::move(newColumns),
                                           name + ".columns"));
    return success();
  }

  LogicalResult prune(spectral::Conv2DOp op, double frac) {
    const int64_t n = op.getFftSize(), half = n / 2 + 1;
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t nnz = op.getNnz();
    auto spectra = readNumbers(op.getSpectra());
    auto bins = readNumbers(op.getBins());
    if (!spectra || !bins)
      return op.emitOpError("kernel spectra are not readable");
    const int64_t keep = std::max<int64_t>(
        1, int64_t(std::llround(double(spectral::halfSpectrumBins(n)) *
                                (1.0 - frac))));
    numTotal += uint64_t(cout * cin * spectral::halfSpectrumBins(n));
    if (frac <= 0 || keep >= nnz) {
      numKept += uint64_t(cout * cin * nnz);
      return success();
    }
    if (method == "admm") {
      if (succeeded(pruneAdmm(op, *spectra, *bins, keep)))
        return success();
      op.emitWarning("no calibration covariance for ADMM (run spec2-calibrate "
                     "with tile-covariance); pruned by magnitude");
    }
    std::vector<float> newSpectra(cout * cin * keep * 2);
    std::vector<int32_t> newBins(cout * cin * keep);
    std::vector<int64_t> order(nnz);
    for (int64_t k = 0; k < cout * cin; ++k) {
      auto energy = [&](int64_t t) {
        const double re = (*spectra)[2 * (k * nnz + t)];
        const double im = (*spectra)[2 * (k * nnz + t) + 1];
        const int64_t kx = int64_t((*bins)[k * nnz + t]) % half;
        const double weight = (kx == 0 || kx == n / 2) ? 1.0 : 2.0;
        return weight * (re * re + im * im);
      };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return energy(a) > energy(b);
      });
      // Keep the strongest, stored in bin order.
      std::sort(order.begin(), order.begin() + keep, [&](int64_t a, int64_t b) {
        return (*bins)[k * nnz + a] < (*bins)[k * nnz + b];
      });
      for (int64_t t = 0; t < keep; ++t) {
        const int64_t src = k * nnz + order[t], dst = k * keep + t;
        newSpectra[2 * dst] = float((*spectra)[2 * src]);
        newSpectra[2 * dst + 1] = float((*spectra)[2 * src + 1]);
        newBins[dst] = int32_t((*bins)[src]);
      }
    }
    numKept += uint64_t(cout * cin * keep);
    store(op, std::move(newSpectra), std::move(newBins), keep);
    return success();
  }

  void store(spectral::Conv2DOp op, std::vector<float> newSpectra,
             std::vector<int32_t> newBins, int64_t keep) {
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    MLIRContext *ctx = op.getContext();
    op->setAttr("spectra", makeF32Elements(ctx, {cout, cin, keep, 2},
                                           std::move(newSpectra), "spectra"));
    op->setAttr("bins", makeI32Elements(ctx, {cout, cin, keep},
                                        std::move(newBins), "bins"));
  }

  /// ADMM on the dense kernels with the calibration tiles' covariance, then
  /// a least-squares refit on the chosen support.
  LogicalResult pruneAdmm(spectral::Conv2DOp op,
                          const std::vector<double> &spectra,
                          const std::vector<double> &binsV, int64_t keep) {
    const int64_t n = op.getFftSize(), half = n / 2 + 1;
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t bins = spectral::halfSpectrumBins(n), nnz = op.getNnz();
    auto covAttr = op->getAttrOfType<ElementsAttr>("spec2.tile_covariance");
    if (!covAttr || nnz != bins)
      return failure();
    auto covV = readNumbers(covAttr);
    if (!covV || int64_t(covV->size()) != bins * cin * cin * 2)
      return failure();
    for (int64_t t = 0; t < bins; ++t)
      if (int64_t(binsV[t]) != t)
        return failure(); // not the dense layout of GraphToSpectral
    auto C = [&](int64_t b, int64_t i, int64_t j) {
      const int64_t k = ((b * cin + i) * cin + j) * 2;
      return Cd((*covV)[k], (*covV)[k + 1]);
    };
    // Dense weights w0[co][ci][b].
    std::vector<Cd> w0(cout * cin * bins);
    for (int64_t k = 0; k < cout * cin * bins; ++k)
      w0[k] = Cd(spectra[2 * k], spectra[2 * k + 1]);
    auto at = [&](int64_t co, int64_t ci, int64_t b) {
      return (co * cin + ci) * bins + b;
    };
    // Per bin: (C_b + rho_b I)^-1 and w0 C_b for every output channel.
    std::vector<std::vector<Cd>> inv(bins);
    std::vector<double> rhoBin(bins);
    std::vector<Cd> w0C(cout * cin * bins);
    std::atomic<bool> singular{false};
    llvm::parallelFor(0, bins, [&](size_t b) {
      double trace = 0;
      for (int64_t i = 0; i < cin; ++i)
        trace += C(b, i, i).real();
      rhoBin[b] = rho * trace / double(cin) + 1e-12;
      std::vector<Cd> a(cin * cin);
      for (int64_t i = 0; i < cin; ++i)
        for (int64_t j = 0; j < cin; ++j)
          a[i * cin + j] = C(b, i, j) + (i == j ? rhoBin[b] : 0.0);
      if (!invert(a, cin, inv[b])) {
        singular = true;
        return;
      }
      for (int64_t co = 0; co < cout; ++co)
        for (int64_t j = 0; j < cin; ++j) {
          Cd s = 0;
          for (int64_t i = 0; i < cin; ++i)
            s += mul(w0[at(co, i, b)], C(b, i, j));
          w0C[at(co, j, b)] = s;
        }
    });
    if (singular)
      return failure();
    std::vector<double> power(cin * bins);
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t b = 0; b < bins; ++b)
        power[ci * bins + b] = C(b, ci, ci).real();
    std::vector<Cd> w = w0, z(w0.size()), u(w0.size(), 0);
    std::vector<uint8_t> mask =
        balancedMask(w0, cout * cin, bins, half, n, keep, &power, cin);
    for (size_t k = 0; k < z.size(); ++k)
      z[k] = mask[k] ? w0[k] : Cd(0);
    unsigned stable = 0;
    for (unsigned it = 0; it < iterations; ++it) {
      // The bins are independent: one task each.
      llvm::parallelFor(0, bins, [&](size_t b) {
        std::vector<double> rr(cin), ri(cin), sr(cin), si(cin);
        for (int64_t co = 0; co < cout; ++co) {
          for (int64_t j = 0; j < cin; ++j) {
            const Cd r = w0C[at(co, j, b)] +
                         rhoBin[b] * (z[at(co, j, b)] - u[at(co, j, b)]);
            rr[j] = r.real();
            ri[j] = r.imag();
          }
          // w = rhs * inv, row by row of inv, complex products spelled out
          // (std::complex's checked multiply is a library call).
          std::fill(sr.begin(), sr.end(), 0.0);
          std::fill(si.begin(), si.end(), 0.0);
          for (int64_t i = 0; i < cin; ++i) {
            const double a = rr[i], c = ri[i];
            const Cd *row = &inv[b][i * cin];
            for (int64_t j = 0; j < cin; ++j) {
              sr[j] += a * row[j].real() - c * row[j].imag();
              si[j] += a * row[j].imag() + c * row[j].real();
            }
          }
          for (int64_t j = 0; j < cin; ++j)
            w[at(co, j, b)] = Cd(sr[j], si[j]);
        }
      });
      std::vector<Cd> wu(w.size());
      for (size_t k = 0; k < w.size(); ++k)
        wu[k] = w[k] + u[k];
      std::vector<uint8_t> next =
          balancedMask(wu, cout * cin, bins, half, n, keep, &power, cin);
      // Only the support reaches the output (the refit below recomputes the
      // kept values), so a support that has not moved for a while is done.
      stable = next == mask ? stable + 1 : 0;
      mask = std::move(next);
      for (size_t k = 0; k < w.size(); ++k) {
        z[k] = mask[k] ? wu[k] : Cd(0);
        u[k] += w[k] - z[k];
      }
      if (stable >= kStableIterations)
        break;
    }
    // Refit: per (co, b), w_S C_SS = (w0 C)_S on the support S.
    std::vector<Cd> fit(w0.size(), 0);
    llvm::parallelFor(0, bins, [&](size_t b) {
      for (int64_t co = 0; co < cout; ++co) {
        std::vector<int64_t> S;
        for (int64_t ci = 0; ci < cin; ++ci)
          if (mask[at(co, ci, b)])
            S.push_back(ci);
        if (S.empty())
          continue;
        const int64_t m = int64_t(S.size());
        std::vector<Cd> a(m * m), v(m);
        double trace = 0;
        for (int64_t i = 0; i < m; ++i)
          trace += C(b, S[i], S[i]).real();
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < m; ++j)
            a[i * m + j] =
                C(b, S[i], S[j]) + (i == j ? 1e-9 * trace / m + 1e-30 : 0.0);
        // w_S C_SS = r (a row vector) is C_SS w_S^H = r^H: C is Hermitian.
        for (int64_t i = 0; i < m; ++i)
          v[i] = std::conj(w0C[at(co, S[i], b)]);
        if (!choleskySolve(a, m, v)) {
          for (int64_t i : S)
            fit[at(co, i, b)] = z[at(co, i, b)];
          continue;
        }
        for (int64_t j = 0; j < m; ++j)
          fit[at(co, S[j], b)] = std::conj(v[j]);
      }
    });
    // Store the kept bins in bin order.
    std::vector<float> newSpectra(cout * cin * keep * 2);
    std::vector<int32_t> newBins(cout * cin * keep);
    for (int64_t k = 0; k < cout * cin; ++k) {
      int64_t t = 0;
      for (int64_t b = 0; b < bins && t < keep; ++b)
        if (mask[k * bins + b]) {
          newSpectra[2 * (k * keep + t)] = float(fit[k * bins + b].real());
          newSpectra[2 * (k * keep + t) + 1] = float(fit[k * bins + b].imag());
          newBins[k * keep + t] = int32_t(b);
          ++t;
        }
    }
    numKept += uint64_t(cout * cin * keep);
    store(op, std::move(newSpectra), std::move(newBins), keep);
    op->removeAttr("spec2.tile_covariance");
    return success();
  }
};

} // namespace
} // namespace spec2
