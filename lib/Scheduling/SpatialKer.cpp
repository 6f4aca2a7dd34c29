//===- SpatialKer.cpp - The spatial engine's weight lists -----------------===//
#include "spec2/Scheduling/SpatialKer.h"

#include "spec2/isa.h"

#include <algorithm>
#include <cmath>

namespace spec2 {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The chunk-relative reduction indices chunk block k of `c` lists: the
/// entries of the chunk's input channels kept by any lane block its output
/// channels fall in.
std::vector<int64_t> listOf(const SpatialGeometry &g, int64_t p,
                            const SpatialKept &kept, const SpatialChunk &c,
                            int64_t k) {
  const int64_t taps = g.kh * g.kw, r0 = c.ci0 * taps, n = c.nci * taps;
  const int64_t co0 = c.co0 + k * p,
                co1 = std::min(c.co0 + c.nco, co0 + p) - 1;
  std::vector<int64_t> list;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t b = co0 / p; b <= co1 / p; ++b)
      if (kept.kept(b, r0 + r)) {
        list.push_back(r);
        break;
      }
  return list;
}

} // namespace

int64_t SpatialKept::count() const {
  if (keep.empty())
    return blocks * reduction;
  return std::count(keep.begin(), keep.end(), uint8_t(1));
}

SpatialKept SpatialKept::ofWeights(const SpatialGeometry &g, int64_t lanes,
                                   llvm::ArrayRef<double> weights) {
  SpatialKept k{lanes, ceilDiv(g.cout, lanes), g.cpg() * g.kh * g.kw, {}};
  k.keep.assign(k.blocks * k.reduction, 0);
  for (int64_t co = 0; co < g.cout; ++co)
    for (int64_t r = 0; r < k.reduction; ++r)
      if (weights[co * k.reduction + r] != 0.0)
        k.keep[(co / lanes) * k.reduction + r] = 1;
  if (std::find(k.keep.begin(), k.keep.end(), uint8_t(0)) == k.keep.end())
    k.keep.clear();
  return k;
}

SpatialKept SpatialKept::uniform(const SpatialGeometry &g, int64_t lanes,
                                 int64_t keep) {
  SpatialKept k{lanes, ceilDiv(g.cout, lanes), g.cpg() * g.kh * g.kw, {}};
  keep = std::clamp<int64_t>(keep, 1, k.reduction);
  if (keep == k.reduction)
    return k;
  k.keep.assign(k.blocks * k.reduction, 0);
  for (int64_t b = 0; b < k.blocks; ++b)
    for (int64_t r = 0; r < k.reduction; ++r)
      k.keep[b * k.reduction + r] =
          (r + 1) * keep / k.reduction != r * keep / k.reduction;
  return k;
}

int64_t spatialKeptPerBlock(const SpatialGeometry &g, double sparsity) {
  const int64_t all = g.cpg() * g.kh * g.kw;
  return std::clamp<int64_t>(
      int64_t(std::floor(double(all) * (1.0 - sparsity) + 1e-9)), 1, all);
}

void applySpatialKept(const SpatialGeometry &g, const OverlayConfig &cfg,
                      const SpatialKept &kept, SpatialTiling &t) {
  const int64_t p = cfg.convPout, taps = g.kh * g.kw;
  // A step takes conv_pk entries in tree mode, one in chain mode: a list
  // shorter by less than that saves no cycle, and its indices double the
  // bytes an entry takes. Pruned lists only where they save steps or bytes;
  // otherwise dense lists, the pruned weights zeros in them.
  const int64_t quantum = t.chain ? 1 : int64_t(cfg.convPk);
  std::vector<int64_t> pruned(t.chunks.size());
  int64_t stepsDense = 0, stepsPruned = 0, bytesDense = 0, bytesPruned = 0;
  for (size_t i = 0; i < t.chunks.size(); ++i) {
    const SpatialChunk &c = t.chunks[i];
    const int64_t dense = c.nci * taps;
    int64_t nr = 1; // a CONV has at least one entry (zero-valued if need be)
    if (kept.dense())
      nr = dense;
    else
      for (int64_t k = 0; k * p < c.nco; ++k)
        nr = std::max<int64_t>(nr, int64_t(listOf(g, p, kept, c, k).size()));
    pruned[i] = nr;
    stepsDense += ceilDiv(dense, quantum);
    stepsPruned += ceilDiv(nr, quantum);
    bytesDense += dense * 2;
    bytesPruned += nr * 4;
  }
  t.indexed = !kept.dense() &&
              (stepsPruned < stepsDense || bytesPruned < bytesDense);
  int64_t at = 0;
  for (size_t i = 0; i < t.chunks.size(); ++i) {
    SpatialChunk &c = t.chunks[i];
    c.nr = t.indexed ? pruned[i] : c.nci * taps;
    c.kerOffset = at;
    c.kerCount = ceilDiv(c.nco, p) * c.nr * p;
    at += c.kerCount;
  }
}

std::vector<uint8_t> spatialKerEntries(const SpatialGeometry &g,
                                       const OverlayConfig &cfg,
                                       const SpatialKept &kept,
                                       const SpatialTiling &t,
                                       llvm::ArrayRef<int16_t> q) {
  const int64_t p = cfg.convPout, taps = g.kh * g.kw, red = g.cpg() * taps;
  std::vector<uint8_t> seg;
  auto put16 = [&](int64_t v) {
    seg.push_back(uint8_t(uint16_t(v) & 0xff));
    seg.push_back(uint8_t(uint16_t(v) >> 8));
  };
  for (const SpatialChunk &c : t.chunks)
    for (int64_t k = 0; k * p < c.nco; ++k) {
      std::vector<int64_t> list;
      if (t.indexed) {
        list = listOf(g, p, kept, c, k);
      } else {
        list.resize(c.nr);
        for (int64_t j = 0; j < c.nr; ++j)
          list[j] = j;
      }
      for (int64_t j = 0; j < c.nr; ++j) {
        // Padding entries repeat an index already read, with value 0.
        const bool pad = j >= int64_t(list.size());
        const int64_t r = pad ? (list.empty() ? 0 : list.back()) : list[j];
        for (int64_t po = 0; po < p; ++po) {
          const int64_t co = c.co0 + k * p + po;
          const bool lane = !pad && k * p + po < c.nco;
          put16(lane ? q[co * red + c.ci0 * taps + r] : 0);
          if (t.indexed)
            put16(r);
        }
      }
    }
  return seg;
}

} // namespace spec2
