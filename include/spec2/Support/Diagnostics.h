//===- Diagnostics.h - User-facing error reporting for the tools -*- C++ -*-===//
//
// Formats MLIR diagnostics the way the CLI contract promises:
// "<tool>: error: <file>: node '<name>': <message>" on stderr.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_DIAGNOSTICS_H
#define SPEC2_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include <memory>

namespace spec2 {

/// Renders a location as "file: node 'name'" (or whatever part is known).
std::string describeLocation(mlir::Location loc);

/// While alive, prints every diagnostic of `context` to stderr prefixed by
/// `tool` and counts the errors.
class ToolDiagnostics {
public:
  ToolDiagnostics(mlir::MLIRContext &context, llvm::StringRef tool);
  ~ToolDiagnostics();
  unsigned errorCount() const { return errors; }

private:
  std::string tool;
  unsigned errors = 0;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
};

/// Prints "<tool>: error: <message>" to stderr.
void reportError(llvm::StringRef tool, const llvm::Twine &message);

} // namespace spec2

#endif // SPEC2_SUPPORT_DIAGNOSTICS_H
