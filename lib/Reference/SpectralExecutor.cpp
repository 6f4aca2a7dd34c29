//===- SpectralExecutor.cpp - Float interpreter of spectral-level IR ------===//
#include "spec2/Reference/SpectralExecutor.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <fftw3.h>
#include <limits>
#include <mutex>

using namespace mlir;

namespace spec2 {

namespace {

using Cd = std::complex<double>;

std::mutex &plannerMutex() {
  static std::mutex m;
  return m;
}

float clampTo(float v, float lo, float hi) {
  return std::min(std::max(v, lo), hi);
}

/// A prepared op: what it reads and writes and its weights.
struct Step {
  enum Kind {
    Conv,
    SpatialConv,
    Pool,
    Fc,
    Clamp,
    Add,
    Activation,
    ChannelAffine, ///< x[c] * values[c] + bias[c]
    Softmax,       ///< over the channels at every position
    ChannelMul     ///< x[c] * in1[c]
  } kind;
  Operation *op;
  unsigned in0 = 0, in1 = 0, out = 0;
  bool logSoftmax = false;
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  // Shapes (NCHW, batch 1).
  int64_t c = 0, h = 0, w = 0, co = 0, ho = 0, wo = 0;
  int64_t kh = 0, kw = 0, sy = 1, sx = 1, pt = 0, pl = 0;
  // Conv: n, tile, per (co, ci) the (bin, weight) entries; bias.
  int64_t n = 0, tile = 0, nnz = 0;
  std::vector<int32_t> bins;
  std::vector<Cd> weights;
  std::vector<double> bias;
  // Spatial conv: dilation and groups (weights [co][c/group][kh][kw] in
  // `values`).
  int64_t dy = 1, dx = 1, group = 1;
  // Pool.
  bool isMax = false, countPad = false;
  // Activation: samples over [xMin, xMax].
  double xMin = 0, xMax = 0;
  std::vector<double> samples;
  // Fc: rows x nnz values and columns.
  std::vector<double> values;
  std::vector<int64_t> columns;
};

void setClamp(Step &s, FloatAttr lo, FloatAttr hi) {
  s.lo = float(lo.getValueAsDouble());
  s.hi = float(hi.getValueAsDouble());
}

void dims(Value v, int64_t &c, int64_t &h, int64_t &w) {
  auto t = cast<ShapedType>(v.getType());
  c = t.getRank() > 1 ? t.getDimSize(1) : 1;
  h = t.getRank() > 2 ? t.getDimSize(2) : 1;
  w = t.getRank() > 3 ? t.getDimSize(3) : 1;
}

/// Channels (dimension 1) and the elements of each [n][c] plane, any rank.
void setPlanes(Step &s, Value v) {
  auto t = cast<ShapedType>(v.getType());
  s.c = t.getDimSize(1);
  s.h = t.getNumElements() / (t.getDimSize(0) * s.c);
  s.w = 1;
}

/// Shapes, window, clamp and input of a conv or pooling op.
template <typename WindowOp> void setWindow(Step &s, WindowOp op) {
  dims(op.getInput(), s.c, s.h, s.w);
  dims(op.getOutput(), s.co, s.ho, s.wo);
  s.kh = op.getKernel()[0];
  s.kw = op.getKernel()[1];
  s.sy = op.getStride()[0];
  s.sx = op.getStride()[1];
  s.pt = op.getPad()[0];
  s.pl = op.getPad()[1];
  setClamp(s, op.getClampMinAttr(), op.getClampMaxAttr());
}

} // namespace

struct SpectralExecutor::Plan {
  std::vector<Step> steps;
  unsigned slots = 0, argSlot = 0, resultSlot = 0;
  size_t argSize = 0;
  // FFTW plans per FFT size (executed with the new-array interface, which
  // is thread-safe); buffers come from fftw_alloc so alignment matches.
  llvm::DenseMap<int64_t, std::pair<fftw_plan, fftw_plan>> fft;

  ~Plan() {
    std::lock_guard<std::mutex> lock(plannerMutex());
    for (auto &[n, p] : fft) {
      fftw_destroy_plan(p.first);
      fftw_destroy_plan(p.second);
    }
  }

