//===- Admm.cpp - ADMM support of spectral conv kernels -------------------===//
//
// Minimises the per-bin output error subject to the balanced support by
// ADMM: the weight update is a small linear solve per (output channel, bin)
// fitting the original outputs with a penalty rho_b toward z - u, the
// projection keeps the largest weights per pair (balancedMask, by output
// energy), the dual update accumulates the difference.
//
//===----------------------------------------------------------------------===//
#include "SpectralMethods.h"

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>

using namespace mlir;

namespace spec2::prune {
namespace {

/// ADMM stops early once the support has not changed for this many
/// iterations.
constexpr unsigned kStableIterations = 5;

/// Per bin: the penalty rho_b and (C_b + rho_b I)^-1.
struct PenalisedInverses {
  std::vector<std::vector<Cd>> inv;
  std::vector<double> rho;
};

FailureOr<PenalisedInverses> penalisedInverses(const Settings &s,
                                               const FoldedKernels &k,
                                               const BinCovariance &cov) {
  const int64_t cin = k.cin;
  PenalisedInverses p{std::vector<std::vector<Cd>>(k.bins),
                      std::vector<double>(k.bins)};
  std::atomic<bool> singular{false};
  llvm::parallelFor(0, k.canonical.size(), [&](size_t q) {
    const int64_t b = k.canonical[q];
    p.rho[b] = s.rho * cov.trace(b) / double(cin) + 1e-12;
    std::vector<Cd> a(cin * cin);
    for (int64_t i = 0; i < cin; ++i)
      for (int64_t j = 0; j < cin; ++j)
        a[i * cin + j] = cov.pruned(b, i, j) + (i == j ? p.rho[b] : 0.0);
    if (!invert(a, cin, p.inv[b]))
      singular = true;
  });
  if (singular)
    return failure();
  return p;
}

/// The weight update: per (co, b), w = (w0C + rho_b (z - u)) (C_b + rho_b
/// I)^-1, a row vector times the inverse. The bins are independent: one task
/// each.
void updateWeights(const FoldedKernels &k, const PenalisedInverses &p,
                   const std::vector<Cd> &w0C, const std::vector<Cd> &z,
                   const std::vector<Cd> &u, std::vector<Cd> &w) {
  const int64_t cin = k.cin;
  llvm::parallelFor(0, k.canonical.size(), [&](size_t q) {
    const int64_t b = k.canonical[q];
    std::vector<double> rr(cin), ri(cin), sr(cin), si(cin);
    for (int64_t co = 0; co < k.cout; ++co) {
      for (int64_t j = 0; j < cin; ++j) {
        const Cd r = w0C[k.at(co, j, b)] +
                     p.rho[b] * (z[k.at(co, j, b)] - u[k.at(co, j, b)]);
        rr[j] = r.real();
        ri[j] = r.imag();
      }
      // Complex products spelled out, row by row of the inverse
      // (std::complex's checked multiply is a library call).
      std::fill(sr.begin(), sr.end(), 0.0);
      std::fill(si.begin(), si.end(), 0.0);
      for (int64_t i = 0; i < cin; ++i) {
        const double a = rr[i], c = ri[i];
        const Cd *row = &p.inv[b][i * cin];
        for (int64_t j = 0; j < cin; ++j) {
          sr[j] += a * row[j].real() - c * row[j].imag();
          si[j] += a * row[j].imag() + c * row[j].real();
        }
      }
      for (int64_t j = 0; j < cin; ++j)
        w[k.at(co, j, b)] = Cd(sr[j], si[j]);
    }
  });
}

} // namespace

FailureOr<std::vector<uint8_t>>
admmSupport(const Settings &s, const FoldedKernels &k, const BinCovariance &cov,
            const std::vector<Cd> &w0C, const std::vector<double> &power,
            int64_t keep, std::vector<Cd> &z,
            const std::vector<uint8_t> *base) {
  FailureOr<PenalisedInverses> p = penalisedInverses(s, k, cov);
  if (failed(p))
    return failure();
  const int64_t pairs = k.pairs();
  std::vector<uint8_t> mask =
      balancedMask(k.w, pairs, k.n, k.canonical, keep, &power, k.cin, base);
  std::vector<Cd> w = k.w, u(k.w.size(), 0);
  z.resize(k.w.size());
  for (size_t i = 0; i < z.size(); ++i)
    z[i] = mask[i] ? k.w[i] : Cd(0);
  unsigned stable = 0;
  for (unsigned it = 0; it < s.iterations; ++it) {
    updateWeights(k, *p, w0C, z, u, w);
    std::vector<Cd> wu(w.size());
    for (size_t i = 0; i < w.size(); ++i)
      wu[i] = w[i] + u[i];
    std::vector<uint8_t> next =
        balancedMask(wu, pairs, k.n, k.canonical, keep, &power, k.cin, base);
    // Only the support reaches the output (the refit recomputes the kept
    // values), so a support that has not moved for a while is done.
    stable = next == mask ? stable + 1 : 0;
    mask = std::move(next);
    for (size_t i = 0; i < w.size(); ++i) {
      z[i] = mask[i] ? wu[i] : Cd(0);
      u[i] += w[i] - z[i];
    }
    if (stable >= kStableIterations)
      break;
  }
  return mask;
}

} // namespace spec2::prune
