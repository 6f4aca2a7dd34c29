//===- SchemaChecks.h - A node against its ONNX operator schema -*- C++ -*-===//
//
// Before a converter sees a node, its inputs and outputs are checked against
// the operator's schema in ONNX's own registry (libonnx): how many inputs
// and outputs the operator takes at the model's opset, which of them may be
// omitted (""), and the element type a compile-time constant input must
// have. Converters can then index their required inputs without checks.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_IMPORT_SCHEMACHECKS_H
#define SPEC2_IMPORT_SCHEMACHECKS_H

#include "spec2/Support/Tensor.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace onnx {
class NodeProto;
}

namespace spec2::import {

/// The element kind of a compile-time constant named `name`, or nullopt if
/// the value is computed at run time.
using LiteralKind = llvm::function_ref<std::optional<DType>(llvm::StringRef)>;

/// Checks `node` against its schema at `opset`; an error names the input or
/// output and what the operator takes. Operators ONNX does not know pass
/// (the converter registry refuses them).
llvm::Error checkAgainstSchema(const onnx::NodeProto &node, int64_t opset,
                               LiteralKind literalKind);

} // namespace spec2::import

#endif // SPEC2_IMPORT_SCHEMACHECKS_H