  void conv(const Step &s, const std::vector<float> &x,
            std::vector<float> &y) const;
  void spatialConv(const Step &s, const std::vector<float> &x,
                   std::vector<float> &y) const;
  void pool(const Step &s, const std::vector<float> &x,
            std::vector<float> &y) const;
  void fc(const Step &s, const std::vector<float> &x,
          std::vector<float> &y) const;
};

SpectralExecutor::SpectralExecutor(std::unique_ptr<Plan> plan)
    : plan(std::move(plan)) {}
SpectralExecutor::~SpectralExecutor() = default;
SpectralExecutor::SpectralExecutor(SpectralExecutor &&) noexcept = default;

Operation *SpectralExecutor::firstUnsupported(func::FuncOp func) {
  for (Operation &op : func.getBody().front())
    if (!isa<spectral::Conv2DOp, spectral::SpatialConv2DOp, spectral::Pool2DOp,
             spectral::FullyConnectedOp,
             spectral::ClampOp, spectral::AddOp, spectral::ActivationOp,
             spectral::ChannelAffineOp, spectral::ChannelMulOp,
             spectral::SoftmaxOp, func::ReturnOp>(op))
      return &op;
  return nullptr;
}

FailureOr<SpectralExecutor> SpectralExecutor::create(func::FuncOp func) {
  auto plan = std::make_unique<Plan>();
  if (func.getNumArguments() != 1 || func.getNumResults() != 1)
    return func.emitError("the spectral executor runs functions of one "
                          "argument and one result");
  llvm::DenseMap<Value, unsigned> slot;
  auto slotOf = [&](Value v) {
    auto [it, fresh] = slot.try_emplace(v, plan->slots);
    if (fresh)
      ++plan->slots;
    return it->second;
  };
  plan->argSlot = slotOf(func.getArgument(0));
  plan->argSize =
      size_t(cast<ShapedType>(func.getArgument(0).getType()).getNumElements());
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      plan->resultSlot = slotOf(ret.getOperand(0));
      break;
    }
    Step s{};
    s.op = &op;
    if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
      s.kind = Step::Conv;
      setWindow(s, conv);
      s.n = conv.getFftSize();
      s.tile = conv.getTileSize();
      s.nnz = conv.getNnz();
      auto spectra = readNumbers(conv.getSpectra());
      auto bins = readNumbers(conv.getBins());
      auto bias = readNumbers(conv.getBias());
      if (!spectra || !bins || !bias)
        return conv.emitOpError("weights are not readable");
      s.bins.assign(bins->begin(), bins->end());
      s.weights.resize(bins->size());
      for (size_t k = 0; k < bins->size(); ++k)
        s.weights[k] = Cd((*spectra)[2 * k], (*spectra)[2 * k + 1]);
      s.bias = *bias;
      s.in0 = slotOf(conv.getInput());
      if (!plan->fft.count(s.n)) {
        const int n = int(s.n);
        double *r = fftw_alloc_real(n * n);
        fftw_complex *c = fftw_alloc_complex(n * n);
        std::lock_guard<std::mutex> lock(plannerMutex());
        plan->fft[s.n] = {
            fftw_plan_dft_r2c_2d(n, n, r, c, FFTW_ESTIMATE),
            fftw_plan_dft_2d(n, n, c, c, FFTW_BACKWARD, FFTW_ESTIMATE)};
        fftw_free(r);
        fftw_free(c);
      }
    } else if (auto conv = dyn_cast<spectral::SpatialConv2DOp>(op)) {
      s.kind = Step::SpatialConv;
      setWindow(s, conv);
      s.dy = conv.getDilation()[0];
      s.dx = conv.getDilation()[1];
      s.group = int64_t(conv.getGroup());
      auto weights = readNumbers(conv.getWeights());
      auto bias = readNumbers(conv.getBias());
      if (!weights || !bias)
        return conv.emitOpError("weights are not readable");
      s.values = *weights;
      s.bias = *bias;
      s.in0 = slotOf(conv.getInput());
    } else if (auto pool = dyn_cast<spectral::Pool2DOp>(op)) {
      s.kind = Step::Pool;
      setWindow(s, pool);
      s.isMax = pool.getKind() == "max";
      s.countPad = pool.getCountIncludePad();
      s.in0 = slotOf(pool.getInput());
    } else if (auto fc = dyn_cast<spectral::FullyConnectedOp>(op)) {
      s.kind = Step::Fc;
      auto values = readNumbers(fc.getValues());
      auto columns = readNumbers(fc.getColumns());
      auto bias = readNumbers(fc.getBias());
      if (!values || !columns || !bias)
        return fc.emitOpError("weights are not readable");
      auto shape = cast<ShapedType>(fc.getValues().getType()).getShape();
      s.co = shape[0];
      s.nnz = shape[1];
      s.values = *values;
      s.columns.assign(columns->begin(), columns->end());
      s.bias = *bias;
      setClamp(s, fc.getClampMinAttr(), fc.getClampMaxAttr());
      s.in0 = slotOf(fc.getInput());
    } else if (auto clamp = dyn_cast<spectral::ClampOp>(op)) {
      s.kind = Step::Clamp;
      setClamp(s, clamp.getClampMinAttr(), clamp.getClampMaxAttr());
      s.in0 = slotOf(clamp.getInput());
    } else if (auto add = dyn_cast<spectral::AddOp>(op)) {
      s.kind = Step::Add;
      setClamp(s, add.getClampMinAttr(), add.getClampMaxAttr());
      s.in0 = slotOf(add.getLhs());
      s.in1 = slotOf(add.getRhs());
    } else if (auto act = dyn_cast<spectral::ActivationOp>(op)) {
      s.kind = Step::Activation;
      auto samples = readNumbers(act.getSamples());
      if (!samples || samples->size() < 2)
        return act.emitOpError("samples are not readable");
      s.samples = *samples;
      s.xMin = act.getXMin().convertToDouble();
      s.xMax = act.getXMax().convertToDouble();
      s.in0 = slotOf(act.getInput());
    } else if (auto softmax = dyn_cast<spectral::SoftmaxOp>(op)) {
      s.kind = Step::Softmax;
      s.logSoftmax = softmax.getLog();
      setPlanes(s, softmax.getInput());
      s.in0 = slotOf(softmax.getInput());
    } else if (auto affine = dyn_cast<spectral::ChannelAffineOp>(op)) {
      s.kind = Step::ChannelAffine;
      auto scale = readNumbers(affine.getScale());
      auto shift = readNumbers(affine.getShift());
      if (!scale || !shift)
        return affine.emitOpError("scale and shift are not readable");
      s.values = *scale;
      s.bias = *shift;
      setPlanes(s, affine.getInput());
      setClamp(s, affine.getClampMinAttr(), affine.getClampMaxAttr());
      s.in0 = slotOf(affine.getInput());
    } else if (auto mul = dyn_cast<spectral::ChannelMulOp>(op)) {
      s.kind = Step::ChannelMul;
      setPlanes(s, mul.getInput());
      setClamp(s, mul.getClampMinAttr(), mul.getClampMaxAttr());
      s.in0 = slotOf(mul.getInput());
      s.in1 = slotOf(mul.getScale());
    } else {
      return op.emitError("the spectral executor does not implement '")
             << op.getName() << "'";
    }
    s.out = slotOf(op.getResult(0));
    plan->steps.push_back(std::move(s));
  }
  return SpectralExecutor(std::move(plan));
}

