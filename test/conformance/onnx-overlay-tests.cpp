//===- onnx-overlay-tests.cpp - ONNX node tests compiled for the overlay --===//
//
// Every ONNX backend node test whose operators are all ones the overlay is
// meant to run (Conv, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul,
// Relu, Add, Flatten, Reshape, Clip, BatchNormalization, Mul) goes through
// the whole compiler, the loader and the C-simulation:
//
//   import -> graph clean-up -> spec2-to-spectral -> spec2-to-overlay ->
//   exportProgram -> LoadedProgram::load (verifier) -> run on the simulator
//
// and its first data set's output is compared with the stored one.
//
// Binding. The first graph input is the data input; every other input (a
// Conv's W and B, a Gemm's B and C, Reshape's shape, Clip's bounds, Add's
// second operand) is bound from the test's own data as a constant through
// ImportOptions::constantInputs.
//
// Calibration. The activation ranges come from the test's own input: the
// registered pipeline runs unchanged, and right after its spec2-calibrate
// pass (given one random input, the pipeline's only source besides
// Fashion-MNIST) a pass instrumentation recomputes every spec2.absmax exactly
// as that pass does, from a reference run on the test input. --calib=random
// instead keeps the pipeline's random [0, 1] calibration (--calib-count
// inputs), for comparison only: the node tests' inputs are not in [0, 1].
//
// Tolerance. The overlay computes in int16 fixed point, so outputs are
// compared as
//
//   |got - want| <= atol_rel * max|want| + 2^-frac_out
//
// with atol_rel = 2% (the logit criterion) and frac_out the fraction
// bits of the program's output tensor (one output quantum for rounding).
//
// Outcomes. PASS and FAIL; UNSUPPORTED when the importer or the compiler
// refuses the model with a diagnostic (dilations, 3-D, integer types,
// batched Gemm, ...): the reasons are summarised at the end. A program that
// the compiler emits but the loader's verifier refuses, that fails on the
// simulator, or that computes wrong values is a FAIL. Prints one line per
// test (-v adds the unsupported ones with the compiler's message) and
// "onnx-overlay-tests: N passed, N failed, N unsupported"; exits non-zero on
// any failure.
//
//===----------------------------------------------------------------------===//

#include "NodeTestFiles.h"
#include "spec2/Export/OverlayExport.h"
#include "spec2/Import/GraphChecks.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Runtime/LoadedProgram.h"
#include "spec2/Support/TensorIO.h"
#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Pipelines/BatchCheck.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <chrono>
#include <cmath>
#include <map>

using namespace llvm;

