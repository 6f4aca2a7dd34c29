//===- Calibrate.cpp - Activation ranges from the float reference ---------===//
//
// Runs the graph on calibration inputs with the reference executor and
// records the largest magnitude of every intermediate result.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "CalibrationCheck.h"
#include "Spec2/Spec2Dialect.h"

#include "spec2/Reference/Executor.h"
#include "spec2/Reference/Kernels.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/Dataset.h"
#include "spec2/Support/Progress.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <complex>
#include <fftw3.h>

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

/// The covariance of the input tiles' spectra of one convolution, per bin:
/// C_f = sum over tiles of X_f X_f^H (cin x cin, complex).
struct TileCovariance {
  int64_t n = 0, tile = 0, cin = 0, bins = 0;
  std::vector<std::complex<double>> c; // [bins][cin][cin]

  /// Accumulates the tiles of one NHWC input [1, H, W, C].
  void add(llvm::ArrayRef<float> x, int64_t h, int64_t w) {
    const int64_t half = n / 2 + 1;
    std::vector<double> in(n * n);
    std::vector<std::complex<double>> out(n * half), spec(cin * bins);
    fftw_plan plan;
    {
      std::lock_guard<std::mutex> lock(fftwMutex());
      plan = fftw_plan_dft_r2c_2d(int(n), int(n), in.data(),
                                  reinterpret_cast<fftw_complex *>(out.data()),
                                  FFTW_ESTIMATE);
    }
    for (int64_t ty = 0; ty * tile < h; ++ty)
      for (int64_t tx = 0; tx * tile < w; ++tx) {
        for (int64_t ch = 0; ch < cin; ++ch) {
          std::fill(in.begin(), in.end(), 0.0);
          for (int64_t y = 0; y < tile && ty * tile + y < h; ++y)
            for (int64_t xx = 0; xx < tile && tx * tile + xx < w; ++xx)
              in[y * n + xx] =
                  x[((ty * tile + y) * w + tx * tile + xx) * cin + ch];
          fftw_execute(plan);
          for (int64_t b = 0; b < bins; ++b)
            spec[ch * bins + b] = out[b];
        }
        // C_b += x x^H, products spelled out (std::complex's checked
        // multiply is a library call).
        for (int64_t b = 0; b < bins; ++b)
          for (int64_t i = 0; i < cin; ++i) {
            const double xr = spec[i * bins + b].real(),
                         xi = spec[i * bins + b].imag();
            std::complex<double> *row = &c[(b * cin + i) * cin];
            for (int64_t j = 0; j < cin; ++j) {
              const double yr = spec[j * bins + b].real(),
                           yi = spec[j * bins + b].imag();
              row[j] +=
                  std::complex<double>(xr * yr + xi * yi, xi * yr - xr * yi);
            }
          }
      }
    std::lock_guard<std::mutex> lock(fftwMutex());
    fftw_destroy_plan(plan);
  }

  static std::mutex &fftwMutex() {
    static std::mutex m;
    return m;
  }
};

/// The covariance of a fully-connected layer's input vector: sum of x x^T
/// (K x K, upper triangle accumulated, mirrored when stored).
struct VectorCovariance {
  int64_t k = 0;
  std::vector<double> c; // [k][k]

  void add(llvm::ArrayRef<float> x) {
    for (int64_t i = 0; i < k; ++i) {
      const double xi = x[i];
      if (xi == 0)
        continue;
      double *row = &c[i * k];
      for (int64_t j = i; j < k; ++j)
        row[j] += xi * x[j];
    }
  }
};