/// Overlap-and-add as the overlay does it: input tiles of `tile` x `tile`
/// (the padding is implicit), each spectrum times the stored bins, summed
/// over input channels, completed to N x N (columns kx > N/2 from their
/// conjugates, columns 0 and N/2 as stored), inverse transformed; the real
/// part lands at the tile's offset in the full-resolution output, which
/// the stride then samples.
void SpectralExecutor::Plan::conv(const Step &s, const std::vector<float> &x,
                                  std::vector<float> &y) const {
  const int64_t n = s.n, half = n / 2 + 1, bins = n * half;
  const int64_t rh = (s.ho - 1) * s.sy + 1, rw = (s.wo - 1) * s.sx + 1;
  const int64_t tilesY = (s.h + s.tile - 1) / s.tile,
                tilesX = (s.w + s.tile - 1) / s.tile;
  auto [fwd, inv] = fft.lookup(n);
  double *real = fftw_alloc_real(n * n);
  fftw_complex *spec = fftw_alloc_complex(n * n);
  std::vector<Cd> xs(s.c * bins), acc(bins);
  std::vector<double> r(s.co * rh * rw, 0.0);
  for (int64_t ty = 0; ty < tilesY; ++ty)
    for (int64_t tx = 0; tx < tilesX; ++tx) {
      for (int64_t ci = 0; ci < s.c; ++ci) {
        std::fill(real, real + n * n, 0.0);
        for (int64_t v = 0; v < s.tile; ++v)
          for (int64_t u = 0; u < s.tile; ++u) {
            const int64_t iy = ty * s.tile + v, ix = tx * s.tile + u;
            if (iy < s.h && ix < s.w)
              real[v * n + u] = x[(ci * s.h + iy) * s.w + ix];
          }
        fftw_execute_dft_r2c(fwd, real, spec);
        for (int64_t b = 0; b < bins; ++b)
          xs[ci * bins + b] = Cd(spec[b][0], spec[b][1]);
      }
      const int64_t oy = ty * s.tile + s.pt - (s.kh - 1),
                    ox = tx * s.tile + s.pl - (s.kw - 1);
      for (int64_t co = 0; co < s.co; ++co) {
        std::fill(acc.begin(), acc.end(), Cd(0));
        for (int64_t ci = 0; ci < s.c; ++ci)
          for (int64_t t = 0; t < s.nnz; ++t) {
            const int64_t k = (co * s.c + ci) * s.nnz + t;
            if (s.bins[k] >= 0) // -1: an absent slot
              acc[s.bins[k]] += s.weights[k] * xs[ci * bins + s.bins[k]];
          }
        for (int64_t ky = 0; ky < n; ++ky)
          for (int64_t kx = 0; kx < n; ++kx) {
            Cd v = kx < half ? acc[ky * half + kx]
                             : std::conj(acc[((n - ky) % n) * half + n - kx]);
            spec[ky * n + kx][0] = v.real();
            spec[ky * n + kx][1] = v.imag();
          }
        fftw_execute_dft(inv, spec, spec);
        for (int64_t v = 0; v < n; ++v)
          for (int64_t u = 0; u < n; ++u) {
            const int64_t ry = oy + v, rx = ox + u;
            if (ry >= 0 && ry < rh && rx >= 0 && rx < rw)
              r[(co * rh + ry) * rw + rx] += spec[v * n + u][0] / double(n * n);
          }
      }
    }
  fftw_free(real);
  fftw_free(spec);
  y.resize(s.co * s.ho * s.wo);
  for (int64_t co = 0; co < s.co; ++co)
    for (int64_t i = 0; i < s.ho; ++i)
      for (int64_t j = 0; j < s.wo; ++j)
        y[(co * s.ho + i) * s.wo + j] =
            clampTo(float(r[(co * rh + i * s.sy) * rw + j * s.sx] + s.bias[co]),
                    s.lo, s.hi);
}