namespace {

constexpr const char *kTool = "onnx-overlay-tests";
constexpr const char *kNodeTests = "/usr/share/libonnx-testdata/data/node";

cl::list<std::string>
    roots(cl::Positional,
          cl::desc("<test directories> (default: ONNX's node tests)"));
cl::opt<std::string> filter("filter", cl::desc("Only tests matching regex"),
                            cl::init(""));
cl::list<std::string>
    targets("target", cl::CommaSeparated,
            cl::desc("Overlay configurations to compile for (default: small)"));
cl::opt<std::string>
    calibMode("calib",
              cl::desc("Calibration: test-input (default) or random (the "
                       "pipeline's uniform [0, 1] fallback)"),
              cl::init("test-input"));
cl::opt<unsigned> calibCount("calib-count",
                             cl::desc("Random calibration inputs"),
                             cl::init(8));
cl::opt<double> atolRel("atol-rel", cl::init(0.02),
                        cl::desc("Tolerance relative to max|want|"));
cl::opt<bool> verbose("v", cl::desc("Also list unsupported tests and why"));

/// The operators the overlay is meant to run.
const StringSet<> &overlayOps() {
  static const StringSet<> ops{
      "Conv",    "MaxPool", "AveragePool", "GlobalAveragePool",
      "Gemm",    "MatMul",  "Relu",        "Add",
      "Flatten", "Reshape", "Clip",        "BatchNormalization",
      "Mul",     "Concat",  "Split",       "Transpose",
      // Element-wise functions of one activation: the vector unit's LUT.
      "Tanh",    "Sigmoid", "Elu",         "LeakyRelu",
      "HardSigmoid", "HardSwish", "Sqrt",  "Softplus",
      "Softsign", "Selu",   "Celu",        "ThresholdedRelu",
      "Pow",     "Exp",     "Log",         "Reciprocal",
      // Over the channels, on the vector unit (VEC.softmax).
      "Softmax", "LogSoftmax"};
  return ops;
}

enum class Outcome { Pass, Fail, Unsupported };

struct Result {
  Outcome outcome;
  /// The failure or refusal, or for a pass the error summary.
  std::string message;
  /// max |got - want| / max |want| over all outputs (passes and value
  /// failures).
  double relErr = 0;
};

using spec2::conformance::sortedDir;

/// Collects the error diagnostics of one test (with the node they name).
class ErrorCollector {
public:
  explicit ErrorCollector(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &d) {
          if (d.getSeverity() != mlir::DiagnosticSeverity::Error)
            return mlir::success();
          std::string where;
          if (auto name = dyn_cast<mlir::NameLoc>(d.getLocation()))
            where = name.getName().str() + ": ";
          if (!text.empty())
            text += "; ";
          text += where + d.str();
          for (const mlir::Diagnostic &note : d.getNotes())
            text += " (" + note.str() + ")";
          return mlir::success();
        }) {}
  /// All errors so far, "" if none.
  std::string take() { return std::exchange(text, std::string()); }

private:
  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

float absMax(ArrayRef<float> values) {
  float m = 0;
  for (float v : values)
    m = std::max(m, std::fabs(v));
  return m;
}

/// Replaces the ranges spec2-calibrate recorded with those of one reference
/// run on the test's input, the same way that pass records them: the largest
/// magnitude of every op's result and of every argument.
class TestInputCalibration : public mlir::PassInstrumentation {
public:
  /// One entry per run (a batch's images run one by one).
  explicit TestInputCalibration(std::vector<std::vector<spec2::Tensor>> runs)
      : runs(std::move(runs)) {}

  void runAfterPass(mlir::Pass *pass, mlir::Operation *op) override {
    if (pass->getArgument() != "spec2-calibrate")
      return;
    applied = true;
    auto module = cast<mlir::ModuleOp>(op);
    auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
    auto exec = spec2::ReferenceExecutor::create(module);
    if (!main || failed(exec)) {
      error = "cannot run the graph for calibration";
      return;
    }
    llvm::DenseMap<mlir::Operation *, float> ranges;
    for (const std::vector<spec2::Tensor> &inputs : runs) {
      auto out = exec->run(inputs, [&](mlir::Operation *o, ArrayRef<float> v) {
        float &m = ranges[o];
        m = std::max(m, absMax(v));
      });
      if (!out) {
        error = "calibration run: " + toString(out.takeError());
        return;
      }
    }
    mlir::Builder b(module.getContext());
    main.walk([&](mlir::Operation *o) { o->removeAttr("spec2.absmax"); });
    for (auto [o, m] : ranges)
      o->setAttr("spec2.absmax", b.getF32FloatAttr(m));
    for (unsigned a = 0; a < main.getNumArguments(); ++a) {
      float m = 0;
      for (const std::vector<spec2::Tensor> &inputs : runs)
        m = std::max(m, absMax(inputs[a].f32));
      main.setArgAttr(a, "spec2.absmax", b.getF32FloatAttr(m));
    }
  }

