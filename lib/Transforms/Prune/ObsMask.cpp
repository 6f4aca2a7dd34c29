//===- ObsMask.cpp - Per-bin optimal-brain-surgeon support of conv kernels ===//
//
// Every frequency bin is an independent linear map from input to output
// channels, so per output channel and bin the output error of dropping
// input channel i, the others re-solved, is |w_i|^2 / [C_b^-1]_ii (optimal
// brain surgeon). Greedy: drop the cheapest weight of the output channel,
// update its bin, repeat until every quota group holds its limit.
//
//===----------------------------------------------------------------------===//
#include "SpectralMethods.h"

#include "Spectral/SpectralDialect.h"

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <limits>

using namespace mlir;

namespace spec2::prune {
namespace {

/// One output channel's greedy OBS state: per canonical bin q the weights
/// and inverse covariance of the channels still alive, and each bin's
/// cheapest drop.
struct ChannelObs {
  const FoldedKernels &k;
  const Quota &quota;
  int64_t nbc;
  std::vector<std::vector<Cd>> h, w;
  std::vector<std::vector<uint8_t>> alive;
  std::vector<int64_t> count, bestI;
  std::vector<double> bestCost;

  ChannelObs(const FoldedKernels &k, const Quota &quota,
             const std::vector<Cd> &w0, ArrayRef<std::vector<Cd>> hinv,
             int64_t co)
      : k(k), quota(quota), nbc(int64_t(k.canonical.size())), h(nbc),
        w(nbc, std::vector<Cd>(k.cin)),
        alive(nbc, std::vector<uint8_t>(k.cin, 1)), count(quota.groups(), 0),
        bestI(nbc), bestCost(nbc) {
    for (int64_t ci = 0; ci < k.cin; ++ci)
      count[quota.groupOf(ci)] += nbc;
    for (int64_t q = 0; q < nbc; ++q) {
      h[q] = hinv[k.canonical[q]];
      for (int64_t i = 0; i < k.cin; ++i)
        w[q][i] = w0[k.at(co, i, k.canonical[q])];
    }
  }

  /// Weights over the groups' limits: how many drops remain.
  int64_t excess() const {
    int64_t total = 0;
    for (int64_t g = 0; g < quota.groups(); ++g)
      total += std::max<int64_t>(0, count[g] - quota.limit[g]);
    return total;
  }

  /// Finds bin q's cheapest weight whose group is above its limit.
  void rescore(int64_t q) {
    const int64_t cin = k.cin;
    const double weight = spectral::binEnergyWeight(k.n, k.canonical[q]);
    bestCost[q] = std::numeric_limits<double>::infinity();
    bestI[q] = -1;
    for (int64_t i = 0; i < cin; ++i) {
      if (!alive[q][i] ||
          count[quota.groupOf(i)] <= quota.limit[quota.groupOf(i)])
        continue;
      const double c = weight * std::norm(w[q][i]) /
                       std::max(h[q][i * cin + i].real(), 1e-300);
      if (c < bestCost[q]) {
        bestCost[q] = c;
        bestI[q] = i;
      }
    }
  }

  /// Drops weight i of bin q: the others of the bin absorb it (w -= w_i /
  /// H_ii H_i.) and H becomes the inverse covariance of the channels left.
  void drop(int64_t q, int64_t i) {
    const int64_t cin = k.cin;
    std::vector<Cd> &H = h[q];
    std::vector<Cd> &W = w[q];
    const double hii = std::max(H[i * cin + i].real(), 1e-300);
    const Cd f = W[i] / hii;
    for (int64_t j = 0; j < cin; ++j)
      if (alive[q][j] && j != i)
        W[j] -= mul(f, H[i * cin + j]);
    W[i] = 0;
    for (int64_t a = 0; a < cin; ++a) {
      if (!alive[q][a] || a == i)
        continue;
      const Cd ha = H[a * cin + i] / hii;
      for (int64_t b = 0; b < cin; ++b)
        if (alive[q][b] && b != i)
          H[a * cin + b] -= mul(ha, H[i * cin + b]);
    }
    alive[q][i] = 0;
  }

