//===- FoldBatchNorm.cpp - Per-channel affine ops into conv/FC layers -----===//
//
// y = (conv(x) * a + b): the spectrum of a scaled kernel is the scaled
// spectrum, so a per-output-channel scale multiplies that channel's spectra
// and bias, and a shift adds to the bias. The same holds for FC rows and
// for the kernels of a direct (spatial) conv.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "spec2-fold-batchnorm"

namespace spec2 {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

/// Per-channel values of a constant that broadcasts along dimension 1 only
/// (a scalar counts as one value for every channel).
std::optional<std::vector<double>> perChannel(Value v, Type resultType,
                                              int64_t channels) {
  auto c = constantNumbers(v);
  if (!c)
    return std::nullopt;
  if (c->size() == 1)
    return std::vector<double>(channels, (*c)[0]);
  if (int64_t(c->size()) != channels)
    return std::nullopt;
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return std::nullopt;
  // Every dimension but the channel one must be 1 (or the vector is 1-D).
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (t.getDimSize(d) != 1 && !(d == 1 || t.getRank() == 1))
      return std::nullopt;
  return c;
}

std::vector<float> readF32(ElementsAttr a) {
  std::vector<double> d = *readNumbers(a);
  return std::vector<float>(d.begin(), d.end());
}

int64_t channelsOf(Operation *layer) {
  return cast<RankedTensorType>(layer->getResult(0).getType()).getDimSize(1);
}

/// Scales (mul) or shifts (add) output channels of a conv or FC layer.
LogicalResult foldAffine(Operation *affine, Operation *layer, Value constant,
                         bool isScale, bool dry, PatternRewriter &rw) {
  const int64_t c = channelsOf(layer);
  auto k = perChannel(constant, affine->getResult(0).getType(), c);
  if (!k)
    return rw.notifyMatchFailure(affine, "not a per-channel constant");
  if (dry) {
    rw.replaceOp(affine, layer->getResult(0));
    return success();
  }
  MLIRContext *ctx = rw.getContext();
  auto scaleRows = [&](ElementsAttr attr, StringRef name) {
    auto type = cast<ShapedType>(attr.getType());
    std::vector<float> v = readF32(attr);
    const size_t per = v.size() / c;
    for (int64_t ch = 0; ch < c; ++ch)
      for (size_t i = 0; i < per; ++i)
        v[ch * per + i] *= float((*k)[ch]);
    return makeF32Elements(ctx, type.getShape(), std::move(v), name);
  };
  rw.modifyOpInPlace(layer, [&] {
    auto biasAttr = cast<ElementsAttr>(layer->getAttr("bias"));
    std::vector<float> bias = readF32(biasAttr);
    for (int64_t ch = 0; ch < c; ++ch)
      bias[ch] =
          isScale ? bias[ch] * float((*k)[ch]) : bias[ch] + float((*k)[ch]);
    layer->setAttr("bias", makeF32Elements(ctx, {c}, std::move(bias), "bias"));
    if (isScale) {
      const char *weights = isa<spectral::Conv2DOp>(layer) ? "spectra"
                            : isa<spectral::SpatialConv2DOp>(layer)
                                ? "weights"
                                : "values";
      layer->setAttr(
          weights,
          scaleRows(cast<ElementsAttr>(layer->getAttr(weights)), weights));
    }
    if (Attribute r = affine->getAttr(attr::kAbsmax))
      layer->setAttr(attr::kAbsmax, r);
  });
  rw.replaceOp(affine, layer->getResult(0));
  return success();
}

/// The conv or FC layer behind `v`, if `v` has no other user.
Operation *foldableLayer(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !v.hasOneUse() ||
      !isa<spectral::Conv2DOp, spectral::SpatialConv2DOp,
           spectral::FullyConnectedOp>(def))
    return nullptr;
  // A fused activation must stay after the affine op.
  auto lo = cast<FloatAttr>(def->getAttr("clamp_min")).getValue();
  auto hi = cast<FloatAttr>(def->getAttr("clamp_max")).getValue();
  if (!lo.isInfinity() || !hi.isInfinity())
    return nullptr;
  return def;
}

struct FoldMul : OpRewritePattern<tosa::MulOp> {
  FoldMul(MLIRContext *ctx, bool dry) : OpRewritePattern(ctx), dry(dry) {}
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rw) const override {
    if (op.getType() != op.getInput1().getType())
      return rw.notifyMatchFailure(op, "broadcasts the layer output");
    if (Operation *layer = foldableLayer(op.getInput1()))
      return foldAffine(op, layer, op.getInput2(), /*isScale=*/true, dry, rw);
    return rw.notifyMatchFailure(op, "no foldable layer");
  }
  bool dry;
};

struct FoldAdd : OpRewritePattern<tosa::AddOp> {
  FoldAdd(MLIRContext *ctx, bool dry) : OpRewritePattern(ctx), dry(dry) {}
  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rw) const override {
    for (auto [a, b] : {std::pair(op.getInput1(), op.getInput2()),
                        std::pair(op.getInput2(), op.getInput1())})
      if (a.getType() == op.getType())
        if (Operation *layer = foldableLayer(a))
          return foldAffine(op, layer, b, /*isScale=*/false, dry, rw);
    return rw.notifyMatchFailure(op, "no foldable layer");
  }
  bool dry;
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  using FoldBatchNormBase::FoldBatchNormBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FoldMul, FoldAdd>(ctx, dryRun);
    tosa::ReshapeOp::getCanonicalizationPatterns(patterns, ctx);
    unsigned before = 0, after = 0;
    getOperation().walk(
        [&](Operation *op) { before += isa<tosa::MulOp, tosa::AddOp>(op); });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk(
        [&](Operation *op) { after += isa<tosa::MulOp, tosa::AddOp>(op); });
    numFolded = before - after;
  }
};

} // namespace
} // namespace spec2
