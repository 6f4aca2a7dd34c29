//===- TileConvs.cpp - Per conv, the best tiling of every dataflow --------===//
//
// A thin pass: the tilings, the loop orders and their cost live in
// lib/Scheduling (ConvSchedule.cpp, ConvSearch.cpp), which the lowering
// uses too, so what is chosen here is exactly what runs.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Support/Progress.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace spec2 {
#define GEN_PASS_DEF_TILECONVS
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

struct TileConvsPass : impl::TileConvsBase<TileConvsPass> {
  using TileConvsBase::TileConvsBase;
  void runOnOperation() override {
    auto cfg = targetOf(getOperation());
    if (!cfg)
      return signalPassFailure();
    size_t convs = 0;
    getOperation().walk([&](spectral::Conv2DOp) { ++convs; });
    Progress progress("spec2-tile-convs: layer", convs);
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      progress.step(layerName(op));
      if (op.getFftSize() != int64_t(cfg->config.fftSize))
        return WalkResult::advance(); // the lowering reports the mismatch
      const ConvGeometry g = ConvGeometry::of(op, cfg->config);
      Builder b(op.getContext());
      SmallVector<NamedAttribute> tilings;
      for (Dataflow f : kDataflows)
        if (auto best = bestTiling(g, cfg->config, f))
          tilings.push_back(
              b.getNamedAttr(dataflowName(f), tilingAttr(b, best->first)));
      if (tilings.empty()) {
        op.emitOpError("does not fit the buffers of '")
            << cfg->name << "' even one row and one channel block at a time";
        return WalkResult::interrupt();
      }
      op->setAttr(attr::kTilings, b.getDictionaryAttr(tilings));
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace spec2
