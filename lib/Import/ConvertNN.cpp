//===- ConvertNN.cpp - Conv, pooling, BatchNorm, Gemm, MatMul -> TOSA -----===//
//
// ONNX is NCHW, TOSA's conv and pooling ops are NHWC: each such op is wrapped
// in a pair of transposes, which later layout passes cancel between adjacent
// ops. Windows are normalised so that TOSA's "output size divides exactly"
// rule holds: surplus trailing padding is dropped and unused trailing input
// rows are sliced off, exactly as ONNX's floor/ceil output rules imply.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include <cmath>
#include <limits>
#include <optional>

using namespace mlir;

namespace spec2::import {
namespace {

/// One spatial dimension of a conv or pooling window after normalisation.
struct Window {
  int64_t out = 0;
  int64_t padBegin = 0, padEnd = 0;
  int64_t cropEnd = 0; ///< Trailing input elements no window reads.
};

/// Spatial parameters shared by Conv and the pooling ops.
struct WindowAttrs {
  SmallVector<int64_t> kernel, strides, dilations, pads; // pads: begins, ends
};

/// Reads kernel/strides/dilations/pads/auto_pad for `spatialRank` dims.
FailureOr<WindowAttrs> readWindowAttrs(NodeContext &n,
                                       ArrayRef<int64_t> inSpatial,
                                       ArrayRef<int64_t> kernel) {
  size_t r = inSpatial.size();
  WindowAttrs w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto readList = [&](StringRef name, SmallVector<int64_t> &out, size_t size,
                      int64_t dflt) -> LogicalResult {
    std::vector<int64_t> v = n.intsAttr(name);
    if (v.empty()) {
      out.assign(size, dflt);
      return success();
    }
    if (v.size() != size)
      return n.emitError() << "attribute '" << name << "' has " << v.size()
                           << " values, expected " << size;
    out.assign(v.begin(), v.end());
    return success();
  };
  if (failed(readList("strides", w.strides, r, 1)) ||
      failed(readList("dilations", w.dilations, r, 1)) ||
      failed(readList("pads", w.pads, 2 * r, 0)))
    return failure();
  for (size_t i = 0; i < r; ++i) {
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || w.kernel[i] <= 0)
      return n.emitError() << "kernel, strides and dilations must be positive";
    if (w.pads[i] < 0 || w.pads[r + i] < 0)
      return n.emitError() << "negative pads are not supported";
  }
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < r; ++i) {
      int64_t effK = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t out = (inSpatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>((out - 1) * w.strides[i] + effK - inSpatial[i], 0);
      int64_t small = total / 2;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
      w.pads[r + i] = total - w.pads[i];
    }
  } else if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
  } else if (autoPad != "NOTSET") {
    return n.emitError() << "unknown auto_pad '" << autoPad << "'";
  }
  return w;
}

/// Normalises one dimension; see the file comment.
FailureOr<Window> resolveWindow(NodeContext &n, int64_t in, int64_t kernel,
                                int64_t stride, int64_t dilation,
                                int64_t padBegin, int64_t padEnd,
                                bool ceilMode) {
  int64_t effK = (kernel - 1) * dilation + 1;
  int64_t avail = in + padBegin + padEnd;
  if (avail < effK)
    return n.emitError() << "window of " << effK
                         << " elements does not fit the padded input of "
                         << avail;
  int64_t span = avail - effK;
  Window w;
  w.out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A ceil-mode window that would start inside the end padding is dropped.
  if (ceilMode && (w.out - 1) * stride >= in + padBegin)
    --w.out;
  int64_t needed = (w.out - 1) * stride + effK;
  w.padBegin = padBegin;
  w.padEnd = padEnd;
  int64_t surplus = avail - needed;
  if (surplus >= 0) {
    int64_t fromPad = std::min(surplus, padEnd);
    w.padEnd -= fromPad;
    w.cropEnd = surplus - fromPad;
  } else {
    w.padEnd += -surplus;
  }
  return w;
}

/// Resolves both spatial dims of an NCHW input; crops unused rows/columns.
FailureOr<std::pair<Window, Window>>
resolveWindows2D(NodeContext &n, const WindowAttrs &a, ArrayRef<int64_t> nchw,
                 bool ceilMode) {
  auto h = resolveWindow(n, nchw[2], a.kernel[0], a.strides[0],
                         a.dilations[0], a.pads[0], a.pads[2], ceilMode);
  if (failed(h))
    return failure();
  auto w = resolveWindow(n, nchw[3], a.kernel[1], a.strides[1],
                         a.dilations[1], a.pads[1], a.pads[3], ceilMode);
  if (failed(w))
    return failure();
  return std::make_pair(*h, *w);
}

/// Crops an NHWC value by the windows' unused trailing rows and columns.
Value cropNhwc(TosaBuilder &tb, Value x, const Window &h, const Window &w) {
  if (!h.cropEnd && !w.cropEnd)
    return x;
  SmallVector<int64_t> size(TosaBuilder::shapeOf(x));
  size[1] -= h.cropEnd;
  size[2] -= w.cropEnd;
  return tb.slice(x, {0, 0, 0, 0}, size);
}

/// Brings a rank-3 (1-D spatial) NCW value to NCHW with H = 1.
struct SpatialView {
  bool oneD = false;
  SmallVector<int64_t> nchw;
};

FailureOr<SpatialView> spatialView(NodeContext &n, ArrayRef<int64_t> shape) {
  SpatialView v;
  if (shape.size() == 4) {
    v.nchw.assign(shape.begin(), shape.end());
  } else if (shape.size() == 3) {
    v.oneD = true;
    v.nchw = {shape[0], shape[1], 1, shape[2]};
  } else {
    return n.emitError() << "input of rank " << shape.size()
                         << " is not supported (1-D and 2-D spatial inputs "
                            "only: rank 3 or 4)";
  }
  return v;
}

