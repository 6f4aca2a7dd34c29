//===- SpatialSearch.cpp - The spatial engine's tiling search -------------===//
//
// Every strip height that changes the number of strips, single- or
// double-buffered, in tree or (depthwise) chain mode: each candidate that
// fits is walked into instructions and timed by the cost model, so the
// choice is made on the figures of the program the lowering will emit.
//
//===----------------------------------------------------------------------===//
#include "spec2/Scheduling/SpatialSchedule.h"

#include "spec2/Scheduling/SpatialKer.h"

#include "spec2/isa.h"


#include <algorithm>

namespace spec2 {

ConvCost estimateSpatialConv(const SpatialGeometry &g, const OverlayConfig &cfg,
                             const SpatialTiling &t) {
  ProgramBuilder pb;
  if (t.doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkSpatialConv(g, cfg, t, SpatialAddrs{0, 0, 0, 0},
                  SpatialShifts{0, 0, -32768, 32767},
                  [&](InsnGroup &grp) { pb.flush(grp); });
  if (t.doubleBuffered)
    pb.endOverlap();
  return timeLayer(pb.words(), cfg);
}

namespace {
// The engine's tile fields bound a strip (and below 2^(bits-1) rows, for
// the all-padding tile that zeroes OACC at the layer's end).
constexpr int64_t kTileMax = (int64_t(1) << isa::kTileBits) - 1;
} // namespace

bool spatialFits(const SpatialGeometry &g, const OverlayConfig &cfg) {
  return g.w <= kTileMax && g.wo <= kTileMax && g.stripRows(1) <= kTileMax &&
         spatialChunks(g, cfg, 1, false).has_value();
}

std::vector<int64_t> spatialTilingArray(const SpatialTiling &t) {
  return {t.rows, int64_t(t.doubleBuffered), int64_t(t.chain)};
}

std::optional<SpatialTiling> spatialTilingFrom(const SpatialGeometry &g,
                                               const OverlayConfig &cfg,
                                               llvm::ArrayRef<int64_t> a,
                                               const SpatialKept *kept) {
  if (a.size() != 3 || a[0] < 1 || a[0] > g.ho ||
      a[0] > (int64_t(1) << (isa::kTileBits - 1)) ||
      g.stripRows(a[0]) > kTileMax || !spatialFits(g, cfg))
    return std::nullopt;
  auto chunks = spatialChunks(g, cfg, a[0], a[1] != 0);
  if (!chunks)
    return std::nullopt;
  SpatialTiling t{a[0], std::move(*chunks), a[2] != 0, a[1] != 0};
  if (kept)
    applySpatialKept(g, cfg, *kept, t);
  return t;
}

std::optional<std::pair<SpatialTiling, ConvCost>>
chooseSpatialTiling(const SpatialGeometry &g, const OverlayConfig &cfg,
                    const SpatialKept *kept) {
  if (!spatialFits(g, cfg))
    return std::nullopt;
  const int64_t tileMax = kTileMax;
  const int64_t maxRows =
      std::min<int64_t>(g.ho, int64_t(1) << (isa::kTileBits - 1));
  // For each number of strips only its tallest strips: shorter ones load
  // the same rows in more groups.
  std::vector<SpatialTiling> candidates;
  for (int64_t strips = 1; strips <= g.ho; ++strips) {
    const int64_t rows = (g.ho + strips - 1) / strips;
    if (rows > maxRows || g.stripRows(rows) > tileMax ||
        (!candidates.empty() && candidates.back().rows == rows))
      continue;
    for (bool db : {false, true}) {
      auto chunks = spatialChunks(g, cfg, rows, db);
      if (!chunks)
        continue;
      // Chain mode pays for depthwise layers' short lists, and for
      // reductions that leave the adder tree's conv_pk inputs part idle
      // (a 3-channel 3x3 conv's 27 taps).
      auto steps = [&](bool chain) {
        return isa::convSteps(uint64_t(g.cout), uint64_t(rows * g.wo),
                              uint64_t(g.cpg() * g.kh * g.kw), chain,
                              cfg.convPout, cfg.convPk, cfg.convPx);
      };
      for (bool chain : {false, true})
        if (!chain || g.cpg() == 1 || steps(true) < steps(false)) {
          candidates.push_back(SpatialTiling{rows, *chunks, chain, db});
          if (kept)
            applySpatialKept(g, cfg, *kept, candidates.back());
        }
    }
  }
  return cheapestCandidate(std::move(candidates), [&](const SpatialTiling &t) {
    return estimateSpatialConv(g, cfg, t);
  });
}

} // namespace spec2
