//===- FuseBottlenecks.cpp - Fuse inverted-residual blocks that gain ------===//
//
// A thin pass over lib/Scheduling/BottleneckSchedule.cpp: each block's
// modeled cost layer by layer and fused, spec2.fused_cost, and spec2.fused
// where fusing is faster (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "Spec2/Spec2Dialect.h"
#include "spec2/Transforms/Passes.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/BottleneckSchedule.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Support/Constants.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseSet.h"

#define DEBUG_TYPE "spec2-fuse-bottlenecks"

namespace spec2 {
#define GEN_PASS_DEF_FUSEBOTTLENECKS
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

/// The entries a spatial conv's lists keep (SpatialKer.h).
SpatialKept keptOf(spectral::SpatialConv2DOp op, const OverlayConfig &cfg) {
  return SpatialKept::ofWeights(SpatialGeometry::of(op), cfg.convPout,
                                *readNumbers(op.getWeights()));
}

/// A spatial conv's modeled cost as it will be lowered alone.
std::optional<ConvCost> unfusedCost(spectral::SpatialConv2DOp op,
                                    const OverlayConfig &cfg) {
  const SpatialGeometry g = SpatialGeometry::of(op);
  const SpatialKept kept = keptOf(op, cfg);
  if (auto a = op->getAttrOfType<DenseI64ArrayAttr>(attr::kSpatialTiling))
    if (auto t = spatialTilingFrom(g, cfg, a.asArrayRef(), &kept))
      return estimateSpatialConv(g, cfg, *t);
  if (auto best = chooseSpatialTiling(g, cfg, &kept))
    return best->second;
  return std::nullopt;
}

/// The block's convs and the add were quantised in formats the fused
/// block can reproduce: each conv reads what the one before writes.
bool formatsChain(BottleneckOps &b) {
  auto frac = [](spectral::SpatialConv2DOp op, bool in) {
    return in ? op.getInFrac().value_or(0) : op.getOutFrac().value_or(0);
  };
  if (b.expand && frac(b.expand, false) != frac(b.dw, true))
    return false;
  return frac(b.dw, false) == frac(b.project, true);
}

struct FuseBottlenecksPass : impl::FuseBottlenecksBase<FuseBottlenecksPass> {
  using FuseBottlenecksBase::FuseBottlenecksBase;

  void runOnOperation() override {
    auto target = targetOf(getOperation());
    if (!target)
      return signalPassFailure();
    const OverlayConfig &cfg = target->config;
    llvm::DenseSet<Operation *> taken;
    getOperation().walk([&](spectral::SpatialConv2DOp head) {
      if (taken.contains(head))
        return;
      std::optional<BottleneckOps> block = matchBottleneck(head);
      if (!block || !formatsChain(*block))
        return;
      // The fused schedule walks dense lists: a block with a pruned layer
      // runs layer by layer.
      for (spectral::SpatialConv2DOp op :
           {block->expand, block->dw, block->project})
        if (op && !keptOf(op, cfg).dense())
          return;
      ConvCost unfused;
      for (spectral::SpatialConv2DOp op :
           {block->expand, block->dw, block->project}) {
        if (!op)
          continue;
        std::optional<ConvCost> c = unfusedCost(op, cfg);
        if (!c)
          return;
        unfused.cycles += c->cycles;
        unfused.inputBytes += c->inputBytes;
        unfused.kernelBytes += c->kernelBytes;
        unfused.outputBytes += c->outputBytes;
      }
      if (block->add) {
        auto type = block->add.getOutput().getType();
        const ConvCost c = estimateElementwiseAdd(type.getNumElements(),
                                                  type.getShape().back(), cfg);
        unfused.cycles += c.cycles;
        unfused.inputBytes += c.inputBytes;
        unfused.outputBytes += c.outputBytes;
      }
      auto fused = chooseBottleneckTiling(block->geometry(), cfg);
      if (!fused)
        return;
      ++numBlocks;
      for (Operation *op : block->ops())
        taken.insert(op);
      Builder b(head.getContext());
      auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
      const ConvCost &f = fused->second;
      head->setAttr(
          attr::kFusedCost,
          b.getDictionaryAttr(
              {b.getNamedAttr("cycles", i64(f.cycles)),
               b.getNamedAttr("ddr_bytes", i64(f.ddrBytes())),
               b.getNamedAttr("cycles_unfused", i64(unfused.cycles)),
               b.getNamedAttr("ddr_bytes_unfused", i64(unfused.ddrBytes()))}));
      LLVM_DEBUG(llvm::dbgs() << "block at " << head.getLoc() << ": fused "
                              << f.cycles << " cycles, " << f.ddrBytes()
                              << " B; unfused " << unfused.cycles << " cycles, "
                              << unfused.ddrBytes() << " B\n");
      if (std::make_pair(f.cycles, f.ddrBytes()) >=
          std::make_pair(unfused.cycles, unfused.ddrBytes()))
        return;
      head->setAttr(attr::kFused, b.getDenseI64ArrayAttr(
                                      bottleneckTilingArray(fused->first)));
      ++numFused;
    });
  }
};

} // namespace
} // namespace spec2