/// Reads the window attributes of a 1-D or 2-D op as 2-D ones (a 1-D op
/// gets a unit H dimension). `kernel` holds one size per spatial dim.
FailureOr<WindowAttrs> readWindowAttrs2D(NodeContext &n, const SpatialView &v,
                                         ArrayRef<int64_t> kernel) {
  ArrayRef<int64_t> x = v.nchw;
  if (!v.oneD)
    return readWindowAttrs(n, {x[2], x[3]}, kernel);
  auto a1 = readWindowAttrs(n, {x[3]}, kernel);
  if (failed(a1))
    return failure();
  WindowAttrs a;
  a.kernel = {1, kernel[0]};
  a.strides = {1, a1->strides[0]};
  a.dilations = {1, a1->dilations[0]};
  a.pads = {0, a1->pads[0], 0, a1->pads[1]};
  return a;
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// A conv's input as NCHW and its weight as 4-D (a 1-D conv gets unit
/// H dimensions).
struct ConvView : SpatialView {
  std::vector<int64_t> weight;
};

FailureOr<ConvView> convView(NodeContext &n) {
  auto view = spatialView(n, n.inputShape(0));
  if (failed(view))
    return failure();
  ConvView v;
  static_cast<SpatialView &>(v) = *view;
  v.weight = n.inputShape(1);
  if (v.weight.size() != (v.oneD ? 3u : 4u))
    return n.emitError() << "weight shape " << formatShape(v.weight)
                         << " does not match the input rank";
  if (v.oneD)
    v.weight.insert(v.weight.begin() + 2, 1);
  return v;
}

/// Reorders OIHW weight data of output channels [o0, o0+no) to OHWI.
std::vector<float> oihwToOhwi(const std::vector<float> &w, int64_t o0,
                              int64_t no, int64_t ci, int64_t kh, int64_t kw) {
  std::vector<float> out(no * kh * kw * ci);
  for (int64_t o = 0; o < no; ++o)
    for (int64_t c = 0; c < ci; ++c)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          out[((o * kh + y) * kw + x) * ci + c] =
              w[(((o0 + o) * ci + c) * kh + y) * kw + x];
  return out;
}

LogicalResult convertConv(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  auto view = convView(n);
  if (failed(view))
    return failure();
  std::vector<int64_t> ws = view->weight;
  ArrayRef<int64_t> x = view->nchw;
  int64_t group = n.intAttr("group", 1);
  int64_t cin = x[1], cout = ws[0], kh = ws[2], kw = ws[3];
  if (group <= 0 || cin % group || cout % group || ws[1] * group != cin)
    return n.emitError() << "input " << formatShape(n.inputShape(0))
                         << ", weight " << formatShape(n.inputShape(1))
                         << " and group=" << group << " contradict each other";
  std::vector<int64_t> ks = n.intsAttr("kernel_shape");
  if (!ks.empty() &&
      (view->oneD ? ks != std::vector<int64_t>{ws[3]}
                  : ks != std::vector<int64_t>{kh, kw}))
    return n.emitError() << "kernel_shape " << formatShape(ks)
                         << " contradicts weight shape "
                         << formatShape(n.inputShape(1));

  auto attrsOr = readWindowAttrs2D(
      n, *view,
      view->oneD ? SmallVector<int64_t>{kw} : SmallVector<int64_t>{kh, kw});
  if (failed(attrsOr))
    return failure();
  WindowAttrs attrs = *attrsOr;
  auto win = resolveWindows2D(n, attrs, x, /*ceilMode=*/false);
  if (failed(win))
    return failure();
  auto [wh, ww] = *win;

  Value input = n.input(0);
  if (!input)
    return failure();
  input = tb.reshape(input, x);
  input = cropNhwc(tb, tb.nchwToNhwc(input), wh, ww);

  // Bias.
  Value bias;
  auto biasLit = n.literal(2);
  if (!n.hasInput(2)) {
    bias = tb.constant({cout}, std::vector<float>(cout, 0.0f), "zero_bias");
  } else {
    if (n.inputShape(2) != std::vector<int64_t>{cout})
      return n.emitError() << "bias shape " << formatShape(n.inputShape(2))
                           << " contradicts " << cout << " output channels";
    bias = n.input(2);
    if (!bias)
      return failure();
  }

  auto weightLit = n.literal(1);
  Value weightSsa;
  if (!weightLit) {
    weightSsa = n.input(1);
    if (!weightSsa)
      return failure();
    weightSsa = tb.reshape(weightSsa, ws);
  }
  std::string wname = n.node().input(1);

  MLIRContext *ctx = n.context();
  SmallVector<int64_t> pad = {wh.padBegin, wh.padEnd, ww.padBegin, ww.padEnd};
  SmallVector<int64_t> stride(attrs.strides), dilation(attrs.dilations);
  int64_t oh = wh.out, ow = ww.out;
  auto outType = TosaBuilder::f32Type({x[0], oh, ow, cout}, ctx);
  Type f32 = Float32Type::get(ctx);
  Value result;

  if (group == 1) {
    Value w = weightLit ? tb.constant({cout, kh, kw, cin},
                                      oihwToOhwi(weightLit->f32, 0, cout, cin,
                                                 kh, kw),
                                      wname)
                        : tb.transpose(weightSsa, {0, 2, 3, 1});
    result = tosa::Conv2DOp::create(tb.builder(), n.loc(), outType, input, w,
                                    bias, tb.zeroPoint(), tb.zeroPoint(), pad,
                                    stride, dilation, f32);
  } else if (ws[1] == 1 && group == cin) {
    // Depthwise: ONNX output channel c*M+m reads input channel c; TOSA wants
    // the weight as [KH, KW, C, M].
    int64_t mult = cout / cin;
    Value w;
    if (weightLit) {
      std::vector<float> d(kh * kw * cin * mult);
      for (int64_t c = 0; c < cin; ++c)
        for (int64_t m = 0; m < mult; ++m)
          for (int64_t y = 0; y < kh; ++y)
            for (int64_t xx = 0; xx < kw; ++xx)
              d[((y * kw + xx) * cin + c) * mult + m] =
                  weightLit->f32[((c * mult + m) * kh + y) * kw + xx];
      w = tb.constant({kh, kw, cin, mult}, std::move(d), wname);
    } else {
      w = tb.transpose(tb.reshape(weightSsa, {cin, mult, kh, kw}),
                       {2, 3, 0, 1});
    }
    result = tosa::DepthwiseConv2DOp::create(
        tb.builder(), n.loc(), outType, input, w, bias, tb.zeroPoint(),
        tb.zeroPoint(), pad, stride, dilation, f32);
  } else {
    // Grouped: one conv2d per group on a channel slice, then concatenate.
    int64_t gin = cin / group, gout = cout / group;
    SmallVector<Value> parts;
    ArrayRef<int64_t> inShape = TosaBuilder::shapeOf(input);
    for (int64_t g = 0; g < group; ++g) {
      Value xg = tb.slice(input, {0, 0, 0, g * gin},
                          {inShape[0], inShape[1], inShape[2], gin});
      Value wg =
          weightLit
              ? tb.constant({gout, kh, kw, gin},
                            oihwToOhwi(weightLit->f32, g * gout, gout, gin, kh,
                                       kw),
                            wname + "_g" + std::to_string(g))
              : tb.transpose(tb.slice(weightSsa, {g * gout, 0, 0, 0},
                                      {gout, gin, kh, kw}),
                             {0, 2, 3, 1});
      Value bg = tb.slice(bias, {g * gout}, {gout});
      parts.push_back(tosa::Conv2DOp::create(
          tb.builder(), n.loc(),
          TosaBuilder::f32Type({x[0], oh, ow, gout}, ctx), xg, wg, bg,
          tb.zeroPoint(), tb.zeroPoint(), pad, stride, dilation, f32));
    }
    result = tb.concat(parts, 3);
  }
  result = tb.nhwcToNchw(result);
  if (view->oneD)
    result = tb.reshape(result, {x[0], cout, ow});
  n.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// One spatial dimension of a ConvTranspose: TOSA's transpose_conv2d writes
/// (in - 1) * stride + kernel positions plus out_pad; ONNX's output starts
/// `cropBegin` positions into that range and is `out` long.
struct TransposedDim {
  int64_t out = 0, cropBegin = 0, outPadBegin = 0, outPadEnd = 0;
};

FailureOr<SmallVector<TransposedDim>> resolveTransposedDims(
    NodeContext &n, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel) {
  size_t r = in.size();
  auto list = [&](StringRef name, int64_t dflt, size_t size)
      -> FailureOr<std::vector<int64_t>> {
    std::vector<int64_t> v = n.intsAttr(name);
    if (v.empty())
      return std::vector<int64_t>(size, dflt);
    if (v.size() != size)
      return n.emitError() << "attribute '" << name << "' has " << v.size()
                           << " values, expected " << size;
    return v;
  };
  auto strides = list("strides", 1, r), dil = list("dilations", 1, r),
       outPad = list("output_padding", 0, r), pads = list("pads", 0, 2 * r);
  if (failed(strides) || failed(dil) || failed(outPad) || failed(pads))
    return failure();
  std::vector<int64_t> outShape = n.intsAttr("output_shape");
  if (outShape.size() == r + 2)
    outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (!outShape.empty() && outShape.size() != r)
    return n.emitError() << "output_shape " << formatShape(outShape)
                         << " does not have one value per spatial dimension";
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.emitError() << "unknown auto_pad '" << autoPad << "'";
  SmallVector<TransposedDim> dims;
  for (size_t i = 0; i < r; ++i) {
    int64_t s = (*strides)[i], effK = (kernel[i] - 1) * (*dil)[i] + 1;
    if (s <= 0 || (*dil)[i] <= 0)
      return n.emitError() << "strides and dilations must be positive";
    int64_t full = s * (in[i] - 1) + (*outPad)[i] + effK;
    int64_t pb = (*pads)[i], pe = (*pads)[r + i];
    if (autoPad == "VALID")
      pb = pe = 0;
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!outShape.empty() || same) {
      // As the ONNX reference: the total padding that gives the requested
      // (or input * stride) size, split with SAME_UPPER's smaller half first.
      int64_t want = outShape.empty() ? in[i] * s : outShape[i];
      int64_t total = full - want;
      // Floor division, as Python's //: a negative total (a larger output)
      // extends the end.
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      pb = autoPad == "SAME_UPPER" ? half : total - half;
      pe = total - pb;
    }
    TransposedDim d;
    d.out = full - pb - pe;
    if (d.out <= 0)
      return n.emitError() << "pads leave an empty output";
    d.outPadBegin = std::max<int64_t>(0, -pb);
    d.cropBegin = std::max<int64_t>(0, pb);
    // TOSA covers [-outPadBegin, (in-1)*s + effK + outPadEnd); ONNX wants
    // [pb, pb + out).
    d.outPadEnd = std::max<int64_t>(0, pb + d.out - (s * (in[i] - 1) + effK));
    dims.push_back(d);
  }
  return dims;
}

/// ONNX ConvTranspose weight [C, M/group, KH, KW] of group g to TOSA's
/// [M/group, KD_H, KD_W, C/group] with the kernel dilated by zeros.
std::vector<float> transposeConvWeight(const Tensor &w, int64_t g, int64_t gin,
                                       int64_t gout, int64_t kh, int64_t kw,
                                       int64_t dy, int64_t dx) {
  int64_t ekh = (kh - 1) * dy + 1, ekw = (kw - 1) * dx + 1;
  std::vector<float> out(gout * ekh * ekw * gin, 0.0f);
  for (int64_t c = 0; c < gin; ++c)
    for (int64_t m = 0; m < gout; ++m)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          out[((m * ekh + y * dy) * ekw + x * dx) * gin + c] =
              w.f32[(((g * gin + c) * gout + m) * kh + y) * kw + x];
  return out;
}

/// Inserts dy - 1 and dx - 1 zeros between the taps of an OHWI kernel.
Value dilateKernel(TosaBuilder &tb, Value w, int64_t dy, int64_t dx) {
  if (dy == 1 && dx == 1)
    return w;
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(w);
  int64_t o = s[0], kh = s[1], kw = s[2], c = s[3];
  Value spread = tb.pad(tb.reshape(w, {o, kh, 1, kw, 1, c}),
                        {0, 0, 0, 0, 0, dy - 1, 0, 0, 0, dx - 1, 0, 0}, 0.0f);
  return tb.slice(tb.reshape(spread, {o, kh * dy, kw * dx, c}), {0, 0, 0, 0},
                  {o, (kh - 1) * dy + 1, (kw - 1) * dx + 1, c});
}

LogicalResult convertConvTranspose(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  auto view = convView(n);
  if (failed(view))
    return failure();
  std::vector<int64_t> ws = view->weight;
  ArrayRef<int64_t> x = view->nchw;
  int64_t group = n.intAttr("group", 1);
  int64_t cin = x[1], gout = ws[1], kh = ws[2], kw = ws[3];
  if (group <= 0 || ws[0] != cin || cin % group)
    return n.emitError() << "input " << formatShape(n.inputShape(0))
                         << ", weight " << formatShape(n.inputShape(1))
                         << " and group=" << group << " contradict each other";
  int64_t gin = cin / group, cout = gout * group;
  SmallVector<int64_t> spatialIn =
      view->oneD ? SmallVector<int64_t>{x[3]} : SmallVector<int64_t>{x[2], x[3]};
  SmallVector<int64_t> kernel =
      view->oneD ? SmallVector<int64_t>{kw} : SmallVector<int64_t>{kh, kw};
  auto dimsOr = resolveTransposedDims(n, spatialIn, kernel);
  if (failed(dimsOr))
    return failure();
  SmallVector<TransposedDim> dims = *dimsOr;
  if (view->oneD)
    dims.insert(dims.begin(), TransposedDim{1, 0, 0, 0});
  std::vector<int64_t> strides = n.intsAttr("strides"),
                       dil = n.intsAttr("dilations");
  strides.resize(view->oneD ? 1 : 2, 1);
  dil.resize(view->oneD ? 1 : 2, 1);
  if (view->oneD) {
    strides.insert(strides.begin(), 1);
    dil.insert(dil.begin(), 1);
  }
  auto weightLit = n.literal(1);
  Value weightSsa;
  if (!weightLit) {
    weightSsa = n.input(1);
    if (!weightSsa)
      return failure();
    weightSsa = tb.reshape(weightSsa, ws);
  }
  Value input = n.input(0);
  if (!input)
    return failure();
  input = tb.nchwToNhwc(tb.reshape(input, x));
  Value bias;
  if (n.hasInput(2)) {
    if (n.inputShape(2) != std::vector<int64_t>{cout})
      return n.emitError() << "bias shape " << formatShape(n.inputShape(2))
                           << " contradicts " << cout << " output channels";
    bias = n.input(2);
    if (!bias)
      return failure();
  } else {
    bias = tb.constant({cout}, std::vector<float>(cout, 0.0f), "zero_bias");
  }
  int64_t ekh = (kh - 1) * dil[0] + 1, ekw = (kw - 1) * dil[1] + 1;
  int64_t fullH = (x[2] - 1) * strides[0] + ekh + dims[0].outPadBegin +
                  dims[0].outPadEnd;
  int64_t fullW = (x[3] - 1) * strides[1] + ekw + dims[1].outPadBegin +
                  dims[1].outPadEnd;
  // Positive out_pad adds bias-only rows and columns (TOSA shifts the
  // output by out_pad_top/left); cropping is left to the slice below.
  SmallVector<int64_t> outPad = {dims[0].outPadBegin, dims[0].outPadEnd,
                                 dims[1].outPadBegin, dims[1].outPadEnd};
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = tb.slice(input, {0, 0, 0, g * gin}, {x[0], x[2], x[3], gin});
    Value wg =
        weightLit
            ? tb.constant({gout, ekh, ekw, gin},
                          transposeConvWeight(*weightLit, g, gin, gout, kh, kw,
                                              dil[0], dil[1]),
                          n.node().input(1) + "_g" + std::to_string(g))
            : dilateKernel(tb,
                           tb.transpose(tb.slice(weightSsa, {g * gin, 0, 0, 0},
                                                 {gin, gout, kh, kw}),
                                        {1, 2, 3, 0}),
                           dil[0], dil[1]);
    parts.push_back(tosa::TransposeConv2DOp::create(
        tb.builder(), n.loc(),
        TosaBuilder::f32Type({x[0], fullH, fullW, gout}, n.context()), xg, wg,
        tb.slice(bias, {g * gout}, {gout}), tb.zeroPoint(), tb.zeroPoint(),
        outPad, SmallVector<int64_t>{strides[0], strides[1]},
        Float32Type::get(n.context())));
  }
  Value result = tb.concat(parts, 3);
  result = tb.slice(result, {0, dims[0].cropBegin, dims[1].cropBegin, 0},
                    {x[0], dims[0].out, dims[1].out, cout});
  result = tb.nhwcToNchw(result);
  if (view->oneD)
    result = tb.reshape(result, {x[0], cout, dims[1].out});
  n.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// One axis of tosa.resize: input position (out * d + offset) / n.
struct ResizeAxis {
  int64_t n = 1, d = 1, offset = 0, border = 0;
};

/// A ratio n/d with d <= 1000 equal to `scale` to float precision.
std::optional<std::pair<int64_t, int64_t>> ratioOf(double scale) {
  for (int64_t d = 1; d <= 1000; ++d) {
    double n = std::round(scale * d);
    if (n >= 1 && std::fabs(n / d - scale) <= 1e-6 * scale)
      return std::make_pair(int64_t(n), d);
  }
  return std::nullopt;
}

/// Maps ONNX's coordinate transformation and nearest rounding onto TOSA's
/// integer scale and offset. TOSA rounds a nearest position half up; the
/// other roundings shift the offset by half a pixel or by one unit of
/// 1/n (positions are multiples of 1/n, so one unit separates a tie from
/// its neighbours).
FailureOr<ResizeAxis> resizeAxis(NodeContext &n, int64_t in, int64_t out,
                                 std::pair<int64_t, int64_t> scale,
                                 StringRef coord, bool nearest,
                                 StringRef rounding) {
  ResizeAxis a;
  if (coord == "align_corners") {
    // in - 1 over the resized length - 1, that length being in * scale
    // unfloored (as the ONNX reference does when scales are given).
    auto r = ratioOf((double(in) * scale.first / scale.second - 1) /
                     std::max<int64_t>(in - 1, 1));
    if (out > 1 && in > 1 && !r)
      return n.emitError() << "align_corners scale is not a ratio of "
                              "integers up to 1000";
    if (out > 1 && in > 1)
      std::tie(a.n, a.d) = *r;
  } else if (coord == "asymmetric" || coord == "half_pixel" ||
             coord == "pytorch_half_pixel") {
    a.n = 2 * scale.first;
    a.d = 2 * scale.second;
    // (out + 1/2) / s - 1/2 = (out * d + (d - n) / 2) / n, in doubled units.
    if (coord != "asymmetric" && !(coord == "pytorch_half_pixel" && out == 1))
      a.offset = scale.second - scale.first;
  } else {
    return n.emitError() << "coordinate_transformation_mode '" << coord
                         << "' is not supported (half_pixel, "
                            "pytorch_half_pixel, asymmetric, align_corners)";
  }
  if (nearest) {
    if (rounding == "floor") {
      if (a.n % 2) {
        a.n *= 2, a.d *= 2, a.offset *= 2;
      }
      a.offset -= a.n / 2;
    } else if (rounding == "ceil") {
      if (a.n % 2) {
        a.n *= 2, a.d *= 2, a.offset *= 2;
      }
      a.offset += a.n / 2 - 1;
    } else if (rounding == "round_prefer_floor") {
      a.offset -= 1;
    } else if (rounding != "round_prefer_ceil") {
      return n.emitError() << "unknown nearest_mode '" << rounding << "'";
    }
  }
  a.border = (out - 1) * a.d + a.offset - (in - 1) * a.n;
  return a;
}

/// Resize and Upsample of the two trailing (H, W) axes of an NCHW tensor.
LogicalResult convertResize(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> x = n.inputShape(0);
  bool upsample = n.opType() == "Upsample";
  std::string mode = n.stringAttr("mode", "nearest");
  if (mode == "bilinear")
    mode = "linear";
  if (mode != "nearest" && mode != "linear")
    return n.emitError() << "mode '" << mode
                         << "' is not supported (nearest, linear)";
  if (n.intAttr("antialias", 0) != 0 || !n.intsAttr("axes").empty() ||
      n.stringAttr("keep_aspect_ratio_policy", "stretch") != "stretch")
    return n.emitError() << "antialias, axes and keep_aspect_ratio_policy "
                            "are not supported";
  std::string coord = upsample || n.opset() < 11
                          ? "asymmetric"
                          : n.stringAttr("coordinate_transformation_mode",
                                         "half_pixel");
  std::string rounding = upsample || n.opset() < 11
                             ? "floor"
                             : n.stringAttr("nearest_mode",
                                            "round_prefer_floor");
  // Scales (attribute for Upsample-7, input 1 before opset 11, input 2
  // after) or sizes (input 3).
  std::vector<float> scales;
  std::vector<int64_t> sizes;
  unsigned scalesInput = n.opset() < 11 ? 1 : 2;
  if (upsample && n.opset() < 9) {
    const auto *attr = n.attr("scales");
    if (attr)
      scales.assign(attr->floats().begin(), attr->floats().end());
  } else if (n.hasInput(3)) {
    auto lit = n.requireLiteral(3, "sizes");
    if (failed(lit))
      return failure();
    sizes = (*lit)->asInts();
  } else if (n.hasInput(scalesInput)) {
    auto lit = n.requireLiteral(scalesInput, "scales");
    if (failed(lit))
      return failure();
    scales = (*lit)->asFloats();
  }
  if (scales.empty() && sizes.empty())
    return n.emitError() << "needs scales or sizes";
  if ((!scales.empty() && scales.size() != x.size()) ||
      (!sizes.empty() && sizes.size() != x.size()))
    return n.emitError() << "scales/sizes need one value per axis of "
                         << formatShape(x);
  std::vector<int64_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    out[i] = sizes.empty() ? int64_t(std::floor(x[i] * double(scales[i])))
                           : sizes[i];
  if (x.size() != 4 || out[0] != x[0] || out[1] != x[1])
    return n.emitError() << "only the H and W axes of an NCHW input can be "
                            "resized, got "
                         << formatShape(x) << " -> " << formatShape(out);
  SmallVector<ResizeAxis> axes;
  for (int i : {2, 3}) {
    if (out[i] <= 0)
      return n.emitError() << "empty output " << formatShape(out);
    auto ratio = sizes.empty() ? ratioOf(scales[i])
                               : std::make_optional(std::make_pair(out[i], x[i]));
    if (!ratio)
      return n.emitError() << "scale " << scales[i]
                           << " is not a ratio of integers up to 1000";
    auto a = resizeAxis(n, x[i], out[i], *ratio, coord, mode == "nearest",
                        rounding);
    if (failed(a))
      return failure();
    axes.push_back(*a);
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  Value r = tosa::ResizeOp::create(
      tb.builder(), n.loc(),
      TosaBuilder::f32Type({x[0], out[2], out[3], x[1]}, n.context()),
      tb.nchwToNhwc(v),
      tb.shapeValue({axes[0].n, axes[0].d, axes[1].n, axes[1].d}),
      tb.shapeValue({axes[0].offset, axes[1].offset}),
      tb.shapeValue({axes[0].border, axes[1].border}),
      tosa::ResizeModeAttr::get(n.context(),
                                mode == "nearest"
                                    ? tosa::ResizeMode::NEAREST_NEIGHBOR
                                    : tosa::ResizeMode::BILINEAR));
  n.setOutput(0, tb.nhwcToNchw(r));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Keeps every `stride`-th element along `axis` (of a length that is a
/// multiple of it) by reshaping it into (length / stride, stride) and taking
/// the first of each group.
Value subsample(TosaBuilder &tb, Value v, size_t axis, int64_t stride) {
  if (stride == 1)
    return v;
  SmallVector<int64_t> shape(TosaBuilder::shapeOf(v));
  int64_t outer = 1, inner = 1, out = shape[axis] / stride;
  for (size_t d = 0; d < shape.size(); ++d)
    (d < axis ? outer : inner) *= d == axis ? 1 : shape[d];
  Value split = tb.reshape(v, {outer, out, stride, inner});
  Value first = tb.slice(split, {0, 0, 0, 0}, {outer, out, 1, inner});
  shape[axis] = out;
  return tb.reshape(first, shape);
}

/// Pooling that TOSA's 2-D pooling ops cannot express (dilations, three
/// spatial dimensions), on the reference only: every kernel tap is a slice of
/// the padded NC... input, combined by maximum or sum, then subsampled by the
/// strides. An average divides by a per-position count folded at compile
/// time, which is what count_include_pad and ceil mode change.
LogicalResult convertPoolBySlices(NodeContext &n, bool isMax,
                                  const WindowAttrs &a, bool ceilMode,
                                  bool countPad) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> x = n.inputShape(0);
  size_t r = x.size() - 2;
  SmallVector<int64_t> outs, pads(2 * x.size(), 0);
  std::vector<std::vector<float>> counts(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t in = x[2 + i], k = a.kernel[i], s = a.strides[i],
            d = a.dilations[i], pb = a.pads[i], pe = a.pads[r + i];
    auto w = resolveWindow(n, in, k, s, d, pb, pe, ceilMode);
    if (failed(w))
      return failure();
    outs.push_back(w->out);
    // Room for `out * s` positions from every tap.
    pads[2 * (2 + i)] = pb;
    pads[2 * (2 + i) + 1] =
        std::max<int64_t>(0, (k - 1) * d + w->out * s - in - pb);
    for (int64_t o = 0; o < w->out; ++o) {
      int64_t c = 0;
      for (int64_t t = 0; t < k; ++t) {
        int64_t pos = o * s - pb + t * d;
        c += countPad ? pos < in + pe : pos >= 0 && pos < in;
      }
      counts[i].push_back(static_cast<float>(c));
    }
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  v = tb.pad(v, pads, isMax ? -std::numeric_limits<float>::infinity() : 0.0f);
  SmallVector<int64_t> size(x.begin(), x.end());
  for (size_t i = 0; i < r; ++i)
    size[2 + i] = outs[i] * a.strides[i];
  Value acc;
  SmallVector<int64_t> tap(r, 0);
  for (bool more = true; more;) {
    SmallVector<int64_t> start(x.size(), 0);
    for (size_t i = 0; i < r; ++i)
      start[2 + i] = tap[i] * a.dilations[i];
    Value part = tb.slice(v, start, size);
    acc = !acc    ? part
          : isMax ? tb.binary<tosa::MaximumOp>(acc, part)
                  : tb.binary<tosa::AddOp>(acc, part);
    more = false;
    for (size_t i = r; i-- > 0 && !more;)
      if (++tap[i] < a.kernel[i])
        more = true;
      else
        tap[i] = 0;
  }
  for (size_t i = 0; i < r; ++i)
    acc = subsample(tb, acc, 2 + i, a.strides[i]);
  if (!isMax) {
    std::vector<int64_t> cshape(x.size(), 1);
    std::vector<float> inv(1, 1.0f);
    for (size_t i = 0; i < r; ++i) {
      cshape[2 + i] = outs[i];
      std::vector<float> next;
      for (float f : inv)
        for (float c : counts[i])
          next.push_back(f / c);
      inv = std::move(next);
    }
    acc = tb.mul(acc, tb.constant(cshape, std::move(inv), "pool_count"));
  }
  n.setOutput(0, acc);
  return success();
}

LogicalResult convertPool(NodeContext &n, bool isMax) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> inShape = n.inputShape(0);
  if (inShape.size() == 5) {
    std::vector<int64_t> ks = n.intsAttr("kernel_shape");
    if (ks.size() != 3)
      return n.emitError() << "kernel_shape must have one value per spatial "
                              "dimension";
    if (isMax && n.outputUsed(1))
      return n.emitError() << "the Indices output is not supported";
    auto attrs = readWindowAttrs(n, {inShape[2], inShape[3], inShape[4]}, ks);
    if (failed(attrs))
      return failure();
    return convertPoolBySlices(n, isMax, *attrs, n.intAttr("ceil_mode", 0),
                               !isMax && n.intAttr("count_include_pad", 0));
  }
  auto view = spatialView(n, inShape);
  if (failed(view))
    return failure();
  ArrayRef<int64_t> x = view->nchw;
  std::vector<int64_t> ks = n.intsAttr("kernel_shape");
  if (ks.size() != (view->oneD ? 1u : 2u))
    return n.emitError() << "kernel_shape must have one value per spatial "
                            "dimension";
  if (isMax && n.outputUsed(1))
    return n.emitError() << "the Indices output is not supported";
  if (n.intAttr("storage_order", 0) != 0)
    return n.emitError() << "storage_order=1 is not supported";
  auto attrsOr = readWindowAttrs2D(n, *view, ks);
  if (failed(attrsOr))
    return failure();
  WindowAttrs attrs = *attrsOr;
  bool ceilMode = n.intAttr("ceil_mode", 0) != 0;
  bool countPad = !isMax && n.intAttr("count_include_pad", 0) != 0;
  if (attrs.dilations[0] != 1 || attrs.dilations[1] != 1) {
    if (!view->oneD)
      return convertPoolBySlices(n, isMax, attrs, ceilMode, countPad);
    // Back to one spatial dimension: the slices work on the NCW input.
    WindowAttrs a1;
    a1.kernel = {attrs.kernel[1]};
    a1.strides = {attrs.strides[1]};
    a1.dilations = {attrs.dilations[1]};
    a1.pads = {attrs.pads[1], attrs.pads[3]};
    return convertPoolBySlices(n, isMax, a1, ceilMode, countPad);
  }

  auto win = resolveWindows2D(n, attrs, x, ceilMode);
  if (failed(win))
    return failure();
  auto [wh, ww] = *win;
  Value input = n.input(0);
  if (!input)
    return failure();
  input = tb.nchwToNhwc(tb.reshape(input, x));
  if (countPad) {
    // Declared padding counts towards the average, so it becomes real zeros;
    // only the extra end padding of ceil mode stays outside the count (as in
    // PyTorch and the ONNX reference). When rows are cropped, the end
    // padding is already zero, so the crop below removes input rows.
    int64_t hEnd = std::min(attrs.pads[2], wh.padEnd);
    int64_t wEnd = std::min(attrs.pads[3], ww.padEnd);
    input = tb.pad(input, {0, 0, wh.padBegin, hEnd, ww.padBegin, wEnd, 0, 0},
                   0.0f);
    wh.padBegin = ww.padBegin = 0;
    wh.padEnd -= hEnd;
    ww.padEnd -= wEnd;
  } else if (wh.padBegin >= attrs.kernel[0] || wh.padEnd >= attrs.kernel[0] ||
             ww.padBegin >= attrs.kernel[1] || ww.padEnd >= attrs.kernel[1]) {
    return n.emitError() << "pads must be smaller than the kernel";
  }
  input = cropNhwc(tb, input, wh, ww);
  SmallVector<int64_t> pad = {wh.padBegin, wh.padEnd, ww.padBegin, ww.padEnd};
  auto outType =
      TosaBuilder::f32Type({x[0], wh.out, ww.out, x[1]}, n.context());
  Value result;
  if (isMax)
    result = tosa::MaxPool2dOp::create(tb.builder(), n.loc(), outType, input,
                                       attrs.kernel, attrs.strides, pad);
  else
    result = tosa::AvgPool2dOp::create(
        tb.builder(), n.loc(), outType, input, tb.zeroPoint(), tb.zeroPoint(),
        attrs.kernel, attrs.strides, pad, Float32Type::get(n.context()));
  result = tb.nhwcToNchw(result);
  if (view->oneD)
    result = tb.reshape(result, {x[0], x[1], ww.out});
  n.setOutput(0, result);
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: reduce every spatial axis (NCHW stays).
LogicalResult convertGlobalPool(NodeContext &n, bool isMax) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> shape = n.inputShape(0);
  if (shape.size() < 3)
    return n.emitError() << "input must have rank >= 3, got "
                         << formatShape(shape);
  Value v = n.input(0);
  if (!v)
    return failure();
  int64_t count = 1;
  for (size_t axis = 2; axis < shape.size(); ++axis) {
    v = tb.reduce(isMax ? "max" : "sum", v, axis);
    count *= shape[axis];
  }
  if (!isMax)
    v = tb.mul(v, tb.splat(std::vector<int64_t>(shape.size(), 1),
                           1.0f / static_cast<float>(count)));
  n.setOutput(0, v);
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization (inference)
//===----------------------------------------------------------------------===//

LogicalResult convertBatchNorm(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  if (n.intAttr("training_mode", 0) != 0)
    return n.emitError() << "training_mode=1 is not supported (export the "
                            "model in eval mode)";
  for (unsigned i = 1; i < 5; ++i)
    if (n.outputUsed(i))
      return n.emitError() << "training outputs (running mean/var) are not "
                              "supported";
  std::vector<int64_t> x = n.inputShape(0);
  if (x.size() < 2)
    return n.emitError() << "input must have rank >= 2";
  int64_t c = x[1];
  for (unsigned i = 1; i < 5; ++i)
    if (n.inputShape(i) != std::vector<int64_t>{c})
      return n.emitError() << "input #" << i << " has shape "
                           << formatShape(n.inputShape(i)) << ", expected ["
                           << c << "] for " << c << " channels";
  float eps = n.floatAttr("epsilon", 1e-5f);
  // Per-channel affine y = x * a + b, broadcast over [1, C, 1, ...].
  std::vector<int64_t> bshape(x.size(), 1);
  bshape[1] = c;
  Value input = n.input(0);
  if (!input)
    return failure();
  auto scale = n.literal(1), bias = n.literal(2), mean = n.literal(3),
       var = n.literal(4);
  Value a, b;
  if (scale && bias && mean && var) {
    std::vector<float> av(c), bv(c);
    for (int64_t i = 0; i < c; ++i) {
      av[i] = scale->f32[i] / std::sqrt(var->f32[i] + eps);
      bv[i] = bias->f32[i] - mean->f32[i] * av[i];
    }
    std::string name = n.node().name().empty() ? "bn" : n.node().name();
    a = tb.constant(bshape, std::move(av), name + "_scale");
    b = tb.constant(bshape, std::move(bv), name + "_shift");
  } else {
    Value s = n.input(1), bi = n.input(2), m = n.input(3), v = n.input(4);
    if (!s || !bi || !m || !v)
      return failure();
    Value inv = tb.unary<tosa::RsqrtOp>(
        tb.binary<tosa::AddOp>(v, tb.splat({1}, eps)));
    a = tb.reshape(tb.mul(s, inv), bshape);
    b = tb.reshape(tb.binary<tosa::SubOp>(bi, tb.mul(m, tb.mul(s, inv))),
                   bshape);
  }
  n.setOutput(0, tb.binary<tosa::AddOp>(tb.mul(input, a), b));
  return success();
}

/// (x - mean) / sqrt(var + eps) * scale + bias, with mean and variance over
/// the spatial axes of each (image, channel).
LogicalResult convertInstanceNorm(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> x = n.inputShape(0);
  if (x.size() < 3)
    return n.emitError() << "input must have rank >= 3, got "
                         << formatShape(x);
  int64_t c = x[1];
  for (unsigned i = 1; i < 3; ++i)
    if (n.inputShape(i) != std::vector<int64_t>{c})
      return n.emitError() << "input #" << i << " has shape "
                           << formatShape(n.inputShape(i)) << ", expected ["
                           << c << "]";
  Value v = n.input(0), scale = n.input(1), bias = n.input(2);
  if (!v || !scale || !bias)
    return failure();
  std::vector<int64_t> ones(x.size(), 1), bshape(x.size(), 1);
  bshape[1] = c;
  int64_t count = 1;
  for (size_t d = 2; d < x.size(); ++d)
    count *= x[d];
  auto spatialMean = [&](Value t) {
    for (size_t d = 2; d < x.size(); ++d)
      t = tb.reduce("sum", t, d);
    return tb.mul(t, tb.splat(ones, 1.0f / static_cast<float>(count)));
  };
  Value centred = tb.binary<tosa::SubOp>(v, spatialMean(v));
  Value var = spatialMean(tb.mul(centred, centred));
  Value inv = tb.unary<tosa::RsqrtOp>(tb.binary<tosa::AddOp>(
      var, tb.splat(ones, n.floatAttr("epsilon", 1e-5f))));
  Value y = tb.mul(tb.mul(centred, inv), tb.reshape(scale, bshape));
  n.setOutput(0, tb.binary<tosa::AddOp>(y, tb.reshape(bias, bshape)));
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm and MatMul
//===----------------------------------------------------------------------===//

/// [M, K] x [K, N] through TOSA's batched matmul.
Value matmul2D(TosaBuilder &tb, Value a, Value b) {
  ArrayRef<int64_t> as = TosaBuilder::shapeOf(a), bs = TosaBuilder::shapeOf(b);
  int64_t m = as[0], k = as[1], nn = bs[1];
  Value a3 = tb.reshape(a, {1, m, k}), b3 = tb.reshape(b, {1, k, nn});
  Value r = tosa::MatMulOp::create(
      tb.builder(), tb.location(),
      TosaBuilder::f32Type({1, m, nn}, tb.builder().getContext()), a3, b3,
      tb.zeroPoint(), tb.zeroPoint());
  return tb.reshape(r, {m, nn});
}

LogicalResult convertGemm(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> as = n.inputShape(0), bs = n.inputShape(1);
  if (as.size() != 2 || bs.size() != 2)
    return n.emitError() << "A and B must be 2-D, got " << formatShape(as)
                         << " and " << formatShape(bs);
  bool transA = n.intAttr("transA", 0), transB = n.intAttr("transB", 0);
  float alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  int64_t m = transA ? as[1] : as[0], k = transA ? as[0] : as[1];
  int64_t kb = transB ? bs[1] : bs[0], nn = transB ? bs[0] : bs[1];
  if (k != kb)
    return n.emitError() << "A " << formatShape(as) << " and B "
                         << formatShape(bs)
                         << " have contradicting inner dimensions";
  Value a = n.input(0);
  if (!a)
    return failure();
  if (transA)
    a = tb.transpose(a, {1, 0});
  Value b;
  if (auto lit = n.literal(1)) {
    // Fold transB and alpha into the stored weight. The transpose is done
    // in cache-sized tiles: VGG16's first FC weight is 25088 x 4096.
    std::vector<float> w(k * nn);
    const float *src = lit->f32.data();
    constexpr int64_t kTile = 64;
    if (transB) {
      for (int64_t j0 = 0; j0 < nn; j0 += kTile)
        for (int64_t i0 = 0; i0 < k; i0 += kTile)
          for (int64_t j = j0; j < std::min(j0 + kTile, nn); ++j)
            for (int64_t i = i0; i < std::min(i0 + kTile, k); ++i)
              w[i * nn + j] = alpha * src[j * k + i];
    } else {
      for (int64_t i = 0; i < k * nn; ++i)
        w[i] = alpha * src[i];
    }
    b = tb.constant({k, nn}, std::move(w), n.node().input(1));
    alpha = 1.0f;
  } else {
    b = n.input(1);
    if (!b)
      return failure();
    if (transB)
      b = tb.transpose(b, {1, 0});
  }
  Value y = matmul2D(tb, a, b);
  if (alpha != 1.0f)
    y = tb.mul(y, tb.splat({1, 1}, alpha));
  if (n.hasInput(2) && beta != 0.0f) {
    std::vector<int64_t> cs = n.inputShape(2);
    if (failed(broadcastShapes(cs, {m, nn})) ||
        *broadcastShapes(cs, {m, nn}) != SmallVector<int64_t>{m, nn})
      return n.emitError() << "C " << formatShape(cs)
                           << " does not broadcast to [" << m << ", " << nn
                           << "]";
    Value c;
    if (auto lit = n.literal(2); lit && beta != 1.0f) {
      std::vector<float> cv = lit->f32;
      for (float &f : cv)
        f *= beta;
      c = tb.constant(cs, std::move(cv), n.node().input(2));
    } else {
      c = n.input(2);
      if (!c)
        return failure();
      if (beta != 1.0f)
        c = tb.mul(c, tb.splat(std::vector<int64_t>(cs.size(), 1), beta));
    }
    y = tb.binary<tosa::AddOp>(y, c);
  }
  n.setOutput(0, y);
  return success();
}

LogicalResult convertMatMul(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> as = n.inputShape(0), bs = n.inputShape(1);
  if (as.empty() || bs.empty())
    return n.emitError() << "operands must have rank >= 1";
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  // numpy semantics: 1-D operands gain a unit dim that is dropped after.
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec) {
    as.insert(as.begin(), 1);
    a = tb.reshape(a, as);
  }
  if (bVec) {
    bs.push_back(1);
    b = tb.reshape(b, bs);
  }
  int64_t m = as[as.size() - 2], k = as.back(), kb = bs[bs.size() - 2],
          nn = bs.back();
  if (k != kb)
    return n.emitError() << "operands " << formatShape(n.inputShape(0))
                         << " and " << formatShape(n.inputShape(1))
                         << " have contradicting inner dimensions";
  std::vector<int64_t> aBatch(as.begin(), as.end() - 2),
      bBatch(bs.begin(), bs.end() - 2);
  auto batch = broadcastShapes(aBatch, bBatch);
  if (failed(batch))
    return n.emitError() << "batch dimensions of " << formatShape(as)
                         << " and " << formatShape(bs) << " do not broadcast";
  int64_t batchCount = checkedNumElements(*batch);
  std::vector<int64_t> outShape(batch->begin(), batch->end());
  Value r;
  if (checkedNumElements(bBatch) == 1) {
    // Fold A's batch into rows: [B*M, K] x [K, N].
    Value a2 = tb.reshape(a, {batchCount * m, k});
    r = matmul2D(tb, a2, tb.reshape(b, {k, nn}));
  } else if (aBatch == bBatch) {
    Value a3 = tb.reshape(a, {batchCount, m, k});
    Value b3 = tb.reshape(b, {batchCount, k, nn});
    r = tosa::MatMulOp::create(
        tb.builder(), n.loc(),
        TosaBuilder::f32Type({batchCount, m, nn}, n.context()), a3, b3,
        tb.zeroPoint(), tb.zeroPoint());
  } else {
    return n.emitError() << "broadcasting a batched right operand "
                         << formatShape(bs) << " against "
                         << formatShape(as) << " is not supported";
  }
  if (!aVec)
    outShape.push_back(m);
  if (!bVec)
    outShape.push_back(nn);
  n.setOutput(0, tb.reshape(r, outShape));
  return success();
}

} // namespace

void registerNNConverters(ConverterRegistry &r) {
  r["Conv"] = convertConv;
  r["ConvTranspose"] = convertConvTranspose;
  r["Resize"] = convertResize;
  r["Upsample"] = convertResize;
  r["MaxPool"] = [](NodeContext &n) { return convertPool(n, true); };
  r["AveragePool"] = [](NodeContext &n) { return convertPool(n, false); };
  r["GlobalAveragePool"] = [](NodeContext &n) {
    return convertGlobalPool(n, false);
  };
  r["GlobalMaxPool"] = [](NodeContext &n) {
    return convertGlobalPool(n, true);
  };
  r["BatchNormalization"] = convertBatchNorm;
  r["InstanceNormalization"] = convertInstanceNorm;
  r["Gemm"] = convertGemm;
  r["MatMul"] = convertMatMul;
}

} // namespace spec2::import
