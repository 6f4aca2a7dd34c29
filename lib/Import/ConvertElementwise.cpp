//===- ConvertElementwise.cpp - Activations, arithmetic, Softmax -> TOSA --===//
//
// Element-wise ONNX ops with numpy broadcasting. When every operand is a
// compile-time literal (shape arithmetic in exported graphs), the result is
// computed on the host instead.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include <cmath>
#include <limits>
#include <optional>

using namespace mlir;

namespace spec2::import {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

/// Host evaluation of a broadcasting binary op on two literals.
template <typename F>
FailureOr<Tensor> foldBinary(NodeContext &n, const Tensor &a, const Tensor &b,
                             F fn) {
  auto shape = broadcastShapes(a.shape, b.shape);
  if (failed(shape))
    return n.emitError() << "shapes " << formatShape(a.shape) << " and "
                         << formatShape(b.shape) << " do not broadcast";
  std::vector<int64_t> out(shape->begin(), shape->end());
  int64_t count = checkedNumElements(out);
  size_t rank = out.size();
  auto index = [&](const Tensor &t, int64_t flat) {
    int64_t idx = 0, stride = 1;
    for (size_t d = rank; d-- > 0;) {
      int64_t coord = flat % out[d];
      flat /= out[d];
      size_t td = d + t.shape.size();
      if (td < rank)
        continue;
      td -= rank;
      if (t.shape[td] != 1)
        idx += coord * stride;
      stride *= t.shape[td];
    }
    return idx;
  };
  bool isInt = a.dtype == DType::I64 && b.dtype == DType::I64;
  Tensor r;
  r.shape = out;
  r.dtype = isInt ? DType::I64 : DType::F32;
  std::vector<int64_t> ai = a.asInts(), bi = b.asInts();
  std::vector<float> af = a.asFloats(), bf = b.asFloats();
  for (int64_t i = 0; i < count; ++i) {
    int64_t ia = index(a, i), ib = index(b, i);
    if (isInt)
      r.i64.push_back(static_cast<int64_t>(fn(double(ai[ia]), double(bi[ib]))));
    else
      r.f32.push_back(static_cast<float>(fn(af[ia], bf[ib])));
  }
  return r;
}

LogicalResult convertBinary(NodeContext &n, StringRef kind) {
  auto as = n.inputShape(0), bs = n.inputShape(1);
  auto la = n.literal(0), lb = n.literal(1);
  // Before opset 7, broadcast=1 aligns B with A's dimensions from `axis`
  // on (default: B's trailing dimensions); B gains unit dimensions so the
  // numpy rule below gives the same result.
  std::optional<std::vector<int64_t>> legacyShape;
  if (n.opset() < 7 && n.intAttr("broadcast", 0) != 0 &&
      bs.size() < as.size()) {
    int64_t rank = as.size();
    int64_t axis = n.intAttr("axis", rank - int64_t(bs.size()));
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis + int64_t(bs.size()) > rank)
      return n.emitError() << "legacy broadcast axis " << n.intAttr("axis", 0)
                           << " does not fit B " << formatShape(bs)
                           << " into A " << formatShape(as);
    std::vector<int64_t> shape(rank, 1);
    std::copy(bs.begin(), bs.end(), shape.begin() + axis);
    legacyShape = shape;
    bs = shape;
    if (lb) {
      Tensor t = *lb;
      t.shape = shape;
      lb = std::make_shared<const Tensor>(std::move(t));
    }
  }
  if (failed(broadcastShapes(as, bs)))
    return n.emitError() << "operand shapes " << formatShape(as) << " and "
                         << formatShape(bs) << " do not broadcast";
  if (la && lb) {
    auto fn = [&](double x, double y) -> double {
      if (kind == "Add")
        return x + y;
      if (kind == "Sub")
        return x - y;
      if (kind == "Mul")
        return x * y;
      if (kind == "Max")
        return std::max(x, y);
      if (kind == "Min")
        return std::min(x, y);
      bool ints = la->dtype == DType::I64 && lb->dtype == DType::I64;
      return ints ? std::floor(x / y) : x / y; // Div
    };
    if (kind == "Div" && lb->dtype == DType::I64)
      for (int64_t v : lb->i64)
        if (v == 0)
          return n.emitError() << "integer division by zero";
    auto r = foldBinary(n, *la, *lb, fn);
    if (failed(r))
      return failure();
    n.setOutputLiteral(0, std::move(*r));
    return success();
  }
  TosaBuilder &tb = n.tosa();
  Value a = n.input(0);
  if (!a)
    return failure();
  Value b;
  if (kind == "Div" && lb && lb->dtype == DType::F32) {
    // x / c == x * (1/c) with the reciprocal taken on the host.
    std::vector<float> inv = lb->f32;
    for (float &f : inv)
      f = 1.0f / f;
    b = tb.constant(lb->shape, std::move(inv), n.node().input(1) + "_recip");
    n.setOutput(0, tb.mul(a, b));
    return success();
  }
  b = n.input(1);
  if (!b)
    return failure();
  if (legacyShape)
    b = tb.reshape(b, *legacyShape);
  Value r;
  if (kind == "Add")
    r = tb.binary<tosa::AddOp>(a, b);
  else if (kind == "Sub")
    r = tb.binary<tosa::SubOp>(a, b);
  else if (kind == "Mul")
    r = tb.mul(a, b);
  else if (kind == "Max")
    r = tb.binary<tosa::MaximumOp>(a, b);
  else if (kind == "Min")
    r = tb.binary<tosa::MinimumOp>(a, b);
  else
    r = tb.mul(a, tb.unary<tosa::ReciprocalOp>(b));
  n.setOutput(0, r);
  return success();
}

