//===- spec2c.cpp - The spec2c compiler driver ----------------------------===//
//
// spec2c MODEL.onnx -o OUT.s2b [--target CFG] [--calib=DATASET]
//        [--emit=graph|spectral|ovl|asm|bin] [--sparsity=R] [--fc-sparsity=R]
//        [--layer-sparsity=NAME=R,...] [--runtime-sparsity=R0,R1,...]
//        [--emit-level=K] [--dataflow=auto|...] [--no-fuse] [--report=F]
//
// A thin driver: import, then the registered pipelines (spec2-to-spectral,
// spec2-to-overlay), then binary emission, checked by the loader's verifier
// before anything is written. With --runtime-sparsity the second stage of
// spec2-to-spectral and spec2-to-overlay run once per level (RuntimeLevels.h).
//
//===----------------------------------------------------------------------===//

#include "spec2/Report/LayerReport.h"
#include "spec2/Report/EnergyReport.h"
#include "spec2/Export/OverlayExport.h"
#include "spec2/Report/PerformanceReport.h"
#include "spec2/Import/GraphChecks.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Target/Assembler.h"
#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/ProgramFormat.h"
#include "spec2/Target/ProgramVerifier.h"
#include "spec2/Pipelines/BatchCheck.h"
#include "spec2/Pipelines/Pipelines.h"
#include "spec2/Pipelines/RuntimeLevels.h"
#include "spec2/Report/LevelReport.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sys/resource.h>
#include <unistd.h>

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
// Choices are strings checked by checkOptions() before any work, so that a
// wrong one is reported as every spec2c error is ("spec2c: error: ...").
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
cl::list<double> runtimeSparsity(
    "runtime-sparsity",
    cl::desc("Compile nested pruning levels into one program, chosen when it "
             "runs (spec2-run --level=K): the conv sparsity of each, "
             "increasing from the first (level 0, the default); each level "
             "keeps a subset of the previous level's weights, refitted. "
             "Replaces --sparsity; --fc-sparsity and --layer-sparsity hold "
             "in every level"),
    cl::CommaSeparated, cl::value_desc("R0,R1,..."), cl::cat(category));
cl::opt<int> emitLevel(
    "emit-level",
    cl::desc("With --runtime-sparsity: emit only level K (pruned with the "
             "masks of the levels before it) as a program of one level"),
    cl::init(-1), cl::value_desc("K"), cl::cat(category));
cl::opt<std::string> dataflow(
    "dataflow",
    cl::desc("Conv dataflow: auto (per layer, lowest modeled latency), "
             "activation_reuse or kernel_reuse (every layer)"),
    cl::init("auto"), cl::cat(category));
cl::opt<std::string> engine(
    "engine",
    cl::desc("Engine of the convs both engines can run: auto (per layer, "
             "fewest modeled cycles), spectral or spatial; depthwise, "
             "grouped, dilated and larger-than-FFT kernels always run on "
             "the spatial engine"),
    cl::init("auto"), cl::cat(category));
cl::opt<std::string> layerEngine(
    "layer-engine",
    cl::desc("Per-layer engines, overriding --engine: NAME=E[,NAME=E...] "
             "(ONNX node names; E spectral or spatial)"),
    cl::init(""), cl::cat(category));
cl::opt<bool> noFuse(
    "no-fuse",
    cl::desc("Run every layer of the inverted-residual blocks one by one "
             "(default: fuse the blocks the cost model finds faster fused)"),
    cl::cat(category));
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
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Shape of a graph input, NAME=D0,D1,... (repeatable; fixes its "
             "symbolic dimensions, -1 keeps one as declared)"),
    cl::value_desc("name=dims"), cl::cat(category));
cl::opt<int64_t> maxInputElements(
    "max-input-elements",
    cl::desc("Largest graph input accepted, in elements (default 2^26)"),
    cl::init(int64_t(1) << 26), cl::cat(category));
cl::opt<bool> noCleanup(
    "no-cleanup",
    cl::desc("Print the graph exactly as imported (skip canonicalize/CSE)"),
    cl::cat(category));
cl::opt<bool> verbose(
    "v", cl::desc("Print phase timings and peak memory to stderr"),
    cl::cat(category));