  bool applied = false;
  std::string error;

private:
  std::vector<std::vector<spec2::Tensor>> runs;
};

/// An overlay configuration as given on the command line and as resolved.
struct Target {
  std::string spec;
  spec2::NamedOverlayConfig config;
};

/// Compiles the imported `module` for `target` and runs `data` on the
/// C-simulation; compares with `expected`.
Result compileAndRun(mlir::ModuleOp module, ErrorCollector &errors,
                     const Target &target, const spec2::Tensor &data,
                     const std::vector<spec2::Tensor> &expected,
                     int64_t batch) {
  auto refused = [&](StringRef stage) {
    return Result{Outcome::Unsupported, (stage + ": " + errors.take()).str()};
  };
  auto broken = [&](const Twine &message) {
    return Result{Outcome::Fail, message.str()};
  };
  if (mlir::failed(spec2::verifyWeightsAreConstant(module)))
    return refused("weights");

  spec2::CompileOptions copts;
  const bool ownCalibration = calibMode == "test-input";
  copts.calib = "random";
  copts.calibCount = ownCalibration ? 1 : calibCount;
  copts.target = target.spec;
  mlir::PassManager spectralPm(module.getContext());
  spec2::populateSpectralPipeline(spectralPm, copts);
  TestInputCalibration *calibration = nullptr;
  if (ownCalibration) {
    std::vector<std::vector<spec2::Tensor>> runs;
    for (int64_t i = 0; i < batch; ++i)
      runs.push_back({batch > 1 ? spec2::imageOf(data, i, batch) : data});
    auto owned = std::make_unique<TestInputCalibration>(std::move(runs));
    calibration = owned.get();
    spectralPm.addInstrumentation(std::move(owned));
  }
  const bool spectralOk = mlir::succeeded(spectralPm.run(module));
  if (ownCalibration && !calibration->error.empty())
    return broken(calibration->error);
  if (ownCalibration && !calibration->applied)
    return broken("the spectral pipeline ran no spec2-calibrate pass, so the "
                  "test input's ranges were never applied");
  if (!spectralOk)
    return refused("spectral");
  mlir::PassManager overlayPm(module.getContext());
  spec2::populateOverlayPipeline(overlayPm, copts);
  if (mlir::failed(overlayPm.run(module))) {
    std::string message = errors.take();
    if (StringRef(message).contains("internal error"))
      return broken("overlay: " + message);
    return Result{Outcome::Unsupported, "overlay: " + message};
  }
  auto program = spec2::exportProgram(module);
  if (mlir::failed(program))
    return broken("export: " + errors.take());
  if (batch > 1) {
    auto batched = spec2::batchProgram(*program, uint32_t(batch));
    if (!batched)
      return Result{Outcome::Unsupported, toString(batched.takeError())};
    *program = std::move(*batched);
  }
  std::vector<spec2::TensorDesc> outDescs = program->outputs;
  auto loaded = spec2::LoadedProgram::load(std::move(*program));
  if (!loaded)
    return broken("the loader refuses the compiled program: " +
                  toString(loaded.takeError()));
  auto device = loaded->openDevice();
  if (!device)
    return broken("device: " + toString(device.takeError()));
  auto inference = loaded->run(**device, {data});
  if (!inference)
    return broken("run: " + toString(inference.takeError()));
  if (inference->outputs.size() != expected.size())
    return broken(formatv("{0} outputs, expected {1}",
                          inference->outputs.size(), expected.size()));

  Result r{Outcome::Pass, ""};
  for (size_t o = 0; o < expected.size(); ++o) {
    const spec2::Tensor &got = inference->outputs[o];
    std::vector<float> want = expected[o].asFloats();
    if (got.numElements() != int64_t(want.size()))
      return broken(formatv("output {0} has shape {1}, expected {2}", o,
                            spec2::formatShape(got.shape),
                            spec2::formatShape(expected[o].shape)));
    const double maxWant = absMax(want);
    const double quantum = std::ldexp(1.0, -outDescs[o].fracBits);
    const double bound = atolRel * maxWant + quantum;
    double maxErr = 0;
    size_t worst = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      double e = std::fabs(double(got.f32[i]) - double(want[i]));
      if (!(e <= maxErr)) { // NaN counts as worst
        maxErr = e;
        worst = i;
      }
    }
    const double rel = maxWant > 0 ? maxErr / maxWant : maxErr;
    r.relErr = std::max(r.relErr, rel);
    if (!(maxErr <= bound))
      return Result{
          Outcome::Fail,
          formatv("output {0} {1}: [{2}] = {3:e}, expected {4:e}; max error "
                  "{5:e} = {6:P} of max|want| {7:e}, bound {8:e} "
                  "(frac_out {9})",
                  o, spec2::formatShape(got.shape), worst, got.f32[worst],
                  want[worst], maxErr, rel, maxWant, bound,
                  int(outDescs[o].fracBits))
              .str(),
          r.relErr};
    if (!r.message.empty())
      r.message += ", ";
    r.message += formatv("output {0} {1}: max error {2:P} of max|want| {3:f3} "
                         "(frac_out {4})",
                         o, spec2::formatShape(got.shape), rel, maxWant,
                         int(outDescs[o].fracBits))
                     .str();
  }
  return r;
}

