//===- spec2c.cpp - The spec2c compiler driver ----------------------------===//
//
// spec2c MODEL.onnx -o OUT.s2b [--target CFG] [--calib=DATASET]
//        [--emit=graph|spectral|ovl|asm|bin] [--sparsity=R] [--fc-sparsity=R]
//        [--layer-sparsity=NAME=R,...] [--dataflow=auto|...] [--report=F]
//
// A thin driver: import, then the registered pipelines (spec2-to-spectral,
// spec2-to-overlay), then binary emission, checked by the loader's verifier
// before anything is written.
//
//===----------------------------------------------------------------------===//

#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Report/LayerReport.h"
#include "spec2/Export/OverlayExport.h"
#include "spec2/Report/PerformanceReport.h"
#include "spec2/Import/GraphChecks.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Target/Assembler.h"
#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/ProgramFormat.h"
#include "spec2/Target/ProgramVerifier.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"

#include "onnx/onnx_pb.h"

#include <chrono>
#include <optional>

using namespace llvm;

namespace {

enum class Emit { Graph, Spectral, Ovl, Asm, Bin };

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
               clEnumValN(Emit::Spectral, "spectral",
                          "spectral-layer MLIR, calibrated and quantised"),
               clEnumValN(Emit::Ovl, "ovl", "overlay-dialect MLIR program"),
               clEnumValN(Emit::Asm, "asm", "overlay assembler text"),
               clEnumValN(Emit::Bin, "bin", "overlay program (.s2b)")),
    cl::cat(category));
cl::opt<std::string> targetSpec(
    "target",
    cl::desc("Overlay configuration: a name in hw/configs (u200, small) or a "
             ".json file"),
    cl::value_desc("cfg"), cl::init(spec2::kDefaultTarget.str()),
    cl::cat(category));
cl::opt<std::string> calib(
    "calib",
    cl::desc("Calibration data: fashion-mnist[:DIR] (training images) or a "
             "directory of .npy/.pb inputs; without it, random inputs in "
             "[0, 1] (a warning says so)"),
    cl::value_desc("dataset"), cl::init(""), cl::cat(category));
cl::opt<unsigned>
    calibCount("calib-count",
               cl::desc("Calibration inputs to run (default 256)"),
               cl::init(256), cl::cat(category));
cl::opt<double> sparsity(
    "sparsity",
    cl::desc("Fraction of spectral conv weights to prune, balanced for the "
             "MAC lanes: per output channel and input lane (obs) or per "
             "channel pair (admm, magnitude); see --prune-method"),
    cl::init(0.0), cl::cat(category));
cl::opt<std::string> pruneMethod(
    "prune-method",
    cl::desc("With --sparsity / --fc-sparsity: obs (greedy optimal brain "
             "surgeon on the calibration data, default), admm (ADMM on the "
             "calibration data) or magnitude (the baseline)"),
    cl::init("obs"), cl::cat(category));
cl::opt<double> fcSparsity(
    "fc-sparsity",
    cl::desc("Fraction of fully-connected weights to prune, the same number "
             "kept in every row (see --prune-method)"),
    cl::init(0.0), cl::cat(category));
cl::opt<std::string> layerSparsity(
    "layer-sparsity",
    cl::desc("Per-layer sparsity by ONNX node name, overriding --sparsity "
             "and --fc-sparsity: NAME=R[,NAME=R...] (names as in --report)"),
    cl::value_desc("list"), cl::init(""), cl::cat(category));
cl::opt<std::string> dataflow(
    "dataflow",
    cl::desc("Conv dataflow: auto (per layer, lowest modeled latency), "
             "activation_reuse or kernel_reuse (every layer)"),
    cl::init("auto"), cl::cat(category));
cl::opt<std::string> reportFile(
    "report",
    cl::desc(
        "Write per-layer figures as JSON: weights, non-zeros, MACs, weight "
        "bytes, and for a program the modeled cycles, DDR bytes, bank "
        "stalls, dataflow and DSP use; totals (docs/user-guide.md)"),
    cl::value_desc("file.json"), cl::init(""), cl::cat(category));