constexpr StringRef kTool = "spec2c";

/// Writes the --report file, atomically as the output; on failure nothing
/// is left behind.
mlir::LogicalResult writeReport(llvm::json::Object report) {
  Error e = llvm::writeToOutput(reportFile, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
       << "\n";
    return Error::success();
  });
  if (e) {
    spec2::reportError(kTool, "cannot write '" + reportFile +
                                  "': " + llvm::toString(std::move(e)));
    return mlir::failure();
  }
  return mlir::success();
}

/// The checks of --runtime-sparsity and --emit-level; false after an error.
bool checkLevelOptions() {
  auto fail = [](const Twine &why) {
    spec2::reportError(kTool, why.str());
    return false;
  };
  if (runtimeSparsity.empty()) {
    if (emitLevel >= 0)
      return fail("--emit-level needs --runtime-sparsity");
    return true;
  }
  if (sparsity.getNumOccurrences())
    return fail("--runtime-sparsity gives each level its conv sparsity; "
                "drop --sparsity");
  if (runtimeSparsity.size() > spec2::isa::kMaxLevels)
    return fail("--runtime-sparsity: " + Twine(runtimeSparsity.size()) +
                " levels, the overlay's level table holds at most " +
                Twine(spec2::isa::kMaxLevels));
  for (size_t k = 0; k < runtimeSparsity.size(); ++k) {
    const double r = runtimeSparsity[k];
    if (!(r >= 0.0 && r < 1.0))
      return fail("--runtime-sparsity: level " + Twine(k) + "'s " +
                  std::to_string(r) + " is not in [0, 1)");
    if (k > 0 && !(r > runtimeSparsity[k - 1]))
      return fail("--runtime-sparsity must increase from level to level "
                  "(each level's zeros include the previous level's); "
                  "level " +
                  Twine(k) + " has " + std::to_string(r) + " after " +
                  std::to_string(runtimeSparsity[k - 1]));
  }
  if (emitLevel >= int(runtimeSparsity.size()))
    return fail("--emit-level=" + Twine(int(emitLevel)) +
                " is out of range: --runtime-sparsity has " +
                Twine(runtimeSparsity.size()) + " levels");
  if (emitLevel < 0 && emit != Emit::Bin && emit != Emit::Graph)
    return fail("--emit=asm, ovl and spectral show one level; with "
                "--runtime-sparsity give --emit-level=K");
  return true;
}

/// The checks of the options that cl::opt cannot make; false after an error.
bool checkOptions() {
  if (symbolicDim <= 0) {
    spec2::reportError(kTool, "--symbolic-dim must be positive");
    return false;
  }
  if (maxInputElements <= 0) {
    spec2::reportError(kTool, "--max-input-elements must be positive");
    return false;
  }
  if (emit == Emit::Bin && outputFile.empty()) {
    spec2::reportError(kTool, "no output file; use -o OUT.s2b");
    return false;
  }
  if (engine != "auto" && engine != "spectral" && engine != "spatial") {
    spec2::reportError(kTool, "--engine must be auto, spectral or spatial, "
                              "got '" + engine + "'");
    return false;
  }
  if (!spec2::parseDataflowPolicy(dataflow)) {
    spec2::reportError(kTool, "--dataflow must be auto, activation_reuse or "
                              "kernel_reuse, got '" +
                                  dataflow + "'");
    return false;
  }
  if (!spec2::parsePruneMethod(pruneMethod)) {
    spec2::reportError(kTool, "--prune-method must be obs, admm or "
                              "magnitude, got '" +
                                  pruneMethod + "'");
    return false;
  }
  for (auto [flag, value] :
       {std::pair<const char *, double>{"sparsity", sparsity},
        {"fc-sparsity", fcSparsity}})
    if (!(value >= 0.0 && value < 1.0)) {
      spec2::reportError(kTool, std::string("--") + flag +
                                    " must be in [0, 1), got " +
                                    std::to_string(value));
      return false;
    }
  return checkLevelOptions();
}