/// Per-layer covariance is recorded only up to this size (bytes as float).
constexpr int64_t kMaxCovarianceBytes = 64 << 20;

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

    // Convolutions whose input-tile covariance is wanted, by the op that
    // produces their input.
    llvm::DenseMap<Operation *, SmallVector<tosa::Conv2DOp>> covFor;
    SmallVector<tosa::Conv2DOp> convs;
    // The tiles are the target's FFT tiles.
    int64_t fftSize = 0;
    if (tileCovariance) {
      auto cfg = targetOf(module);
      if (!cfg)
        return signalPassFailure();
      fftSize = cfg->config.fftSize;
    }
    if (tileCovariance)
      main.walk([&](tosa::Conv2DOp conv) {
        auto in = cast<RankedTensorType>(conv.getInput().getType());
        auto wt = cast<RankedTensorType>(conv.getWeight().getType());
        const int64_t n = fftSize, cin = in.getDimSize(3);
        const int64_t k = std::max(wt.getDimSize(1), wt.getDimSize(2));
        const int64_t bins = n * (n / 2 + 1);
        Operation *def = conv.getInput().getDefiningOp();
        if (!def || k > n || bins * cin * cin * 8 > kMaxCovarianceBytes)
          return;
        covFor[def].push_back(conv);
        convs.push_back(conv);
      });
    // Matrix-vector products whose input covariance is wanted, by the op
    // that produces their input vector.
    llvm::DenseMap<Operation *, SmallVector<tosa::MatMulOp>> fcFor;
    SmallVector<tosa::MatMulOp> fcs;
    if (fcCovariance)
      main.walk([&](tosa::MatMulOp mm) {
        auto a = cast<RankedTensorType>(mm.getA().getType());
        if (!a.hasStaticShape() || a.getDimSize(0) != 1 || a.getDimSize(1) != 1)
          return;
        const int64_t k = a.getDimSize(2);
        Operation *def = mm.getA().getDefiningOp();
        if (!def || k * k * 4 > kMaxCovarianceBytes)
          return;
        fcFor[def].push_back(mm);
        fcs.push_back(mm);
      });
    auto freshFcCovariances = [&] {
      llvm::DenseMap<Operation *, VectorCovariance> m;
      for (tosa::MatMulOp mm : fcs) {
        VectorCovariance &v = m[mm];
        v.k = cast<RankedTensorType>(mm.getA().getType()).getDimSize(2);
        v.c.assign(v.k * v.k, 0);
      }
      return m;
    };
    auto freshCovariances = [&] {
      llvm::DenseMap<Operation *, TileCovariance> m;
      for (tosa::Conv2DOp conv : convs) {
        auto in = cast<RankedTensorType>(conv.getInput().getType());
        auto wt = cast<RankedTensorType>(conv.getWeight().getType());
        TileCovariance &t = m[conv];
        t.n = fftSize;
        t.tile = t.n - std::max(wt.getDimSize(1), wt.getDimSize(2)) + 1;
        t.cin = in.getDimSize(3);
        t.bins = t.n * (t.n / 2 + 1);
        t.c.assign(t.bins * t.cin * t.cin, 0);
      }
      return m;
    };

    // Every worker keeps its own maxima; they are merged at the end.
    const size_t n = inputs.size();
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency());
    const size_t workers = std::min<size_t>(pool.getMaxConcurrency(), n);
    std::vector<Ranges> perWorker(workers);
    std::vector<llvm::DenseMap<Operation *, TileCovariance>> covPerWorker;
    std::vector<llvm::DenseMap<Operation *, VectorCovariance>> fcPerWorker;
    for (size_t w = 0; w < workers; ++w) {
      covPerWorker.push_back(freshCovariances());
      fcPerWorker.push_back(freshFcCovariances());
    }
    std::vector<std::string> errors(workers);
    // Calibrating a large model takes minutes: a progress line on a terminal.
    Progress progress("spec2-calibrate: input", n);
    for (size_t w = 0; w < workers; ++w)
      pool.async([&, w] {
        // One input per core: the kernels must not fan out again.
        ref::SerialKernels serial;
        Ranges &r = perWorker[w];
        for (size_t i = w; i < n; i += workers) {
          auto out = exec->run(inputs[i], [&](Operation *op,
                                              llvm::ArrayRef<float> v) {
            float &m = r[op];
            m = std::max(m, absMax(v));
            auto fc = fcFor.find(op);
            if (fc != fcFor.end())
              for (tosa::MatMulOp mm : fc->second)
                fcPerWorker[w][mm].add(v);
            auto it = covFor.find(op);
            if (it == covFor.end())
              return;
            for (tosa::Conv2DOp conv : it->second) {
              auto t = cast<RankedTensorType>(conv.getInput().getType());
              covPerWorker[w][conv].add(v, t.getDimSize(1), t.getDimSize(2));
            }
          });
          if (!out) {
            errors[w] = llvm::toString(out.takeError());
            return;
          }
          progress.step();
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
      op->setAttr(attr::kAbsmax, b.getF32FloatAttr(m));
    for (tosa::Conv2DOp conv : convs) {
      TileCovariance total = covPerWorker[0][conv];
      for (size_t w = 1; w < workers; ++w)
        for (size_t i = 0; i < total.c.size(); ++i)
          total.c[i] += covPerWorker[w][conv].c[i];
      std::vector<float> flat;
      flat.reserve(total.c.size() * 2);
      for (std::complex<double> v : total.c) {
        flat.push_back(float(v.real()));
        flat.push_back(float(v.imag()));
      }
      conv->setAttr(attr::kTileCovariance,
                    makeF32Elements(module.getContext(),
                                    {total.bins, total.cin, total.cin, 2},
                                    std::move(flat), "tile_covariance"));
    }
    for (tosa::MatMulOp mm : fcs) {
      VectorCovariance total = fcPerWorker[0][mm];
      for (size_t w = 1; w < workers; ++w)
        for (size_t i = 0; i < total.c.size(); ++i)
          total.c[i] += fcPerWorker[w][mm].c[i];
      const int64_t k = total.k;
      std::vector<float> flat(k * k);
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = i; j < k; ++j)
          flat[i * k + j] = flat[j * k + i] = float(total.c[i * k + j]);
      mm->setAttr(attr::kInputCovariance,
                  makeF32Elements(module.getContext(), {k, k}, std::move(flat),
                                  "input_covariance"));
    }
    for (unsigned a = 0; a < main.getNumArguments(); ++a) {
      float m = 0;
      for (const auto &in : inputs)
        m = std::max(m, absMax(in[a].f32));
      main.setArgAttr(a, attr::kAbsmax, b.getF32FloatAttr(m));
    }
    numInputs = n;
  }

  LogicalResult makeInputs(func::FuncOp main, const ReferenceExecutor &exec,
                           std::vector<std::vector<Tensor>> &inputs) {
    if (source == "random")
      main.emitWarning("no calibration data: activation ranges come from ")
          << unsigned(count)
          << " random inputs uniform in [0, 1]; accuracy may suffer "
          << "(pass --calib=fashion-mnist or a directory of inputs)";
    auto made = calibrationInputs(source, exec.inputShapes(), count, seed);
    if (!made)
      return main.emitError() << llvm::toString(made.takeError());
    inputs = std::move(*made);
    reportCalibrationData(main, source, unsigned(count), inputs);
    return success();
  }
};

} // namespace
} // namespace spec2
