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

#include <array>
#include <map>

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
    // One search per distinct dense layer shape (a ResNet's blocks repeat
    // their convs); pruned layers have their own slot counts.
    using Key = std::array<int64_t, 18>;
    std::map<Key, DictionaryAttr> searched;
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      progress.step(layerName(op));
      if (op.getFftSize() != int64_t(cfg->config.fftSize))
        return WalkResult::advance(); // the lowering reports the mismatch
      const ConvGeometry g = ConvGeometry::of(op, cfg->config);
      const Key key{g.cin, g.h,  g.w,    g.cout, g.ho,  g.wo,
                    g.kh,  g.kw, g.pt,   g.pl,   g.sy,  g.sx,
                    g.n,   g.tile, g.nnz, g.bins, g.pin, g.pout};
      if (!g.counts)
        if (auto it = searched.find(key); it != searched.end()) {
          op->setAttr(attr::kTilings, it->second);
          return WalkResult::advance();
        }
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
      DictionaryAttr found = b.getDictionaryAttr(tilings);
      if (!g.counts)
        searched[key] = found;
      op->setAttr(attr::kTilings, found);
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace spec2
