//===- Calibrate.cpp - Activation ranges from the float reference ---------===//
//
// Runs the graph on calibration inputs with the reference executor and
// records the largest magnitude of every intermediate result.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "spec2/Reference/Executor.h"
#include "spec2/Support/Dataset.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <cmath>
#include <mutex>
#include <random>

#define DEBUG_TYPE "spec2-calibrate"

namespace spec2 {
#define GEN_PASS_DEF_CALIBRATE
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

using Ranges = llvm::DenseMap<Operation *, float>;

float absMax(llvm::ArrayRef<float> values) {
  float m = 0;
  for (float v : values)
    m = std::max(m, std::fabs(v));
  return m;
}

struct CalibratePass : impl::CalibrateBase<CalibratePass> {
  using CalibrateBase::CalibrateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main) {
      module.emitError("spec2-calibrate needs a function @main");
      return signalPassFailure();
    }
    auto exec = ReferenceExecutor::create(module);
    if (failed(exec))
      return signalPassFailure();

    std::vector<std::vector<Tensor>> inputs;
    if (failed(makeInputs(main, *exec, inputs)))
      return signalPassFailure();

    // Every worker keeps its own maxima; they are merged at the end.
    const size_t n = inputs.size();
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency());
    const size_t workers = std::min<size_t>(pool.getMaxConcurrency(), n);
    std::vector<Ranges> perWorker(workers);
    std::vector<std::string> errors(workers);
    for (size_t w = 0; w < workers; ++w)
      pool.async([&, w] {
        Ranges &r = perWorker[w];
        for (size_t i = w; i < n; i += workers) {
          auto out =
              exec->run(inputs[i], [&](Operation *op, llvm::ArrayRef<float> v) {
                float &m = r[op];
                m = std::max(m, absMax(v));
              });
          if (!out) {
            errors[w] = llvm::toString(out.takeError());
            return;
          }
        }
      });
    pool.wait();
    for (const std::string &e : errors)
      if (!e.empty()) {
        main.emitError("calibration run failed: ") << e;
        return signalPassFailure();
      }
    Ranges merged;
    for (const Ranges &r : perWorker)
      for (auto [op, m] : r)
        merged[op] = std::max(merged[op], m);
    Builder b(module.getContext());
    for (auto [op, m] : merged)
      op->setAttr("spec2.absmax", b.getF32FloatAttr(m));
    for (unsigned a = 0; a < main.getNumArguments(); ++a) {
      float m = 0;
      for (const auto &in : inputs)
        m = std::max(m, absMax(in[a].f32));
      main.setArgAttr(a, "spec2.absmax", b.getF32FloatAttr(m));
    }
    numInputs = n;
  }

  LogicalResult makeInputs(func::FuncOp main, const ReferenceExecutor &exec,
                           std::vector<std::vector<Tensor>> &inputs) {
    auto shapes = exec.inputShapes();
    if (source == "random") {
      main.emitWarning("no calibration data: activation ranges come from ")
          << unsigned(count) << " random inputs uniform in [0, 1]; accuracy may suffer "
          << "(pass --calib=fashion-mnist or a directory of inputs)";
      std::mt19937 rng(seed);
      std::uniform_real_distribution<float> u(0, 1);
      for (unsigned i = 0; i < count; ++i) {
        std::vector<Tensor> in;
        for (const auto &s : shapes) {
          std::vector<float> v(checkedNumElements(s));
          for (float &x : v)
            x = u(rng);
          in.push_back(Tensor::floats(s, std::move(v)));
        }
        inputs.push_back(std::move(in));
      }
      return success();
    }
    if (shapes.size() != 1)
      return main.emitError("calibration data feeds one input; the model has ")
             << shapes.size();
    auto ds = loadDataset(source, /*train=*/true, count);
    if (!ds)
      return main.emitError("calibration data: ")
             << llvm::toString(ds.takeError());
    if (ds->imageShape != shapes[0])
      return main.emitError("calibration images have shape ")
             << formatShape(ds->imageShape) << ", the model input is "
             << formatShape(shapes[0]);
    for (size_t i = 0; i < ds->size(); ++i)
      inputs.push_back({ds->image(i)});
    if (inputs.empty())
      return main.emitError("calibration data '") << source << "' is empty";
    return success();
  }
};

} // namespace
} // namespace spec2