/// Direct convolution, as spectral.spatial_conv2d defines it: output
/// channel co reads the input channels of its group, taps outside the input
/// read zero.
void SpectralExecutor::Plan::spatialConv(const Step &s,
                                         const std::vector<float> &x,
                                         std::vector<float> &y) const {
  const int64_t cpg = s.c / s.group, opg = s.co / s.group;
  y.resize(s.co * s.ho * s.wo);
  for (int64_t co = 0; co < s.co; ++co) {
    const int64_t ci0 = co / opg * cpg;
    const double *w = &s.values[co * cpg * s.kh * s.kw];
    for (int64_t i = 0; i < s.ho; ++i)
      for (int64_t j = 0; j < s.wo; ++j) {
        double acc = s.bias[co];
        for (int64_t ci = 0; ci < cpg; ++ci)
          for (int64_t a = 0; a < s.kh; ++a) {
            const int64_t iy = i * s.sy - s.pt + a * s.dy;
            if (iy < 0 || iy >= s.h)
              continue;
            const float *row = &x[((ci0 + ci) * s.h + iy) * s.w];
            const double *wr = &w[(ci * s.kh + a) * s.kw];
            for (int64_t b = 0; b < s.kw; ++b) {
              const int64_t ix = j * s.sx - s.pl + b * s.dx;
              if (ix >= 0 && ix < s.w && wr[b] != 0.0)
                acc += wr[b] * row[ix];
            }
          }
        y[(co * s.ho + i) * s.wo + j] = clampTo(float(acc), s.lo, s.hi);
      }
  }
}