/// The process's resident memory now and at its peak so far, in MB.
std::string memoryUse() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  long pages = 0, residentPages = 0;
  if (FILE *f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &residentPages) != 2)
      residentPages = 0;
    std::fclose(f);
  }
  long residentMb = residentPages * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
  return "RSS " + std::to_string(residentMb) + " MB, peak " +
         std::to_string((usage.ru_maxrss + 512) / 1024) + " MB";
}

/// With -v, how long each phase took and the memory it left resident
/// (where a model's memory goes).
class PhaseTimer {
public:
  void operator()(StringRef what) {
    auto now = std::chrono::steady_clock::now();
    if (verbose)
      errs() << kTool << ": " << what << " in "
             << format("%.3f",
                       std::chrono::duration<double>(now - phase).count())
             << " s (" << memoryUse() << ")\n";
    phase = now;
  }

private:
  std::chrono::steady_clock::time_point phase =
      std::chrono::steady_clock::now();
};

/// With -v, the same line per pass of the pipelines (calibration, lowering,
/// tiling... each on its own line).
class PassMemoryInstrumentation : public mlir::PassInstrumentation {
public:
  void runBeforePass(mlir::Pass *, mlir::Operation *) override {
    start = std::chrono::steady_clock::now();
  }
  void runAfterPass(mlir::Pass *pass, mlir::Operation *) override {
    if (pass->getArgument().empty())
      return; // a pass manager's adaptor: its passes have their own lines
    errs() << kTool << ":   pass " << pass->getArgument() << " in "
           << format("%.3f", std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count())
           << " s (" << memoryUse() << ")\n";
  }

private:
  std::chrono::steady_clock::time_point start;
};

/// -v's per-pass lines on `pm`.
void instrument(mlir::PassManager &pm) {
  if (verbose)
    pm.addInstrumentation(std::make_unique<PassMemoryInstrumentation>());
}

/// The graph inputs' batch (spec2::graphInputBatch): the program runs that
/// many images, one after the other.
int64_t imageBatch = 1;

/// The ONNX model as graph IR, cleaned up unless --no-cleanup.
mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &context,
                                              PhaseTimer &report) {
  spec2::ImportOptions options;
  options.symbolicDimValue = symbolicDim;
  options.maxInputElements = maxInputElements;
  for (const std::string &spec : inputShapes)
    if (Error e = spec2::addInputShape(options, spec)) {
      spec2::reportError(kTool, llvm::toString(std::move(e)));
      return nullptr;
    }
  auto model = spec2::loadOnnxModel(inputFile);
  if (!model) {
    spec2::reportError(kTool, llvm::toString(model.takeError()));
    return nullptr;
  }
  report("parsed the ONNX protobuf");
  // A batch of N: the graph as one image, the program run N times (the
  // graph IR itself keeps the model's batch).
  imageBatch =
      emit == Emit::Graph ? 1 : spec2::graphInputBatch(**model, options);
  if (imageBatch > 1)
    options.batchOne = true;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      spec2::importOnnxModel(context, **model, inputFile, options);
  if (!module)
    return nullptr;
  if (imageBatch > 1) {
    // Only a model that keeps its images apart may run them one by one.
    spec2::ImportOptions asDeclared = options;
    asDeclared.batchOne = false;
    mlir::OwningOpRef<mlir::ModuleOp> batched =
        spec2::importOnnxModel(context, **model, inputFile, asDeclared);
    if (!batched)
      return nullptr;
    if (Error e = spec2::checkImagesIndependent(*batched, *module, imageBatch)) {
      // Compiled as declared: what needs batch 1 is refused there.
      if (verbose)
        errs() << kTool << ": batch of " << imageBatch
               << " not run image by image: " << llvm::toString(std::move(e))
               << "\n";
      imageBatch = 1;
      module = std::move(batched);
    } else {
      report("checked that the batch's images run apart");
      if (verbose)
        errs() << kTool << ": batch of " << imageBatch
               << ": compiled for one image; the program runs the images "
                  "one after the other\n";
    }
  }
  size_t numOps = 0;
  module->walk([&](mlir::Operation *) { ++numOps; });
  report("imported " + std::to_string((*model)->graph().node_size()) +
         " ONNX nodes as " + std::to_string(numOps) + " MLIR ops");
  model->reset(); // the module holds its own copy of every weight
  if (noCleanup)
    return module;
  if (failed(spec2::runGraphCleanup(*module)))
    return nullptr;
  spec2::releaseUnreferencedBlobs(&context, {module->getOperation()});
  report("cleaned up the graph");
  return module;
}

