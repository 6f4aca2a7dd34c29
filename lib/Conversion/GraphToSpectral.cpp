//===- GraphToSpectral.cpp - TOSA layers -> spectral layers ---------------===//
//
// Convolutions become spectral: each kernel is flipped (the overlay computes
// a correlation as a convolution), zero-padded to N x N and transformed with
// FFTW once, here; only the N*N/2+2 independent bins of the real transform
// are kept (the half spectrum with the conjugate pairs of columns 0 and N/2
// folded, see spectral::isCanonicalBin). NHWC TOSA ops are replaced by NCHW
// spectral ops between transposes that canonicalisation then cancels.
//
//===----------------------------------------------------------------------===//
#include "spec2/Conversion/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/FixedPoint.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <fftw3.h>
#include <limits>
#include <mutex>

#define DEBUG_TYPE "spec2-graph-to-spectral"

namespace spec2 {
#define GEN_PASS_DEF_GRAPHTOSPECTRAL
#include "spec2/Conversion/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

constexpr llvm::StringLiteral kAbsMax = attr::kAbsmax;

/// Copies what a layer keeps through the rewrite from `from` onto `to`:
/// its calibrated range and, for convs, the engine choice
/// (spec2-choose-engine) that the report shows.
void copyRange(Operation *from, Operation *to) {
  for (StringRef name : {StringRef(kAbsMax), StringRef(attr::kEngine),
                         StringRef(attr::kEngineCycles)})
    if (Attribute a = from->getAttr(name))
      to->setAttr(name, a);
}

RankedTensorType f32Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(ctx));
}

Value transpose(PatternRewriter &rw, Location loc, Value v,
                ArrayRef<int32_t> perms) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(t.getDimSize(p));
  return tosa::TransposeOp::create(rw, loc, f32Tensor(rw.getContext(), shape),
                                   v, rw.getDenseI32ArrayAttr(perms));
}

constexpr int32_t kToNchw[] = {0, 3, 1, 2};
constexpr int32_t kToNhwc[] = {0, 2, 3, 1};

/// The dry run (spec2-graph-to-spectral's dry-run, the up-front support
/// check) makes every layer with placeholder weights: a splat of the
/// layer's shape, nothing read, transformed or copied. Only which ops
/// convert matters there.
ElementsAttr placeholder(MLIRContext *ctx, ArrayRef<int64_t> shape,
                         Type element) {
  auto type = RankedTensorType::get(shape, element);
  if (llvm::isa<FloatType>(element))
    return DenseElementsAttr::get(type, FloatAttr::get(element, 0.0));
  return DenseElementsAttr::get(type, IntegerAttr::get(element, 0));
}

FloatAttr infAttr(Builder &b, bool negative) {
  return b.getF32FloatAttr(negative ? -std::numeric_limits<float>::infinity()
                                    : std::numeric_limits<float>::infinity());
}

/// Spectra of the flipped OHWI kernels on the canonical bins (mirrors of
/// columns 0 and N/2 folded, spectral::isCanonicalBin): [cout][cin][nb][2]
/// and the bin list [cout][cin][nb], nb = spectral::independentBins(n).
void kernelSpectra(const std::vector<double> &w, int64_t cout, int64_t kh,
                   int64_t kw, int64_t cin, int64_t n,
                   std::vector<float> &spectra, std::vector<int32_t> &bins) {
  const int64_t half = n / 2 + 1, nb = spectral::independentBins(n);
  SmallVector<int64_t> canonical;
  for (int64_t b = 0; b < spectral::halfSpectrumBins(n); ++b)
    if (spectral::isCanonicalBin(n, b))
      canonical.push_back(b);
  assert(int64_t(canonical.size()) == nb && "canonical bin count");
  spectra.assign(cout * cin * nb * 2, 0.f);
  bins.resize(cout * cin * nb);
  double *in = fftw_alloc_real(n * n);
  fftw_complex *out = fftw_alloc_complex(n * half);
  // FFTW's planner is not thread-safe; passes run on functions in parallel.
  static std::mutex plannerMutex;
  fftw_plan plan;
  {
    std::lock_guard<std::mutex> lock(plannerMutex);
    plan = fftw_plan_dft_r2c_2d(int(n), int(n), in, out, FFTW_ESTIMATE);
  }
  for (int64_t co = 0; co < cout; ++co)
    for (int64_t ci = 0; ci < cin; ++ci) {
      std::fill(in, in + n * n, 0.0);
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          in[(kh - 1 - i) * n + (kw - 1 - j)] =
              w[((co * kh + i) * kw + j) * cin + ci];
      fftw_execute(plan);
      float *dst = &spectra[(co * cin + ci) * nb * 2];
      for (int64_t t = 0; t < nb; ++t) {
        // The mirror of a folded bin holds the conjugate: w + conj(w') = 2w.
        const int64_t b = canonical[t];
        const double scale = spectral::isFoldedBin(n, b) ? 2.0 : 1.0;
        dst[2 * t] = float(scale * out[b][0]);
        dst[2 * t + 1] = float(scale * out[b][1]);
        bins[(co * cin + ci) * nb + t] = int32_t(b);
      }
    }
  {
    std::lock_guard<std::mutex> lock(plannerMutex);
    fftw_destroy_plan(plan);
  }
  fftw_free(in);
  fftw_free(out);
}

/// True if the spatial engine runs a group-1 tosa.conv2d: the spectral one
/// cannot (dilated, or a kernel larger than the FFT size), or
/// spec2-choose-engine placed it there (spec2.engine).
bool runsSpatial(tosa::Conv2DOp op, int64_t n) {
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  const int64_t kh = wType.getDimSize(1), kw = wType.getDimSize(2);
  if (op.getDilation()[0] != 1 || op.getDilation()[1] != 1 || kh > n || kw > n)
    return true;
  auto e = op->getAttrOfType<StringAttr>(attr::kEngine);
  return e && parseConvEngine(e.getValue()) == ConvEngine::Spatial;
}

struct ConvToSpectral : OpRewritePattern<tosa::Conv2DOp> {
  ConvToSpectral(MLIRContext *ctx, int64_t n, bool dry)
      : OpRewritePattern(ctx), n(n), dry(dry) {}

  LogicalResult matchAndRewrite(tosa::Conv2DOp op,
                                PatternRewriter &rw) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    if (!inType.getElementType().isF32() || !inType.hasStaticShape())
      return rw.notifyMatchFailure(op, "not a static f32 convolution");
    if (op.getDilation()[0] != 1 || op.getDilation()[1] != 1)
      return rw.notifyMatchFailure(op, "dilated convolution");
    if (!isConstantTensor(op.getWeight()) || !isConstantTensor(op.getBias()))
      return rw.notifyMatchFailure(op, "weights or bias are not constant");
    const int64_t cout = wType.getDimSize(0), kh = wType.getDimSize(1),
                  kw = wType.getDimSize(2), cin = wType.getDimSize(3);
    if (kh > n || kw > n)
      return rw.notifyMatchFailure(op, "kernel larger than the FFT size");
    if (runsSpatial(op, n))
      return rw.notifyMatchFailure(op, "the spatial engine runs it");
    MLIRContext *ctx = rw.getContext();
    const int64_t nb = spectral::independentBins(n);
    std::string name = "spectra";
    if (auto loc = dyn_cast<NameLoc>(op.getLoc()))
      name = loc.getName().str() + ".spectra";
    ElementsAttr spectraAttr, binsAttr, biasAttr;
    if (dry) {
      spectraAttr = placeholder(ctx, {cout, cin, nb, 2}, Float32Type::get(ctx));
      binsAttr = placeholder(ctx, {cout, cin, nb}, IntegerType::get(ctx, 32));
      biasAttr = placeholder(ctx, {cout}, Float32Type::get(ctx));
    } else {
      auto w = constantNumbers(op.getWeight());
      auto bias = constantNumbers(op.getBias());
      std::vector<float> spectra, biasF(cout);
      std::vector<int32_t> bins;
      kernelSpectra(*w, cout, kh, kw, cin, n, spectra, bins);
      for (int64_t c = 0; c < cout; ++c)
        biasF[c] = float((*bias)[bias->size() == 1 ? 0 : c]);
      spectraAttr =
          makeF32Elements(ctx, {cout, cin, nb, 2}, std::move(spectra), name);
      binsAttr = makeI32Elements(ctx, {cout, cin, nb}, std::move(bins),
                                 name + ".bins");
      biasAttr = makeF32Elements(ctx, {cout}, std::move(biasF), name + ".bias");
    }
    Location loc = op.getLoc();
    Value x = transpose(rw, loc, op.getInput(), kToNchw);
    ArrayRef<int64_t> p = op.getPad(); // TOSA: top, bottom, left, right
    auto y = spectral::Conv2DOp::create(
        rw, loc,
        f32Tensor(ctx, {1, cout, outType.getDimSize(1), outType.getDimSize(2)}),
        x, rw.getI64IntegerAttr(n), rw.getDenseI64ArrayAttr({kh, kw}),
        rw.getDenseI64ArrayAttr({p[0], p[2], p[1], p[3]}),
        rw.getDenseI64ArrayAttr(op.getStride()),
        spectraAttr, binsAttr, biasAttr, infAttr(rw, true), infAttr(rw, false),
        IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    if (Attribute cov = op->getAttr(attr::kTileCovariance))
      y->setAttr(attr::kTileCovariance, cov);
    rw.replaceOp(op, transpose(rw, loc, y, kToNhwc));
    return success();
  }
  int64_t n;
  bool dry;
};

