//===- JointObs.cpp - Optimal brain surgeon over all bins of a channel ----===//
//
// The spatial kernel of input channel ci is k_ci = G theta_ci (theta: the
// canonical bins' real and imaginary parts), so the error of output channel
// co is (theta - theta*)^T H (theta - theta*) with H = G^T P_pp G, and
// theta* solves H theta* = G^T P_po G theta0. OBS drops (bin, input
// channel) pairs, both parts at once, never taking a quota group below its
// limit; its updates keep the values the exact least-squares fit on the
// remaining support.
//
//===----------------------------------------------------------------------===//
#include "SpectralMethods.h"

#include "llvm/Support/Parallel.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace spec2::prune {
namespace {

/// The layer's sizes in the joint fit.
struct JointShape {
  int64_t n, nn; ///< FFT size and N^2
  int64_t cin;   ///< input channels
  int64_t nbc;   ///< canonical bins
  int64_t per;   ///< unknowns per input channel, 2 nbc
  int64_t dim;   ///< unknowns per output channel, cin per
  explicit JointShape(const FoldedKernels &k)
      : n(k.n), nn(k.n * k.n), cin(k.cin), nbc(int64_t(k.canonical.size())),
        per(2 * nbc), dim(cin * per) {}
};

/// G (nn x per): column (q, re) = c cos(phase) / N^2, (q, im) = -c
/// sin(phase) / N^2; c = 2 off columns 0 and N/2 (bin and conjugate).
std::vector<double> spatialBasis(const FoldedKernels &k, const JointShape &j) {
  const int64_t n = j.n, half = n / 2 + 1;
  std::vector<double> g(j.nn * j.per);
  for (int64_t q = 0; q < j.nbc; ++q) {
    const int64_t ky = k.canonical[q] / half, kx = k.canonical[q] % half;
    const double c = (kx == 0 || kx == n / 2 ? 1.0 : 2.0) / double(j.nn);
    for (int64_t v = 0; v < n; ++v)
      for (int64_t u = 0; u < n; ++u) {
        const double ph = 2 * M_PI * double(ky * v + kx * u) / double(n);
        g[(v * n + u) * j.per + 2 * q] = c * std::cos(ph);
        g[(v * n + u) * j.per + 2 * q + 1] = -c * std::sin(ph);
      }
  }
  return g;
}

/// G^T P G for patch moments `p` (psDim x psDim), block by block of input
/// channels.
std::vector<double> project(const JointShape &j, const std::vector<double> &g,
                            const std::vector<double> &p, int64_t psDim) {
  const int64_t nn = j.nn, per = j.per, dim = j.dim;
  std::vector<double> h(dim * dim, 0.0);
  llvm::parallelFor(0, j.cin, [&](size_t ci) {
    std::vector<double> t(nn * per);
    for (int64_t cj = 0; cj < j.cin; ++cj) {
      std::fill(t.begin(), t.end(), 0.0);
      for (int64_t r = 0; r < nn; ++r) {
        const double *prow = &p[(ci * nn + r) * psDim + cj * nn];
        double *trow = &t[r * per];
        for (int64_t s = 0; s < nn; ++s) {
          const double v = prow[s];
          const double *grow = &g[s * per];
          for (int64_t k = 0; k < per; ++k)
            trow[k] += v * grow[k];
        }
      }
      for (int64_t r = 0; r < nn; ++r) {
        const double *grow = &g[r * per], *trow = &t[r * per];
        for (int64_t a = 0; a < per; ++a) {
          double *hrow = &h[(ci * per + a) * dim + cj * per];
          const double ga = grow[a];
          for (int64_t b = 0; b < per; ++b)
            hrow[b] += ga * trow[b];
        }
      }
    }
  });
  return h;
}

/// (H + a negligible ridge)^-1; fails if H is not positive definite.
FailureOr<std::vector<double>> ridgedInverse(std::vector<double> h,
                                             int64_t dim) {
  double trace = 0;
  for (int64_t a = 0; a < dim; ++a)
    trace += h[a * (dim + 1)];
  const double ridge = 1e-6 * trace / double(dim) + 1e-30;
  for (int64_t a = 0; a < dim; ++a)
    h[a * (dim + 1)] += ridge;
  Cholesky<double> factor;
  if (!factor.factor(h, dim))
    return failure();
  return factor.inverse();
}

/// One output channel's greedy OBS over all its (bin, input channel) pairs.
struct ChannelJointObs {
  const FoldedKernels &k;
  const JointShape &j;
  const Quota &quota;
  std::vector<double> hi, w; ///< H^-1 and the fit on the live support
  std::vector<uint8_t> alive;
  std::vector<int64_t> count;