/// The pipeline options from the command line.
void setCompileOptions(spec2::CompileOptions &copts) {
  copts.calib = calib.empty() ? std::string("random") : calib.getValue();
  copts.calibCount = calibCount;
  copts.target = targetSpec;
  copts.sparsity = sparsity;
  copts.pruneMethod = *spec2::parsePruneMethod(pruneMethod);
  copts.fcSparsity = fcSparsity;
  copts.layerSparsity = layerSparsity;
  copts.dataflow = *spec2::parseDataflowPolicy(dataflow);
  copts.engine = engine;
  copts.layerEngine = layerEngine;
  copts.fuse = !noFuse;
  copts.runtimeSparsity = llvm::ArrayRef<double>(
      std::vector<double>(runtimeSparsity.begin(), runtimeSparsity.end()));
}

/// Writes `write`'s output to -o (stdout without it) through a temporary
/// file renamed when complete: an error, a kill or running out of memory
/// leaves no empty or truncated output behind. `after` (the report) runs
/// before the rename.
mlir::LogicalResult
writeOutput(llvm::function_ref<void(llvm::raw_ostream &)> write,
            llvm::function_ref<mlir::LogicalResult()> after = nullptr) {
  std::string path = outputFile.empty() ? std::string("-") : outputFile;
  bool afterFailed = false;
  Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) -> Error {
    write(os);
    if (after && failed(after())) {
      afterFailed = true; // reported by `after`
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "");
    }
    return Error::success();
  });
  if (!e)
    return mlir::success();
  std::string msg = llvm::toString(std::move(e));
  if (!afterFailed)
    spec2::reportError(kTool, msg);
  return mlir::failure();
}

/// The module's IR, to -o or stdout.
mlir::LogicalResult printIR(mlir::ModuleOp module, PhaseTimer &report) {
  if (failed(writeOutput([&](llvm::raw_ostream &os) { module.print(os); })))
    return mlir::failure();
  report("printed the IR");
  return mlir::success();
}

/// The loader's checks, run on our own output: a failure here is a
/// compiler bug, never the user's.
mlir::LogicalResult checkLikeTheLoader(const spec2::Program &program,
                                       const spec2::NamedOverlayConfig &target) {
  if (Error e = spec2::verifyProgram(program, target)) {
    spec2::reportError(kTool, "internal error: the generated program "
                              "fails verification: " +
                                  toString(std::move(e)));
    return mlir::failure();
  }
  return mlir::success();
}

/// The overlay program of the compiled module, checked by the loader's
/// verifier, written as assembler text or binary, and the report.
mlir::LogicalResult emitProgram(mlir::ModuleOp module,
                                const spec2::NamedOverlayConfig &target,
                                std::optional<llvm::json::Object> layerReport,
                                PhaseTimer &report) {
  auto program = spec2::exportProgram(module);
  if (failed(program))
    return mlir::failure();
  std::vector<std::string> layers = spec2::instructionLayers(module);
  if (imageBatch > 1) {
    auto batched = spec2::batchProgram(*program, uint32_t(imageBatch));
    if (!batched) {
      spec2::reportError(kTool, inputFile + ": " +
                                    llvm::toString(batched.takeError()));
      return mlir::failure();
    }
    *program = std::move(*batched);
    // The per-instruction layers as the program repeats them.
    std::vector<std::string> one = std::move(layers);
    for (int64_t i = 0; i < imageBatch; ++i)
      layers.insert(layers.end(), one.begin(), one.end());
  }
  if (failed(checkLikeTheLoader(*program, target)))
    return mlir::failure();
  auto write = [&](llvm::raw_ostream &os) {
    if (emit == Emit::Asm) {
      spec2::printProgram(*program, os, asmData);
      return;
    }
    std::vector<uint8_t> bytes = spec2::writeProgram(*program);
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  };
  auto writeReportFile = [&]() -> mlir::LogicalResult {
    if (!layerReport)
      return mlir::success();
    spec2::addPerformance(*layerReport, *program, layers, target);
    spec2::addEnergy(*layerReport, *program, layers, target);
    return writeReport(std::move(*layerReport));
  };
  if (failed(writeOutput(write, writeReportFile)))
    return mlir::failure();
  report("wrote " + std::to_string(program->insns.size()) + " instructions");
  return mlir::success();
}

