//===- onnx-node-tests.cpp - Run ONNX's backend node tests on the reference
//===//
//
// For every test directory (model.onnx + test_data_set_*/{input,output}_*.pb)
// whose operators the importer supports, import the model, run the float
// reference executor on each data set and compare with the stored outputs.
// Inputs that an operator needs at compile time (Reshape's shape, Clip's
// bounds, ...) are bound from the first data set as constants.
//
// Prints one line per failure and a closing "N passed, N failed, N skipped";
// exits non-zero on any failure among supported tests.
//
//===----------------------------------------------------------------------===//

#include "NodeTestFiles.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Support/TensorIO.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <map>
#include <set>

using namespace llvm;

namespace {

cl::list<std::string> roots(
    cl::Positional,
    cl::desc("<test directories> (default: ONNX's node, pytorch-converted, "
             "pytorch-operator and simple suites)"));
constexpr const char *kTestData = "/usr/share/libonnx-testdata/data/";
cl::opt<std::string> filter("filter", cl::desc("Only tests matching regex"),
                            cl::init(""));
cl::opt<bool> verbose("v", cl::desc("List every test and skip reason"));
cl::opt<double> rtol("rtol", cl::init(1e-3), cl::desc("Relative tolerance"));
cl::opt<double> atol("atol", cl::init(1e-7), cl::desc("Absolute tolerance"));

enum class Outcome { Pass, Fail, Skip };

struct Result {
  Outcome outcome;
  std::string reason;
};

using spec2::conformance::sortedDir;

Result runTest(StringRef dir, const StringSet<> &supported) {
  std::string modelPath = (dir + "/model.onnx").str();
  auto model = spec2::loadOnnxModel(modelPath);
  if (!model)
    return {Outcome::Skip, "load: " + toString(model.takeError())};
  for (const auto &node : (*model)->graph().node())
    if (!supported.contains(node.op_type()) ||
        (!node.domain().empty() && node.domain() != "ai.onnx"))
      return {Outcome::Skip, "operator " + node.op_type()};

  std::vector<std::string> sets = sortedDir(dir, "test_data_set_");
  if (sets.empty())
    return {Outcome::Skip, "no data sets"};

  // Graph inputs that are not initializers, in order, map to input_<i>.pb.
  StringSet<> initializers;
  for (const auto &init : (*model)->graph().initializer())
    initializers.insert(init.name());
  std::vector<std::string> inputNames;
  for (const auto &in : (*model)->graph().input())
    if (!initializers.contains(in.name()))
      inputNames.push_back(in.name());
  // float64 and float16 graphs are computed in float32 (the importer says
  // so) and compared at the same tolerance.
  auto isFloat = [](int type) {
    return type == onnx::TensorProto::FLOAT ||
           type == onnx::TensorProto::DOUBLE ||
           type == onnx::TensorProto::FLOAT16;
  };
  for (const auto &in : (*model)->graph().input())
    if (!initializers.contains(in.name()) &&
        !isFloat(in.type().tensor_type().elem_type()) &&
        in.type().tensor_type().elem_type() != onnx::TensorProto::INT64)
      return {Outcome::Skip, "input element type"};
  for (const auto &out : (*model)->graph().output())
    if (!isFloat(out.type().tensor_type().elem_type()))
      return {Outcome::Skip, "output element type"};

  std::map<std::string, spec2::Tensor> firstInputs;
  std::vector<std::string> firstFiles = sortedDir(sets[0], "input_");
  for (size_t i = 0; i < firstFiles.size() && i < inputNames.size(); ++i) {
    auto t = spec2::readTensorProtoFile(firstFiles[i]);
    if (!t)
      return {Outcome::Fail, toString(t.takeError())};
    firstInputs[inputNames[i]] = std::move(*t);
  }
  std::set<std::string> bound;
  spec2::ImportOptions options;
  options.bindInput = [&](StringRef name) -> std::optional<spec2::Tensor> {
    auto it = firstInputs.find(name.str());
    if (it == firstInputs.end())
      return std::nullopt;
    bound.insert(name.str());
    return it->second;
  };

  mlir::MLIRContext context;
  context.disableMultithreading();
  std::string diagText;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (diagText.empty())
      diagText = d.str();
    return mlir::success();
  });
  auto module = spec2::importOnnxModel(context, **model, modelPath, options);
  if (!module) {
    // Variants the importer refuses on purpose are unsupported, not wrong.
    if (StringRef(diagText).contains("not supported") ||
        StringRef(diagText).contains("must be float32") ||
        StringRef(diagText).contains("int64 tensor used as run-time data"))
      return {Outcome::Skip, "variant: " + diagText};
    return {Outcome::Fail, "import: " + diagText};
  }
  if (failed(spec2::runGraphCleanup(*module)))
    return {Outcome::Fail, "cleanup: " + diagText};
  auto exec = spec2::ReferenceExecutor::create(*module);
  if (failed(exec))
    return {Outcome::Fail, "executor: " + diagText};

  for (const std::string &set : sets) {
    std::vector<std::string> inFiles = sortedDir(set, "input_");
    std::vector<std::string> outFiles = sortedDir(set, "output_");
    std::vector<spec2::Tensor> inputs;
    for (size_t i = 0; i < inFiles.size() && i < inputNames.size(); ++i) {
      if (bound.count(inputNames[i]))
        continue;
      auto t = spec2::readTensorProtoFile(inFiles[i]);
      if (!t)
        return {Outcome::Fail, toString(t.takeError())};
      inputs.push_back(std::move(*t));
    }
    auto outputs = exec->run(inputs);
    if (!outputs)
      return {Outcome::Fail, "run: " + toString(outputs.takeError())};
    if (outputs->size() != outFiles.size())
      return {Outcome::Fail, "output count differs"};
    for (size_t o = 0; o < outFiles.size(); ++o) {
      auto expected = spec2::readTensorProtoFile(outFiles[o]);
      if (!expected)
        return {Outcome::Fail, toString(expected.takeError())};
      const spec2::Tensor &got = (*outputs)[o];
      if (got.numElements() != expected->numElements())
        return {Outcome::Fail, "output " + std::to_string(o) + " shape " +
                                   spec2::formatShape(got.shape) +
                                   ", expected " +
                                   spec2::formatShape(expected->shape)};
      std::vector<float> want = expected->asFloats();
      for (size_t i = 0; i < want.size(); ++i) {
        double g = got.f32[i], w = want[i];
        bool bothNan = std::isnan(g) && std::isnan(w);
        // g == w: equal infinities (whose difference is NaN).
        if (!bothNan && g != w &&
            !(std::fabs(g - w) <= atol + rtol * std::fabs(w)))
          return {Outcome::Fail,
                  formatv("{0} output {1}[{2}] = {3}, expected {4}",
                          sys::path::filename(set), o, i, g, w)
                      .str()};
      }
    }
  }
  return {Outcome::Pass, ""};
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "ONNX node tests on the reference\n");
  StringSet<> supported;
  for (const std::string &op : spec2::supportedOnnxOps())
    supported.insert(op);
  Regex re(filter);
  unsigned pass = 0, fail = 0, skip = 0;
  std::map<std::string, unsigned> skipReasons;
  std::vector<std::string> rootDirs(roots.begin(), roots.end());
  if (rootDirs.empty())
    for (const char *suite :
         {"node", "pytorch-converted", "pytorch-operator", "simple"})
      rootDirs.push_back(std::string(kTestData) + suite);
  std::vector<std::string> dirs;
  for (const std::string &root : rootDirs) {
    std::vector<std::string> found = sortedDir(root, "test_");
    if (found.empty()) {
      errs() << "onnx-node-tests: error: no tests found in '" << root
             << "' (install libonnx-testdata)\n";
      return 1;
    }
    llvm::sort(found);
    dirs.insert(dirs.end(), found.begin(), found.end());
  }
  for (const std::string &dir : dirs) {
    std::string name = (sys::path::filename(sys::path::parent_path(dir)) + "/" +
                        sys::path::filename(dir))
                           .str();
    if (!filter.empty() && !re.match(name))
      continue;
    Result r = runTest(dir, supported);
    switch (r.outcome) {
    case Outcome::Pass:
      ++pass;
      if (verbose)
        outs() << "PASS " << name << "\n";
      break;
    case Outcome::Fail:
      ++fail;
      outs() << "FAIL " << name << ": " << r.reason << "\n";
      break;
    case Outcome::Skip:
      ++skip;
      ++skipReasons[StringRef(r.reason).starts_with("variant")
                        ? "unsupported variant"
                        : r.reason];
      if (verbose)
        outs() << "SKIP " << name << ": " << r.reason << "\n";
      break;
    }
  }
  if (verbose)
    for (auto &[reason, count] : skipReasons)
      outs() << "  skipped " << count << ": " << reason << "\n";
  outs() << "onnx-node-tests: " << pass << " passed, " << fail << " failed, "
         << skip << " skipped\n";
  return fail ? 1 : 0;
}