//===----------------------------------------------------------------------===//
// Convolutions for the spatial engine -> spectral.spatial_conv2d
//===----------------------------------------------------------------------===//

/// What a direct convolution needs, read off the TOSA op(s) it replaces.
struct SpatialConvParts {
  Value input;               ///< NHWC
  std::vector<float> oihw;   ///< [cout][cin/group][kh][kw]
  std::vector<float> bias;   ///< [cout]
  int64_t cout, cpg, kh, kw, group;
  ArrayRef<int64_t> pad, stride, dilation; ///< TOSA's (pad: t, b, l, r)
  bool dry = false; ///< placeholder weights (oihw and bias empty)
};

/// Replaces `op` (whose result is NHWC `outType`) by a spatial_conv2d of
/// `parts` between layout transposes.
void replaceBySpatial(PatternRewriter &rw, Operation *op,
                      RankedTensorType outType, SpatialConvParts &parts) {
  MLIRContext *ctx = rw.getContext();
  std::string name = "conv";
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    name = loc.getName().str();
  Location loc = op->getLoc();
  Value x = transpose(rw, loc, parts.input, kToNchw);
  ArrayRef<int64_t> p = parts.pad;
  const int64_t cout = parts.cout;
  auto y = spectral::SpatialConv2DOp::create(
      rw, loc,
      f32Tensor(ctx, {1, cout, outType.getDimSize(1), outType.getDimSize(2)}),
      x, rw.getDenseI64ArrayAttr({parts.kh, parts.kw}),
      rw.getDenseI64ArrayAttr({p[0], p[2], p[1], p[3]}),
      rw.getDenseI64ArrayAttr(parts.stride),
      rw.getDenseI64ArrayAttr(parts.dilation),
      rw.getI64IntegerAttr(parts.group),
      parts.dry ? placeholder(ctx, {cout, parts.cpg, parts.kh, parts.kw},
                              Float32Type::get(ctx))
                : makeF32Elements(ctx, {cout, parts.cpg, parts.kh, parts.kw},
                                  std::move(parts.oihw), name + ".weights"),
      parts.dry ? placeholder(ctx, {cout}, Float32Type::get(ctx))
                : makeF32Elements(ctx, {cout}, std::move(parts.bias),
                                  name + ".bias"),
      infAttr(rw, true), infAttr(rw, false), IntegerAttr(), IntegerAttr());
  copyRange(op, y);
  rw.replaceOp(op, transpose(rw, loc, y, kToNhwc));
}

/// The bias of `cout` channels (a scalar applies to all).
std::vector<float> biasOf(const std::vector<double> &b, int64_t cout) {
  std::vector<float> out(cout);
  for (int64_t c = 0; c < cout; ++c)
    out[c] = float(b[b.size() == 1 ? 0 : c]);
  return out;
}

/// A constant, or a 1-D slice of one (the importer slices a grouped conv's
/// bias per group, and canonicalisation leaves large slices unfolded).
std::optional<std::vector<double>> constantOrSlice(Value v) {
  if (auto c = constantNumbers(v))
    return c;
  auto slice = v.getDefiningOp<tosa::SliceOp>();
  if (!slice || cast<RankedTensorType>(slice.getType()).getRank() != 1)
    return std::nullopt;
  auto start = slice.getStart().getDefiningOp<tosa::ConstShapeOp>();
  auto full = constantNumbers(slice.getInput1());
  if (!start || !full)
    return std::nullopt;
  const int64_t s0 = (*start.getValues().getValues<APInt>().begin()).getSExtValue();
  const int64_t n = cast<RankedTensorType>(slice.getType()).getDimSize(0);
  if (s0 < 0 || s0 + n > int64_t(full->size()))
    return std::nullopt;
  return std::vector<double>(full->begin() + s0, full->begin() + s0 + n);
}

/// Is `op` a static f32 conv whose weights and bias are constants? Reads
/// them, unless `dry` (then `w` and `bias` stay empty).
template <typename ConvOp>
LogicalResult readConv(ConvOp op, PatternRewriter &rw, bool dry,
                       std::optional<std::vector<double>> &w,
                       std::optional<std::vector<double>> &bias) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  if (!inType.getElementType().isF32() || !inType.hasStaticShape())
    return rw.notifyMatchFailure(op, "not a static f32 convolution");
  Value b = op.getBias();
  if (auto slice = b.template getDefiningOp<tosa::SliceOp>())
    b = slice.getInput1();
  if (!isConstantTensor(op.getWeight()) || !isConstantTensor(b))
    return rw.notifyMatchFailure(op, "weights or bias are not constant");
  if (dry)
    return success();
  w = constantNumbers(op.getWeight());
  bias = constantOrSlice(op.getBias());
  if (!w || !bias)
    return rw.notifyMatchFailure(op, "weights or bias are not constant");
  return success();
}

/// OHWI weights of output channels [0, cout) as OIHW.
std::vector<float> ohwiToOihw(const std::vector<double> &w, int64_t cout,
                              int64_t kh, int64_t kw, int64_t cin) {
  std::vector<float> out(cout * cin * kh * kw);
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        for (int64_t c = 0; c < cin; ++c)
          out[((o * cin + c) * kh + y) * kw + x] =
              float(w[((o * kh + y) * kw + x) * cin + c]);
  return out;
}

/// A group-1 conv the spectral engine cannot run at all: dilated, or a
/// kernel larger than the FFT size.
struct ConvToSpatial : OpRewritePattern<tosa::Conv2DOp> {
  ConvToSpatial(MLIRContext *ctx, int64_t n, bool dry)
      : OpRewritePattern(ctx), n(n), dry(dry) {}
  LogicalResult matchAndRewrite(tosa::Conv2DOp op,
                                PatternRewriter &rw) const override {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    const int64_t cout = wType.getDimSize(0), kh = wType.getDimSize(1),
                  kw = wType.getDimSize(2), cin = wType.getDimSize(3);
    if (!runsSpatial(op, n))
      return rw.notifyMatchFailure(op, "the spectral engine runs it");
    std::optional<std::vector<double>> w, bias;
    if (failed(readConv(op, rw, dry, w, bias)))
      return failure();
    SpatialConvParts parts{op.getInput(),
                           dry ? std::vector<float>()
                               : ohwiToOihw(*w, cout, kh, kw, cin),
                           dry ? std::vector<float>() : biasOf(*bias, cout),
                           cout, cin, kh, kw, 1, op.getPad(), op.getStride(),
                           op.getDilation(), dry};
    replaceBySpatial(rw, op, cast<RankedTensorType>(op.getType()), parts);
    return success();
  }
  int64_t n;
  bool dry;
};