/// The full report of one compiled level: layers, performance, energy.
llvm::json::Object levelReport(spec2::CompiledLevel &level,
                               const spec2::Program &program, unsigned k,
                               const spec2::NamedOverlayConfig &target) {
  llvm::json::Object r =
      spec2::buildLayerReport(level.spectral->lookupSymbol<mlir::func::FuncOp>(
          "main"));
  const spec2::Program alone = program.levelProgram(k);
  const std::vector<std::string> layers =
      spec2::instructionLayers(*level.program);
  spec2::addPerformance(r, alone, layers, target);
  spec2::addEnergy(r, alone, layers, target);
  return r;
}

/// The program of every runtime level, checked by the loader's verifier,
/// written with the report: level 0's full figures at the top, each level's
/// in runtime_levels.
mlir::LogicalResult emitLevels(std::vector<spec2::CompiledLevel> &levels,
                               const spec2::NamedOverlayConfig &target,
                               PhaseTimer &report) {
  std::vector<spec2::Program> programs;
  std::vector<uint32_t> ppm;
  for (spec2::CompiledLevel &l : levels) {
    auto p = spec2::exportProgram(*l.program);
    if (failed(p))
      return mlir::failure();
    programs.push_back(std::move(*p));
    ppm.push_back(uint32_t(std::lround(l.sparsity * 1e6)));
  }
  auto program = spec2::combineLevels(std::move(programs), ppm);
  if (!program) {
    spec2::reportError(kTool, "internal error: " +
                                  toString(program.takeError()));
    return mlir::failure();
  }
  if (failed(checkLikeTheLoader(*program, target)))
    return mlir::failure();
  std::vector<uint8_t> bytes = spec2::writeProgram(*program);
  auto write = [&](llvm::raw_ostream &os) {
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  };
  auto writeReportFile = [&]() -> mlir::LogicalResult {
    if (reportFile.empty())
      return mlir::success();
    llvm::json::Object top = levelReport(levels[0], *program, 0, target);
    llvm::json::Array rows;
    uint64_t separate = 0;
    for (unsigned k = 0; k < levels.size(); ++k) {
      llvm::json::Object row = spec2::summarizeLevel(
          *program, k,
          k == 0 ? top : levelReport(levels[k], *program, k, target));
      const uint64_t alone = spec2::standaloneProgramBytes(*program, k);
      row["program_bytes_alone"] = int64_t(alone);
      separate += alone;
      rows.push_back(std::move(row));
    }
    top["runtime_levels"] = std::move(rows);
    top["program_bytes"] = llvm::json::Object{
        {"levels_in_one", int64_t(bytes.size())},
        {"levels_one_by_one", int64_t(separate)}};
    return writeReport(std::move(top));
  };
  if (failed(writeOutput(write, writeReportFile)))
    return mlir::failure();
  report("wrote " + std::to_string(levels.size()) + " runtime levels, " +
         std::to_string(program->insns.size()) + " instructions");
  return mlir::success();
}