/// Variadic Max/Min/Sum fold pairwise.
LogicalResult convertVariadic(NodeContext &n, StringRef kind) {
  TosaBuilder &tb = n.tosa();
  if (n.numInputs() == 0)
    return n.emitError() << "needs at least one input";
  Value acc = n.input(0);
  if (!acc)
    return failure();
  for (unsigned i = 1; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    if (failed(broadcastShapes(TosaBuilder::shapeOf(acc),
                               TosaBuilder::shapeOf(v))))
      return n.emitError() << "input shapes do not broadcast";
    if (kind == "Max")
      acc = tb.binary<tosa::MaximumOp>(acc, v);
    else if (kind == "Min")
      acc = tb.binary<tosa::MinimumOp>(acc, v);
    else
      acc = tb.binary<tosa::AddOp>(acc, v);
  }
  n.setOutput(0, acc);
  return success();
}

template <typename OpTy> LogicalResult convertUnary(NodeContext &n) {
  Value v = n.input(0);
  if (!v)
    return failure();
  n.setOutput(0, n.tosa().unary<OpTy>(v));
  return success();
}

LogicalResult convertRelu(NodeContext &n) {
  Value v = n.input(0);
  if (!v)
    return failure();
  n.setOutput(0, n.tosa().clamp(v, 0.0f, kInf));
  return success();
}

LogicalResult convertNeg(NodeContext &n) {
  Value v = n.input(0);
  if (!v)
    return failure();
  TosaBuilder &tb = n.tosa();
  n.setOutput(0, tb.mul(v, tb.splat(std::vector<int64_t>(
                                        TosaBuilder::shapeOf(v).size(), 1),
                                    -1.0f)));
  return success();
}

/// select(x >= 0, x, negative) with `negative` already computed.
Value selectNonNegative(TosaBuilder &tb, Location loc, Value x,
                        Value negative) {
  auto ones = std::vector<int64_t>(TosaBuilder::shapeOf(x).size(), 1);
  auto boolType = RankedTensorType::get(TosaBuilder::shapeOf(x),
                                        tb.builder().getI1Type());
  Value nonNeg = tosa::GreaterEqualOp::create(tb.builder(), loc, boolType, x,
                                              tb.splat(ones, 0.0f));
  return tosa::SelectOp::create(tb.builder(), loc, x.getType(), nonNeg, x,
                                negative);
}