/// Depthwise: TOSA's weight [kh, kw, C, M] feeds output channel c*M + m
/// from input channel c, which is group C with one input channel each.
struct DepthwiseToSpatial : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  DepthwiseToSpatial(MLIRContext *ctx, bool dry)
      : OpRewritePattern(ctx), dry(dry) {}
  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp op,
                                PatternRewriter &rw) const override {
    std::optional<std::vector<double>> w, bias;
    if (failed(readConv(op, rw, dry, w, bias)))
      return failure();
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    const int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
                  c = wType.getDimSize(2), m = wType.getDimSize(3);
    std::vector<float> oihw(dry ? 0 : c * m * kh * kw);
    for (int64_t ci = 0; ci < (dry ? 0 : c); ++ci)
      for (int64_t mi = 0; mi < m; ++mi)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x)
            oihw[((ci * m + mi) * kh + y) * kw + x] =
                float((*w)[((y * kw + x) * c + ci) * m + mi]);
    SpatialConvParts parts{op.getInput(),
                           std::move(oihw),
                           dry ? std::vector<float>() : biasOf(*bias, c * m),
                           c * m, 1, kh, kw, c, op.getPad(), op.getStride(),
                           op.getDilation(), dry};
    replaceBySpatial(rw, op, cast<RankedTensorType>(op.getType()), parts);
    return success();
  }
  bool dry;
};

/// The offset on the channel axis of a slice that takes `size` channels of
/// an NHWC tensor and every element of the other axes; nullopt otherwise.
std::optional<int64_t> channelSliceStart(tosa::SliceOp slice, int64_t size) {
  auto start = slice.getStart().getDefiningOp<tosa::ConstShapeOp>();
  auto full = cast<RankedTensorType>(slice.getInput1().getType());
  auto part = cast<RankedTensorType>(slice.getType());
  if (!start || full.getRank() != 4 || part.getDimSize(3) != size)
    return std::nullopt;
  SmallVector<int64_t> s;
  for (APInt v : start.getValues().getValues<APInt>())
    s.push_back(v.getSExtValue());
  for (int i = 0; i < 3; ++i)
    if (s[i] != 0 || part.getDimSize(i) != full.getDimSize(i))
      return std::nullopt;
  return s[3];
}

/// Grouped: the importer's concat (channel axis) of one conv2d per group,
/// group g's on channels [g*cpg, (g+1)*cpg) of one input, all with the same
/// window: one spatial_conv2d.
struct GroupedToSpatial : OpRewritePattern<tosa::ConcatOp> {
  GroupedToSpatial(MLIRContext *ctx, bool dry, PatternBenefit benefit)
      : OpRewritePattern(ctx, benefit), dry(dry) {}
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rw) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    if (op.getAxis() != 3 || outType.getRank() != 4 || op.getNumOperands() < 2)
      return rw.notifyMatchFailure(op, "not a channel concat");
    SmallVector<tosa::Conv2DOp> convs;
    for (Value v : op.getOperands()) {
      auto conv = v.getDefiningOp<tosa::Conv2DOp>();
      if (!conv || !conv->hasOneUse())
        return rw.notifyMatchFailure(op, "an operand is not a conv of its own");
      convs.push_back(conv);
    }
    tosa::Conv2DOp first = convs.front();
    auto wType = cast<RankedTensorType>(first.getWeight().getType());
    const int64_t gout = wType.getDimSize(0), kh = wType.getDimSize(1),
                  kw = wType.getDimSize(2), cpg = wType.getDimSize(3);
    const int64_t group = int64_t(convs.size()), cout = gout * group;
    Value source;
    std::vector<float> oihw, bias;
    for (auto [g, conv] : llvm::enumerate(convs)) {
      auto slice = conv.getInput().getDefiningOp<tosa::SliceOp>();
      if (!slice || conv.getWeight().getType() != wType ||
          conv.getPad() != first.getPad() ||
          conv.getStride() != first.getStride() ||
          conv.getDilation() != first.getDilation())
        return rw.notifyMatchFailure(op, "the convs differ");
      if (!source)
        source = slice.getInput1();
      if (slice.getInput1() != source ||
          channelSliceStart(slice, cpg) != int64_t(g) * cpg)
        return rw.notifyMatchFailure(op, "not the groups of one input");
      std::optional<std::vector<double>> w, b;
      if (failed(readConv(conv, rw, dry, w, b)))
        return failure();
      if (dry)
        continue;
      std::vector<float> wg = ohwiToOihw(*w, gout, kh, kw, cpg);
      std::vector<float> bg = biasOf(*b, gout);
      oihw.insert(oihw.end(), wg.begin(), wg.end());
      bias.insert(bias.end(), bg.begin(), bg.end());
    }
    if (cast<RankedTensorType>(source.getType()).getDimSize(3) != cpg * group)
      return rw.notifyMatchFailure(op, "the groups do not cover the input");
    SpatialConvParts parts{source, std::move(oihw), std::move(bias), cout,
                           cpg, kh, kw, group, first.getPad(),
                           first.getStride(), first.getDilation(), dry};
    // The concat carries the calibrated range of the whole layer.
    replaceBySpatial(rw, op, outType, parts);
    return success();
  }
  bool dry;
};

template <typename PoolOp> struct PoolToSpectral : OpRewritePattern<PoolOp> {
  PoolToSpectral(MLIRContext *ctx, StringRef kind)
      : OpRewritePattern<PoolOp>(ctx), kind(kind) {}

  LogicalResult matchAndRewrite(PoolOp op, PatternRewriter &rw) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    if (!inType.getElementType().isF32() || !inType.hasStaticShape())
      return rw.notifyMatchFailure(op, "not a static f32 pooling");
    Location loc = op.getLoc();
    Value x = transpose(rw, loc, op.getInput(), kToNchw);
    ArrayRef<int64_t> p = op.getPad(); // top, bottom, left, right
    auto y = spectral::Pool2DOp::create(
        rw, loc,
        f32Tensor(rw.getContext(),
                  {1, outType.getDimSize(3), outType.getDimSize(1),
                   outType.getDimSize(2)}),
        x, rw.getStringAttr(kind), rw.getDenseI64ArrayAttr(op.getKernel()),
        rw.getDenseI64ArrayAttr(op.getStride()),
        rw.getDenseI64ArrayAttr({p[0], p[2], p[1], p[3]}),
        rw.getBoolAttr(false), infAttr(rw, true), infAttr(rw, false),
        IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, transpose(rw, loc, y, kToNhwc));
    return success();
  }
  StringRef kind;
};

/// avg_pool2d(pad(x, zeros)) with count_include_pad: the importer makes the
/// declared padding real zeros so that they count; the vector unit counts
/// them itself (include_pad).
struct PaddedAvgPoolToSpectral : OpRewritePattern<tosa::AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AvgPool2dOp op,
                                PatternRewriter &rw) const override {
    auto pad = op.getInput().getDefiningOp<tosa::PadOp>();
    if (!pad)
      return rw.notifyMatchFailure(op, "input is not padded");
    for (int64_t p : op.getPad())
      if (p != 0)
        return rw.notifyMatchFailure(op, "ceil-mode padding outside the count");
    auto padConst = constantNumbers(pad.getPadConst());
    auto shapeOp = pad.getPadding().getDefiningOp<tosa::ConstShapeOp>();
    if (!padConst || padConst->empty() || (*padConst)[0] != 0 || !shapeOp)
      return rw.notifyMatchFailure(op, "not a zero padding");
    SmallVector<int64_t> p;
    for (APInt v : shapeOp.getValues().getValues<APInt>())
      p.push_back(v.getSExtValue());
    // NHWC padding: [n0, n1, top, bottom, left, right, c0, c1].
    if (p.size() != 8 || p[0] || p[1] || p[6] || p[7])
      return rw.notifyMatchFailure(op, "pads more than the spatial axes");
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    Location loc = op.getLoc();
    Value x = transpose(rw, loc, pad.getInput1(), kToNchw);
    auto y = spectral::Pool2DOp::create(
        rw, loc,
        f32Tensor(rw.getContext(),
                  {1, outType.getDimSize(3), outType.getDimSize(1),
                   outType.getDimSize(2)}),
        x, rw.getStringAttr("avg"), rw.getDenseI64ArrayAttr(op.getKernel()),
        rw.getDenseI64ArrayAttr(op.getStride()),
        rw.getDenseI64ArrayAttr({p[2], p[4], p[3], p[5]}), rw.getBoolAttr(true),
        infAttr(rw, true), infAttr(rw, false), IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, transpose(rw, loc, y, kToNhwc));
    return success();
  }
};

