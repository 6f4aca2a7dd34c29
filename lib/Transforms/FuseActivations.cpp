//===- FuseActivations.cpp - Clamps into the layers that produce them -----===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "spec2-fuse-activations"

namespace spec2 {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

struct FuseClamp : OpRewritePattern<spectral::ClampOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(spectral::ClampOp op,
                                PatternRewriter &rw) const override {
    Operation *def = op.getInput().getDefiningOp();
    if (!def || !op.getInput().hasOneUse() ||
        !isa<spectral::Conv2DOp, spectral::SpatialConv2DOp,
             spectral::FullyConnectedOp, spectral::Pool2DOp, spectral::AddOp,
             spectral::ClampOp, spectral::ChannelAffineOp,
             spectral::ChannelMulOp>(def))
      return rw.notifyMatchFailure(op, "no single-use layer to fuse into");
    APFloat lo = cast<FloatAttr>(def->getAttr("clamp_min")).getValue();
    APFloat hi = cast<FloatAttr>(def->getAttr("clamp_max")).getValue();
    // Clamping twice is clamping to the intersection.
    APFloat newLo = maximum(lo, op.getClampMin());
    APFloat newHi = minimum(hi, op.getClampMax());
    if (newHi < newLo)
      newHi = newLo;
    rw.modifyOpInPlace(def, [&] {
      def->setAttr("clamp_min", rw.getFloatAttr(rw.getF32Type(), newLo));
      def->setAttr("clamp_max", rw.getFloatAttr(rw.getF32Type(), newHi));
      // The accumulators hold values before the clamp: keep their range.
      if (!def->hasAttr(attr::kAbsmaxPre))
        if (Attribute pre = def->getAttr(attr::kAbsmax))
          def->setAttr(attr::kAbsmaxPre, pre);
      if (Attribute r = op->getAttr(attr::kAbsmax))
        def->setAttr(attr::kAbsmax, r);
    });
    rw.replaceOp(op, def->getResult(0));
    return success();
  }
};

struct FuseActivationsPass : impl::FuseActivationsBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseClamp>(&getContext());
    unsigned before = 0, after = 0;
    getOperation().walk([&](spectral::ClampOp) { ++before; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([&](spectral::ClampOp) { ++after; });
    numFused = before - after;
  }
};

} // namespace
} // namespace spec2
