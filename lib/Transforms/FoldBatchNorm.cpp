//===- FoldBatchNorm.cpp - Per-channel affine ops into conv/FC layers -----===//
//
// y = (conv(x) * a + b): the spectrum of a scaled kernel is the scaled
// spectrum, so a per-output-channel scale multiplies that channel's spectra
// and bias, and a shift adds to the bias. The same holds for FC rows and
// for the kernels of a direct (spatial) conv. A per-channel affine with no
// such layer before it (after a pool, a concat, a residual add, a fused
// activation) becomes spectral.channel_affine, which the vector unit runs;
// consecutive ones merge into one.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>
#include <type_traits>

#define DEBUG_TYPE "spec2-fold-batchnorm"

namespace spec2 {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

std::vector<float> readF32(ElementsAttr a) {
  std::vector<double> d = *readNumbers(a);
  return std::vector<float>(d.begin(), d.end());
}

int64_t channelsOf(Operation *layer) {
  return cast<RankedTensorType>(layer->getResult(0).getType()).getDimSize(1);
}

/// y = layer(x) * scale + shift per output channel of a conv or FC layer,
/// into its weights (`scale` null: 1) and bias. `dry`: the layer's weights
/// are placeholders (spec2-graph-to-spectral's dry run); only the op goes.
void foldScaleShift(Operation *affine, Operation *layer,
                    const std::vector<double> *scale,
                    const std::vector<double> *shift, bool dry,
                    PatternRewriter &rw) {
  if (dry) {
    rw.replaceOp(affine, layer->getResult(0));
    return;
  }
  const int64_t c = channelsOf(layer);
  MLIRContext *ctx = rw.getContext();
  auto scaleRows = [&](ElementsAttr attr, StringRef name) {
    auto type = cast<ShapedType>(attr.getType());
    std::vector<float> v = readF32(attr);
    const size_t per = v.size() / c;
    for (int64_t ch = 0; ch < c; ++ch)
      for (size_t i = 0; i < per; ++i)
        v[ch * per + i] *= float((*scale)[ch]);
    return makeF32Elements(ctx, type.getShape(), std::move(v), name);
  };
  rw.modifyOpInPlace(layer, [&] {
    auto biasAttr = cast<ElementsAttr>(layer->getAttr("bias"));
    std::vector<float> bias = readF32(biasAttr);
    for (int64_t ch = 0; ch < c; ++ch) {
      if (scale)
        bias[ch] *= float((*scale)[ch]);
      if (shift)
        bias[ch] += float((*shift)[ch]);
    }
    layer->setAttr("bias", makeF32Elements(ctx, {c}, std::move(bias), "bias"));
    if (scale) {
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
}

/// Scales (mul) or shifts (add) output channels of a conv or FC layer.
LogicalResult foldAffine(Operation *affine, Operation *layer, Value constant,
                         bool isScale, bool dry, PatternRewriter &rw) {
  const int64_t c = channelsOf(layer);
  auto k = perChannelConstant(
      constant, cast<ShapedType>(affine->getResult(0).getType()).getRank(), c);
  if (!k)
    return rw.notifyMatchFailure(affine, "not a per-channel constant");
  foldScaleShift(affine, layer, isScale ? &*k : nullptr,
                 isScale ? nullptr : &*k, dry, rw);
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

//===----------------------------------------------------------------------===//
// What does not fold: spectral.channel_affine on the vector unit
//===----------------------------------------------------------------------===//

/// The per-channel constant operand of a float tosa.mul/add whose other
/// operand `x` has the result's type [N, C, ...]; the operand pair
/// (x, values) or nullopt (a bias of a layer, a product of activations).
std::optional<std::pair<Value, std::vector<double>>>
channelConstant(Operation *op) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
      !type.getElementType().isF32())
    return std::nullopt;
  for (auto [a, b] : {std::pair(op->getOperand(0), op->getOperand(1)),
                      std::pair(op->getOperand(1), op->getOperand(0))}) {
    if (a.getType() != type || constantNumbers(a))
      continue;
    if (auto k = perChannelConstant(b, type.getRank(), type.getDimSize(1)))
      return std::pair(a, std::move(*k));
  }
  return std::nullopt;
}

/// An unclamped, single-use channel_affine behind `v`: an affine after it
/// merges into it.
spectral::ChannelAffineOp mergeableAffine(Value v) {
  auto a = v.getDefiningOp<spectral::ChannelAffineOp>();
  if (!a || !v.hasOneUse() || !a.getClampMin().isInfinity() ||
      !a.getClampMax().isInfinity())
    return nullptr;
  return a;
}

/// x * k or x + k, k per channel, that FoldMul/FoldAdd left: a
/// channel_affine (MergeChannelAffines joins it to one before it). Lower
/// benefit than the folds, so an op that folds does.
/// x - k becomes x + (-k) and k - x becomes -x + k (a normalisation's
/// centring at the input, (x - mean) / std).
template <typename TosaOp> struct ToChannelAffine : OpRewritePattern<TosaOp> {
  ToChannelAffine(MLIRContext *ctx) : OpRewritePattern<TosaOp>(ctx, 0) {}
  LogicalResult matchAndRewrite(TosaOp op,
                                PatternRewriter &rw) const override {
    auto operands = channelConstant(op);
    if (!operands)
      return rw.notifyMatchFailure(op, "not x and a per-channel constant");
    auto [x, k] = std::move(*operands);
    constexpr bool isScale = std::is_same_v<TosaOp, tosa::MulOp>;
    constexpr bool isSub = std::is_same_v<TosaOp, tosa::SubOp>;
    const bool xFirst = op->getOperand(0) == x;
    MLIRContext *ctx = rw.getContext();
    const int64_t c = int64_t(k.size());
    std::vector<float> scale(c, 1.f), shift(c, 0.f);
    for (int64_t ch = 0; ch < c; ++ch) {
      if (isScale) {
        scale[ch] = float(k[ch]);
      } else if (isSub && xFirst) {
        shift[ch] = float(-k[ch]);
      } else {
        shift[ch] = float(k[ch]);
        if (isSub)
          scale[ch] = -1.f;
      }
    }
    std::string name = "channel_affine";
    if (auto loc = dyn_cast<NameLoc>(op.getLoc()))
      name = loc.getName().str();
    auto y = spectral::ChannelAffineOp::create(
        rw, op.getLoc(), op.getType(), x,
        makeF32Elements(ctx, {c}, std::move(scale), name + ".scale"),
        makeF32Elements(ctx, {c}, std::move(shift), name + ".shift"),
        rw.getF32FloatAttr(-std::numeric_limits<float>::infinity()),
        rw.getF32FloatAttr(std::numeric_limits<float>::infinity()),
        IntegerAttr(), IntegerAttr(), IntegerAttr());
    if (Attribute r = op->getAttr(attr::kAbsmax))
      y->setAttr(attr::kAbsmax, r);
    rw.replaceOp(op, y);
    return success();
  }
};

/// A channel_affine made before the layer it follows was known to fold (the
/// greedy driver visits ops in any order): folds like FoldMul + FoldAdd.
struct FoldChannelAffine : OpRewritePattern<spectral::ChannelAffineOp> {
  FoldChannelAffine(MLIRContext *ctx, bool dry)
      : OpRewritePattern(ctx), dry(dry) {}
  LogicalResult matchAndRewrite(spectral::ChannelAffineOp op,
                                PatternRewriter &rw) const override {
    Operation *layer = foldableLayer(op.getInput());
    if (!layer || !op.getClampMin().isInfinity() ||
        !op.getClampMax().isInfinity())
      return rw.notifyMatchFailure(op, "no foldable layer");
    const std::vector<double> scale = *readNumbers(op.getScale());
    const std::vector<double> shift = *readNumbers(op.getShift());
    foldScaleShift(op, layer, &scale, &shift, dry, rw);
    return success();
  }
  bool dry;
};

/// affine(affine(x)) -> one affine: s = s1 * s2, t = t1 * s2 + t2.
struct MergeChannelAffines : OpRewritePattern<spectral::ChannelAffineOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(spectral::ChannelAffineOp op,
                                PatternRewriter &rw) const override {
    auto inner = mergeableAffine(op.getInput());
    if (!inner)
      return rw.notifyMatchFailure(op, "no unclamped affine before it");
    // One that folds into its layer goes first (this op may carry a clamp
    // the layer could not take).
    if (foldableLayer(inner.getInput()))
      return rw.notifyMatchFailure(op, "the affine before it folds");
    std::vector<float> s1 = readF32(inner.getScale()),
                       t1 = readF32(inner.getShift());
    const std::vector<float> s2 = readF32(op.getScale()),
                             t2 = readF32(op.getShift());
    for (size_t c = 0; c < s1.size(); ++c) {
      s1[c] *= s2[c];
      t1[c] = t1[c] * s2[c] + t2[c];
    }
    MLIRContext *ctx = rw.getContext();
    const int64_t n = int64_t(s1.size());
    rw.modifyOpInPlace(op, [&] {
      op.setScaleAttr(makeF32Elements(ctx, {n}, std::move(s1), "scale"));
      op.setShiftAttr(makeF32Elements(ctx, {n}, std::move(t1), "shift"));
      op->setOperand(0, inner.getInput());
    });
    rw.eraseOp(inner);
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  using FoldBatchNormBase::FoldBatchNormBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FoldMul, FoldAdd, FoldChannelAffine>(ctx, dryRun);
    patterns.add<ToChannelAffine<tosa::MulOp>, ToChannelAffine<tosa::AddOp>,
                 ToChannelAffine<tosa::SubOp>, MergeChannelAffines>(ctx);
    tosa::ReshapeOp::getCanonicalizationPatterns(patterns, ctx);
    unsigned before = 0, after = 0, affine = 0;
    getOperation().walk([&](Operation *op) {
      before += isa<tosa::MulOp, tosa::AddOp, tosa::SubOp>(op);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([&](Operation *op) {
      after += isa<tosa::MulOp, tosa::AddOp, tosa::SubOp>(op);
      affine += isa<spectral::ChannelAffineOp>(op);
    });
    numFolded = before - after - affine;
    numChannelAffine = affine;
  }
};

} // namespace
} // namespace spec2