/// Global pooling as the importer writes it on NCHW: reduce over H, then W
/// (then, for the average, a multiplication by 1/(H*W)).
template <typename ReduceOp> std::optional<Value> globalPoolInput(Value v) {
  auto outer = v.getDefiningOp<ReduceOp>();
  if (!outer || outer.getAxis() != 3)
    return std::nullopt;
  auto inner = outer.getInput().template getDefiningOp<ReduceOp>();
  if (!inner || inner.getAxis() != 2)
    return std::nullopt;
  auto t = cast<RankedTensorType>(inner.getInput().getType());
  if (t.getRank() != 4 || !t.hasStaticShape() || !t.getElementType().isF32())
    return std::nullopt;
  return inner.getInput();
}

Value globalPool(PatternRewriter &rw, Location loc, Value x, StringRef kind) {
  auto t = cast<RankedTensorType>(x.getType());
  const int64_t h = t.getDimSize(2), w = t.getDimSize(3);
  return spectral::Pool2DOp::create(
      rw, loc, f32Tensor(rw.getContext(), {1, t.getDimSize(1), 1, 1}), x,
      rw.getStringAttr(kind), rw.getDenseI64ArrayAttr({h, w}),
      rw.getDenseI64ArrayAttr({1, 1}), rw.getDenseI64ArrayAttr({0, 0, 0, 0}),
      rw.getBoolAttr(false), infAttr(rw, true), infAttr(rw, false),
      IntegerAttr(), IntegerAttr());
}

struct GlobalAvgPoolToSpectral : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rw) const override {
    for (auto [a, b] : {std::pair(op.getInput1(), op.getInput2()),
                        std::pair(op.getInput2(), op.getInput1())}) {
      auto x = globalPoolInput<tosa::ReduceSumOp>(a);
      auto scale = constantNumbers(b);
      if (!x || !scale || scale->size() != 1)
        continue;
      auto t = cast<RankedTensorType>(x->getType());
      const double want = 1.0 / double(t.getDimSize(2) * t.getDimSize(3));
      if (std::fabs((*scale)[0] - want) > 1e-6 * want)
        continue;
      Value y = globalPool(rw, op.getLoc(), *x, "avg");
      copyRange(op, y.getDefiningOp());
      rw.replaceOp(op, y);
      return success();
    }
    return rw.notifyMatchFailure(op, "not a global average");
  }
};

struct GlobalMaxPoolToSpectral : OpRewritePattern<tosa::ReduceMaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReduceMaxOp op,
                                PatternRewriter &rw) const override {
    auto x = globalPoolInput<tosa::ReduceMaxOp>(op.getResult());
    if (!x)
      return rw.notifyMatchFailure(op, "not a global maximum");
    Value y = globalPool(rw, op.getLoc(), *x, "max");
    copyRange(op, y.getDefiningOp());
    rw.replaceOp(op, y);
    return success();
  }
};

/// x * s with s a run-time [N, C, 1, ...] activation and x [N, C, ...]: the
/// channel gating of squeeze-and-excitation, on the vector unit.
struct ChannelMulToSpectral : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rw) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 3 ||
        !type.getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a float product");
    for (auto [x, s] : {std::pair(op.getInput1(), op.getInput2()),
                        std::pair(op.getInput2(), op.getInput1())}) {
      auto st = dyn_cast<RankedTensorType>(s.getType());
      if (x.getType() != type || !st || st.getRank() != type.getRank() ||
          constantNumbers(s) || constantNumbers(x) ||
          st.getDimSize(0) != type.getDimSize(0) ||
          st.getDimSize(1) != type.getDimSize(1) ||
          st.getNumElements() != type.getDimSize(0) * type.getDimSize(1) ||
          st == type)
        continue;
      auto y = spectral::ChannelMulOp::create(
          rw, op.getLoc(), type, x, s, infAttr(rw, true), infAttr(rw, false),
          IntegerAttr(), IntegerAttr(), IntegerAttr());
      copyRange(op, y);
      rw.replaceOp(op, y);
      return success();
    }
    return rw.notifyMatchFailure(op, "not x times a per-channel activation");
  }
};

/// The vector unit's pooling window is at most 31 x 31 with strides up to
/// 15: a global pool of a larger plane (squeeze-and-excitation at 56x56 or
/// 112x112) runs as a pool of a x b tiles (a, b <= 15, strided by
/// themselves), then a global pool of the (H/a) x (W/b) result, split again
/// if still too wide. Exact for max; for the average too, every tile having
/// the same count.
struct SplitGlobalPool : OpRewritePattern<spectral::Pool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  static constexpr int64_t kMaxWindow = 31, kMaxStride = 15;

  /// 1 if n fits a window, else the largest factor of n in [2, 15] (0 if
  /// there is none: a prime above 15).
  static int64_t tileOf(int64_t n) {
    if (n <= kMaxWindow)
      return 1;
    for (int64_t f = kMaxStride; f >= 2; --f)
      if (n % f == 0)
        return f;
    return 0;
  }

  LogicalResult matchAndRewrite(spectral::Pool2DOp op,
                                PatternRewriter &rw) const override {
    auto in = op.getInput().getType();
    const int64_t h = in.getDimSize(2), w = in.getDimSize(3);
    ArrayRef<int64_t> k = op.getKernel();
    if (k[0] != h || k[1] != w || (h <= kMaxWindow && w <= kMaxWindow) ||
        llvm::any_of(op.getPad(), [](int64_t p) { return p != 0; }))
      return rw.notifyMatchFailure(op, "not a global pool too wide to run");
    const int64_t th = tileOf(h), tw = tileOf(w);
    if (th == 0 || tw == 0)
      return rw.notifyMatchFailure(op, "no tiling of the plane fits");
    Location loc = op.getLoc();
    auto partial = spectral::Pool2DOp::create(
        rw, loc,
        f32Tensor(rw.getContext(), {1, in.getDimSize(1), h / th, w / tw}),
        op.getInput(), op.getKindAttr(), rw.getDenseI64ArrayAttr({th, tw}),
        rw.getDenseI64ArrayAttr({th, tw}), op.getPadAttr(),
        op.getCountIncludePadAttr(), infAttr(rw, true), infAttr(rw, false),
        IntegerAttr(), IntegerAttr());
    // A pool keeps its input's format (spec2-quantize), so the range only
    // marks the op as calibrated.
    copyRange(op, partial);
    rw.modifyOpInPlace(op, [&] {
      op->setOperand(0, partial.getResult());
      op.setKernelAttr(rw.getDenseI64ArrayAttr({h / th, w / tw}));
    });
    return success();
  }
};

/// Rows (i = 0) or columns (1) a window covers: the dilated kernel's.
template <typename SpectralOp> int64_t windowSpan(SpectralOp op, int i) {
  return op.getKernel()[i];
}
template <> int64_t windowSpan(spectral::SpatialConv2DOp op, int i) {
  return (op.getKernel()[i] - 1) * op.getDilation()[i] + 1;
}

