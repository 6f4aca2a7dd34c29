//===- Quantize.cpp - int16 fixed-point formats from calibrated ranges ----===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/FixedPoint.h"

#include "mlir/IR/Builders.h"

#include <cmath>

#define DEBUG_TYPE "spec2-quantize"

namespace spec2 {
#define GEN_PASS_DEF_QUANTIZE
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

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
      while (auto r = v.getDefiningOp<tosa::ReshapeOp>())
        v = r.getInput1();
      if (auto arg = dyn_cast<BlockArgument>(v))
        if (auto f = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                        attr::kFrac))
          return int32_t(f.getInt());
      if (Operation *def = v.getDefiningOp())
        if (auto f = def->getAttrOfType<IntegerAttr>("out_frac"))
          return int32_t(f.getInt());
      return std::nullopt;
    };
    WalkResult result = func.walk([&](Operation *op) {
      if (!isa<spectral::SpectralDialect>(op->getDialect()))
        return WalkResult::advance();
      auto r = op->getAttrOfType<FloatAttr>(attr::kAbsmax);
      if (!r) {
        op->emitError("no calibrated range; run spec2-calibrate first");
        return WalkResult::interrupt();
      }
      op->setAttr("out_frac",
                  b.getI32IntegerAttr(fracFor(r.getValueAsDouble())));
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
      if (auto add = dyn_cast<spectral::AddOp>(op))
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
      if (isa<spectral::Pool2DOp, spectral::ClampOp>(op))
        op->setAttr("out_frac", op->getAttr("in_frac"));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace spec2