/// Runs one test directory for every target; `results` gets one entry per
/// target, or nothing if the test uses operators outside the overlay's set.
void runTest(StringRef dir, const std::vector<Target> &configs,
             std::vector<Result> &results) {
  std::string modelPath = (dir + "/model.onnx").str();
  auto model = spec2::loadOnnxModel(modelPath);
  if (!model) {
    consumeError(model.takeError());
    return; // onnx-node-tests reports unreadable models
  }
  const onnx::GraphProto &graph = (*model)->graph();
  for (const auto &node : graph.node())
    if (!overlayOps().contains(node.op_type()) ||
        (!node.domain().empty() && node.domain() != "ai.onnx"))
      return;
  std::vector<std::string> sets = sortedDir(dir, "test_data_set_");
  if (sets.empty())
    return;
  auto every = [&](Result r) { results.assign(configs.size(), r); };

  // Graph inputs that are not initializers, in order, map to input_<i>.pb.
  StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  std::vector<const onnx::ValueInfoProto *> inputs;
  for (const auto &in : graph.input())
    if (!initializers.contains(in.name()))
      inputs.push_back(&in);
  std::vector<std::string> inFiles = sortedDir(sets[0], "input_");
  std::vector<std::string> outFiles = sortedDir(sets[0], "output_");
  if (inputs.empty() || inFiles.size() < inputs.size())
    return every({Outcome::Fail, "the first data set lacks inputs"});

  spec2::ImportOptions options;
  // A batch runs image by image, as spec2c runs it (spec2::batchProgram).
  const int64_t batch = spec2::graphInputBatch(**model, options);
  std::optional<spec2::Tensor> data;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto t = spec2::readTensorProtoFile(inFiles[i]);
    // Data of an element type spec2 does not read (uint32...): not a
    // compiler result either way.
    if (!t)
      return every({Outcome::Unsupported, "test data: " + toString(t.takeError())});
    if (i == 0)
      data = std::move(*t);
    else
      options.constantInputs[inputs[i]->name()] = std::move(*t);
  }
  std::vector<spec2::Tensor> expected;
  for (const std::string &f : outFiles) {
    auto t = spec2::readTensorProtoFile(f);
    if (!t)
      return every({Outcome::Unsupported, "test data: " + toString(t.takeError())});
    expected.push_back(std::move(*t));
  }

  // As the model declares it first; a batch the overlay refuses then runs
  // image by image, as spec2c runs it (spec2::batchProgram), when the
  // images are independent.
  auto attempt = [&](const Target &target, int64_t n) -> Result {
    mlir::MLIRContext context;
    context.disableMultithreading();
    context.printOpOnDiagnostic(false);
    ErrorCollector errors(context);
    spec2::ImportOptions one = options;
    one.batchOne = n > 1;
    auto module = spec2::importOnnxModel(context, **model, modelPath, one);
    if (!module)
      return {Outcome::Unsupported, "import: " + errors.take()};
    if (n > 1) {
      auto batched = spec2::importOnnxModel(context, **model, modelPath, options);
      if (!batched)
        return {Outcome::Unsupported, "import: " + errors.take()};
      if (llvm::Error e = spec2::checkImagesIndependent(*batched, *module, n))
        return {Outcome::Unsupported, "batch: " + toString(std::move(e))};
    }
    if (failed(spec2::runGraphCleanup(*module)))
      return {Outcome::Fail, "clean-up: " + errors.take()};
    return compileAndRun(*module, errors, target, *data, expected, n);
  };
  for (const Target &target : configs) {
    Result r = attempt(target, 1);
    if (r.outcome == Outcome::Unsupported && batch > 1) {
      Result batched = attempt(target, batch);
      if (batched.outcome != Outcome::Unsupported)
        r = std::move(batched);
    }
    results.push_back(std::move(r));
  }
}