/// The importer crops trailing input rows/columns that no window reads
/// (TOSA wants exact division); the spectral ops floor like ONNX, so they
/// can read the uncropped tensor: drop the slice.
template <typename SpectralOp>
struct DropTrailingCrop : OpRewritePattern<SpectralOp> {
  using OpRewritePattern<SpectralOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralOp op,
                                PatternRewriter &rw) const override {
    auto toNchw = op.getInput().template getDefiningOp<tosa::TransposeOp>();
    if (!toNchw || toNchw.getPerms() != ArrayRef<int32_t>(kToNchw))
      return rw.notifyMatchFailure(op, "input is not a layout transpose");
    auto slice = toNchw.getInput1().template getDefiningOp<tosa::SliceOp>();
    if (!slice)
      return rw.notifyMatchFailure(op, "no crop");
    auto start = slice.getStart().template getDefiningOp<tosa::ConstShapeOp>();
    if (!start)
      return rw.notifyMatchFailure(op, "dynamic crop");
    for (APInt v : start.getValues().template getValues<APInt>())
      if (!v.isZero())
        return rw.notifyMatchFailure(op, "crop does not start at 0");
    auto full = cast<RankedTensorType>(slice.getInput1().getType());
    auto cropped = cast<RankedTensorType>(slice.getType());
    if (full.getRank() != 4 || full.getDimSize(0) != cropped.getDimSize(0) ||
        full.getDimSize(3) != cropped.getDimSize(3))
      return rw.notifyMatchFailure(op, "crop is not spatial");
    // Same output size from the uncropped input (floor division)?
    auto out = cast<RankedTensorType>(op.getOutput().getType());
    ArrayRef<int64_t> st = op.getStride(), p = op.getPad();
    for (int i = 0; i < 2; ++i) {
      int64_t padded = full.getDimSize(1 + i) + p[i] + p[i + 2];
      if ((padded - windowSpan(op, i)) / st[i] + 1 != out.getDimSize(2 + i))
        return rw.notifyMatchFailure(op, "the crop changes the output");
    }
    Value x = transpose(rw, op.getLoc(), slice.getInput1(), kToNchw);
    rw.modifyOpInPlace(op, [&] { op->setOperand(0, x); });
    return success();
  }
};

/// matmul(reshape(x) : [1, 1, K], const [1, K, M]) -> fully_connected.
struct MatMulToFullyConnected : OpRewritePattern<tosa::MatMulOp> {
  MatMulToFullyConnected(MLIRContext *ctx, bool dry)
      : OpRewritePattern(ctx), dry(dry) {}

  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rw) const override {
    auto aType = cast<RankedTensorType>(op.getA().getType());
    auto bType = cast<RankedTensorType>(op.getB().getType());
    if (!aType.hasStaticShape() || aType.getDimSize(0) != 1 ||
        aType.getDimSize(1) != 1 || !aType.getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a matrix-vector product");
    if (!isConstantTensor(op.getB()))
      return rw.notifyMatchFailure(op, "weights are not constant");
    const int64_t k = bType.getDimSize(1), m = bType.getDimSize(2);
    std::vector<float> values;
    std::vector<int32_t> columns;
    if (!dry) {
      auto b = constantNumbers(op.getB());
      values.resize(m * k);
      columns.resize(m * k);
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < k; ++c) {
          values[r * k + c] = float((*b)[c * m + r]);
          columns[r * k + c] = int32_t(c);
        }
    }
    Value x = op.getA();
    if (auto r = x.getDefiningOp<tosa::ReshapeOp>())
      x = r.getInput1();
    MLIRContext *ctx = rw.getContext();
    std::string name = "fc";
    if (auto loc = dyn_cast<NameLoc>(op.getLoc()))
      name = loc.getName().str();
    Location loc = op.getLoc();
    auto y = spectral::FullyConnectedOp::create(
        rw, loc, f32Tensor(ctx, {1, m}), x,
        dry ? placeholder(ctx, {m, k}, Float32Type::get(ctx))
            : makeF32Elements(ctx, {m, k}, std::move(values), name + ".values"),
        dry ? placeholder(ctx, {m, k}, IntegerType::get(ctx, 32))
            : makeI32Elements(ctx, {m, k}, std::move(columns),
                              name + ".columns"),
        makeF32Elements(ctx, {m}, std::vector<float>(m, 0.f), name + ".bias"),
        infAttr(rw, true), infAttr(rw, false), IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    if (Attribute cov = op->getAttr(attr::kInputCovariance))
      y->setAttr(attr::kInputCovariance, cov);
    Value shape = tosa::getTosaConstShape(rw, loc, {1, 1, m});
    rw.replaceOpWithNewOp<tosa::ReshapeOp>(op, op.getResult().getType(), y,
                                           shape);
    return success();
  }
  bool dry;
};

struct ClampToSpectral : OpRewritePattern<tosa::ClampOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ClampOp op,
                                PatternRewriter &rw) const override {
    auto minAttr = dyn_cast<FloatAttr>(op.getMinValAttr());
    auto maxAttr = dyn_cast<FloatAttr>(op.getMaxValAttr());
    if (!minAttr || !maxAttr || !op.getType().getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a float clamp");
    auto y = spectral::ClampOp::create(
        rw, op.getLoc(), op.getType(), op.getInput(),
        rw.getF32FloatAttr(minAttr.getValueAsDouble()),
        rw.getF32FloatAttr(maxAttr.getValueAsDouble()), IntegerAttr(),
        IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, y);
    return success();
  }
};

/// The sum of two activations of the same shape (residual connections).
struct AddToSpectral : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rw) const override {
    if (constantNumbers(op.getInput1()) || constantNumbers(op.getInput2()))
      return rw.notifyMatchFailure(op, "a constant operand is a bias");
    if (op.getInput1().getType() != op.getType() ||
        op.getInput2().getType() != op.getType() ||
        !op.getType().getElementType().isF32())
      return rw.notifyMatchFailure(op, "broadcasting add");
    auto y = spectral::AddOp::create(
        rw, op.getLoc(), op.getType(), op.getInput1(), op.getInput2(),
        infAttr(rw, true), infAttr(rw, false), IntegerAttr(), IntegerAttr(),
        IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, y);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Data movement: concat, slice, channel permutation
//===----------------------------------------------------------------------===//

/// True if every dimension of `shape` before `axis` has extent 1: a run
/// along `axis` is then contiguous in the overlay's dense layout.
bool contiguousAxis(ArrayRef<int64_t> shape, int64_t axis) {
  return llvm::all_of(shape.take_front(axis),
                      [](int64_t d) { return d == 1; });
}

/// True if `v` is a tensor the overlay holds (a layer's output or a graph
/// input, possibly reshaped): dense in its logical shape, so a contiguous
/// run of it is a run of bytes. A TOSA value (an NHWC conv not converted
/// yet, a transpose) is not; its concat or slice waits for it.
bool onOverlay(Value v) {
  Operation *def = throughReshapes(v).getDefiningOp();
  return !def || llvm::isa<spectral::SpectralDialect>(def->getDialect());
}

/// concat(transpose(x_i, P), a) = transpose(concat(x_i, P[a]), P): the
/// concat moves to the layout its operands were produced in (the layers'
/// NCHW), where the layout transposes around it cancel.
struct HoistTransposesOverConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rw) const override {
    SmallVector<Value> inner;
    ArrayRef<int32_t> perms;
    for (Value v : op.getOperands()) {
      auto t = v.getDefiningOp<tosa::TransposeOp>();
      if (!t || (!perms.empty() && t.getPerms() != perms))
        return rw.notifyMatchFailure(op, "operands not transposed alike");
      perms = t.getPerms();
      if (!onOverlay(t.getInput1()))
        return rw.notifyMatchFailure(op, "an operand is not on the overlay yet");
      inner.push_back(t.getInput1());
    }
    if (perms.empty())
      return failure();
    auto first = cast<RankedTensorType>(inner.front().getType());
    const int32_t axis = perms[op.getAxis()];
    SmallVector<int64_t> shape(first.getShape());
    shape[axis] = 0;
    for (Value v : inner)
      shape[axis] += cast<RankedTensorType>(v.getType()).getDimSize(axis);
    auto c = tosa::ConcatOp::create(rw, op.getLoc(),
                                    f32Tensor(rw.getContext(), shape), inner,
                                    rw.getI32IntegerAttr(axis));
    copyRange(op, c);
    rw.replaceOp(op, transpose(rw, op.getLoc(), c, perms));
    return success();
  }
};

/// How to read transpose(v, NHWC -> NCHW) off the overlay without moving
/// data: v is a layer's output transposed to NHWC (`source` is that
/// output), or a reshape of an overlay tensor that the transpose only
/// reshapes, the axes it moves having extent 1 (`source` is v, to reshape
/// to `shape`).
struct NchwView {
  Value source;
  bool reshape;
  SmallVector<int64_t> shape;
};

