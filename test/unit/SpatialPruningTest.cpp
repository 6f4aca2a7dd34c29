//===- SpatialPruningTest.cpp - Lane-block pruning and the KER lists ------===//
//
// The pruning of spatial layers (lib/Transforms/Prune/SpatialLayer.cpp) keeps
// the same entries for every lane of a lane block and the same count in
// every block, never revives an entry a base level dropped, and with input
// statistics beats magnitude on the output error it minimises; the KER lists
// built from the pruned weights (SpatialKer.h) hold exactly the kept entries
// in the order walkSpatialConv loads them.
//
//===----------------------------------------------------------------------===//
#include "Prune/Layers.h"

#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Target/OverlayConfigFile.h"

#include <gtest/gtest.h>

#include <random>

using namespace spec2;

namespace {

/// Moments of `samples` random correlated patches of `dim` values per
/// group (pp = op: the original input).
SpatialStatistics randomStatistics(int64_t groups, int64_t dim, int samples,
                                   std::mt19937 &rng) {
  std::normal_distribution<double> n(0, 1);
  SpatialStatistics st{groups, dim, {}, {}};
  st.pp.assign(groups * dim * dim, 0);
  std::vector<double> x(dim);
  for (int64_t g = 0; g < groups; ++g)
    for (int s = 0; s < samples; ++s) {
      double prev = 0;
      for (int64_t i = 0; i < dim; ++i) // neighbours correlate, as taps do
        x[i] = prev = 0.7 * prev + n(rng);
      for (int64_t i = 0; i < dim; ++i)
        for (int64_t j = 0; j < dim; ++j)
          st.pp[(g * dim + i) * dim + j] += x[i] * x[j];
    }
  st.op = st.pp;
  return st;
}

std::vector<double> randomWeights(int64_t n, std::mt19937 &rng) {
  std::normal_distribution<double> d(0, 1);
  std::vector<double> w(n);
  for (double &v : w)
    v = d(rng);
  return w;
}

/// Sum over output channels of (w - w0)^T C (w - w0): the output error.
double outputError(const std::vector<double> &w, const std::vector<double> &w0,
                   const SpatialStatistics &st, int64_t cout) {
  const int64_t dim = st.dim, opg = cout / st.groups;
  double e = 0;
  for (int64_t co = 0; co < cout; ++co) {
    const double *c = &st.pp[(co / opg) * dim * dim];
    for (int64_t i = 0; i < dim; ++i)
      for (int64_t j = 0; j < dim; ++j)
        e += (w[co * dim + i] - w0[co * dim + i]) * c[i * dim + j] *
             (w[co * dim + j] - w0[co * dim + j]);
  }
  return e;
}

/// Every block keeps `keep` entries, and a lane's weight is non-zero
/// exactly where its block keeps the entry.
void expectBalanced(const prune::SpatialPruned &p, int64_t cout, int64_t dim,
                    int64_t lanes, int64_t keep) {
  for (int64_t b = 0; b * lanes < cout; ++b) {
    int64_t n = 0;
    for (int64_t r = 0; r < dim; ++r)
      n += p.kept.kept(b, r);
    EXPECT_EQ(n, keep) << "block " << b;
  }
  for (int64_t co = 0; co < cout; ++co)
    for (int64_t r = 0; r < dim; ++r)
      EXPECT_EQ(p.weights[co * dim + r] != 0.0, p.kept.kept(co / lanes, r))
          << "channel " << co << " entry " << r;
}

TEST(SpatialPruningTest, ObsKeepsOneSupportPerLaneBlock) {
  std::mt19937 rng(3);
  const int64_t cout = 40, dim = 50, lanes = 16, keep = 20;
  std::vector<double> w0 = randomWeights(cout * dim, rng);
  SpatialStatistics st = randomStatistics(1, dim, 400, rng);
  prune::Settings s;
  prune::SpatialPruned obs =
      prune::pruneSpatialWeights(s, cout, 1, dim, lanes, w0, keep, &st);
  expectBalanced(obs, cout, dim, lanes, keep);
  s.method = prune::Method::Magnitude;
  prune::SpatialPruned mag =
      prune::pruneSpatialWeights(s, cout, 1, dim, lanes, w0, keep, &st);
  expectBalanced(mag, cout, dim, lanes, keep);
  // OBS with the refit minimises the output error; magnitude does not.
  EXPECT_LT(outputError(obs.weights, w0, st, cout),
            0.8 * outputError(mag.weights, w0, st, cout));
}

TEST(SpatialPruningTest, DepthwiseBlocksSpanGroups) {
  // Depthwise: 32 channels, one group each, 3x3 taps; a block's 16 lanes
  // are 16 groups with their own covariances and one shared support.
  std::mt19937 rng(5);
  const int64_t cout = 32, dim = 9, lanes = 16, keep = 5;
  std::vector<double> w0 = randomWeights(cout * dim, rng);
  SpatialStatistics st = randomStatistics(cout, dim, 100, rng);
  prune::Settings s;
  prune::SpatialPruned p =
      prune::pruneSpatialWeights(s, cout, cout, dim, lanes, w0, keep, &st);
  expectBalanced(p, cout, dim, lanes, keep);
}

TEST(SpatialPruningTest, BaseMaskOnlyLosesEntries) {
  // Nested levels: each level's zeros a superset of the level before.
  std::mt19937 rng(9);
  const int64_t cout = 24, dim = 36, lanes = 16;
  std::vector<double> w0 = randomWeights(cout * dim, rng);
  SpatialStatistics st = randomStatistics(1, dim, 300, rng);
  prune::Settings s;
  prune::SpatialPruned l1 =
      prune::pruneSpatialWeights(s, cout, 1, dim, lanes, w0, 24, &st);
  prune::SpatialPruned l2 =
      prune::pruneSpatialWeights(s, cout, 1, dim, lanes, w0, 10, &st, &l1.kept);
  expectBalanced(l2, cout, dim, lanes, 10);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t r = 0; r < dim; ++r) {
      if (!l1.kept.kept(b, r)) {
        EXPECT_FALSE(l2.kept.kept(b, r)) << "block " << b << " entry " << r;
      }
    }
  // Without statistics (magnitude) too.
  s.method = prune::Method::Magnitude;
  prune::SpatialPruned m =
      prune::pruneSpatialWeights(s, cout, 1, dim, lanes, w0, 30, nullptr, &l1.kept);
  expectBalanced(m, cout, dim, lanes, 24); // the base allows 24
  for (int64_t r = 0; r < dim; ++r)
    EXPECT_EQ(m.kept.kept(0, r), l1.kept.kept(0, r));
}