void SpectralExecutor::Plan::pool(const Step &s, const std::vector<float> &x,
                                  std::vector<float> &y) const {
  y.resize(s.c * s.ho * s.wo);
  for (int64_t c = 0; c < s.c; ++c)
    for (int64_t i = 0; i < s.ho; ++i)
      for (int64_t j = 0; j < s.wo; ++j) {
        double acc = s.isMax ? -std::numeric_limits<double>::infinity() : 0.0;
        int64_t count = 0;
        for (int64_t a = 0; a < s.kh; ++a)
          for (int64_t b = 0; b < s.kw; ++b) {
            const int64_t iy = i * s.sy - s.pt + a, ix = j * s.sx - s.pl + b;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w)
              continue;
            const double v = x[(c * s.h + iy) * s.w + ix];
            acc = s.isMax ? std::max(acc, v) : acc + v;
            ++count;
          }
        if (!s.isMax)
          acc /= double(s.countPad ? s.kh * s.kw : std::max<int64_t>(count, 1));
        y[(c * s.ho + i) * s.wo + j] = clampTo(float(acc), s.lo, s.hi);
      }
}

void SpectralExecutor::Plan::fc(const Step &s, const std::vector<float> &x,
                                std::vector<float> &y) const {
  y.resize(s.co);
  for (int64_t r = 0; r < s.co; ++r) {
    double acc = s.bias[r];
    for (int64_t t = 0; t < s.nnz; ++t)
      acc += s.values[r * s.nnz + t] * x[s.columns[r * s.nnz + t]];
    y[r] = clampTo(float(acc), s.lo, s.hi);
  }
}

std::vector<float> SpectralExecutor::run(llvm::ArrayRef<float> input,
                                         Observer observe) const {
  assert(input.size() == plan->argSize && "input size");
  std::vector<std::vector<float>> slots(plan->slots);
  slots[plan->argSlot].assign(input.begin(), input.end());
  for (const Step &s : plan->steps) {
    const std::vector<float> &x = slots[s.in0];
    if (observe && !observe(s.op, x))
      return {};
    std::vector<float> &y = slots[s.out];
    switch (s.kind) {
    case Step::Conv:
      plan->conv(s, x, y);
      break;
    case Step::SpatialConv:
      plan->spatialConv(s, x, y);
      break;
    case Step::Pool:
      plan->pool(s, x, y);
      break;
    case Step::Fc:
      plan->fc(s, x, y);
      break;
    case Step::Clamp:
      y.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i)
        y[i] = clampTo(x[i], s.lo, s.hi);
      break;
    case Step::Activation: {
      // As spectral::ActivationOp::evaluate: linear between samples.
      const int64_t n = int64_t(s.samples.size());
      y.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const double pos = (x[i] - s.xMin) / (s.xMax - s.xMin) * double(n - 1);
        if (pos <= 0) {
          y[i] = float(s.samples[0]);
        } else if (pos >= double(n - 1)) {
          y[i] = float(s.samples[n - 1]);
        } else {
          const int64_t k = int64_t(pos);
          const double f = pos - double(k);
          y[i] = float(s.samples[k] * (1 - f) + s.samples[k + 1] * f);
        }
      }
      break;
    }
    case Step::Add: {
      const std::vector<float> &b = slots[s.in1];
      y.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i)
        y[i] = clampTo(x[i] + b[i], s.lo, s.hi);
      break;
    }
    case Step::Softmax: {
      // [c][position] (batch 1), in double as the float reference.
      const size_t plane = size_t(s.h * s.w), channels = size_t(s.c);
      y.resize(x.size());
      for (size_t p = 0; p < plane; ++p) {
        double m = -std::numeric_limits<double>::infinity(), sum = 0;
        for (size_t c = 0; c < channels; ++c)
          m = std::max(m, double(x[c * plane + p]));
        for (size_t c = 0; c < channels; ++c)
          sum += std::exp(double(x[c * plane + p]) - m);
        for (size_t c = 0; c < channels; ++c) {
          const double d = double(x[c * plane + p]) - m;
          y[c * plane + p] =
              float(s.logSoftmax ? d - std::log(sum) : std::exp(d) / sum);
        }
      }
      break;
    }
    case Step::ChannelAffine:
    case Step::ChannelMul: {
      // Planes in [n][c] order; the gate holds one value per plane.
      const size_t plane = size_t(s.h * s.w);
      y.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const size_t p = i / plane, c = p % size_t(s.c);
        const double v = s.kind == Step::ChannelMul
                             ? double(x[i]) * double(slots[s.in1][p])
                             : double(x[i]) * s.values[c] + s.bias[c];
        y[i] = clampTo(float(v), s.lo, s.hi);
      }
      break;
    }
    }
  }
  return slots[plan->resultSlot];
}

} // namespace spec2