cl::opt<bool> asmData("asm-data",
                      cl::desc("With --emit=asm: include the segment bytes"),
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

/// Writes the --report file; on failure nothing is left behind.
mlir::LogicalResult writeReport(llvm::json::Object report) {
  std::string errorMessage;
  auto out = mlir::openOutputFile(reportFile, &errorMessage);
  if (!out) {
    spec2::reportError(kTool, errorMessage);
    return mlir::failure();
  }
  out->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
            << "\n";
  out->os().flush();
  if (out->os().has_error()) {
    spec2::reportError(kTool, "cannot write '" + reportFile + "'");
    return mlir::failure();
  }
  out->keep();
  return mlir::success();
}

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
  if (dataflow != "auto" && !spec2::parseDataflow(dataflow)) {
    spec2::reportError(kTool, "--dataflow must be auto, activation_reuse or "
                              "kernel_reuse, got '" +
                                  dataflow + "'");
    return 1;
  }
  for (auto [flag, value] :
       {std::pair<const char *, double>{"sparsity", sparsity},
        {"fc-sparsity", fcSparsity}})
    if (!(value >= 0.0 && value < 1.0)) {
      spec2::reportError(kTool, std::string("--") + flag +
                                    " must be in [0, 1), got " +
                                    std::to_string(value));
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
             << format("%.3f",
                       std::chrono::duration<double>(now - phase).count())
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

  if (emit != Emit::Graph) {
    if (failed(spec2::verifyWeightsAreConstant(*module)))
      return 1;
    auto target = spec2::resolveTarget(targetSpec);
    if (!target) {
      spec2::reportError(kTool, toString(target.takeError()));
      return 1;
    }
    spec2::CompileOptions copts;
    copts.calib = calib.empty() ? std::string("random") : calib.getValue();
    copts.calibCount = calibCount;
    copts.target = targetSpec;
    copts.sparsity = sparsity;
    copts.pruneMethod = pruneMethod;
    copts.fcSparsity = fcSparsity;
    copts.layerSparsity = layerSparsity;
    copts.dataflow = dataflow;
    mlir::PassManager spectralPm(&context);
    spec2::populateSpectralPipeline(spectralPm, copts);
    if (failed(spectralPm.run(*module)))
      return 1;
    report("calibrated, lowered to spectral layers and quantised");
    std::optional<llvm::json::Object> layerReport;
    if (!reportFile.empty())
      if (auto main = module->lookupSymbol<mlir::func::FuncOp>("main"))
        layerReport = spec2::buildLayerReport(main);
    if (emit != Emit::Spectral) {
      mlir::PassManager overlayPm(&context);
      spec2::populateOverlayPipeline(overlayPm, copts);
      if (failed(overlayPm.run(*module)))
        return 1;
      report("generated the overlay program for '" + target->name + "'");
    }
    if (emit == Emit::Asm || emit == Emit::Bin) {
      auto program = spec2::exportProgram(*module);
      if (failed(program))
        return 1;
      // The loader's checks, run on our own output: a failure here is a
      // compiler bug, never the user's.
      if (Error e = spec2::verifyProgram(*program, *target)) {
        spec2::reportError(kTool, "internal error: the generated program "
                                  "fails verification: " +
                                      toString(std::move(e)));
        return 1;
      }
      std::string errorMessage;
      auto output = mlir::openOutputFile(
          outputFile.empty() ? std::string("-") : outputFile.getValue(),
          &errorMessage);
      if (!output) {
        spec2::reportError(kTool, errorMessage);
        return 1;
      }
      if (emit == Emit::Asm) {
        spec2::printProgram(*program, output->os(), asmData);
      } else {
        std::vector<uint8_t> bytes = spec2::writeProgram(*program);
        output->os().write(reinterpret_cast<const char *>(bytes.data()),
                           bytes.size());
      }
      output->os().flush();
      if (output->os().has_error()) {
        spec2::reportError(kTool, "cannot write '" + outputFile + "'");
        return 1;
      }
      if (layerReport) {
        spec2::addPerformance(*layerReport, *program,
                              spec2::instructionLayers(*module), *target);
        if (failed(writeReport(std::move(*layerReport))))
          return 1;
      }
      output->keep();
      report("wrote " + std::to_string(program->insns.size()) +
             " instructions");
      return 0;
    }
  }
  std::string errorMessage;
  auto output = mlir::openOutputFile(outputFile.empty() ? std::string("-")
                                                        : outputFile.getValue(),
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
  report("printed the IR");
  return 0;
}
