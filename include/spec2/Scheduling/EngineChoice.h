//===- EngineChoice.h - What a conv costs on each engine --------*- C++ -*-===//
//
// A convolution both engines can run is placed by the cost model: the
// spectral engine's best dataflow and tiling (ConvSchedule.h) against the
// spatial engine's tiling (SpatialSchedule.h), each walked into instructions
// exactly as the lowering will emit them and timed by the cost model, so
// the choice is made on the figures the finished program's report will
// show.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_ENGINECHOICE_H
#define SPEC2_SCHEDULING_ENGINECHOICE_H

#include "Spec2/Spec2Dialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/overlay_config.h"

#include <string>
#include <vector>

namespace spec2 {

/// Why the spatial engine cannot run `g` on `cfg` ("" if it can): its
/// instruction fields' limits, or buffers too small for one output row.
std::string spatialRefusal(const SpatialGeometry &g, const OverlayConfig &cfg);
/// Why the spectral engine cannot run `g` ("" if it can): groups,
/// dilation, a kernel larger than the FFT size.
std::string spectralRefusal(const SpatialGeometry &g, const OverlayConfig &cfg);

/// The geometry of `g` as a spectral conv on `cfg` whose kernel pairs hold
/// `nnz` entries each (every canonical bin when dense).
ConvGeometry spectralGeometry(const SpatialGeometry &g, const OverlayConfig &cfg,
                              int64_t nnz);

/// One engine's modeled cost of a layer.
struct EngineOption {
  ConvEngine engine;
  ConvCost cost;
};

/// The cost on every engine that can run `g` with `sparsity` of its
/// weights pruned (0 dense; what the pruning will leave): the spectral
/// engine with its kernels keeping 1 - sparsity of their bins, its best
/// dataflow; the spatial engine with its lane blocks' lists keeping
/// spatialKeptPerBlock entries (SpatialKer.h), its best tiling.
std::vector<EngineOption> engineOptions(const SpatialGeometry &g,
                                        const OverlayConfig &cfg,
                                        double sparsity);

} // namespace spec2

#endif // SPEC2_SCHEDULING_ENGINECHOICE_H
