//===- LayerName.h - The name a layer goes by -------------------*- C++ -*-===//
//
// A layer is named after the ONNX node it came from (the importer puts the
// node name in the op's location); reports, diagnostics and per-layer
// options all use this name.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_LAYERNAME_H
#define SPEC2_SUPPORT_LAYERNAME_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace spec2 {

/// The ONNX node name of `op`, or its op name if it has none.
inline std::string layerName(mlir::Operation *op) {
  if (auto loc = llvm::dyn_cast<mlir::NameLoc>(op->getLoc()))
    return loc.getName().str();
  return op->getName().getStringRef().str();
}

} // namespace spec2

#endif // SPEC2_SUPPORT_LAYERNAME_H