std::optional<NchwView> nchwView(Value v) {
  if (auto t = v.getDefiningOp<tosa::TransposeOp>())
    if (t.getPerms() == ArrayRef<int32_t>(kToNhwc) && onOverlay(t.getInput1()))
      return NchwView{t.getInput1(), false, {}};
  auto type = cast<RankedTensorType>(v.getType());
  if (!onOverlay(v) || type.getRank() != 4)
    return std::nullopt;
  SmallVector<int64_t> moved, kept, order;
  for (int32_t p : kToNchw)
    moved.push_back(type.getDimSize(p));
  llvm::copy_if(moved, std::back_inserter(kept), [](int64_t d) { return d != 1; });
  llvm::copy_if(type.getShape(), std::back_inserter(order),
                [](int64_t d) { return d != 1; });
  if (kept != order)
    return std::nullopt;
  return NchwView{v, true, moved};
}

/// A concat of overlay tensors along an axis with only extents of 1 before
/// it (channels of NCHW at batch 1), or an NHWC channel concat (axis 3) of
/// tensors that are overlay tensors in NCHW.
struct ConcatToSpectral : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a static f32 concat");
    Location loc = op.getLoc();
    if (llvm::all_of(op.getOperands(), onOverlay) &&
        contiguousAxis(type.getShape(), op.getAxis())) {
      auto y = spectral::ConcatOp::create(rw, loc, type, op.getOperands(),
                                          rw.getI64IntegerAttr(op.getAxis()),
                                          IntegerAttr());
      copyRange(op, y);
      rw.replaceOp(op, y);
      return success();
    }
    if (type.getRank() != 4 || op.getAxis() != 3 || type.getDimSize(0) != 1)
      return rw.notifyMatchFailure(op, "not contiguous on the overlay");
    // Every operand checked before anything is created.
    SmallVector<NchwView> views;
    for (Value v : op.getOperands()) {
      std::optional<NchwView> view = nchwView(v);
      if (!view)
        return rw.notifyMatchFailure(op, "an operand is not an overlay tensor");
      views.push_back(std::move(*view));
    }
    SmallVector<Value> nchw;
    for (const NchwView &view : views)
      nchw.push_back(view.reshape
                         ? tosa::ReshapeOp::create(
                               rw, loc, f32Tensor(rw.getContext(), view.shape),
                               view.source,
                               tosa::getTosaConstShape(rw, loc, view.shape))
                               .getResult()
                         : view.source);
    auto y = spectral::ConcatOp::create(
        rw, loc,
        f32Tensor(rw.getContext(), {1, type.getDimSize(3), type.getDimSize(1),
                                    type.getDimSize(2)}),
        nchw, rw.getI64IntegerAttr(1), IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, transpose(rw, loc, y, kToNhwc));
    return success();
  }
};

/// The one axis a slice cuts (every other one whole), its start; nullopt
/// if it cuts none or several.
std::optional<std::pair<int64_t, int64_t>> cutAxis(tosa::SliceOp op) {
  auto start = op.getStart().getDefiningOp<tosa::ConstShapeOp>();
  auto in = cast<RankedTensorType>(op.getInput1().getType());
  auto out = cast<RankedTensorType>(op.getType());
  if (!start || !in.hasStaticShape() || !out.hasStaticShape())
    return std::nullopt;
  SmallVector<int64_t> s;
  for (APInt v : start.getValues().getValues<APInt>())
    s.push_back(v.getSExtValue());
  std::optional<std::pair<int64_t, int64_t>> cut;
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (out.getDimSize(d) != in.getDimSize(d)) {
      if (cut)
        return std::nullopt;
      cut = std::make_pair(d, s[d]);
    }
  return cut;
}

/// A slice that cuts one axis with only extents of 1 before it, in its own
/// layout or in the layout of the tensor its input transposes: a view.
struct SliceToSpectral : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp op,
                                PatternRewriter &rw) const override {
    auto cut = cutAxis(op);
    auto out = cast<RankedTensorType>(op.getType());
    if (!cut || !out.getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a cut of one axis");
    // A grouped conv's part: GroupedToSpatial takes the whole group.
    if (op->hasOneUse())
      if (auto conv = dyn_cast<tosa::Conv2DOp>(*op->getUsers().begin()))
        if (conv->hasOneUse() &&
            llvm::isa<tosa::ConcatOp>(*conv->getUsers().begin()))
          return rw.notifyMatchFailure(op, "part of a grouped conv");
    auto [axis, start] = *cut;
    Value x = op.getInput1();
    ArrayRef<int32_t> perms;
    if (auto t = x.getDefiningOp<tosa::TransposeOp>()) {
      perms = t.getPerms();
      x = t.getInput1();
      axis = perms[axis];
    }
    auto xType = cast<RankedTensorType>(x.getType());
    if (!onOverlay(x))
      return rw.notifyMatchFailure(op, "the input is not on the overlay yet");
    if (!contiguousAxis(xType.getShape(), axis))
      return rw.notifyMatchFailure(op, "the cut axis is not contiguous");
    SmallVector<int64_t> shape(xType.getShape());
    shape[axis] = perms.empty() ? out.getDimSize(axis)
                                : out.getDimSize(llvm::find(perms, axis) -
                                                 perms.begin());
    auto y = spectral::SliceOp::create(
        rw, op.getLoc(), f32Tensor(rw.getContext(), shape), x,
        rw.getI64IntegerAttr(axis), rw.getI64IntegerAttr(start),
        IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, perms.empty() ? Value(y)
                                   : transpose(rw, op.getLoc(), y, perms));
    return success();
  }
};

