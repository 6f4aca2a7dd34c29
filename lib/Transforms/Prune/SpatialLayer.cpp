//===- SpatialLayer.cpp - Lane-block pruning of a spatial conv layer ------===//
//
// The spatial engine skips a reduction entry only when every lane of a lane
// block drops it (SpatialKer.h), so one decision covers a block's lanes: OBS
// with the group's input covariance shared by the lanes (one inverse per
// group, the same update for all its lanes), then a least-squares refit of
// each lane's kept weights; magnitude where no statistics are gathered.
//
//===----------------------------------------------------------------------===//
#include "Budget.h"
#include "Layers.h"
#include "LinearAlgebra.h"

#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/LayerName.h"

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace mlir;

namespace spec2::prune {
namespace {

/// Ridge of the OBS inverses, relative to the mean input power: keeps a
/// group's covariance invertible where an input never moves (dead
/// channels, taps that only ever read padding).
constexpr double kObsRidge = 1e-5;

/// One lane block's greedy OBS state: per group of its lanes the inverse
/// covariance of the entries still alive, per lane its weights.
struct BlockObs {
  int64_t dim;
  std::vector<std::vector<double>> hinv; ///< per group of the block
  std::vector<int64_t> groupOf;          ///< per lane, its index in hinv
  std::vector<std::vector<double>> w;    ///< per lane
  std::vector<uint8_t> alive;

  double cost(int64_t r) const {
    double c = 0;
    for (size_t l = 0; l < w.size(); ++l)
      c += w[l][r] * w[l][r] /
           std::max(hinv[groupOf[l]][r * dim + r], 1e-300);
    return c;
  }