LogicalResult convertPRelu(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  Value x = n.input(0), slope = n.input(1);
  if (!x || !slope)
    return failure();
  auto xs = TosaBuilder::shapeOf(x);
  auto ss = n.inputShape(1);
  // ONNX allows unidirectional broadcasting; a [C] slope on an NCHW input is
  // also common in older exports and means per-channel.
  if (ss.size() == 1 && xs.size() >= 3 && ss[0] == xs[1] && ss[0] != xs.back()) {
    std::vector<int64_t> shape(xs.size(), 1);
    shape[1] = ss[0];
    slope = tb.reshape(slope, shape);
  }
  auto out = broadcastShapes(xs, TosaBuilder::shapeOf(slope));
  if (failed(out) || ArrayRef<int64_t>(*out) != xs)
    return n.emitError() << "slope " << formatShape(ss)
                         << " does not broadcast to the input "
                         << formatShape(xs);
  n.setOutput(0, selectNonNegative(tb, n.loc(), x, tb.mul(x, slope)));
  return success();
}

LogicalResult convertElu(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  Value x = n.input(0);
  if (!x)
    return failure();
  float alpha = n.floatAttr("alpha", 1.0f);
  auto ones = std::vector<int64_t>(TosaBuilder::shapeOf(x).size(), 1);
  Value expm1 = tb.binary<tosa::SubOp>(tb.unary<tosa::ExpOp>(x),
                                       tb.splat(ones, 1.0f));
  n.setOutput(0, selectNonNegative(tb, n.loc(), x,
                                   tb.mul(expm1, tb.splat(ones, alpha))));
  return success();
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoid(TosaBuilder &tb, Value x, float alpha, float beta) {
  auto ones = std::vector<int64_t>(TosaBuilder::shapeOf(x).size(), 1);
  Value lin = tb.binary<tosa::AddOp>(tb.mul(x, tb.splat(ones, alpha)),
                                     tb.splat(ones, beta));
  return tb.clamp(lin, 0.0f, 1.0f);
}

LogicalResult convertHardSigmoid(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  n.setOutput(0, hardSigmoid(n.tosa(), x, n.floatAttr("alpha", 0.2f),
                             n.floatAttr("beta", 0.5f)));
  return success();
}

LogicalResult convertHardSwish(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  n.setOutput(0, tb.mul(x, hardSigmoid(tb, x, 1.0f / 6.0f, 0.5f)));
  return success();
}

LogicalResult convertLeakyRelu(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  Value v = n.input(0);
  if (!v)
    return failure();
  float alpha = n.floatAttr("alpha", 0.01f);
  auto ones = std::vector<int64_t>(TosaBuilder::shapeOf(v).size(), 1);
  // select(x >= 0, x, alpha * x): correct for any alpha, not only [0, 1].
  n.setOutput(0, selectNonNegative(tb, n.loc(), v,
                                   tb.mul(v, tb.splat(ones, alpha))));
  return success();
}

/// Splat of `value` with the rank of `x` (a scalar the LUT sampler sees).
Value scalarLike(TosaBuilder &tb, Value x, float value) {
  return tb.splat(std::vector<int64_t>(TosaBuilder::shapeOf(x).size(), 1),
                  value);
}

LogicalResult convertPow(NodeContext &n) {
  TosaBuilder &tb = n.tosa();
  auto as = n.inputShape(0), bs = n.inputShape(1);
  auto out = broadcastShapes(as, bs);
  if (failed(out) || ArrayRef<int64_t>(*out) != ArrayRef<int64_t>(as))
    return n.emitError() << "exponent " << formatShape(bs)
                         << " does not broadcast to the base "
                         << formatShape(as);
  auto la = n.literal(0), lb = n.literal(1);
  if (la && lb && la->dtype == DType::F32) {
    auto r = foldBinary(n, *la, *lb, [](double x, double y) {
      return std::pow(x, y);
    });
    if (failed(r))
      return failure();
    n.setOutputLiteral(0, std::move(*r));
    return success();
  }
  Value x = n.input(0);
  if (!x)
    return failure();
  // x^2 is by far the commonest exponent (variance, L2 norms): a product
  // keeps it exact for negative bases and in the ops every engine knows.
  if (lb && lb->numElements() == 1 && lb->asFloats()[0] == 2.0f) {
    n.setOutput(0, tb.mul(x, x));
    return success();
  }
  Value y;
  if (lb) {
    // An integer exponent arrives as int64; TOSA's pow wants f32 operands.
    y = tb.constant(lb->shape, lb->asFloats(), n.node().input(1));
  } else {
    y = n.input(1);
    if (!y)
      return failure();
  }
  n.setOutput(0, tb.binary<tosa::PowOp>(x, y));
  return success();
}

/// sqrt(x) = 1 / rsqrt(x): rsqrt(0) = inf gives 0, rsqrt(x < 0) = NaN stays.
LogicalResult convertSqrt(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  n.setOutput(0, tb.unary<tosa::ReciprocalOp>(tb.unary<tosa::RsqrtOp>(x)));
  return success();
}

/// log(1 + exp(x)) as max(x, 0) + log(1 + exp(-|x|)), which neither
/// overflows for large x nor loses small values for very negative x.
LogicalResult convertSoftplus(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  Value negAbs = tb.mul(tb.unary<tosa::AbsOp>(x), scalarLike(tb, x, -1.0f));
  Value log1p = tb.unary<tosa::LogOp>(tb.binary<tosa::AddOp>(
      tb.unary<tosa::ExpOp>(negAbs), scalarLike(tb, x, 1.0f)));
  n.setOutput(0, tb.binary<tosa::AddOp>(tb.clamp(x, 0.0f, kInf), log1p));
  return success();
}

/// x / (1 + |x|).
LogicalResult convertSoftsign(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  Value denom = tb.binary<tosa::AddOp>(tb.unary<tosa::AbsOp>(x),
                                       scalarLike(tb, x, 1.0f));
  n.setOutput(0, tb.mul(x, tb.unary<tosa::ReciprocalOp>(denom)));
  return success();
}

/// gamma * (x >= 0 ? x : alpha * (exp(x) - 1)).
LogicalResult convertSelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  float alpha = n.floatAttr("alpha", 1.67326319217681884765625f);
  float gamma = n.floatAttr("gamma", 1.05070102214813232421875f);
  Value expm1 = tb.binary<tosa::SubOp>(tb.unary<tosa::ExpOp>(x),
                                       scalarLike(tb, x, 1.0f));
  Value neg = tb.mul(expm1, scalarLike(tb, x, alpha));
  n.setOutput(0, tb.mul(selectNonNegative(tb, n.loc(), x, neg),
                        scalarLike(tb, x, gamma)));
  return success();
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
LogicalResult convertCelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  float alpha = n.floatAttr("alpha", 1.0f);
  if (alpha == 0.0f)
    return n.emitError() << "alpha must be non-zero";
  Value e = tb.unary<tosa::ExpOp>(tb.mul(x, scalarLike(tb, x, 1.0f / alpha)));
  Value neg = tb.mul(tb.binary<tosa::SubOp>(e, scalarLike(tb, x, 1.0f)),
                     scalarLike(tb, x, alpha));
  n.setOutput(0, tb.binary<tosa::AddOp>(tb.clamp(x, 0.0f, kInf),
                                        tb.clamp(neg, -kInf, 0.0f)));
  return success();
}

