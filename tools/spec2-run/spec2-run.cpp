//===- spec2-run.cpp - Run models: float reference (and later overlay) ----===//
//
// spec2-run MODEL.onnx --input X.npy|X.pb [--output Y.npy] [--json]
// spec2-run MODEL.onnx --dataset fashion-mnist[:DIR] [--limit N] [--json]
//
// ONNX models run on the float32 reference executor. Overlay programs (.s2b)
// are not implemented yet; see docs/status.md.
//
//===----------------------------------------------------------------------===//

#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Support/TensorIO.h"
#include "spec2/Transforms/Pipelines.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>

using namespace llvm;

namespace {

cl::OptionCategory category("spec2-run options");
cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> inputFile("input", cl::desc("Input tensor (.npy or .pb)"),
                               cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> outputFile("output",
                                cl::desc("Write the first output as .npy"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> datasetSpec(
    "dataset", cl::desc("Evaluate accuracy on a dataset: fashion-mnist[:DIR]"),
    cl::value_desc("spec"), cl::cat(category));
cl::opt<unsigned> limit("limit", cl::desc("Use only the first N images"),
                        cl::init(0), cl::cat(category));
cl::opt<bool> json("json", cl::desc("Print one JSON object on stdout"),
                   cl::cat(category));
cl::opt<unsigned> threads("jobs",
                          cl::desc("Worker threads for --dataset (0 = all cores)"),
                          cl::init(0), cl::cat(category));

constexpr StringRef kTool = "spec2-run";

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

int64_t argmax(const spec2::Tensor &t) {
  int64_t best = 0;
  for (int64_t i = 1; i < int64_t(t.f32.size()); ++i)
    if (t.f32[i] > t.f32[best])
      best = i;
  return best;
}

int runSingle(const spec2::ReferenceExecutor &exec) {
  auto input = spec2::readTensorFile(inputFile);
  if (!input) {
    spec2::reportError(kTool, toString(input.takeError()));
    return 1;
  }
  if (exec.inputShapes().size() != 1) {
    spec2::reportError(kTool, "the model takes " +
                                  Twine(exec.inputShapes().size()) +
                                  " inputs; --input supplies one");
    return 1;
  }
  // Integer .npy inputs (e.g. raw pixels) are accepted as float values.
  if (input->dtype != spec2::DType::F32) {
    spec2::reportError(kTool, "input '" + inputFile + "' is " +
                                  spec2::dtypeName(input->dtype) +
                                  "; the model input is float32");
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  auto outputs = exec.run({*input});
  if (!outputs) {
    spec2::reportError(kTool, toString(outputs.takeError()));
    return 1;
  }
  double seconds = secondsSince(start);
  const spec2::Tensor &out = outputs->front();
  if (!outputFile.empty()) {
    if (Error e = spec2::writeNpy(outputFile, out)) {
      spec2::reportError(kTool, toString(std::move(e)));
      return 1;
    }
  }
  if (json) {
    json::Object o{{"executor", "reference"},
                   {"images", 1},
                   {"seconds", seconds},
                   {"output_shape", json::Array(out.shape)},
                   {"argmax", argmax(out)},
                   {"modeled_cycles", nullptr},
                   {"modeled_ms", nullptr}};
    outs() << json::Value(std::move(o)) << "\n";
    return 0;
  }
  outs() << exec.outputNames().front() << ": shape "
         << spec2::formatShape(out.shape) << ", argmax " << argmax(out)
         << "\n";
  size_t shown = std::min<size_t>(out.f32.size(), 10);
  outs() << "  values:";
  for (size_t i = 0; i < shown; ++i)
    outs() << " " << format("%.6g", out.f32[i]);
  outs() << (shown < out.f32.size() ? " ...\n" : "\n");
  return 0;
}

int runDataset(const spec2::ReferenceExecutor &exec) {
  auto ds = spec2::loadDataset(datasetSpec, /*train=*/false, limit);
  if (!ds) {
    spec2::reportError(kTool, toString(ds.takeError()));
    return 1;
  }
  auto shapes = exec.inputShapes();
  if (shapes.size() != 1 || shapes[0] != ds->imageShape) {
    spec2::reportError(kTool, "the model input " +
                                  spec2::formatShape(shapes.front()) +
                                  " does not take dataset images " +
                                  spec2::formatShape(ds->imageShape));
    return 1;
  }
  size_t n = ds->size();
  std::atomic<size_t> correct{0}, done{0}, failures{0};
  std::string firstError;
  std::mutex errorMutex;
  bool tty = sys::Process::StandardErrIsDisplayed();
  auto start = std::chrono::steady_clock::now();
  {
    DefaultThreadPool pool(threads ? hardware_concurrency(threads)
                                   : hardware_concurrency());
    size_t workers = pool.getMaxConcurrency();
    for (size_t w = 0; w < workers; ++w)
      pool.async([&, w] {
        for (size_t i = w; i < n; i += workers) {
          auto out = exec.run({ds->image(i)});
          if (!out) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (firstError.empty())
              firstError = toString(out.takeError());
            else
              consumeError(out.takeError());
            ++failures;
          } else if (argmax(out->front()) == ds->labels[i]) {
            ++correct;
          }
          size_t d = ++done;
          if (tty && (d % 500 == 0 || d == n)) {
            std::lock_guard<std::mutex> lock(errorMutex);
            errs() << "\r" << kTool << ": " << d << "/" << n << " images";
          }
        }
      });
    pool.wait();
  }
  if (tty)
    errs() << "\n";
  if (failures) {
    spec2::reportError(kTool, firstError);
    return 1;
  }
  double seconds = secondsSince(start);
  double accuracy = n ? double(correct) / double(n) : 0.0;
  if (json) {
    json::Object o{{"executor", "reference"},
                   {"dataset", datasetSpec},
                   {"accuracy", accuracy},
                   {"images", int64_t(n)},
                   {"seconds", seconds},
                   {"images_per_s", seconds > 0 ? n / seconds : 0.0},
                   {"modeled_cycles", nullptr},
                   {"modeled_ms", nullptr}};
    outs() << json::Value(std::move(o)) << "\n";
  } else {
    outs() << "accuracy " << format("%.4f", accuracy) << " (" << correct
           << "/" << n << ") on " << datasetSpec << " test images\n"
           << "reference executor: " << format("%.2f", seconds) << " s, "
           << format("%.1f", seconds > 0 ? n / seconds : 0.0)
           << " images/s; modeled cycles: n/a (no overlay program)\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(argc, argv,
                              "spec2-run: run a model and report results\n");

  if (inputFile.empty() == datasetSpec.empty()) {
    spec2::reportError(kTool, "give exactly one of --input FILE and "
                              "--dataset SPEC");
    return 1;
  }
  if (StringRef(modelFile).ends_with(".s2b")) {
    spec2::reportError(kTool, "running overlay programs (.s2b) is not "
                              "implemented yet; pass an .onnx model to run "
                              "it on the float reference (docs/status.md)");
    return 1;
  }

  mlir::MLIRContext context;
  context.disableMultithreading();
  spec2::ToolDiagnostics diagnostics(context, kTool);
  auto module = spec2::importOnnxFile(context, modelFile);
  if (!module || failed(spec2::runGraphCleanup(*module)))
    return 1;
  auto exec = spec2::ReferenceExecutor::create(*module);
  if (failed(exec))
    return 1;
  return datasetSpec.empty() ? runSingle(*exec) : runDataset(*exec);
}