  ChannelJointObs(const FoldedKernels &k, const JointShape &j,
                  const Quota &quota, const std::vector<double> &hinv)
      : k(k), j(j), quota(quota), hi(hinv), w(j.dim, 0.0),
        alive(j.cin * j.nbc, 1), count(quota.groups(), 0) {
    for (int64_t ci = 0; ci < j.cin; ++ci)
      count[quota.groupOf(ci)] += j.nbc;
  }

  /// theta* = Hinv (Hpo theta0).
  void startFrom(int64_t co, const std::vector<double> &hinv,
                 const std::vector<double> &hpo) {
    const int64_t dim = j.dim;
    std::vector<double> t0(dim), rhs(dim, 0.0);
    for (int64_t ci = 0; ci < j.cin; ++ci)
      for (int64_t q = 0; q < j.nbc; ++q) {
        const Cd v = k.w[k.at(co, ci, k.canonical[q])];
        t0[ci * j.per + 2 * q] = v.real();
        t0[ci * j.per + 2 * q + 1] = v.imag();
      }
    for (int64_t a = 0; a < dim; ++a)
      for (int64_t b = 0; b < dim; ++b)
        rhs[a] += hpo[a * dim + b] * t0[b];
    for (int64_t a = 0; a < dim; ++a)
      for (int64_t b = 0; b < dim; ++b)
        w[a] += hinv[a * dim + b] * rhs[b];
  }

  /// The cheapest pair to drop, w_g^T (Hinv_gg)^-1 w_g, and (Hinv_gg)^-1
  /// in `m`; -1 if none may go.
  int64_t cheapest(double m[4]) const {
    const int64_t dim = j.dim;
    int64_t best = -1;
    double bestCost = std::numeric_limits<double>::infinity();
    for (int64_t gi = 0; gi < j.cin * j.nbc; ++gi) {
      const int64_t grp = quota.groupOf(gi / j.nbc);
      if (!alive[gi] || count[grp] <= quota.limit[grp])
        continue;
      const int64_t a = 2 * gi;
      const double m00 = hi[a * dim + a], m01 = hi[a * dim + a + 1],
                   m11 = hi[(a + 1) * dim + a + 1];
      const double det = m00 * m11 - m01 * m01;
      if (!(det > 0))
        continue;
      const double x = w[a], y = w[a + 1];
      const double cost = (m11 * x * x - 2 * m01 * x * y + m00 * y * y) / det;
      if (cost < bestCost) {
        bestCost = cost;
        best = gi;
        m[0] = m11 / det;
        m[1] = m[2] = -m01 / det;
        m[3] = m00 / det;
      }
    }
    return best;
  }

  /// Drops pair `best`: z = M w_g; w -= Hinv[:, g] z; Hinv -= Hinv[:, g] M
  /// Hinv[g, :], over the live unknowns.
  void drop(int64_t best, const double m[4], std::vector<int64_t> &live,
            std::vector<double> &ta, std::vector<double> &tb,
            std::vector<double> &ga, std::vector<double> &gb) {
    const int64_t dim = j.dim, a = 2 * best;
    live.clear();
    for (int64_t gi = 0; gi < j.cin * j.nbc; ++gi)
      if (alive[gi] && gi != best) {
        live.push_back(2 * gi);
        live.push_back(2 * gi + 1);
      }
    const double z0 = m[0] * w[a] + m[1] * w[a + 1],
                 z1 = m[2] * w[a] + m[3] * w[a + 1];
    for (int64_t l : live) {
      const double h0 = hi[l * dim + a], h1 = hi[l * dim + a + 1];
      w[l] -= h0 * z0 + h1 * z1;
      ta[l] = h0 * m[0] + h1 * m[2];
      tb[l] = h0 * m[1] + h1 * m[3];
      ga[l] = hi[a * dim + l];
      gb[l] = hi[(a + 1) * dim + l];
    }
    for (int64_t l : live) {
      double *row = &hi[l * dim];
      const double x0 = ta[l], x1 = tb[l];
      for (int64_t c : live)
        row[c] -= x0 * ga[c] + x1 * gb[c];
    }
    w[a] = w[a + 1] = 0;
    alive[best] = 0;
    --count[quota.groupOf(best / j.nbc)];
  }

