//===- TargetAttr.h - The overlay configuration on the module ---*- C++ -*-===//
//
// The target is resolved once (spec2-set-target, from a name in hw/configs
// or a .json path) and attached to the module as `spec2.target`: the
// configuration's name, its hash and every numeric field, nested as in the
// JSON file. Every pass that needs the overlay's parameters reads them from
// there; none reads a file.
//
//   module attributes {spec2.target = {name = "small", hash = ..., fft_size
//       = 8 : i64, pin = 2 : i64, ..., buffers = {inp = 16384 : i64, ...}}}
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_TARGETATTR_H
#define SPEC2_TARGET_TARGETATTR_H

#include "spec2/Target/OverlayConfigFile.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace spec2 {

/// The module attribute that holds the target.
constexpr llvm::StringLiteral kTargetAttrName = "spec2.target";

/// `target` as the spec2.target attribute.
mlir::DictionaryAttr makeTargetAttr(mlir::MLIRContext *ctx,
                                    const NamedOverlayConfig &target);

/// The configuration a spec2.target attribute holds, validated as a
/// configuration file is and checked against its recorded hash.
llvm::Expected<NamedOverlayConfig> readTargetAttr(mlir::Attribute attr);

/// The target of the module `op` is in (or is); nothing after an error on
/// `op` when there is none or it is invalid.
std::optional<NamedOverlayConfig> targetOf(mlir::Operation *op);

} // namespace spec2

#endif // SPEC2_TARGET_TARGETATTR_H
