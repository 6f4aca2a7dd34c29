//===- TargetOption.h - A pass's `target` option resolved -------*- C++ -*-===//
//
// Passes that need the overlay configuration take it as a `target` option
// (a name in hw/configs or a .json path); this resolves it and reports a
// failure on the op the pass runs on.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_TARGETOPTION_H
#define SPEC2_TARGET_TARGETOPTION_H

#include "spec2/Target/OverlayConfigFile.h"

#include "mlir/IR/Operation.h"

#include <optional>

namespace spec2 {

/// The configuration `target` names, or nothing after an error on `op`.
inline std::optional<NamedOverlayConfig>
resolveTargetOption(mlir::Operation *op, llvm::StringRef target) {
  auto cfg = resolveTarget(target);
  if (!cfg) {
    op->emitError() << llvm::toString(cfg.takeError());
    return std::nullopt;
  }
  return std::move(*cfg);
}

} // namespace spec2

#endif