/// The message with numbers blanked, so that one limitation hit with
/// different sizes is counted once.
std::string reasonKey(StringRef message) {
  std::string key;
  bool inNumber = false;
  for (char c : message) {
    bool digit = isDigit(c);
    if (digit && !inNumber)
      key += '#';
    else if (!digit)
      key += c;
    inNumber = digit;
  }
  return key.size() > 300 ? key.substr(0, 300) + "..." : key;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "ONNX node tests compiled for the overlay and run on its "
      "C-simulation\n");
  if (calibMode != "test-input" && calibMode != "random") {
    errs() << kTool << ": error: --calib must be test-input or random\n";
    return 1;
  }
  std::vector<std::string> targetNames(targets.begin(), targets.end());
  if (targetNames.empty())
    targetNames.push_back("small");
  std::vector<Target> configs;
  for (const std::string &t : targetNames) {
    auto cfg = spec2::resolveTarget(t);
    if (!cfg) {
      errs() << kTool << ": error: " << toString(cfg.takeError()) << "\n";
      return 1;
    }
    configs.push_back({t, std::move(*cfg)});
  }
  if (calibMode == "random")
    outs() << kTool << ": calibration from " << calibCount
           << " random [0, 1] inputs, not the tests' own inputs: failures "
              "may be saturation, not compiler errors\n";

  std::vector<std::string> rootDirs(roots.begin(), roots.end());
  if (rootDirs.empty())
    rootDirs.push_back(kNodeTests);
  std::vector<std::string> dirs;
  for (const std::string &root : rootDirs) {
    std::vector<std::string> found = sortedDir(root, "test_");
    if (found.empty()) {
      errs() << kTool << ": error: no tests found in '" << root
             << "' (install libonnx-testdata)\n";
      return 1;
    }
    llvm::sort(found);
    dirs.insert(dirs.end(), found.begin(), found.end());
  }

  Regex re(filter);
  unsigned pass = 0, fail = 0, unsupported = 0;
  double worstPass = 0;
  std::string worstPassName;
  std::map<std::string, std::vector<std::string>> reasons;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string &dir : dirs) {
    std::string name = sys::path::filename(dir).str();
    if (!filter.empty() && !re.match(name))
      continue;
    std::vector<Result> results;
    runTest(dir, configs, results);
    for (size_t t = 0; t < results.size(); ++t) {
      const Result &r = results[t];
      std::string label = configs[t].config.name + " " + name;
      switch (r.outcome) {
      case Outcome::Pass:
        ++pass;
        if (r.relErr >= worstPass) {
          worstPass = r.relErr;
          worstPassName = label;
        }
        outs() << "PASS " << label << ": " << r.message << "\n";
        break;
      case Outcome::Fail:
        ++fail;
        outs() << "FAIL " << label << ": " << r.message << "\n";
        break;
      case Outcome::Unsupported:
        ++unsupported;
        reasons[reasonKey(r.message)].push_back(label);
        if (verbose)
          outs() << "UNSUPPORTED " << label << ": " << r.message << "\n";
        break;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!reasons.empty())
    outs() << "unsupported, by reason:\n";
  for (const auto &[reason, tests] : reasons) {
    outs() << "  " << tests.size() << " x " << reason << "\n    ";
    interleave(tests, outs(), ", ");
    outs() << "\n";
  }
  if (pass)
    outs() << "worst pass: " << format("%.3f%%", 100 * worstPass)
           << " of max|want| (" << worstPassName << "); tolerance "
           << format("%.3g%%", 100 * atolRel)
           << " of max|want| + 2^-frac_out\n";
  outs() << kTool << ": " << pass << " passed, " << fail << " failed, "
         << unsupported << " unsupported (" << format("%.1f", seconds)
         << " s)\n";
  if (pass + fail + unsupported == 0) {
    errs() << kTool << ": error: no test selected\n";
    return 1;
  }
  return fail ? 1 : 0;
}
