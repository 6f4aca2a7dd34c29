//===- spec2c.cpp - The spec2c compiler driver ----------------------------===//
//
// spec2c MODEL.onnx -o OUT.s2b [--emit=graph|bin] ...
//
// A thin driver: import, then hand the module to the registered pipeline.
// Only the graph level exists so far; see docs/status.md.
//
//===----------------------------------------------------------------------===//

#include "spec2/Import/GraphChecks.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Transforms/Pipelines.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/Timer.h"

#include "onnx/onnx_pb.h"

#include <chrono>

using namespace llvm;

namespace {

enum class Emit { Graph, Bin };

cl::OptionCategory category("spec2c options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' = stdout)"),
                                cl::value_desc("file"), cl::init(""),
                                cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Bin),
    cl::values(clEnumValN(Emit::Graph, "graph",
                          "graph-level MLIR (func + TOSA) after import"),
               clEnumValN(Emit::Bin, "bin",
                          "overlay program (.s2b) - not implemented yet")),
    cl::cat(category));
cl::opt<int64_t> symbolicDim(
    "symbolic-dim",
    cl::desc("Value given to symbolic (dim_param) input dimensions"),
    cl::init(1), cl::cat(category));
cl::opt<bool> noCleanup(
    "no-cleanup",
    cl::desc("Print the graph exactly as imported (skip canonicalize/CSE)"),
    cl::cat(category));
cl::opt<bool> verbose("v", cl::desc("Print phase timings to stderr"),
                      cl::cat(category));

constexpr StringRef kTool = "spec2c";

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv,
      "spec2c: compile ONNX CNNs for the SPEC2 spectral-sparse overlay\n");

  if (symbolicDim <= 0) {
    spec2::reportError(kTool, "--symbolic-dim must be positive");
    return 1;
  }
  if (emit == Emit::Bin && outputFile.empty()) {
    spec2::reportError(kTool, "no output file; use -o OUT.s2b");
    return 1;
  }

  mlir::MLIRContext context;
  context.disableMultithreading(); // the import is sequential anyway
  spec2::ToolDiagnostics diagnostics(context, kTool);
  spec2::ImportOptions options;
  options.symbolicDimValue = symbolicDim;

  auto phase = std::chrono::steady_clock::now();
  auto report = [&](StringRef what) {
    auto now = std::chrono::steady_clock::now();
    if (verbose)
      errs() << kTool << ": " << what << " in "
             << format("%.3f", std::chrono::duration<double>(now - phase).count())
             << " s\n";
    phase = now;
  };
  auto model = spec2::loadOnnxModel(inputFile);
  if (!model) {
    spec2::reportError(kTool, llvm::toString(model.takeError()));
    return 1;
  }
  report("parsed the ONNX protobuf");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      spec2::importOnnxModel(context, **model, inputFile, options);
  if (!module)
    return 1;
  size_t numOps = 0;
  module->walk([&](mlir::Operation *) { ++numOps; });
  report("imported " + std::to_string((*model)->graph().node_size()) +
         " ONNX nodes as " + std::to_string(numOps) + " MLIR ops");
  model->reset(); // the module holds its own copy of every weight

  if (!noCleanup && failed(spec2::runGraphCleanup(*module)))
    return 1;
  if (!noCleanup)
    report("cleaned up the graph");

  if (emit == Emit::Bin) {
    if (failed(spec2::verifyWeightsAreConstant(*module)))
      return 1;
    spec2::reportError(
        kTool, "compiling to an overlay program (.s2b) is not implemented "
               "yet; this version stops at the graph level (use "
               "--emit=graph). See docs/status.md");
    return 1;
  }

  std::string errorMessage;
  auto output = mlir::openOutputFile(outputFile.empty() ? std::string("-") : outputFile.getValue(),
                                     &errorMessage);
  if (!output) {
    spec2::reportError(kTool, errorMessage);
    return 1;
  }
  module->print(output->os());
  output->os().flush();
  if (output->os().has_error()) {
    spec2::reportError(kTool, "cannot write '" + outputFile + "'");
    return 1;
  }
  output->keep();
  report("printed the graph");
  return 0;
}
