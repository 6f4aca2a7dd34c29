//===- SelectDataflow.cpp - Per conv, the dataflow with the fewest cycles -===//
//
// A thin pass over lib/Scheduling's estimate (ConvSearch.cpp), the same the
// tiling search ranks tilings with.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Support/Constants.h"
#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace spec2 {
#define GEN_PASS_DEF_SELECTDATAFLOW
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

/// The tilings recorded on `op`, or computed when absent.
std::vector<std::pair<Dataflow, ConvTiling>>
tilingsOf(spectral::Conv2DOp op, const ConvGeometry &g,
          const OverlayConfig &cfg) {
  std::vector<std::pair<Dataflow, ConvTiling>> out;
  if (auto d = op->getAttrOfType<DictionaryAttr>(attr::kTilings)) {
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

struct SelectDataflowPass : impl::SelectDataflowBase<SelectDataflowPass> {
  using SelectDataflowBase::SelectDataflowBase;
  void runOnOperation() override {
    auto cfg = targetOf(getOperation());
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
      op->setAttr(attr::kDataflow, b.getStringAttr(dataflowName(best->first)));
      op->setAttr(attr::kTiling, tilingAttr(b, best->second));
      op->setAttr(attr::kDataflowCosts, b.getDictionaryAttr(costs));
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      return signalPassFailure();
    // Convs on the spatial engine: the cost model's tiling search.
    r = getOperation().walk([&](spectral::SpatialConv2DOp op) {
      // Priced at the entries pruning kept (SpatialKer.h).
      const SpatialGeometry g = SpatialGeometry::of(op);
      auto w = readNumbers(op.getWeights());
      std::optional<SpatialKept> kept;
      if (w)
        kept = SpatialKept::ofWeights(g, cfg->config.convPout, *w);
      auto best = chooseSpatialTiling(g, cfg->config, kept ? &*kept : nullptr);
      if (!best) // the lowering says why
        return WalkResult::advance();
      Builder b(op.getContext());
      op->setAttr(attr::kSpatialTiling,
                  b.getDenseI64ArrayAttr(spatialTilingArray(best->first)));
      return WalkResult::advance();
    });
  }
};

} // namespace
} // namespace spec2
