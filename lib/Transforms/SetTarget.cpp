//===- SetTarget.cpp - Resolve the overlay configuration once -------------===//
#include "spec2/Transforms/Passes.h"

#include "Spec2/Spec2Dialect.h"

#include "spec2/Target/TargetAttr.h"

namespace spec2 {
#define GEN_PASS_DEF_SETTARGET
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

struct SetTargetPass : impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto cfg = resolveTarget(target);
    if (!cfg) {
      module.emitError() << llvm::toString(cfg.takeError());
      return signalPassFailure();
    }
    if (Attribute old = module->getAttr(kTargetAttrName)) {
      auto had = readTargetAttr(old);
      if (had && had->hash == cfg->hash)
        return; // already this target
      module.emitError("the module is compiled for the overlay '")
          << (had ? had->name : std::string("?"))
          << "'; it cannot also target '" << cfg->name << "'";
      return signalPassFailure();
    }
    module->setAttr(kTargetAttrName, makeTargetAttr(&getContext(), *cfg));
  }
};

} // namespace
} // namespace spec2
