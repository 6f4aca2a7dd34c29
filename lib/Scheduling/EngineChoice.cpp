//===- EngineChoice.cpp - A conv's modeled cost on each engine ------------===//
#include "spec2/Scheduling/EngineChoice.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/isa.h"

#include <algorithm>
#include <cmath>

namespace spec2 {

std::string spatialRefusal(const SpatialGeometry &g, const OverlayConfig &cfg) {
  if (g.kh > 31 || g.kw > 31 || g.sy > 7 || g.sx > 7 || g.dy > 15 ||
      g.dx > 15)
    return "kernel " + std::to_string(g.kh) + "x" + std::to_string(g.kw) +
           " stride " + std::to_string(g.sy) + "x" + std::to_string(g.sx) +
           " dilation " + std::to_string(g.dy) + "x" + std::to_string(g.dx) +
           " is beyond the spatial engine's fields (kernel <= 31, stride "
           "<= 7, dilation <= 15)";
  if (!spatialFits(g, cfg))
    return "one output row of one lane block does not fit the spatial "
           "engine's buffers";
  return "";
}

std::string spectralRefusal(const SpatialGeometry &g, const OverlayConfig &cfg) {
  if (g.group != 1)
    return "grouped: the spectral engine sums over every input channel";
  if (g.dy != 1 || g.dx != 1)
    return "dilated";
  if (g.kh > int64_t(cfg.fftSize) || g.kw > int64_t(cfg.fftSize))
    return "kernel larger than the FFT size " + std::to_string(cfg.fftSize);
  return "";
}

ConvGeometry spectralGeometry(const SpatialGeometry &s, const OverlayConfig &cfg,
                              int64_t nnz) {
  ConvGeometry g;
  g.cin = s.cin;
  g.h = s.h;
  g.w = s.w;
  g.cout = s.cout;
  g.ho = s.ho;
  g.wo = s.wo;
  g.kh = s.kh;
  g.kw = s.kw;
  g.pt = s.pt;
  g.pl = s.pl;
  g.sy = s.sy;
  g.sx = s.sx;
  g.n = cfg.fftSize;
  g.tile = g.n - std::max(s.kh, s.kw) + 1; // as spectral.conv2d's
  g.nnz = nnz;
  g.bins = cfg.bins();
  g.pin = cfg.pin;
  g.pout = cfg.pout;
  return g;
}

std::vector<EngineOption> engineOptions(const SpatialGeometry &g,
                                        const OverlayConfig &cfg,
                                        double sparsity) {
  std::vector<EngineOption> out;
  if (spectralRefusal(g, cfg).empty()) {
    const int64_t dense = spectral::independentBins(cfg.fftSize);
    const int64_t nnz = std::clamp<int64_t>(
        int64_t(std::lround(double(dense) * (1.0 - sparsity))), 1, dense);
    if (auto c = chooseDataflow(spectralGeometry(g, cfg, nnz), cfg,
                                std::nullopt))
      out.push_back({ConvEngine::Spectral, c->chosen.cost});
  }
  if (spatialRefusal(g, cfg).empty()) {
    const SpatialKept kept = SpatialKept::uniform(
        g, cfg.convPout, spatialKeptPerBlock(g, sparsity));
    out.push_back(
        {ConvEngine::Spatial, chooseSpatialTiling(g, cfg, &kept)->second});
  }
  return out;
}

} // namespace spec2