/// x > alpha ? x : 0, spelled select(alpha >= x, 0, x) so that it needs no
/// comparison beyond greater_equal.
LogicalResult convertThresholdedRelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  TosaBuilder &tb = n.tosa();
  float alpha = n.floatAttr("alpha", 1.0f);
  auto boolType = RankedTensorType::get(TosaBuilder::shapeOf(x),
                                        tb.builder().getI1Type());
  Value atOrBelow = tosa::GreaterEqualOp::create(
      tb.builder(), n.loc(), boolType, scalarLike(tb, x, alpha), x);
  n.setOutput(0, tosa::SelectOp::create(tb.builder(), n.loc(), x.getType(),
                                        atOrBelow, scalarLike(tb, x, 0.0f),
                                        x));
  return success();
}

LogicalResult convertClip(NodeContext &n) {
  float lo = -kInf, hi = kInf;
  if (n.opset() < 11) {
    lo = n.floatAttr("min", lo);
    hi = n.floatAttr("max", hi);
  } else {
    for (unsigned i : {1u, 2u}) {
      if (!n.hasInput(i))
        continue;
      auto lit = n.requireLiteral(i, i == 1 ? "min" : "max");
      if (failed(lit))
        return failure();
      if ((*lit)->numElements() != 1)
        return n.emitError() << (i == 1 ? "min" : "max")
                             << " must be a scalar";
      float v = (*lit)->asFloats()[0];
      (i == 1 ? lo : hi) = v;
    }
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  if (lo > hi) {
    // ONNX: every element becomes max when min > max.
    lo = hi;
  }
  n.setOutput(0, n.tosa().clamp(v, lo, hi));
  return success();
}

/// Softmax along one axis of `v`.
Value softmaxAxis(TosaBuilder &tb, Value v, int32_t axis, bool log) {
  Value shifted = tb.binary<tosa::SubOp>(v, tb.reduce("max", v, axis));
  Value e = tb.unary<tosa::ExpOp>(shifted);
  Value sum = tb.reduce("sum", e, axis);
  if (log)
    return tb.binary<tosa::SubOp>(shifted, tb.unary<tosa::LogOp>(sum));
  return tb.mul(e, tb.unary<tosa::ReciprocalOp>(sum));
}

LogicalResult convertSoftmax(NodeContext &n, bool log) {
  TosaBuilder &tb = n.tosa();
  std::vector<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();
  int64_t axis = n.intAttr("axis", n.opset() >= 13 ? -1 : 1);
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  Value v = n.input(0);
  if (!v)
    return failure();
  if (n.opset() >= 13) {
    n.setOutput(0, softmaxAxis(tb, v, axis, log));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D at `axis`.
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= shape[i];
  Value flat = tb.reshape(v, {outer, inner});
  n.setOutput(0, tb.reshape(softmaxAxis(tb, flat, 1, log), shape));
  return success();
}

} // namespace

void registerElementwiseConverters(ConverterRegistry &r) {
  for (StringRef kind : {"Add", "Sub", "Mul", "Div"})
    r[kind] = [kind](NodeContext &n) { return convertBinary(n, kind); };
  for (StringRef kind : {"Max", "Min", "Sum"})
    r[kind] = [kind](NodeContext &n) {
      if (n.numInputs() == 2 && kind != "Sum")
        return convertBinary(n, kind);
      return convertVariadic(n, kind);
    };
  r["Relu"] = convertRelu;
  r["LeakyRelu"] = convertLeakyRelu;
  r["PRelu"] = convertPRelu;
  r["Elu"] = convertElu;
  r["HardSigmoid"] = convertHardSigmoid;
  r["HardSwish"] = convertHardSwish;
  r["Clip"] = convertClip;
  r["Sigmoid"] = convertUnary<tosa::SigmoidOp>;
  r["Tanh"] = convertUnary<tosa::TanhOp>;
  r["Exp"] = convertUnary<tosa::ExpOp>;
  r["Log"] = convertUnary<tosa::LogOp>;
  r["Abs"] = convertUnary<tosa::AbsOp>;
  r["Reciprocal"] = convertUnary<tosa::ReciprocalOp>;
  r["Neg"] = convertNeg;
  r["Pow"] = convertPow;
  r["Sqrt"] = convertSqrt;
  r["Softplus"] = convertSoftplus;
  r["Softsign"] = convertSoftsign;
  r["Selu"] = convertSelu;
  r["Celu"] = convertCelu;
  r["ThresholdedRelu"] = convertThresholdedRelu;
  r["Softmax"] = [](NodeContext &n) { return convertSoftmax(n, false); };
  r["LogSoftmax"] = [](NodeContext &n) { return convertSoftmax(n, true); };
}

} // namespace spec2::import
