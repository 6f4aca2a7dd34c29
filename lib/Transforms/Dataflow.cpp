//===- Dataflow.cpp - Tiling and dataflow selection of spectral convs -----===//
//
// Both passes are thin: the tilings, the loop orders and their cost live in
// lib/Conversion/ConvSchedule.cpp and ConvSearch.cpp, which the lowering
// uses too, so what is chosen here is exactly what runs.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Conversion/ConvSchedule.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Support/Progress.h"
#include "spec2/Target/TargetOption.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace spec2 {
#define GEN_PASS_DEF_TILECONVS
#define GEN_PASS_DEF_SELECTDATAFLOW
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

DenseI64ArrayAttr tilingAttr(Builder &b, const ConvTiling &t) {
  return b.getDenseI64ArrayAttr(tilingArray(t));
}

/// The tilings recorded on `op`, or computed when absent.
std::vector<std::pair<Dataflow, ConvTiling>>
tilingsOf(spectral::Conv2DOp op, const ConvGeometry &g,
          const OverlayConfig &cfg) {
  std::vector<std::pair<Dataflow, ConvTiling>> out;
  if (auto d = op->getAttrOfType<DictionaryAttr>("spec2.tilings")) {
    for (Dataflow f : kDataflows)
      if (auto a = d.getAs<DenseI64ArrayAttr>(dataflowName(f)))
        if (auto t = tilingFromArray(a.asArrayRef()))
          out.push_back({f, *t});
    return out;
  }
  for (Dataflow f : kDataflows)
    if (auto best = bestTiling(g, cfg, f))
      out.push_back({f, best->first});
  return out;
}

struct TileConvsPass : impl::TileConvsBase<TileConvsPass> {
  using TileConvsBase::TileConvsBase;
  void runOnOperation() override {
    auto cfg = resolveTargetOption(getOperation(), target);
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
      op->setAttr("spec2.tilings", b.getDictionaryAttr(tilings));
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

struct SelectDataflowPass : impl::SelectDataflowBase<SelectDataflowPass> {
  using SelectDataflowBase::SelectDataflowBase;
  void runOnOperation() override {
    auto cfg = resolveTargetOption(getOperation(), target);
    if (!cfg)
      return signalPassFailure();
    std::optional<Dataflow> forced;
    if (!force.empty()) {
      forced = parseDataflow(force);
      if (!forced) {
        getOperation().emitError("unknown dataflow '")
            << force << "' (activation_reuse or kernel_reuse)";
        return signalPassFailure();
      }
    }
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      if (op.getFftSize() != int64_t(cfg->config.fftSize))
        return WalkResult::advance();
      const ConvGeometry g = ConvGeometry::of(op, cfg->config);
      Builder b(op.getContext());
      SmallVector<NamedAttribute> costs;
      std::optional<std::pair<Dataflow, ConvTiling>> best;
      ConvCost bestCost;
      for (auto [f, t] : tilingsOf(op, g, cfg->config)) {
        const ConvCost c = estimateConv(g, cfg->config, t, f);
        costs.push_back(b.getNamedAttr(
            dataflowName(f),
            b.getDictionaryAttr(
                {b.getNamedAttr("cycles", b.getI64IntegerAttr(c.cycles)),
                 b.getNamedAttr("ddr_bytes", b.getI64IntegerAttr(c.ddrBytes())),
                 b.getNamedAttr("input_bytes",
                                b.getI64IntegerAttr(c.inputBytes)),
                 b.getNamedAttr("kernel_bytes",
                                b.getI64IntegerAttr(c.kernelBytes)),
                 b.getNamedAttr("output_bytes",
                                b.getI64IntegerAttr(c.outputBytes))})));
        if (forced && f != *forced)
          continue;
        if (!best || std::make_pair(c.cycles, c.ddrBytes()) <
                         std::make_pair(bestCost.cycles, bestCost.ddrBytes())) {
          best = std::make_pair(f, t);
          bestCost = c;
        }
      }
      if (!best) {
        op.emitOpError("no tiling of dataflow '")
            << (forced ? dataflowName(*forced) : StringRef("any"))
            << "' fits the buffers of '" << cfg->name << "'";
        return WalkResult::interrupt();
      }
      op->setAttr("spec2.dataflow", b.getStringAttr(dataflowName(best->first)));
      op->setAttr("spec2.tiling", tilingAttr(b, best->second));
      op->setAttr("spec2.dataflow_costs", b.getDictionaryAttr(costs));
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace spec2