  /// Drops the pairs `base` drops first: each with its own exact update
  /// (a pair whose block is singular is only cleared).
  void dropBase(const std::vector<uint8_t> &base, int64_t co) {
    std::vector<double> ta(j.dim), tb(j.dim), ga(j.dim), gb(j.dim);
    std::vector<int64_t> live;
    const int64_t dim = j.dim;
    for (int64_t gi = 0; gi < j.cin * j.nbc; ++gi) {
      if (base[k.at(co, gi / j.nbc, k.canonical[gi % j.nbc])])
        continue;
      const int64_t a = 2 * gi;
      const double m00 = hi[a * dim + a], m01 = hi[a * dim + a + 1],
                   m11 = hi[(a + 1) * dim + a + 1];
      const double det = m00 * m11 - m01 * m01;
      if (det > 0) {
        const double m[4] = {m11 / det, -m01 / det, -m01 / det, m00 / det};
        drop(gi, m, live, ta, tb, ga, gb);
      } else {
        w[a] = w[a + 1] = 0;
        alive[gi] = 0;
        --count[quota.groupOf(gi / j.nbc)];
      }
    }
  }

  /// Drops pairs until every group holds its limit.
  void run() {
    int64_t total = 0;
    for (int64_t g = 0; g < quota.groups(); ++g)
      total += std::max<int64_t>(0, count[g] - quota.limit[g]);
    std::vector<double> ta(j.dim), tb(j.dim), ga(j.dim), gb(j.dim);
    std::vector<int64_t> live;
    for (int64_t r = 0; r < total; ++r) {
      double m[4] = {0, 0, 0, 0};
      const int64_t best = cheapest(m);
      if (best < 0)
        break;
      drop(best, m, live, ta, tb, ga, gb);
    }
  }
};

} // namespace

LogicalResult pruneJoint(const FoldedKernels &k, const Quota &quota,
                         const PatchStatistics &ps, std::vector<uint8_t> &mask,
                         std::vector<Cd> &fit,
                         const std::vector<uint8_t> *base) {
  const JointShape j(k);
  const std::vector<double> g = spatialBasis(k, j);
  const std::vector<double> hpo = project(j, g, ps.po, ps.dim);
  FailureOr<std::vector<double>> hinv =
      ridgedInverse(project(j, g, ps.pp, ps.dim), j.dim);
  if (failed(hinv))
    return failure();
  mask.assign(k.cout * k.cin * k.bins, 0);
  fit.assign(k.cout * k.cin * k.bins, 0);
  llvm::parallelFor(0, k.cout, [&](size_t co) {
    ChannelJointObs obs(k, j, quota, *hinv);
    obs.startFrom(int64_t(co), *hinv, hpo);
    if (base)
      obs.dropBase(*base, int64_t(co));
    obs.run();
    for (int64_t ci = 0; ci < k.cin; ++ci)
      for (int64_t q = 0; q < j.nbc; ++q)
        if (obs.alive[ci * j.nbc + q]) {
          const int64_t at = k.at(co, ci, k.canonical[q]);
          mask[at] = 1;
          fit[at] =
              Cd(obs.w[ci * j.per + 2 * q], obs.w[ci * j.per + 2 * q + 1]);
        }
  });
  return success();
}

} // namespace spec2::prune