  /// Drops entry r: each lane's other weights absorb it (w -= w_r / H_rr
  /// H_r.), and each group's H becomes the inverse over the entries left.
  void drop(int64_t r) {
    for (size_t l = 0; l < w.size(); ++l) {
      const std::vector<double> &h = hinv[groupOf[l]];
      const double f = w[l][r] / std::max(h[r * dim + r], 1e-300);
      for (int64_t j = 0; j < dim; ++j)
        if (alive[j])
          w[l][j] -= f * h[r * dim + j];
      w[l][r] = 0;
    }
    for (std::vector<double> &h : hinv) {
      const double hrr = std::max(h[r * dim + r], 1e-300);
      for (int64_t a = 0; a < dim; ++a) {
        if (!alive[a] || a == r)
          continue;
        const double ha = h[a * dim + r] / hrr;
        if (ha == 0)
          continue;
        for (int64_t b = 0; b < dim; ++b)
          if (alive[b])
            h[a * dim + b] -= ha * h[r * dim + b];
      }
    }
    alive[r] = 0;
  }
};

/// Mean of the diagonal of a dim x dim matrix.
double meanDiagonal(const double *m, int64_t dim) {
  double t = 0;
  for (int64_t i = 0; i < dim; ++i)
    t += m[i * dim + i];
  return t / double(dim);
}

} // namespace

SpatialPruned pruneSpatialWeights(const Settings &s, int64_t cout,
                                  int64_t groups, int64_t dim, int64_t lanes,
                                  ArrayRef<double> w0, int64_t keep,
                                  const SpatialStatistics *stats,
                                  const SpatialKept *base) {
  const int64_t opg = cout / groups, blocks = (cout + lanes - 1) / lanes;
  SpatialPruned out;
  out.weights.assign(w0.begin(), w0.end());
  out.kept = SpatialKept{lanes, blocks, dim, {}};
  out.kept.keep.assign(blocks * dim, 0);
  const bool fit = stats && s.method != Method::Magnitude &&
                   stats->groups == groups && stats->dim == dim;
  const bool prunesNothing = !base && keep >= dim;
  llvm::parallelFor(0, blocks, [&](size_t bi) {
    const int64_t b = int64_t(bi);
    const int64_t co0 = b * lanes, co1 = std::min(cout, co0 + lanes);
    std::vector<uint8_t> allowed(dim, 1);
    if (base && !base->dense())
      for (int64_t r = 0; r < dim; ++r)
        allowed[r] = base->kept(b, r);
    const int64_t want =
        std::min<int64_t>(keep, std::count(allowed.begin(), allowed.end(), 1));
    uint8_t *mask = &out.kept.keep[b * dim];
    if (!fit) {
      // Magnitude: the entries carrying the most weight energy in the block.
      std::vector<double> score(dim, 0);
      for (int64_t co = co0; co < co1; ++co)
        for (int64_t r = 0; r < dim; ++r)
          score[r] += w0[co * dim + r] * w0[co * dim + r];
      std::vector<int64_t> order(dim);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t c) {
        return allowed[a] != allowed[c] ? allowed[a] > allowed[c]
                                        : score[a] > score[c];
      });
      for (int64_t t = 0; t < want; ++t)
        mask[order[t]] = 1;
      for (int64_t co = co0; co < co1; ++co)
        for (int64_t r = 0; r < dim; ++r)
          if (!mask[r])
            out.weights[co * dim + r] = 0;
      return;
    }
    // The groups of the block's lanes and their inverse covariances.
    BlockObs obs{dim, {}, {}, {}, allowed};
    std::vector<int64_t> blockGroups;
    std::vector<std::vector<double>> u; // per lane, w0 C_op
    for (int64_t co = co0; co < co1; ++co) {
      const int64_t g = co / opg;
      auto it = std::find(blockGroups.begin(), blockGroups.end(), g);
      if (it == blockGroups.end()) {
        blockGroups.push_back(g);
        const double *pp = &stats->pp[g * dim * dim];
        std::vector<double> a(pp, pp + dim * dim);
        const double ridge = kObsRidge * meanDiagonal(pp, dim) + 1e-30;
        for (int64_t i = 0; i < dim; ++i)
          a[i * dim + i] += ridge;
        Cholesky<double> c;
        if (!c.factor(a, dim)) {
          for (int64_t i = 0; i < dim; ++i)
            a[i * dim + i] += 1.0;
          c.factor(a, dim);
        }
        obs.hinv.push_back(c.inverse());
        it = blockGroups.end() - 1;
      }
      obs.groupOf.push_back(it - blockGroups.begin());
      const double *op = &stats->op[g * dim * dim];
      std::vector<double> ul(dim, 0.0);
      for (int64_t i = 0; i < dim; ++i) {
        const double wi = w0[co * dim + i];
        if (wi != 0)
          for (int64_t k = 0; k < dim; ++k)
            ul[k] += wi * op[i * dim + k];
      }
      // OBS starts from the unconstrained fit w0 C_op C_pp^-1.
      std::vector<double> wl(dim, 0.0);
      const std::vector<double> &hg = obs.hinv[obs.groupOf.back()];
      for (int64_t k = 0; k < dim; ++k)
        if (ul[k] != 0)
          for (int64_t j = 0; j < dim; ++j)
            wl[j] += ul[k] * hg[k * dim + j];
      u.push_back(std::move(ul));
      obs.w.push_back(std::move(wl));
    }
    // Entries the base level dropped go first, whatever they cost.
    obs.alive.assign(dim, 1);
    for (int64_t r = 0; r < dim; ++r)
      if (!allowed[r])
        obs.drop(r);
    int64_t alive = std::count(obs.alive.begin(), obs.alive.end(), 1);
    while (alive > want) {
      int64_t best = -1;
      double bestCost = std::numeric_limits<double>::infinity();
      for (int64_t r = 0; r < dim; ++r)
        if (obs.alive[r]) {
          const double c = obs.cost(r);
          if (c < bestCost) {
            bestCost = c;
            best = r;
          }
        }
      obs.drop(best);
      --alive;
    }
    std::copy(obs.alive.begin(), obs.alive.end(), mask);
    // Least-squares refit of every lane on the support, one factor a group.
    std::vector<int64_t> support;
    for (int64_t r = 0; r < dim; ++r)
      if (mask[r])
        support.push_back(r);
    const int64_t n = int64_t(support.size());
    std::vector<Cholesky<double>> factors(blockGroups.size());
    std::vector<double> ridges(blockGroups.size());
    std::vector<uint8_t> factored(blockGroups.size(), 0);
    for (size_t gi = 0; gi < blockGroups.size(); ++gi) {
      const double *pp = &stats->pp[blockGroups[gi] * dim * dim];
      double trace = 0;
      for (int64_t r : support)
        trace += pp[r * dim + r];
      ridges[gi] = (prunesNothing ? s.refitRidge : 1e-6) * trace /
                       double(std::max<int64_t>(n, 1)) +
                   1e-30;
      std::vector<double> a(n * n);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          a[i * n + j] = pp[support[i] * dim + support[j]] +
                         (i == j ? ridges[gi] : 0.0);
      factored[gi] = factors[gi].factor(a, n);
    }
    for (int64_t co = co0; co < co1; ++co) {
      const int64_t l = co - co0, gi = obs.groupOf[l];
      double *w = &out.weights[co * dim];
      if (!factored[gi]) { // OBS's own values (the same fit, if less exact)
        for (int64_t r = 0; r < dim; ++r)
          w[r] = mask[r] ? obs.w[l][r] : 0.0;
        continue;
      }
      std::vector<double> rhs(n);
      for (int64_t i = 0; i < n; ++i)
        rhs[i] = u[l][support[i]] + ridges[gi] * w0[co * dim + support[i]];
      factors[gi].solveInPlace(rhs);
      std::fill(w, w + dim, 0.0);
      for (int64_t i = 0; i < n; ++i)
        w[support[i]] = rhs[i];
    }
  });
  if (std::find(out.kept.keep.begin(), out.kept.keep.end(), uint8_t(0)) ==
      out.kept.keep.end())
    out.kept.keep.clear();
  return out;
}

FailureOr<LayerCounts> pruneSpatial(const Settings &s,
                                    spectral::SpatialConv2DOp op, int64_t keep,
                                    const SpatialStatistics *stats,
                                    const SpatialKept *base) {
  auto w = readNumbers(op.getWeights());
  if (!w)
    return op.emitOpError("weights are not readable");
  const SpatialGeometry g = SpatialGeometry::of(op);
  const int64_t dim = g.cpg() * g.kh * g.kw;
  LayerCounts counts{uint64_t(g.cout * dim), uint64_t(g.cout * dim)};
  if (keep >= dim && !base && !stats)
    return counts;
  SpatialPruned p = pruneSpatialWeights(s, g.cout, g.group, dim,
                                        s.spatialLanes, *w, keep, stats, base);
  counts.kept = 0;
  for (int64_t co = 0; co < g.cout; ++co)
    for (int64_t r = 0; r < dim; ++r)
      counts.kept += p.kept.kept(co / s.spatialLanes, r);
  std::vector<float> values(p.weights.begin(), p.weights.end());
  auto type = cast<ShapedType>(op.getWeights().getType());
  op->setAttr("weights",
              makeF32Elements(op.getContext(),
                              SmallVector<int64_t>(type.getShape()),
                              std::move(values), layerName(op) + ".weights"));
  return counts;
}

} // namespace spec2::prune
