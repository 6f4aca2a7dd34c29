//===- spec2-run.cpp - Run models: float reference (and later overlay) ----===//
//
// spec2-run MODEL.onnx|PROG.s2b --input [NAME=]X.npy|X.pb ... [--output Y.npy]
//     [--output-dir D] [--json]
// spec2-run MODEL.onnx|PROG.s2b --dataset fashion-mnist[:DIR] [--limit N]
// [--level=K] [--json] spec2-run PROG.s2b --disassemble [--with-data]
//
// ONNX models run on the float32 reference executor; overlay programs (.s2b)
// run on the C-simulation of the overlay after the loader has verified them.
//
//===----------------------------------------------------------------------===//

#include "InputsOutputs.h"

#include "spec2/CostModel/EnergyModel.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Reference/Kernels.h"
#include "spec2/Runtime/LoadedProgram.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Support/Diagnostics.h"
#include "spec2/Support/TensorIO.h"
#include "spec2/Target/Assembler.h"
#include "spec2/Pipelines/Pipelines.h"

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
#include <functional>
#include <memory>
#include <mutex>

using namespace llvm;

namespace {

cl::OptionCategory category("spec2-run options");
cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::list<std::string>
    inputSpecs("input",
               cl::desc("Input tensor (.npy or .pb): NAME=FILE, repeatable, one "
                        "per model input; a bare FILE for a model of one input"),
               cl::value_desc("[name=]file"), cl::cat(category));
cl::opt<std::string> outputFile("output",
                                cl::desc("Write the first output as .npy"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write every output as DIR/NAME.npy (created if "
                       "missing)"),
              cl::value_desc("dir"), cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("With an ONNX model: shape of a graph input, NAME=D0,D1,... "
             "(repeatable; fixes its symbolic dimensions)"),
    cl::value_desc("name=dims"), cl::cat(category));
cl::opt<std::string>
    datasetSpec("dataset",
                cl::desc("Evaluate accuracy on a dataset: fashion-mnist[:DIR]"),
                cl::value_desc("spec"), cl::cat(category));
cl::opt<unsigned> limit("limit", cl::desc("Use only the first N images"),
                        cl::init(0), cl::cat(category));
cl::opt<bool> json("json", cl::desc("Print one JSON object on stdout"),
                   cl::cat(category));
cl::opt<bool> disassemble("disassemble",
                          cl::desc("Print a .s2b program as assembler text"),
                          cl::cat(category));
cl::opt<bool> withData("with-data",
                       cl::desc("With --disassemble: include segment bytes"),
                       cl::cat(category));
cl::opt<bool> showCounters("counters",
                           cl::desc("With --input on a .s2b: print the "
                                    "overlay's performance counters"),
                           cl::cat(category));
cl::opt<std::string>
    deviceName("device",
               cl::desc("Where a .s2b runs: sim (the C-simulation, default) "
                        "or xrt[:INDEX] (an Alveo card; needs --xclbin)"),
               cl::value_desc("kind"), cl::init("sim"), cl::cat(category));
cl::opt<std::string>
    xclbinFile("xclbin",
               cl::desc("With --device=xrt: the overlay bitstream built by "
                        "hw/vitis for the program's configuration"),
               cl::value_desc("file"), cl::cat(category));
cl::opt<unsigned> level(
    "level",
    cl::desc("Which runtime level of a .s2b compiled with --runtime-sparsity "
             "runs (0, the densest, by default): the LEVEL register the "
             "overlay's fetch module reads"),
    cl::init(0), cl::value_desc("K"), cl::cat(category));
cl::opt<unsigned>
    threads("jobs", cl::desc("Worker threads for --dataset (0 = all cores)"),
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

/// --output (the first output) and --output-dir (all of them).
int writeOutputs(llvm::ArrayRef<std::string> names,
                 llvm::ArrayRef<spec2::Tensor> outputs) {
  if (!outputFile.empty())
    if (Error e = spec2::writeNpy(outputFile, outputs.front())) {
      spec2::reportError(kTool, toString(std::move(e)));
      return 1;
    }
  if (!outputDir.empty())
    if (Error e = spec2::writeModelOutputs(outputDir, names, outputs)) {
      spec2::reportError(kTool, toString(std::move(e)));
      return 1;
    }
  return 0;
}

/// Every output's name, shape and argmax for --json.
json::Array outputsJson(llvm::ArrayRef<std::string> names,
                        llvm::ArrayRef<spec2::Tensor> outputs) {
  json::Array a;
  for (size_t i = 0; i < outputs.size(); ++i)
    a.push_back(json::Object{{"name", names[i]},
                             {"shape", json::Array(outputs[i].shape)},
                             {"argmax", argmax(outputs[i])}});
  return a;
}

int runSingle(const spec2::ReferenceExecutor &exec) {
  auto inputs = spec2::readModelInputs(inputSpecs, exec.inputNames());
  if (!inputs) {
    spec2::reportError(kTool, toString(inputs.takeError()));
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  auto outputs = exec.run(*inputs);
  if (!outputs) {
    spec2::reportError(kTool, toString(outputs.takeError()));
    return 1;
  }
  double seconds = secondsSince(start);
  const spec2::Tensor &out = outputs->front();
  const std::vector<std::string> names = exec.outputNames();
  if (writeOutputs(names, *outputs))
    return 1;
  if (json) {
    json::Object o{
        {"executor", "reference"}, {"images", 1},
        {"seconds", seconds},      {"output_shape", json::Array(out.shape)},
        {"argmax", argmax(out)},   {"outputs", outputsJson(names, *outputs)},
        {"modeled_cycles", nullptr}, {"modeled_ms", nullptr}};
    outs() << json::Value(std::move(o)) << "\n";
    return 0;
  }
  spec2::printModelOutputs(outs(), names, *outputs);
  return 0;
}

/// What one image gave: its logits and the modeled cycles (0 on the
/// reference executor).
struct ImageResult {
  spec2::Tensor logits;
  uint64_t cycles = 0;
  /// Output values saturated, per instruction (the overlay's counters).
  std::vector<uint64_t> saturatedByInsn;
  /// Input values clipped as the host quantised the image.
  uint64_t inputSaturated = 0;
};
/// Classifies image `i`; each worker thread gets its own instance.
using Classifier =
    std::function<Expected<ImageResult>(const spec2::Tensor &image)>;

/// Totals of a dataset run.
struct DatasetRun {
  size_t images = 0, correct = 0;
  uint64_t cycles = 0;
  double seconds = 0;
  /// Summed over the images; images with any saturated output.
  std::vector<uint64_t> saturatedByInsn;
  uint64_t saturated = 0, imagesSaturated = 0;
  uint64_t inputSaturated = 0;
};

/// Runs every image of `ds` on all cores, one classifier per worker made by
/// `makeClassifier`, with a progress line on a terminal.
Expected<DatasetRun>
evaluateDataset(const spec2::Dataset &ds,
                const std::function<Expected<Classifier>()> &makeClassifier) {
  const size_t n = ds.size();
  std::atomic<size_t> correct{0}, done{0};
  std::atomic<uint64_t> cycles{0}, saturated{0}, imagesSaturated{0},
      inputSaturated{0};
  std::vector<uint64_t> saturatedByInsn;
  std::string firstError;
  std::mutex mutex;
  const bool tty = sys::Process::StandardErrIsDisplayed();
  auto start = std::chrono::steady_clock::now();
  {
    DefaultThreadPool pool(threads ? hardware_concurrency(threads)
                                   : hardware_concurrency());
    const size_t workers = pool.getMaxConcurrency();
    for (size_t w = 0; w < workers; ++w)
      pool.async([&, w] {
        // One image per core: the reference's kernels must not fan out.
        spec2::ref::SerialKernels serial;
        auto fail = [&](std::string message) {
          std::lock_guard<std::mutex> lock(mutex);
          if (firstError.empty())
            firstError = std::move(message);
        };
        auto classify = makeClassifier();
        if (!classify)
          return fail(toString(classify.takeError()));
        for (size_t i = w; i < n; i += workers) {
          auto out = (*classify)(ds.image(i));
          if (!out)
            return fail("image " + std::to_string(i) + ": " +
                        toString(out.takeError()));
          cycles += out->cycles;
          inputSaturated += out->inputSaturated;
          uint64_t sat = 0;
          for (uint64_t v : out->saturatedByInsn)
            sat += v;
          if (sat) {
            saturated += sat;
            ++imagesSaturated;
            std::lock_guard<std::mutex> lock(mutex);
            if (saturatedByInsn.empty())
              saturatedByInsn.assign(out->saturatedByInsn.size(), 0);
            if (saturatedByInsn.size() == out->saturatedByInsn.size())
              for (size_t k = 0; k < saturatedByInsn.size(); ++k)
                saturatedByInsn[k] += out->saturatedByInsn[k];
          }
          if (argmax(out->logits) == ds.labels[i])
            ++correct;
          size_t d = ++done;
          if (tty && (d % 500 == 0 || d == n)) {
            std::lock_guard<std::mutex> lock(mutex);
            errs() << "\r" << kTool << ": " << d << "/" << n << " images";
          }
        }
      });
    pool.wait();
  }
  if (tty)
    errs() << "\n";
  if (!firstError.empty())
    return createStringError(inconvertibleErrorCode(), firstError);
  return DatasetRun{n,
                    correct,
                    cycles,
                    secondsSince(start),
                    std::move(saturatedByInsn),
                    saturated,
                    imagesSaturated,
                    inputSaturated};
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
  auto run = evaluateDataset(*ds, [&]() -> Expected<Classifier> {
    return Classifier([&](const spec2::Tensor &image) -> Expected<ImageResult> {
      auto out = exec.run({image});
      if (!out)
        return out.takeError();
      return ImageResult{std::move(out->front()), 0};
    });
  });
  if (!run) {
    spec2::reportError(kTool, modelFile + ": " + toString(run.takeError()));
    return 1;
  }
  const double accuracy =
      run->images ? double(run->correct) / run->images : 0.0;
  const double rate = run->seconds > 0 ? run->images / run->seconds : 0.0;
  if (json) {
    json::Object o{
        {"executor", "reference"},   {"dataset", datasetSpec},
        {"accuracy", accuracy},      {"images", int64_t(run->images)},
        {"seconds", run->seconds},   {"images_per_s", rate},
        {"modeled_cycles", nullptr}, {"modeled_ms", nullptr}};
    outs() << json::Value(std::move(o)) << "\n";
  } else {
    outs() << "accuracy " << format("%.4f", accuracy) << " (" << run->correct
           << "/" << run->images << ") on " << datasetSpec << " test images\n"
           << "reference executor: " << format("%.2f", run->seconds) << " s, "
           << format("%.1f", rate)
           << " images/s; modeled cycles: n/a (no overlay program)\n";
  }
  return 0;
}

/// Engine busy cycles etc. as a JSON object.
json::Object countersJson(const spec2::sim::Counters &c) {
  json::Object engines;
  for (unsigned e = 0; e < spec2::kNumEngines; ++e)
    engines[spec2::engineName(e)] = int64_t(c.engineCycles[e]);
  return json::Object{{"total_cycles", int64_t(c.totalCycles)},
                      {"engine_cycles", std::move(engines)},
                      {"ddr_bytes_read", int64_t(c.ddrBytesRead)},
                      {"ddr_bytes_written", int64_t(c.ddrBytesWritten)},
                      {"mac_cycles", int64_t(c.macCycles)},
                      {"bank_conflict_stalls", int64_t(c.bankConflictStalls)},
                      {"macs_issued", int64_t(c.macsIssued)},
                      {"macs_useful", int64_t(c.macsUseful)},
                      {"macs_padded", int64_t(c.macsPadded)},
                      {"saturated", int64_t(c.saturated)}};
}

/// Per input, the values clipped as the host quantised it, for --json.
json::Array inputSaturationJson(const spec2::LoadedProgram &prog,
                                const std::vector<uint64_t> &counts) {
  json::Array a;
  const auto &descs = prog.program().inputs;
  for (size_t i = 0; i < counts.size() && i < descs.size(); ++i)
    a.push_back(json::Object{{"name", descs[i].name},
                             {"saturated", int64_t(counts[i])}});
  return a;
}

/// Per layer, the output values its output stages clipped to int16, for
/// --json: [{"name", "saturated"}] in program order (empty without a layer
/// table).
json::Array saturationJson(const spec2::LoadedProgram &prog,
                           const std::vector<uint64_t> &perInsn) {
  json::Array layers;
  for (const auto &[name, n] : prog.perLayer(perInsn, level))
    layers.push_back(json::Object{{"name", name}, {"saturated", int64_t(n)}});
  return layers;
}

/// A warning on stderr when outputs saturated: how many, in which layers
/// (the most first), and what to do about it.
void warnSaturation(const spec2::LoadedProgram &prog, uint64_t total,
                    const std::vector<uint64_t> &perInsn,
                    const std::vector<uint64_t> &inputsSaturated,
                    StringRef what) {
  const auto &descs = prog.program().inputs;
  for (size_t i = 0; i < inputsSaturated.size() && i < descs.size(); ++i)
    if (inputsSaturated[i])
      errs() << kTool << ": warning: " << inputsSaturated[i]
             << " values of input '" << descs[i].name << "' " << what
             << " lie outside the range its format holds (+-"
             << format("%g", std::ldexp(1.0, 15 - descs[i].fracBits))
             << ") and were clipped: the program was calibrated on smaller "
                "inputs; calibrate on data like these (spec2c --calib=DIR)\n";
  if (total == 0)
    return;
  auto layers = prog.perLayer(perInsn, level);
  llvm::erase_if(layers, [](const auto &l) { return l.second == 0; });
  llvm::stable_sort(layers, [](const auto &a, const auto &b) {
    return a.second > b.second;
  });
  std::string where;
  for (size_t i = 0; i < layers.size() && i < 3; ++i)
    where += (i ? ", " : "") + layers[i].first + " " +
             std::to_string(layers[i].second);
  if (layers.size() > 3)
    where += ", ...";
  errs() << kTool << ": warning: " << total << " output values saturated "
         << what;
  if (!layers.empty())
    errs() << " in " << layers.size()
           << (layers.size() == 1 ? " layer (" : " layers (") << where << ")";
  errs() << ": the ranges the program was calibrated for are narrower than "
            "these inputs reach; calibrate on data like them (spec2c "
            "--calib=DIR)\n";
}

/// The energy model's estimate of one run of `prog` taking `cycles` (the
/// counters' modeled time), in mJ; not a measurement (docs/energy.md).
double modeledEnergyMj(const spec2::LoadedProgram &prog, uint64_t cycles) {
  const spec2::cost::EnergyModel model(prog.config().config);
  llvm::ArrayRef<spec2::isa::Word> stream = prog.program().levelInsns(level);
  return model.estimate(std::vector<spec2::isa::Word>(stream.begin(),
                                                      stream.end()),
                        cycles)
             .total() *
         1e3;
}

/// Which level runs, in the text output of a program with levels.
void printLevel(const spec2::LoadedProgram &prog) {
  const spec2::Program &p = prog.program();
  if (p.levels.empty())
    return;
  outs() << "level " << level << " of " << p.numLevels() << " (conv sparsity "
         << format("%.2f", p.levels[level].sparsity()) << ")\n";
}

/// Which level ran, for --json: its index, its conv sparsity and how many
/// the program has.
void addLevel(json::Object &o, const spec2::LoadedProgram &prog) {
  const spec2::Program &p = prog.program();
  o["level"] = int64_t(level);
  o["levels"] = int64_t(p.numLevels());
  o["level_sparsity"] = p.levels.empty() ? 0.0 : p.levels[level].sparsity();
}

void printCounters(const spec2::sim::Counters &c) {
  outs() << "counters: " << c.totalCycles << " cycles";
  for (unsigned e = 0; e < spec2::kNumEngines; ++e)
    if (c.engineCycles[e])
      outs() << ", " << spec2::engineName(e) << " " << c.engineCycles[e];
  outs() << "\n  DDR read " << c.ddrBytesRead << " B, written "
         << c.ddrBytesWritten << " B; MAC cycles " << c.macCycles
         << " (bank-conflict stalls " << c.bankConflictStalls << ")\n";
}

int runProgramSingle(const spec2::LoadedProgram &prog,
                     const spec2::DeviceSpec &spec) {
  std::vector<std::string> inputNames, names;
  for (const auto &t : prog.program().inputs)
    inputNames.push_back(t.name);
  for (const auto &t : prog.program().outputs)
    names.push_back(t.name);
  auto inputs = spec2::readModelInputs(inputSpecs, inputNames);
  if (!inputs) {
    spec2::reportError(kTool, toString(inputs.takeError()));
    return 1;
  }
  auto device = prog.openDevice(spec);
  if (!device) {
    spec2::reportError(kTool, modelFile + ": " + toString(device.takeError()));
    return 1;
  }
  const bool counted = (*device)->hasCounters();
  auto start = std::chrono::steady_clock::now();
  auto result = prog.run(**device, *inputs, level);
  if (!result) {
    // One input: its file is what the error is about (shape, format).
    spec2::reportError(kTool, (inputSpecs.size() == 1 ? inputSpecs.front()
                                                      : modelFile) +
                                  ": " + toString(result.takeError()));
    return 1;
  }
  double seconds = secondsSince(start);
  const spec2::Tensor &out = result->outputs.front();
  if (writeOutputs(names, result->outputs))
    return 1;
  const uint64_t cycles = result->counters.totalCycles;
  if (json) {
    json::Object o{{"executor", (*device)->description()},
                   {"images", 1},
                   {"seconds", seconds},
                   {"output_shape", json::Array(out.shape)},
                   {"argmax", argmax(out)},
                   {"outputs", outputsJson(names, result->outputs)},
                   {"modeled_cycles", nullptr},
                   {"modeled_ms", nullptr},
                   {"modeled_energy_mj", nullptr},
                   {"counters", nullptr}};
    addLevel(o, prog);
    if (counted) {
      o["modeled_cycles"] = int64_t(cycles);
      o["modeled_ms"] = prog.cyclesToMs(cycles);
      o["modeled_energy_mj"] = modeledEnergyMj(prog, cycles);
      o["counters"] = countersJson(result->counters);
      o["layers"] = saturationJson(prog, result->counters.saturatedByInsn);
    }
    o["inputs_saturated"] = inputSaturationJson(prog, result->inputsSaturated);
    outs() << json::Value(std::move(o)) << "\n";
    return 0;
  }
  printLevel(prog);
  spec2::printModelOutputs(outs(), names, result->outputs);
  if (!counted) {
    outs() << (*device)->description() << ": " << format("%.4f", seconds)
           << " s (this device has no cycle counters)\n";
    return 0;
  }
  outs() << (*device)->description() << ": " << cycles
         << " modeled cycles = " << format("%.4f", prog.cyclesToMs(cycles))
         << " ms at " << prog.config().config.clockMhz << " MHz, "
         << format("%.4f", modeledEnergyMj(prog, cycles))
         << " mJ modeled energy (an estimate)\n";
  if (showCounters)
    printCounters(result->counters);
  warnSaturation(prog, result->counters.saturated,
                 result->counters.saturatedByInsn, result->inputsSaturated,
                 "on this input");
  return 0;
}

int runProgramDataset(const spec2::LoadedProgram &prog,
                      const spec2::DeviceSpec &spec) {
  auto ds = spec2::loadDataset(datasetSpec, /*train=*/false, limit);
  if (!ds) {
    spec2::reportError(kTool, toString(ds.takeError()));
    return 1;
  }
  const auto &descs = prog.program().inputs;
  std::vector<int64_t> want;
  if (descs.size() == 1)
    want.assign(descs[0].dims.begin(), descs[0].dims.end());
  if (descs.size() != 1 || want != ds->imageShape) {
    spec2::reportError(kTool, "the program input " + spec2::formatShape(want) +
                                  " does not take dataset images " +
                                  spec2::formatShape(ds->imageShape));
    return 1;
  }
  // One worker per card; the C-simulation opens one overlay per core.
  if (spec.kind != spec2::DeviceSpec::Sim)
    threads = 1;
  // What the workers' devices are (the same for all; a card's name is known
  // once it is open).
  std::string executor;
  bool counted = true;
  std::mutex described;
  auto run = evaluateDataset(*ds, [&]() -> Expected<Classifier> {
    auto device = prog.openDevice(spec);
    if (!device)
      return device.takeError();
    std::shared_ptr<spec2::Device> dev(std::move(*device));
    {
      std::lock_guard<std::mutex> lock(described);
      executor = dev->description();
      counted = dev->hasCounters();
    }
    return Classifier(
        [&prog, dev](const spec2::Tensor &image) -> Expected<ImageResult> {
          auto out = prog.run(*dev, {image}, level);
          if (!out)
            return out.takeError();
          return ImageResult{std::move(out->outputs.front()),
                             out->counters.totalCycles,
                             std::move(out->counters.saturatedByInsn),
                             out->inputsSaturated.front()};
        });
  });
  if (!run) {
    spec2::reportError(kTool, modelFile + ": " + toString(run.takeError()));
    return 1;
  }
  const double accuracy =
      run->images ? double(run->correct) / run->images : 0.0;
  const double rate = run->seconds > 0 ? run->images / run->seconds : 0.0;
  const uint64_t perImage = run->images ? run->cycles / run->images : 0;
  if (json) {
    json::Object o{{"executor", executor},
                   {"dataset", datasetSpec},
                   {"accuracy", accuracy},
                   {"images", int64_t(run->images)},
                   {"seconds", run->seconds},
                   {"images_per_s", rate},
                   {"modeled_cycles", nullptr},
                   {"modeled_ms", nullptr},
                   {"modeled_energy_mj", nullptr}};
    addLevel(o, prog);
    if (counted) {
      o["modeled_cycles"] = int64_t(perImage);
      o["modeled_ms"] = prog.cyclesToMs(perImage);
      o["modeled_energy_mj"] = modeledEnergyMj(prog, perImage);
      o["saturated"] = int64_t(run->saturated);
      o["images_saturated"] = int64_t(run->imagesSaturated);
      std::vector<uint64_t> perInsn = run->saturatedByInsn;
      if (perInsn.empty())
        perInsn.assign(prog.program().levelInsns(level).size(), 0);
      o["layers"] = saturationJson(prog, perInsn);
    }
    o["inputs_saturated"] = inputSaturationJson(prog, {run->inputSaturated});
    outs() << json::Value(std::move(o)) << "\n";
  } else {
    printLevel(prog);
    outs() << "accuracy " << format("%.4f", accuracy) << " (" << run->correct
           << "/" << run->images << ") on " << datasetSpec << " test images\n"
           << executor << ": " << format("%.2f", run->seconds) << " s, "
           << format("%.1f", rate) << " images/s";
    if (counted)
      outs() << "; modeled " << perImage
             << " cycles = " << format("%.4f", prog.cyclesToMs(perImage))
             << " ms, " << format("%.4f", modeledEnergyMj(prog, perImage))
             << " mJ (an estimate) per image";
    outs() << "\n";
    warnSaturation(prog, run->saturated, run->saturatedByInsn,
                   {run->inputSaturated},
                   "over " + std::to_string(run->images) + " images");
  }
  return 0;
}

int runProgram() {
  auto prog = spec2::LoadedProgram::loadFile(modelFile);
  if (!prog) {
    spec2::reportError(kTool, toString(prog.takeError()));
    return 1;
  }
  if (disassemble) {
    spec2::printProgram(prog->program(), outs(), withData);
    return 0;
  }
  auto spec = spec2::parseDeviceSpec(deviceName, xclbinFile);
  if (!spec) {
    spec2::reportError(kTool, toString(spec.takeError()));
    return 1;
  }
  if (Error e = prog->checkLevel(level)) {
    spec2::reportError(kTool, modelFile + ": --" + toString(std::move(e)));
    return 1;
  }
  return datasetSpec.empty() ? runProgramSingle(*prog, *spec)
                             : runProgramDataset(*prog, *spec);
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(argc, argv,
                              "spec2-run: run a model and report results\n");

  const bool isProgram = StringRef(modelFile).ends_with(".s2b");
  if (disassemble && !isProgram) {
    spec2::reportError(kTool, "--disassemble takes an overlay program (.s2b)");
    return 1;
  }
  if (!disassemble && inputSpecs.empty() == datasetSpec.empty()) {
    spec2::reportError(kTool, "give --input [NAME=]FILE (one per model input) "
                              "or --dataset SPEC");
    return 1;
  }
  if (!datasetSpec.empty() && (!outputFile.empty() || !outputDir.empty())) {
    spec2::reportError(kTool, "--output and --output-dir write the outputs of "
                              "one inference (--input)");
    return 1;
  }
  if (level.getNumOccurrences() && !isProgram) {
    spec2::reportError(kTool, "--level selects a runtime level of an overlay "
                              "program (.s2b)");
    return 1;
  }
  if (isProgram)
    return runProgram();

  mlir::MLIRContext context;
  context.disableMultithreading();
  spec2::ToolDiagnostics diagnostics(context, kTool);
  spec2::ImportOptions importOptions;
  for (const std::string &spec : inputShapes)
    if (Error e = spec2::addInputShape(importOptions, spec)) {
      spec2::reportError(kTool, toString(std::move(e)));
      return 1;
    }
  auto module = spec2::importOnnxFile(context, modelFile, importOptions);
  if (!module || failed(spec2::runGraphCleanup(*module)))
    return 1;
  auto exec = spec2::ReferenceExecutor::create(*module);
  if (failed(exec))
    return 1;
  return datasetSpec.empty() ? runSingle(*exec) : runDataset(*exec);
}
