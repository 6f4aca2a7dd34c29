//===- OverlaySupport.h - Which ops have an engine on the overlay -*- C++ -*-===//
//
// After spec2-graph-to-spectral (and the folding passes after it), every op
// the overlay can run is a spectral layer; what is left in TOSA, except
// views (reshapes) and constants, has no engine. One list, with the reason
// for each op, used by the lowering (its first error) and by the up-front
// check that spec2c runs on a dry conversion before calibration.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_CONVERSION_OVERLAYSUPPORT_H
#define SPEC2_CONVERSION_OVERLAYSUPPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace spec2 {

struct Refusal {
  mlir::Operation *op;
  /// Why this op in particular cannot run (weights not constant, an axis a
  /// concat cannot take...), or empty: no engine runs this kind of op.
  std::string why;

  /// "'tosa.mul' has no engine on the overlay[: why]", with the supported
  /// set when there is no particular reason and `withSupported`.
  std::string message(bool withSupported) const;
};

/// Every op of `func` without an overlay engine, in program order. Layout
/// transposes count only when nothing else is refused (they are left over
/// around such ops).
std::vector<Refusal> overlayRefusals(mlir::func::FuncOp func);

/// What the overlay runs, for messages.
const char *overlaySupportedOps();

} // namespace spec2

#endif // SPEC2_CONVERSION_OVERLAYSUPPORT_H
