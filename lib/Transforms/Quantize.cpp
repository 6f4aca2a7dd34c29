//===- Quantize.cpp - int16 fixed-point formats from calibrated ranges ----===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"
#include "spec2/Support/Constants.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/FixedPoint.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <cmath>

#define DEBUG_TYPE "spec2-quantize"

namespace spec2 {
#define GEN_PASS_DEF_QUANTIZE
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

/// One format per concatenation: the overlay places the layers producing
/// a concat's inputs at their offsets in its result, so they write in the
/// result's format. Inputs and results of concats that share a layer (a
/// DenseNet block's growing concats) form one class; its format is the
/// coarsest its members' ranges need. Graph inputs are copied, so they
/// keep their own, and so do slices (views of another tensor, copied).
llvm::DenseMap<Operation *, int32_t> concatFormats(func::FuncOp func) {
  llvm::EquivalenceClasses<Operation *> classes;
  func.walk([&](spectral::ConcatOp c) {
    classes.insert(c);
    for (Value in : c.getInputs())
      if (Operation *def = throughReshapes(in).getDefiningOp())
        if (isa<spectral::SpectralDialect>(def->getDialect()) &&
            !isa<spectral::SliceOp>(def)) // a view: copied
          classes.unionSets(c, def);
  });
  llvm::DenseMap<Operation *, int32_t> coarsest, result;
  for (auto it = classes.begin(); it != classes.end(); ++it) {
    if (!(*it)->isLeader())
      continue;
    std::optional<int32_t> frac;
    for (auto m = classes.member_begin(**it); m != classes.member_end(); ++m)
      if (auto r = (*m)->getAttrOfType<FloatAttr>(attr::kAbsmax)) {
        const int32_t f = fracFor(r.getValueAsDouble());
        frac = frac ? std::min(*frac, f) : f;
      }
    if (!frac)
      continue;
    for (auto m = classes.member_begin(**it); m != classes.member_end(); ++m)
      result[*m] = *frac;
  }
  return result;
}

/// The format of a channel_affine's int16 scales on the vector unit (its
/// int32 shifts are at the product's format, in_frac + scale_frac): as fine
/// as the largest scale allows, then coarser while a shift would overflow
/// int32 or the product's right shift to out_frac would pass 63.
int channelAffineScaleFrac(spectral::ChannelAffineOp op, int inFrac,
                           int outFrac) {
  double smax = 0, tmax = 0;
  const std::vector<double> scale = readNumbers(op.getScale()).value_or(
                                std::vector<double>()),
                            shift = readNumbers(op.getShift()).value_or(
                                std::vector<double>());
  for (double v : scale)
    smax = std::max(smax, std::fabs(v));
  for (double v : shift)
    tmax = std::max(tmax, std::fabs(v));
  int f = fracFor(smax);
  while (f > -64 && (std::ldexp(tmax, inFrac + f) >= 2147483647.0 ||
                     inFrac + f - outFrac > 63))
    --f;
  return f;
}

struct QuantizePass : impl::QuantizeBase<QuantizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Builder b(&getContext());
    for (unsigned a = 0; a < func.getNumArguments(); ++a) {
      auto r = func.getArgAttrOfType<FloatAttr>(a, attr::kAbsmax);
      if (!r) {
        func.emitError("argument ") << a
                                    << " has no calibrated range; run "
                                       "spec2-calibrate first";
        return signalPassFailure();
      }
      func.setArgAttr(a, attr::kFrac,
                      b.getI32IntegerAttr(fracFor(r.getValueAsDouble())));
    }
    auto fracOf = [&](Value v) -> std::optional<int32_t> {
      v = throughReshapes(v);
      if (auto arg = dyn_cast<BlockArgument>(v))
        if (auto f = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                        attr::kFrac))
          return int32_t(f.getInt());
      if (Operation *def = v.getDefiningOp())
        if (auto f = def->getAttrOfType<IntegerAttr>("out_frac"))
          return int32_t(f.getInt());
      return std::nullopt;
    };
    const llvm::DenseMap<Operation *, int32_t> shared = concatFormats(func);
    WalkResult result = func.walk([&](Operation *op) {
      if (!isa<spectral::SpectralDialect>(op->getDialect()))
        return WalkResult::advance();
      auto r = op->getAttrOfType<FloatAttr>(attr::kAbsmax);
      if (!r) {
        op->emitError("no calibrated range; run spec2-calibrate first");
        return WalkResult::interrupt();
      }
      auto sharedFrac = shared.find(op);
      op->setAttr("out_frac",
                  b.getI32IntegerAttr(sharedFrac != shared.end()
                                          ? sharedFrac->second
                                          : fracFor(r.getValueAsDouble())));
      // An input no layer of the overlay produces has no format: leave the
      // op unquantised; spec2-spectral-to-overlay then reports the op that
      // has no engine, with the reason.
      auto inFrac = [&](Value v, StringRef name) {
        auto f = fracOf(v);
        if (!f)
          return false;
        op->setAttr(name, b.getI32IntegerAttr(*f));
        return true;
      };
      bool known;
      if (auto concat = dyn_cast<spectral::ConcatOp>(op))
        known = llvm::all_of(concat.getInputs(),
                             [&](Value v) { return fracOf(v).has_value(); });
      else if (auto add = dyn_cast<spectral::AddOp>(op))
        known = inFrac(add.getLhs(), "lhs_frac") &&
                inFrac(add.getRhs(), "rhs_frac");
      else
        known = inFrac(op->getOperand(0), "in_frac");
      if (!known) {
        for (StringRef name : {"in_frac", "lhs_frac", "rhs_frac", "out_frac"})
          op->removeAttr(name);
        return WalkResult::advance();
      }
      // Pooling and clamps keep the format of their input: max pooling
      // cannot grow values and averaging cannot either.
      // A slice is a view and a channel permutation a copy: they keep it
      // too. (A member of a concat's class takes the class's format.)
      if (isa<spectral::Pool2DOp, spectral::ClampOp, spectral::SliceOp,
              spectral::PermuteChannelsOp>(op) &&
          !shared.contains(op))
        op->setAttr("out_frac", op->getAttr("in_frac"));
      // Probabilities reach 1 on inputs calibration did not see: 2^-14
      // holds [0, 2).
      if (auto sm = dyn_cast<spectral::SoftmaxOp>(op); sm && !sm.getLog())
        op->setAttr("out_frac",
                    b.getI32IntegerAttr(std::min<int32_t>(
                        14, int32_t(cast<IntegerAttr>(op->getAttr("out_frac"))
                                        .getInt()))));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    // The per-channel ops' second format: the gate's (a layer's output) or
    // the constant scales'.
    func.walk([&](spectral::ChannelMulOp op) {
      if (!op.getInFrac())
        return;
      if (auto f = fracOf(op.getScale()))
        op.setScaleFracAttr(b.getI32IntegerAttr(*f));
      else
        for (StringRef name : {"in_frac", "out_frac"})
          op->removeAttr(name);
    });
    func.walk([&](spectral::ChannelAffineOp op) {
      if (auto fi = op.getInFrac())
        op.setScaleFracAttr(b.getI32IntegerAttr(channelAffineScaleFrac(
            op, int(*fi), int(op.getOutFrac().value_or(0)))));
    });
  }
};

} // namespace
} // namespace spec2