  /// Drops the weights `base` drops (any order: each drop is an exact
  /// removal, so the state after them is the fit on what is left).
  void dropBase(const std::vector<uint8_t> &base, int64_t co) {
    for (int64_t q = 0; q < nbc; ++q)
      for (int64_t i = 0; i < k.cin; ++i)
        if (!base[k.at(co, i, k.canonical[q])]) {
          drop(q, i);
          --count[quota.groupOf(i)];
        }
  }

  /// Drops weights until every group holds its limit.
  void run() {
    for (int64_t q = 0; q < nbc; ++q)
      rescore(q);
    const int64_t total = excess();
    for (int64_t r = 0; r < total; ++r) {
      const int64_t q =
          std::min_element(bestCost.begin(), bestCost.end()) - bestCost.begin();
      const int64_t i = bestI[q];
      if (i < 0)
        break;
      drop(q, i);
      const int64_t g = quota.groupOf(i);
      --count[g];
      rescore(q);
      if (count[g] == quota.limit[g])
        for (int64_t p = 0; p < nbc; ++p)
          if (bestI[p] >= 0 && quota.groupOf(bestI[p]) == g)
            rescore(p);
    }
  }
};

/// Greedy OBS support of the folded kernels `w0`, per output channel, never
/// taking a quota group below its limit, after the weights `base` drops.
/// `hinv[b]` is the inverse input covariance of bin b (cin x cin).
std::vector<uint8_t> obsMask(const FoldedKernels &k, const std::vector<Cd> &w0,
                             const Quota &quota, ArrayRef<std::vector<Cd>> hinv,
                             const std::vector<uint8_t> *base) {
  std::vector<uint8_t> mask(k.cout * k.cin * k.bins, 0);
  llvm::parallelFor(0, k.cout, [&](size_t co) {
    ChannelObs obs(k, quota, w0, hinv, int64_t(co));
    if (base)
      obs.dropBase(*base, int64_t(co));
    obs.run();
    for (int64_t q = 0; q < obs.nbc; ++q)
      for (int64_t i = 0; i < k.cin; ++i)
        mask[k.at(co, i, k.canonical[q])] = obs.alive[q][i];
  });
  return mask;
}

} // namespace

FailureOr<std::vector<uint8_t>> obsSupport(const FoldedKernels &k,
                                           const BinCovariance &cov,
                                           const std::vector<Cd> &w0C,
                                           const Quota &quota,
                                           const std::vector<uint8_t> *base) {
  const int64_t cin = k.cin;
  // (C_b + a negligible ridge)^-1 per canonical bin.
  std::vector<std::vector<Cd>> hinv(k.bins);
  std::atomic<bool> singular{false};
  llvm::parallelFor(0, k.canonical.size(), [&](size_t q) {
    const int64_t b = k.canonical[q];
    std::vector<Cd> a(cin * cin);
    const double trace = cov.trace(b);
    for (int64_t i = 0; i < cin; ++i)
      for (int64_t j = 0; j < cin; ++j)
        a[i * cin + j] =
            cov.pruned(b, i, j) + (i == j ? 1e-6 * trace / cin + 1e-30 : 0.0);
    if (!invert(a, cin, hinv[b]))
      singular = true;
  });
  if (singular)
    return failure();
  // OBS starts from the unconstrained fit w0 C_op C_pp^-1 (w0 itself when
  // the input is the original one).
  std::vector<Cd> start(k.w.size(), 0);
  for (int64_t b : k.canonical)
    for (int64_t co = 0; co < k.cout; ++co)
      for (int64_t i = 0; i < cin; ++i)
        for (int64_t j = 0; j < cin; ++j)
          start[k.at(co, j, b)] +=
              mul(w0C[k.at(co, i, b)], hinv[b][i * cin + j]);
  return obsMask(k, start, quota, hinv, base);
}

} // namespace spec2::prune
