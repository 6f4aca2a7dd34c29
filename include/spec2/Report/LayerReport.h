//===- LayerReport.h - Per-layer figures of a spectral module ---*- C++ -*-===//
//
// What `spec2c --report=FILE.json` writes: per layer its kind, spectral
// weights and non-zeros, dense and executed multiply-accumulates and weight
// bytes, and totals; read off the spectral IR (after pruning, before the
// overlay lowering).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REPORT_LAYERREPORT_H
#define SPEC2_REPORT_LAYERREPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

namespace spec2 {

/// The report of `func` (spectral layers). Convolution MACs are complex
/// multiply-accumulates over the overlap-and-add tiles.
llvm::json::Object buildLayerReport(mlir::func::FuncOp func);

} // namespace spec2

#endif