/// ShuffleNet's channel shuffle: reshape [1, C, H, W] to [1, d0, .., dk, H, W]
/// (the channels split), transpose the channel factors, reshape back to
/// [1, C, H, W]: a permutation of the channels.
struct ChannelShuffleToSpectral : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rw) const override {
    auto t = op.getInput1().getDefiningOp<tosa::TransposeOp>();
    auto split = t ? t.getInput1().getDefiningOp<tosa::ReshapeOp>() : nullptr;
    if (!split)
      return rw.notifyMatchFailure(op, "not reshape-transpose-reshape");
    Value x = split.getInput1();
    auto xType = cast<RankedTensorType>(x.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    auto mid = cast<RankedTensorType>(split.getType());
    if (xType != outType || xType.getRank() != 4 || !xType.hasStaticShape() ||
        xType.getDimSize(0) != 1 || !xType.getElementType().isF32())
      return rw.notifyMatchFailure(op, "not a permutation of NCHW");
    if (!onOverlay(x))
      return rw.notifyMatchFailure(op, "the input is not on the overlay yet");
    const int64_t r = mid.getRank(), c = xType.getDimSize(1);
    ArrayRef<int32_t> perms = t.getPerms();
    // [1, factors..., H, W] with H and W and the leading 1 left in place.
    if (r < 4 || mid.getDimSize(0) != 1 || perms[0] != 0 ||
        mid.getDimSize(r - 2) != xType.getDimSize(2) ||
        mid.getDimSize(r - 1) != xType.getDimSize(3) ||
        perms[r - 2] != r - 2 || perms[r - 1] != r - 1)
      return rw.notifyMatchFailure(op, "moves more than channels");
    // Channel index of each position of the transposed factors.
    SmallVector<int64_t> dims(mid.getShape().begin() + 1,
                              mid.getShape().end() - 2);
    const int64_t k = int64_t(dims.size());
    SmallVector<int64_t> tdims, stride(size_t(k), 1);
    for (int64_t i = k - 2; i >= 0; --i)
      stride[i] = stride[i + 1] * dims[i + 1];
    for (int64_t i = 0; i < k; ++i)
      tdims.push_back(dims[perms[i + 1] - 1]);
    SmallVector<int64_t> perm(static_cast<size_t>(c));
    for (int64_t o = 0; o < c; ++o) {
      int64_t rem = o, src = 0;
      for (int64_t i = k - 1; i >= 0; --i) {
        const int64_t idx = rem % tdims[i];
        rem /= tdims[i];
        src += idx * stride[perms[i + 1] - 1];
      }
      perm[o] = src;
    }
    auto y = spectral::PermuteChannelsOp::create(
        rw, op.getLoc(), xType, x, rw.getDenseI64ArrayAttr(perm),
        IntegerAttr(), IntegerAttr());
    copyRange(op, y);
    rw.replaceOp(op, y);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Element-wise functions of one activation -> spectral.activation
//===----------------------------------------------------------------------===//

/// Ops that may appear inside an element-wise function of one activation.
bool isElementwise(Operation *op) {
  return llvm::isa<tosa::MulOp, tosa::AddOp, tosa::SubOp, tosa::MaximumOp,
             tosa::MinimumOp, tosa::ClampOp, tosa::TanhOp, tosa::SigmoidOp,
             tosa::ExpOp, tosa::ReciprocalOp, tosa::AbsOp, tosa::GreaterEqualOp,
             tosa::SelectOp, tosa::PowOp, tosa::RsqrtOp, tosa::LogOp>(op);
}

/// A constant that is the same number everywhere.
std::optional<double> scalarConstant(Value v) {
  auto c = constantNumbers(v);
  if (!c || c->empty())
    return std::nullopt;
  for (double d : *c)
    if (d != (*c)[0])
      return std::nullopt;
  return (*c)[0];
}

/// The subgraph computing `root` from a single activation `input` through
/// element-wise ops and scalar constants.
struct ScalarFunction {
  Value input;
  llvm::SetVector<Operation *> ops; // topological order after collect()
  bool nonlinear = false;

  bool collect(Value v, ArrayRef<int64_t> shape) {
    if (scalarConstant(v))
      return true;
    Operation *def = v.getDefiningOp();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (def && isElementwise(def) && type && type.getShape() == shape) {
      if (ops.contains(def))
        return true;
      // Try to take the op in; if one of its operands is neither the input
      // nor a scalar (a bias vector, a second activation), its result is
      // the input instead.
      ScalarFunction saved = *this;
      bool ok = true;
      unsigned n = llvm::isa<tosa::MulOp>(def) ? 2 : def->getNumOperands();
      for (unsigned i = 0; i < n && ok; ++i)
        ok = collect(def->getOperand(i), shape);
      if (ok) {
        ops.insert(def);
        // A product of two functions of the input (hard-swish's x times
        // its hard sigmoid) is as non-linear as a tanh.
        const bool product = llvm::isa<tosa::MulOp>(def) &&
                             !scalarConstant(def->getOperand(0)) &&
                             !scalarConstant(def->getOperand(1));
        nonlinear |= product || !llvm::isa<tosa::MulOp, tosa::AddOp,
                                           tosa::SubOp, tosa::ClampOp>(def);
        return true;
      }
      *this = std::move(saved);
    }
    if (!type || type.getShape() != shape || !type.getElementType().isF32())
      return false;
    if (!input)
      input = v;
    return input == v;
  }

  /// Evaluates the subgraph at input value x.
  double evaluate(double x, Value root) const {
    llvm::DenseMap<Value, double> val;
    auto get = [&](Value v) -> double {
      if (v == input)
        return x;
      auto it = val.find(v);
      if (it != val.end())
        return it->second;
      return *scalarConstant(v);
    };
    for (Operation *op : ops) {
      double r = 0;
      if (llvm::isa<tosa::MulOp>(op))
        r = get(op->getOperand(0)) * get(op->getOperand(1));
      else if (llvm::isa<tosa::AddOp>(op))
        r = get(op->getOperand(0)) + get(op->getOperand(1));
      else if (llvm::isa<tosa::SubOp>(op))
        r = get(op->getOperand(0)) - get(op->getOperand(1));
      else if (llvm::isa<tosa::MaximumOp>(op))
        r = std::max(get(op->getOperand(0)), get(op->getOperand(1)));
      else if (llvm::isa<tosa::MinimumOp>(op))
        r = std::min(get(op->getOperand(0)), get(op->getOperand(1)));
      else if (auto c = dyn_cast<tosa::ClampOp>(op))
        r = std::min(
            std::max(get(op->getOperand(0)),
                     cast<FloatAttr>(c.getMinValAttr()).getValueAsDouble()),
            cast<FloatAttr>(c.getMaxValAttr()).getValueAsDouble());
      else if (llvm::isa<tosa::TanhOp>(op))
        r = std::tanh(get(op->getOperand(0)));
      else if (llvm::isa<tosa::SigmoidOp>(op))
        r = 1 / (1 + std::exp(-get(op->getOperand(0))));
      else if (llvm::isa<tosa::ExpOp>(op))
        r = std::exp(get(op->getOperand(0)));
      else if (llvm::isa<tosa::ReciprocalOp>(op))
        r = 1 / get(op->getOperand(0));
      else if (llvm::isa<tosa::AbsOp>(op))
        r = std::fabs(get(op->getOperand(0)));
      else if (llvm::isa<tosa::PowOp>(op))
        r = std::pow(get(op->getOperand(0)), get(op->getOperand(1)));
      else if (llvm::isa<tosa::RsqrtOp>(op))
        r = 1 / std::sqrt(get(op->getOperand(0)));
      else if (llvm::isa<tosa::LogOp>(op))
        r = std::log(get(op->getOperand(0)));
      else if (llvm::isa<tosa::GreaterEqualOp>(op))
        r = get(op->getOperand(0)) >= get(op->getOperand(1)) ? 1 : 0;
      else if (llvm::isa<tosa::SelectOp>(op))
        r = get(op->getOperand(0)) != 0 ? get(op->getOperand(1))
                                        : get(op->getOperand(2));
      val[op->getResult(0)] = r;
    }
    return get(root);
  }
};

/// Samples per activation function.
constexpr int64_t kActivationSamples = 2049;

/// Replaces NaN samples by the nearest finite one and infinities by the
/// largest float of their sign; false if no sample is finite.
bool finiteOrNearest(std::vector<float> &samples) {
  const int64_t n = int64_t(samples.size());
  std::optional<int64_t> last;
  std::vector<int64_t> nearest(size_t(n), -1);
  for (int64_t i = 0; i < n; ++i) {
    if (std::isinf(samples[i]))
      samples[i] = std::copysign(std::numeric_limits<float>::max(), samples[i]);
    if (!std::isnan(samples[i]))
      last = i;
    nearest[i] = last ? *last : -1;
  }
  if (!last)
    return false;
  std::optional<int64_t> next;
  for (int64_t i = n - 1; i >= 0; --i) {
    if (!std::isnan(samples[i])) {
      next = i;
      continue;
    }
    const int64_t before = nearest[i];
    const int64_t pick =
        before < 0 ? *next : !next ? before : (i - before <= *next - i ? before : *next);
    samples[i] = samples[pick];
  }
  return true;
}

/// Replaces maximal element-wise subgraphs of one activation that contain a
/// non-linear op (tanh, sigmoid, select, exp, ...) by spectral.activation.
void lowerScalarFunctions(func::FuncOp func, int64_t &count) {
  SmallVector<Operation *> candidates;
  func.walk([&](Operation *op) {
    if (isElementwise(op) && !llvm::isa<tosa::GreaterEqualOp>(op))
      candidates.push_back(op);
  });
  for (Operation *root : llvm::reverse(candidates)) {
    if (!root->getBlock() || root->use_empty())
      continue; // already absorbed into a larger function
    auto type = dyn_cast<RankedTensorType>(root->getResult(0).getType());
    if (!type || !type.getElementType().isF32())
      continue;
    ScalarFunction fn;
    if (!fn.collect(root->getResult(0), type.getShape()) || !fn.input)
      continue;
    // Affine pieces are left to fold into the conv or FC layer that
    // produces their input; on a graph input there is none (a model that
    // starts with HardSigmoid or x * a + b), so the LUT runs them.
    const bool affineOnInput =
        llvm::isa<BlockArgument>(fn.input) &&
        llvm::any_of(fn.ops, [](Operation *op) {
          return llvm::isa<tosa::MulOp, tosa::AddOp, tosa::SubOp>(op);
        });
    if (!fn.nonlinear && !affineOnInput)
      continue;
    // Sample over four times the calibrated range of the input, which covers
    // every int16 code of the format the quantiser will pick for it.
    double absmax = 1.0;
    Attribute range;
    if (auto arg = dyn_cast<BlockArgument>(fn.input))
      range = func.getArgAttr(arg.getArgNumber(), kAbsMax);
    else
      range = fn.input.getDefiningOp()->getAttr(kAbsMax);
    if (auto f = dyn_cast_or_null<FloatAttr>(range))
      absmax = std::max(f.getValueAsDouble(), minFullRange());
    const double lo = -4 * absmax, hi = 4 * absmax;
    std::vector<float> samples(kActivationSamples);
    for (int64_t i = 0; i < kActivationSamples; ++i)
      samples[i] = float(fn.evaluate(lo + (hi - lo) * double(i) /
                                              double(kActivationSamples - 1),
                                     root->getResult(0)));
    // Outside its domain (a square root or logarithm of the negative part
    // of the sampled range, which the model never feeds it) a function has
    // no value: the table holds the nearest sample that has one.
    if (!finiteOrNearest(samples))
      continue;
    OpBuilder b(root);
    auto attr = DenseElementsAttr::get(
        RankedTensorType::get({kActivationSamples}, b.getF32Type()),
        ArrayRef<float>(samples));
    auto act = spectral::ActivationOp::create(
        b, root->getLoc(), type, fn.input, b.getF32FloatAttr(float(lo)),
        b.getF32FloatAttr(float(hi)), attr, IntegerAttr(), IntegerAttr());
    copyRange(root, act);
    root->getResult(0).replaceAllUsesWith(act.getResult());
    // Erase what only fed the function.
    for (Operation *op : llvm::reverse(fn.ops))
      if (op->use_empty())
        op->erase();
    ++count;
  }
}

/// `root` (the last op of a softmax of `x`) replaced by spectral.softmax;
/// `feeders` (the ops before it, in use order) erased once unused.
void replaceBySoftmax(Operation *root, Value x, bool log,
                      std::initializer_list<Operation *> feeders) {
  OpBuilder b(root);
  auto softmax = spectral::SoftmaxOp::create(
      b, root->getLoc(), cast<RankedTensorType>(root->getResult(0).getType()),
      x, log, IntegerAttr(), IntegerAttr());
  copyRange(root, softmax);
  root->getResult(0).replaceAllUsesWith(softmax.getResult());
  root->erase();
  for (Operation *op : feeders)
    if (op->use_empty())
      op->erase();
}

/// The importer's Softmax along axis 1 of [1, C] or [1, C, H, W]:
/// e * reciprocal(reduce_sum(e, 1)), e = exp(x - reduce_max(x, 1)), as
/// spectral.softmax (VEC.softmax). Before the scalar functions take exp.
void lowerSoftmaxes(func::FuncOp func, int64_t &count) {
  SmallVector<tosa::MulOp> muls;
  func.walk([&](tosa::MulOp m) { muls.push_back(m); });
  for (tosa::MulOp mul : muls) {
    auto type = dyn_cast<RankedTensorType>(mul.getType());
    if (!type || !type.hasStaticShape() || type.getDimSize(0) != 1 ||
        (type.getRank() != 2 && type.getRank() != 4))
      continue;
    auto onAxis1 = [](auto reduce) {
      return reduce && reduce.getAxis() == 1;
    };
    for (auto [ev, rv] : {std::pair(mul.getInput1(), mul.getInput2()),
                          std::pair(mul.getInput2(), mul.getInput1())}) {
      auto exp = ev.getDefiningOp<tosa::ExpOp>();
      auto rcp = rv.getDefiningOp<tosa::ReciprocalOp>();
      if (!exp || !rcp)
        continue;
      auto sum = rcp.getInput1().getDefiningOp<tosa::ReduceSumOp>();
      auto sub = exp.getInput1().getDefiningOp<tosa::SubOp>();
      if (!onAxis1(sum) || sum.getInput() != ev || !sub)
        continue;
      auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
      if (!onAxis1(max) || max.getInput() != sub.getInput1() ||
          sub.getInput1().getType() != type)
        continue;
      replaceBySoftmax(mul, sub.getInput1(), /*log=*/false,
                       {rcp, sum, exp, sub, max});
      ++count;
      break;
    }
  }
  // LogSoftmax: d - log(reduce_sum(exp(d), 1)), d = x - reduce_max(x, 1).
  SmallVector<tosa::SubOp> subs;
  func.walk([&](tosa::SubOp s) { subs.push_back(s); });
  for (tosa::SubOp outer : subs) {
    if (!outer->getBlock())
      continue;
    auto type = dyn_cast<RankedTensorType>(outer.getType());
    if (!type || !type.hasStaticShape() || type.getDimSize(0) != 1 ||
        (type.getRank() != 2 && type.getRank() != 4))
      continue;
    auto d = outer.getInput1().getDefiningOp<tosa::SubOp>();
    auto log = outer.getInput2().getDefiningOp<tosa::LogOp>();
    if (!d || !log)
      continue;
    auto sum = log.getInput1().getDefiningOp<tosa::ReduceSumOp>();
    if (!sum || sum.getAxis() != 1)
      continue;
    auto exp = sum.getInput().getDefiningOp<tosa::ExpOp>();
    auto max = d.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
    if (!exp || exp.getInput1() != d.getResult() || !max ||
        max.getAxis() != 1 || max.getInput() != d.getInput1() ||
        d.getInput1().getType() != type)
      continue;
    replaceBySoftmax(outer, d.getInput1(), /*log=*/true,
                     {log, sum, exp, d, max});
    ++count;
  }
}

struct GraphToSpectralPass : impl::GraphToSpectralBase<GraphToSpectralPass> {
  using GraphToSpectralBase::GraphToSpectralBase;
  void runOnOperation() override {
    // The target's FFT size, unless one is given (to try other sizes).
    int64_t n = fftSize;
    if (n == 0) {
      auto cfg = targetOf(getOperation());
      if (!cfg)
        return signalPassFailure();
      n = cfg->config.fftSize;
    }
    if (!spectral::isValidIrFftSize(n)) {
      getOperation().emitError("fft-size must be a power of two in [")
          << spectral::kMinIrFftSize << ", " << spectral::kMaxIrFftSize << "]";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    // Activation functions first: their subgraphs contain adds and clamps
    // the patterns below would otherwise take apart.
    int64_t functions = 0, softmaxes = 0;
    lowerSoftmaxes(getOperation(), softmaxes);
    lowerScalarFunctions(getOperation(), functions);
    numActivations = functions;
    RewritePatternSet patterns(ctx);
    patterns.add<ConvToSpectral, ConvToSpatial>(ctx, n, dryRun);
    patterns.add<DepthwiseToSpatial>(ctx, dryRun);
    // Before a concat of a grouped conv's parts becomes a plain concat.
    patterns.add<GroupedToSpatial>(ctx, dryRun, /*benefit=*/3);
    patterns.add<HoistTransposesOverConcat>(ctx, /*benefit=*/2);
    patterns.add<ConcatToSpectral, SliceToSpectral, ChannelShuffleToSpectral>(
        ctx);
    patterns.add<ChannelMulToSpectral, SplitGlobalPool>(ctx);
    patterns.add<PoolToSpectral<tosa::MaxPool2dOp>>(ctx, "max");
    patterns.add<PoolToSpectral<tosa::AvgPool2dOp>>(ctx, "avg");
    patterns.add<PaddedAvgPoolToSpectral>(ctx, /*benefit=*/2);
    patterns.add<DropTrailingCrop<spectral::Conv2DOp>,
                 DropTrailingCrop<spectral::SpatialConv2DOp>,
                 DropTrailingCrop<spectral::Pool2DOp>>(ctx);
    patterns.add<MatMulToFullyConnected>(ctx, dryRun);
    patterns.add<ClampToSpectral, AddToSpectral,
                 GlobalAvgPoolToSpectral, GlobalMaxPoolToSpectral>(ctx);
    // Cancels the layout transposes around the new ops as it goes.
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    tosa::ReshapeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([&](spectral::Conv2DOp) { ++numConvs; });
    getOperation().walk([&](spectral::SpatialConv2DOp) { ++numSpatialConvs; });
  }
};

} // namespace
} // namespace spec2
