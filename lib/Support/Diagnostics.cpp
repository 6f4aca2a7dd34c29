//===- Diagnostics.cpp - User-facing error reporting for the tools --------===//

#include "spec2/Support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace spec2 {

std::string describeLocation(Location loc) {
  std::string file, node;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l); name && node.empty())
      node = name.getName().str();
    else if (auto flc = dyn_cast<FileLineColLoc>(l); flc && file.empty())
      file = flc.getFilename().str() +
             (flc.getLine() ? ":" + std::to_string(flc.getLine()) + ":" +
                                  std::to_string(flc.getColumn())
                            : "");
    return WalkResult::advance();
  });
  std::string out = file;
  if (!node.empty())
    out += (out.empty() ? "" : ": ") + ("node '" + node + "'");
  return out;
}

static void print(StringRef tool, StringRef severity, Location loc,
                  StringRef message) {
  std::string where = describeLocation(loc);
  llvm::errs() << tool << ": " << severity << ": ";
  if (!where.empty())
    llvm::errs() << where << ": ";
  llvm::errs() << message << "\n";
}

ToolDiagnostics::ToolDiagnostics(MLIRContext &context, StringRef tool)
    : tool(tool.str()) {
  // The op dump MLIR attaches by default means nothing to a user.
  context.printOpOnDiagnostic(false);
  handler = std::make_unique<ScopedDiagnosticHandler>(
      &context, [this](Diagnostic &diag) {
        StringRef severity = "error";
        switch (diag.getSeverity()) {
        case DiagnosticSeverity::Error:
          ++errors;
          break;
        case DiagnosticSeverity::Warning:
          severity = "warning";
          break;
        case DiagnosticSeverity::Note:
          severity = "note";
          break;
        case DiagnosticSeverity::Remark:
          severity = "remark";
          break;
        }
        print(this->tool, severity, diag.getLocation(), diag.str());
        for (Diagnostic &note : diag.getNotes())
          print(this->tool, "note", note.getLocation(), note.str());
        return success();
      });
}

ToolDiagnostics::~ToolDiagnostics() = default;

void reportError(StringRef tool, const llvm::Twine &message) {
  llvm::errs() << tool << ": error: " << message << "\n";
}

} // namespace spec2