/// --runtime-sparsity: the levels, as one program or (--emit-level) one of
/// them as a program of its own.
mlir::LogicalResult compileLevels(mlir::ModuleOp module,
                                  const spec2::NamedOverlayConfig &target,
                                  PhaseTimer &report) {
  spec2::CompileOptions copts;
  setCompileOptions(copts);
  spec2::LevelPlan plan;
  plan.last = emitLevel >= 0 ? unsigned(emitLevel)
                             : unsigned(runtimeSparsity.size() - 1);
  plan.alone = emitLevel >= 0;
  plan.lower = emit != Emit::Spectral;
  auto levels = spec2::compileRuntimeLevels(module, copts, plan);
  if (failed(levels))
    return mlir::failure();
  report("compiled " + std::to_string(levels->size()) + " runtime levels");
  if (emitLevel < 0)
    return emitLevels(*levels, target, report);
  // One level alone: as a program without levels.
  spec2::CompiledLevel &level = levels->back();
  std::optional<llvm::json::Object> layerReport;
  if (!reportFile.empty())
    layerReport = spec2::buildLayerReport(
        level.spectral->lookupSymbol<mlir::func::FuncOp>("main"));
  if (emit == Emit::Spectral)
    return printIR(*level.spectral, report);
  if (emit == Emit::Ovl)
    return printIR(*level.program, report);
  return emitProgram(*level.program, target, std::move(layerReport), report);
}

/// Graph IR -> spectral IR -> overlay program, as far as --emit asks; the
/// program (or the IR of the last level) is written.
mlir::LogicalResult compile(mlir::ModuleOp module, PhaseTimer &report) {
  if (failed(spec2::verifyWeightsAreConstant(module)))
    return mlir::failure();
  auto target = spec2::resolveTarget(targetSpec);
  if (!target) {
    spec2::reportError(kTool, toString(target.takeError()));
    return mlir::failure();
  }
  // Every op the overlay cannot run, before calibration or any heavy work.
  if (emit != Emit::Spectral) {
    if (failed(spec2::checkOverlaySupport(module, targetSpec)))
      return mlir::failure();
    report("checked that the overlay runs every op");
  }
  if (!runtimeSparsity.empty() && imageBatch > 1) {
    spec2::reportError(kTool, inputFile + ": runtime levels (--runtime-sparsity) "
                                          "need a model of batch 1; this one has " +
                                          std::to_string(imageBatch));
    return mlir::failure();
  }
  if (!runtimeSparsity.empty())
    return compileLevels(module, *target, report);
  spec2::CompileOptions copts;
  setCompileOptions(copts);
  mlir::PassManager spectralPm(module.getContext());
  if (failed(mlir::applyPassManagerCLOptions(spectralPm)))
    return mlir::failure();
  mlir::applyDefaultTimingPassManagerCLOptions(spectralPm);
  instrument(spectralPm);
  spec2::releaseDeadWeightsAfterPasses(spectralPm, module);
  spec2::populateSpectralPipeline(spectralPm, copts);
  if (failed(spectralPm.run(module)))
    return mlir::failure();
  report("calibrated, lowered to spectral layers and quantised");
  std::optional<llvm::json::Object> layerReport;
  if (!reportFile.empty())
    if (auto main = module.lookupSymbol<mlir::func::FuncOp>("main"))
      layerReport = spec2::buildLayerReport(main);
  if (emit != Emit::Spectral) {
    mlir::PassManager overlayPm(module.getContext());
    if (failed(mlir::applyPassManagerCLOptions(overlayPm)))
      return mlir::failure();
    mlir::applyDefaultTimingPassManagerCLOptions(overlayPm);
    instrument(overlayPm);
    spec2::releaseDeadWeightsAfterPasses(overlayPm, module);
    spec2::populateOverlayPipeline(overlayPm, copts);
    if (failed(overlayPm.run(module)))
      return mlir::failure();
    report("generated the overlay program for '" + target->name + "'");
  }
  if (emit == Emit::Asm || emit == Emit::Bin)
    return emitProgram(module, *target, std::move(layerReport), report);
  return printIR(module, report);
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // --mlir-timing and friends: where compile time goes, per pass.
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv,
      "spec2c: compile ONNX CNNs for the SPEC2 spectral-sparse overlay\n");
  if (!checkOptions())
    return 1;

  mlir::MLIRContext context;
  context.disableMultithreading(); // the import is sequential anyway
  spec2::ToolDiagnostics diagnostics(context, kTool);
  PhaseTimer report;
  mlir::OwningOpRef<mlir::ModuleOp> module = importModel(context, report);
  if (!module)
    return 1;
  if (emit == Emit::Graph)
    return failed(printIR(*module, report)) ? 1 : 0;
  return failed(compile(*module, report)) ? 1 : 0;
}