TEST(SpatialPruningTest, KerListsHoldTheKeptEntries) {
  auto u200 = resolveTarget("u200");
  ASSERT_TRUE(bool(u200)) << llvm::toString(u200.takeError());
  const OverlayConfig &cfg = u200->config;
  const int64_t p = cfg.convPout;
  // 20 -> 40 channels, 3x3, 12 x 12: three lane blocks, the last half full.
  SpatialGeometry g{20, 12, 12, 40, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1};
  const int64_t dim = 20 * 9, keep = 37;
  std::mt19937 rng(1);
  std::vector<double> w0 = randomWeights(g.cout * dim, rng);
  prune::Settings s;
  s.method = prune::Method::Magnitude;
  prune::SpatialPruned pr =
      prune::pruneSpatialWeights(s, g.cout, 1, dim, p, w0, keep, nullptr);
  const SpatialKept kept = SpatialKept::ofWeights(g, p, pr.weights);
  ASSERT_FALSE(kept.dense());
  EXPECT_EQ(kept.count(), 3 * keep);
  auto best = chooseSpatialTiling(g, cfg, &kept);
  ASSERT_TRUE(best);
  SpatialTiling &t = best->first;
  EXPECT_TRUE(t.indexed);
  std::vector<int16_t> q(pr.weights.size());
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = int16_t(i % 30000 + 1); // non-zero, position-coded
  std::vector<uint8_t> seg = spatialKerEntries(g, cfg, kept, t, q);
  int64_t entries = 0;
  for (const SpatialChunk &c : t.chunks) {
    EXPECT_EQ(c.nr, keep); // every list as long as the blocks' count
    EXPECT_EQ(c.kerCount, (c.nco + p - 1) / p * keep * p);
    entries += c.kerCount;
  }
  ASSERT_EQ(int64_t(seg.size()), entries * 4);
  auto at16 = [&](int64_t byte) {
    return uint16_t(seg[byte] | (seg[byte + 1] << 8));
  };
  for (const SpatialChunk &c : t.chunks)
    for (int64_t k = 0; k * p < c.nco; ++k) {
      int64_t last = -1;
      for (int64_t j = 0; j < c.nr; ++j)
        for (int64_t po = 0; po < p; ++po) {
          const int64_t e = c.kerOffset + (k * c.nr + j) * p + po;
          const int64_t co = c.co0 + k * p + po;
          const uint16_t r = at16(e * 4 + 2);
          EXPECT_TRUE(kept.kept(co / p, c.ci0 * 9 + r));
          if (po == 0) {
            EXPECT_GT(int64_t(r), last); // ascending, no repeats
            last = r;
          }
          const int16_t v = int16_t(at16(e * 4));
          EXPECT_EQ(v, k * p + po < c.nco ? q[co * dim + c.ci0 * 9 + r] : 0);
        }
    }
  // The cost model's cycles fall with the lists: fewer than dense.
  auto dense = chooseSpatialTiling(g, cfg);
  EXPECT_LT(best->second.cycles, dense->second.cycles);
}

} // namespace
