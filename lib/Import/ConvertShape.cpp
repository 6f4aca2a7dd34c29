//===- ConvertShape.cpp - Shape, data-movement and constant ops -> TOSA ---===//
//
// Data-movement ops become tosa.reshape/transpose/concat/pad/slice. On
// literals they are evaluated on the host, which is how the
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains of PyTorch exports
// fold away at import time.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "spec2/Support/TensorIO.h"

#include <numeric>

using namespace mlir;

namespace spec2::import {
namespace {

/// Normalises a possibly negative axis; fails with a message if invalid.
FailureOr<int64_t> normAxis(NodeContext &n, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    s[i - 1] = s[i] * shape[i];
  return s;
}

/// Host gather of elements: out[i] = in[map(i)] for an output of `shape`.
Tensor gatherElements(const Tensor &in, std::vector<int64_t> shape,
                      llvm::function_ref<int64_t(ArrayRef<int64_t>)> map) {
  Tensor out;
  out.dtype = in.dtype;
  out.shape = shape;
  int64_t count = checkedNumElements(shape);
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t src = map(idx);
    if (in.dtype == DType::F32)
      out.f32.push_back(in.f32[src]);
    else
      out.i64.push_back(in.i64[src]);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// Sets output 0 to `v` reshaped, or to the reshaped literal.
LogicalResult setReshaped(NodeContext &n, std::vector<int64_t> shape) {
  if (auto lit = n.literal(0)) {
    Tensor t = *lit;
    t.shape = std::move(shape);
    n.setOutputLiteral(0, std::move(t));
    return success();
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  n.setOutput(0, n.tosa().reshape(v, shape));
  return success();
}

LogicalResult convertReshape(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  std::vector<int64_t> target;
  if (n.opset() < 5) {
    target = n.intsAttr("shape");
  } else {
    auto lit = n.requireLiteral(1, "shape");
    if (failed(lit))
      return failure();
    target = (*lit)->asInts();
  }
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  int64_t known = 1, inferAt = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allowZero) {
      if (i >= in.size())
        return n.emitError() << "shape " << formatShape(target)
                             << " copies dimension " << i
                             << " that the input " << formatShape(in)
                             << " does not have";
      target[i] = in[i];
    }
    if (target[i] == -1) {
      if (inferAt >= 0)
        return n.emitError() << "shape " << formatShape(target)
                             << " has more than one -1";
      inferAt = i;
      continue;
    }
    if (target[i] < 0)
      return n.emitError() << "shape " << formatShape(target)
                           << " has a negative dimension";
    known *= target[i];
  }
  int64_t total = checkedNumElements(in);
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return n.emitError() << "cannot reshape " << formatShape(in) << " to "
                           << formatShape(target);
    target[inferAt] = total / known;
  } else if (known != total) {
    return n.emitError() << "cannot reshape " << formatShape(in) << " ("
                         << total << " elements) to " << formatShape(target)
                         << " (" << known << " elements)";
  }
  return setReshaped(n, target);
}

LogicalResult convertFlatten(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  int64_t axis = n.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= in[i];
  return setReshaped(n, {outer, inner});
}

/// The `axes` of Squeeze, Unsqueeze and the reductions: an attribute before
/// opset `inputFrom`, a constant input #1 from it on; empty when absent.
FailureOr<std::vector<int64_t>> axesOf(NodeContext &n, int64_t inputFrom) {
  if (n.opset() < inputFrom)
    return n.intsAttr("axes");
  if (!n.hasInput(1))
    return std::vector<int64_t>();
  auto lit = n.requireLiteral(1, "axes");
  if (failed(lit))
    return failure();
  return (*lit)->asInts();
}

LogicalResult convertSqueezeUnsqueeze(NodeContext &n, bool squeeze) {
  std::vector<int64_t> in = n.inputShape(0);
  auto axesOr = axesOf(n, 13);
  if (failed(axesOr))
    return failure();
  std::vector<int64_t> axes = *axesOr;
  std::vector<int64_t> out;
  if (squeeze) {
    int64_t rank = in.size();
    std::vector<bool> drop(rank, false);
    if (axes.empty()) {
      for (int64_t i = 0; i < rank; ++i)
        drop[i] = in[i] == 1;
    }
    for (int64_t a : axes) {
      auto ax = normAxis(n, a, rank);
      if (failed(ax))
        return failure();
      if (in[*ax] != 1)
        return n.emitError() << "cannot squeeze axis " << a << " of size "
                             << in[*ax];
      drop[*ax] = true;
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        out.push_back(in[i]);
  } else {
    if (axes.empty())
      return n.emitError() << "'axes' is required";
    int64_t rank = in.size() + axes.size();
    std::vector<bool> insert(rank, false);
    for (int64_t a : axes) {
      auto ax = normAxis(n, a, rank);
      if (failed(ax))
        return failure();
      if (insert[*ax])
        return n.emitError() << "axis " << a << " is repeated";
      insert[*ax] = true;
    }
    size_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(insert[i] ? 1 : in[src++]);
  }
  return setReshaped(n, out);
}

/// ReduceMean / ReduceSum / ReduceMax / ReduceMin: one tosa.reduce_* per
/// axis in ascending order (the form in which GlobalAveragePool and
/// GlobalMaxPool are imported, so a mean over H and W runs on the overlay as
/// global pooling), the mean scaled by 1/count, keepdims=0 as a reshape.
/// `axesInputFrom` is the opset from which the axes are an input rather
/// than an attribute.
LogicalResult convertReduce(NodeContext &n, StringRef kind, bool mean,
                            int64_t axesInputFrom) {
  std::vector<int64_t> in = n.inputShape(0);
  const int64_t rank = in.size();
  auto axesOr = axesOf(n, axesInputFrom);
  if (failed(axesOr))
    return failure();
  std::vector<int64_t> axes = *axesOr;
  if (axes.empty()) {
    if (n.intAttr("noop_with_empty_axes", 0)) {
      n.forward(0, 0);
      return success();
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    auto ax = normAxis(n, a, rank);
    if (failed(ax))
      return failure();
    reduced[*ax] = true;
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  TosaBuilder &tb = n.tosa();
  int64_t count = 1;
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i]) {
      kept.push_back(in[i]);
      continue;
    }
    v = tb.reduce(kind, v, int32_t(i));
    count *= in[i];
  }
  if (mean)
    v = tb.mul(v, tb.splat(std::vector<int64_t>(rank, 1),
                           1.0f / static_cast<float>(count)));
  if (!n.intAttr("keepdims", 1))
    v = tb.reshape(v, kept);
  n.setOutput(0, v);
  return success();
}

LogicalResult convertTranspose(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  std::vector<int64_t> perm = n.intsAttr("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  std::vector<int64_t> sorted = perm;
  llvm::sort(sorted);
  std::vector<int64_t> iota(rank);
  std::iota(iota.begin(), iota.end(), 0);
  if (sorted != iota)
    return n.emitError() << "perm " << formatShape(perm)
                         << " is not a permutation of rank " << rank;
  std::vector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(in[p]);
  if (auto lit = n.literal(0)) {
    std::vector<int64_t> strides = stridesOf(in);
    n.setOutputLiteral(0, gatherElements(*lit, out, [&](ArrayRef<int64_t> i) {
                         int64_t src = 0;
                         for (int64_t d = 0; d < rank; ++d)
                           src += i[d] * strides[perm[d]];
                         return src;
                       }));
    return success();
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  n.setOutput(0, n.tosa().transpose(v, perms));
  return success();
}

LogicalResult convertConcat(NodeContext &n) {
  if (n.numInputs() == 0)
    return n.emitError() << "needs at least one input";
  std::vector<int64_t> first = n.inputShape(0);
  auto axisOr = normAxis(n, n.intAttr("axis", 0), first.size());
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  bool allLiteral = true;
  std::vector<int64_t> out = first;
  out[axis] = 0;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    std::vector<int64_t> s = n.inputShape(i);
    if (s.size() != first.size())
      return n.emitError() << "inputs have different ranks";
    for (size_t d = 0; d < s.size(); ++d)
      if (int64_t(d) != axis && s[d] != first[d])
        return n.emitError() << "input shapes " << formatShape(first)
                             << " and " << formatShape(s)
                             << " contradict outside axis " << axis;
    out[axis] += s[axis];
    allLiteral &= n.literal(i) != nullptr;
  }
  if (allLiteral) {
    Tensor r;
    r.dtype = n.literal(0)->dtype;
    r.shape = out;
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= out[d];
    for (int64_t o = 0; o < outer; ++o)
      for (unsigned i = 0; i < n.numInputs(); ++i) {
        auto lit = n.literal(i);
        int64_t chunk = checkedNumElements(lit->shape) / std::max<int64_t>(outer, 1);
        if (outer == 0)
          break;
        if (r.dtype == DType::F32) {
          std::vector<float> f = lit->asFloats();
          r.f32.insert(r.f32.end(), f.begin() + o * chunk,
                       f.begin() + (o + 1) * chunk);
        } else {
          std::vector<int64_t> v = lit->asInts();
          r.i64.insert(r.i64.end(), v.begin() + o * chunk,
                       v.begin() + (o + 1) * chunk);
        }
      }
    n.setOutputLiteral(0, std::move(r));
    return success();
  }
  SmallVector<Value> values;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    if (TosaBuilder::shapeOf(v)[axis] != 0)
      values.push_back(v);
  }
  n.setOutput(0, n.tosa().concat(values, axis));
  return success();
}

/// Pads `v` along `axis` by copies of its own elements: 'edge' repeats the
/// border element, 'reflect' mirrors without repeating it, 'wrap' continues
/// periodically.
FailureOr<Value> padFromInput(NodeContext &n, Value v, StringRef mode,
                              int64_t axis, int64_t before, int64_t after) {
  TosaBuilder &tb = n.tosa();
  SmallVector<int64_t> shape(TosaBuilder::shapeOf(v));
  int64_t extent = shape[axis];
  int64_t limit = mode == "reflect" ? extent - 1 : extent;
  if (mode != "edge" && std::max(before, after) > limit)
    return n.emitError() << "mode '" << mode << "' pads axis " << axis
                         << " by " << std::max(before, after)
                         << ", more than its " << extent
                         << " elements allow (at most " << limit << ")";
  auto part = [&](int64_t start, int64_t count) {
    SmallVector<int64_t> begin(shape.size(), 0), size(shape);
    begin[axis] = start;
    size[axis] = count;
    return tb.slice(v, begin, size);
  };
  auto edge = [&](int64_t start, int64_t count) {
    SmallVector<int64_t> multiples(shape.size(), 1);
    multiples[axis] = count;
    return tb.tile(part(start, 1), multiples);
  };
  SmallVector<Value> parts;
  if (before > 0)
    parts.push_back(mode == "edge"      ? edge(0, before)
                    : mode == "reflect" ? tb.reverse(part(1, before), axis)
                                        : part(extent - before, before));
  parts.push_back(v);
  if (after > 0)
    parts.push_back(mode == "edge" ? edge(extent - 1, after)
                    : mode == "reflect"
                        ? tb.reverse(part(extent - 1 - after, after), axis)
                        : part(0, after));
  return tb.concat(parts, axis);
}

LogicalResult convertPad(NodeContext &n) {
  std::string mode = n.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return n.emitError() << "unknown mode '" << mode
                         << "' (constant, reflect, edge or wrap)";
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (n.opset() < 11) {
    pads = n.intsAttr("pads");
    value = n.floatAttr("value", 0.0f);
  } else {
    auto lit = n.requireLiteral(1, "pads");
    if (failed(lit))
      return failure();
    pads = (*lit)->asInts();
    if (n.hasInput(2)) {
      auto v = n.requireLiteral(2, "constant_value");
      if (failed(v))
        return failure();
      if ((*v)->numElements() != 1)
        return n.emitError() << "constant_value must be a scalar";
      value = (*v)->asFloats()[0];
    }
  }
  std::vector<int64_t> axes(rank);
  std::iota(axes.begin(), axes.end(), 0);
  if (n.hasInput(3)) {
    auto lit = n.requireLiteral(3, "axes");
    if (failed(lit))
      return failure();
    axes.clear();
    for (int64_t a : (*lit)->asInts()) {
      auto ax = normAxis(n, a, rank);
      if (failed(ax))
        return failure();
      axes.push_back(*ax);
    }
  }
  if (pads.size() != 2 * axes.size())
    return n.emitError() << "pads has " << pads.size() << " values, expected "
                         << 2 * axes.size();
  // TOSA interleaves (before, after) per dimension; ONNX lists all begins
  // then all ends. Negative pads crop.
  SmallVector<int64_t> tosaPads(2 * rank, 0), start(rank, 0),
      size(in.begin(), in.end());
  bool crop = false;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i], b = pads[i], e = pads[axes.size() + i];
    if (b < 0) {
      start[a] = -b;
      size[a] += b;
      crop = true;
    } else {
      tosaPads[2 * a] = b;
    }
    if (e < 0) {
      size[a] += e;
      crop = true;
    } else {
      tosaPads[2 * a + 1] = e;
    }
    if (size[a] < 0)
      return n.emitError() << "negative pads remove more than axis " << a
                           << " holds";
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  TosaBuilder &tb = n.tosa();
  if (crop)
    v = tb.slice(v, start, size);
  if (mode == "constant") {
    n.setOutput(0, tb.pad(v, tosaPads, value));
    return success();
  }
  for (int64_t a = 0; a < rank; ++a) {
    if (!tosaPads[2 * a] && !tosaPads[2 * a + 1])
      continue;
    auto padded =
        padFromInput(n, v, mode, a, tosaPads[2 * a], tosaPads[2 * a + 1]);
    if (failed(padded))
      return failure();
    v = *padded;
  }
  n.setOutput(0, v);
  return success();
}

LogicalResult convertSlice(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (n.opset() < 10) {
    starts = n.intsAttr("starts");
    ends = n.intsAttr("ends");
    axes = n.intsAttr("axes");
  } else {
    auto s = n.requireLiteral(1, "starts"), e = n.requireLiteral(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = (*s)->asInts();
    ends = (*e)->asInts();
    if (n.hasInput(3)) {
      auto a = n.requireLiteral(3, "axes");
      if (failed(a))
        return failure();
      axes = (*a)->asInts();
    }
    if (n.hasInput(4)) {
      auto st = n.requireLiteral(4, "steps");
      if (failed(st))
        return failure();
      steps = (*st)->asInts();
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.emitError() << "starts, ends, axes and steps differ in length";
  std::vector<int64_t> begin(rank, 0), count(in), step(rank, 1);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto ax = normAxis(n, axes[i], rank);
    if (failed(ax))
      return failure();
    int64_t dim = in[*ax], st = steps[i];
    if (st <= 0)
      return n.emitError() << "negative steps are not supported";
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    b = std::clamp<int64_t>(b, 0, dim);
    e = std::clamp<int64_t>(e, 0, dim);
    begin[*ax] = b;
    step[*ax] = st;
    count[*ax] = e > b ? (e - b + st - 1) / st : 0;
  }
  if (auto lit = n.literal(0)) {
    std::vector<int64_t> strides = stridesOf(in);
    n.setOutputLiteral(0, gatherElements(*lit, count, [&](ArrayRef<int64_t> i) {
                         int64_t src = 0;
                         for (int64_t d = 0; d < rank; ++d)
                           src += (begin[d] + i[d] * step[d]) * strides[d];
                         return src;
                       }));
    return success();
  }
  for (int64_t s : step)
    if (s != 1)
      return n.emitError() << "strided slices of run-time tensors are not "
                              "supported";
  if (checkedNumElements(count) == 0)
    return n.emitError() << "empty slices are not supported";
  Value v = n.input(0);
  if (!v)
    return failure();
  n.setOutput(0, n.tosa().slice(v, begin, count));
  return success();
}

/// Split: consecutive parts along `axis`, sized by the `split` input
/// (opset 13+) or attribute, else equal (the last smaller with
/// `num_outputs`, opset 18).
LogicalResult convertSplit(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  const int64_t rank = int64_t(in.size());
  auto axisOr = normAxis(n, n.intAttr("axis", 0), rank);
  if (failed(axisOr))
    return failure();
  const int64_t axis = *axisOr, dim = in[axis];
  const int64_t parts = int64_t(n.numOutputs());
  std::vector<int64_t> sizes;
  if (n.opset() >= 13 && n.hasInput(1)) {
    auto s = n.requireLiteral(1, "split");
    if (failed(s))
      return failure();
    sizes = (*s)->asInts();
  } else if (n.opset() < 13) {
    sizes = n.intsAttr("split");
  }
  if (sizes.empty()) {
    if (parts < 1)
      return n.emitError() << "has no outputs";
    const int64_t each = n.attr("num_outputs") ? (dim + parts - 1) / parts
                                               : dim / parts;
    if (!n.attr("num_outputs") && each * parts != dim)
      return n.emitError() << "cannot split " << dim << " elements of axis "
                           << axis << " into " << parts << " equal parts";
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= each)
      sizes.push_back(std::min(each, std::max<int64_t>(left, 0)));
  }
  if (int64_t(sizes.size()) != parts)
    return n.emitError() << "split has " << sizes.size() << " sizes for "
                         << parts << " outputs";
  int64_t total = 0;
  for (int64_t z : sizes) {
    if (z < 0)
      return n.emitError() << "negative split size " << z;
    total += z;
  }
  if (total != dim)
    return n.emitError() << "split sizes sum to " << total << ", axis "
                         << axis << " has " << dim;
  std::vector<int64_t> begin(size_t(rank), 0);
  for (int64_t i = 0; i < parts; begin[axis] += sizes[size_t(i)], ++i) {
    if (!n.outputUsed(unsigned(i)))
      continue;
    std::vector<int64_t> count = in;
    count[axis] = sizes[size_t(i)];
    if (sizes[size_t(i)] == 0)
      return n.emitError() << "empty parts are not supported";
    if (auto lit = n.literal(0)) {
      std::vector<int64_t> strides = stridesOf(in);
      n.setOutputLiteral(unsigned(i),
                         gatherElements(*lit, count, [&](ArrayRef<int64_t> j) {
                           int64_t src = 0;
                           for (int64_t d = 0; d < rank; ++d)
                             src += (begin[d] + j[d]) * strides[d];
                           return src;
                         }));
      continue;
    }
    Value v = n.input(0);
    if (!v)
      return failure();
    n.setOutput(unsigned(i), n.tosa().slice(v, begin, count));
  }
  return success();
}

LogicalResult convertGather(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  auto axisOr = normAxis(n, n.intAttr("axis", 0), rank);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  auto idxLit = n.requireLiteral(1, "indices");
  if (failed(idxLit))
    return failure();
  const Tensor &idx = **idxLit;
  std::vector<int64_t> indices = idx.asInts();
  for (int64_t &i : indices) {
    if (i < -in[axis] || i >= in[axis])
      return n.emitError() << "index " << i << " is out of range for axis "
                           << axis << " of size " << in[axis];
    if (i < 0)
      i += in[axis];
  }
  std::vector<int64_t> out(in.begin(), in.begin() + axis);
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), in.begin() + axis + 1, in.end());
  if (auto lit = n.literal(0)) {
    std::vector<int64_t> strides = stridesOf(in);
    int64_t idxRank = idx.shape.size();
    std::vector<int64_t> idxStrides = stridesOf(idx.shape);
    n.setOutputLiteral(0, gatherElements(*lit, out, [&](ArrayRef<int64_t> i) {
                         int64_t src = 0;
                         for (int64_t d = 0; d < axis; ++d)
                           src += i[d] * strides[d];
                         int64_t flat = 0;
                         for (int64_t d = 0; d < idxRank; ++d)
                           flat += i[axis + d] * idxStrides[d];
                         src += indices[flat] * strides[axis];
                         for (int64_t d = axis + 1; d < rank; ++d)
                           src += i[d - 1 + idxRank] * strides[d];
                         return src;
                       }));
    return success();
  }
  // Run-time data with constant indices: one slice per index.
  Value v = n.input(0);
  if (!v)
    return failure();
  TosaBuilder &tb = n.tosa();
  SmallVector<Value> parts;
  for (int64_t i : indices) {
    SmallVector<int64_t> start(rank, 0), size(in.begin(), in.end());
    start[axis] = i;
    size[axis] = 1;
    parts.push_back(tb.slice(v, start, size));
  }
  if (parts.empty())
    return n.emitError() << "empty indices are not supported";
  n.setOutput(0, tb.reshape(tb.concat(parts, axis), out));
  return success();
}

LogicalResult convertShape(NodeContext &n) {
  std::vector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  int64_t start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  std::vector<int64_t> dims(in.begin() + start, in.begin() + end);
  n.setOutputLiteral(0, Tensor::ints({int64_t(dims.size())}, dims));
  return success();
}

LogicalResult convertCast(NodeContext &n) {
  int64_t to = n.intAttr("to", onnx::TensorProto::FLOAT);
  bool toFloat = to == onnx::TensorProto::FLOAT ||
                 to == onnx::TensorProto::DOUBLE ||
                 to == onnx::TensorProto::FLOAT16;
  if (auto lit = n.literal(0)) {
    Tensor t;
    t.shape = lit->shape;
    if (toFloat) {
      t.dtype = DType::F32;
      t.f32 = lit->asFloats();
    } else {
      t.dtype = DType::I64;
      t.i64 = lit->asInts();
    }
    n.setOutputLiteral(0, std::move(t));
    return success();
  }
  if (!toFloat)
    return n.emitError() << "casting run-time tensors to integer types is "
                            "not supported";
  n.forward(0, 0);
  return success();
}

LogicalResult convertTile(NodeContext &n) {
  auto repeatsLit = n.requireLiteral(1, "repeats");
  if (failed(repeatsLit))
    return failure();
  std::vector<int64_t> in = n.inputShape(0),
                       repeats = (*repeatsLit)->asInts();
  if (repeats.size() != in.size())
    return n.emitError() << "repeats has " << repeats.size()
                         << " values, the input has rank " << in.size();
  std::vector<int64_t> out(in);
  for (size_t d = 0; d < in.size(); ++d) {
    if (repeats[d] < 1)
      return n.emitError() << "repeats must be positive, got "
                           << formatShape(repeats);
    out[d] *= repeats[d];
  }
  if (auto lit = n.literal(0); lit && lit->dtype == DType::I64) {
    std::vector<int64_t> strides = stridesOf(in);
    n.setOutputLiteral(0, gatherElements(*lit, out, [&](ArrayRef<int64_t> i) {
                         int64_t src = 0;
                         for (size_t d = 0; d < in.size(); ++d)
                           src += (i[d] % in[d]) * strides[d];
                         return src;
                       }));
    return success();
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  n.setOutput(0, n.tosa().tile(v, repeats));
  return success();
}

LogicalResult convertExpand(NodeContext &n) {
  auto shapeLit = n.requireLiteral(1, "shape");
  if (failed(shapeLit))
    return failure();
  std::vector<int64_t> in = n.inputShape(0), target = (*shapeLit)->asInts();
  auto out = broadcastShapes(in, target);
  if (failed(out))
    return n.emitError() << "cannot expand " << formatShape(in) << " to "
                         << formatShape(target);
  if (auto lit = n.literal(0); lit && lit->dtype == DType::I64) {
    std::vector<int64_t> outShape(out->begin(), out->end());
    size_t off = outShape.size() - in.size();
    std::vector<int64_t> strides = stridesOf(in);
    n.setOutputLiteral(0, gatherElements(*lit, outShape,
                                         [&](ArrayRef<int64_t> i) {
                                           int64_t src = 0;
                                           for (size_t d = 0; d < in.size(); ++d)
                                             if (in[d] != 1)
                                               src += i[off + d] * strides[d];
                                           return src;
                                         }));
    return success();
  }
  Value v = n.input(0);
  if (!v)
    return failure();
  TosaBuilder &tb = n.tosa();
  n.setOutput(0, tb.binary<tosa::AddOp>(v, tb.splat(*out, 0.0f)));
  return success();
}

LogicalResult convertConstant(NodeContext &n) {
  if (n.node().attribute_size() != 1)
    return n.emitError() << "expected exactly one value attribute";
  const onnx::AttributeProto &a = n.node().attribute(0);
  if (a.name() == "value") {
    auto t = decodeTensorProto(a.t(), "");
    if (!t)
      return n.emitError() << llvm::toString(t.takeError());
    n.setOutputLiteral(0, std::move(*t));
  } else if (a.name() == "value_float") {
    n.setOutputLiteral(0, Tensor::floats({}, {a.f()}));
  } else if (a.name() == "value_floats") {
    n.setOutputLiteral(0, Tensor::floats({a.floats_size()},
                                         {a.floats().begin(), a.floats().end()}));
  } else if (a.name() == "value_int") {
    n.setOutputLiteral(0, Tensor::ints({}, {a.i()}));
  } else if (a.name() == "value_ints") {
    n.setOutputLiteral(0, Tensor::ints({a.ints_size()},
                                       {a.ints().begin(), a.ints().end()}));
  } else {
    return n.emitError() << "attribute '" << a.name()
                         << "' is not supported (sparse or string constants)";
  }
  return success();
}

LogicalResult convertConstantOfShape(NodeContext &n) {
  auto shapeLit = n.requireLiteral(0, "input");
  if (failed(shapeLit))
    return failure();
  std::vector<int64_t> shape = (*shapeLit)->asInts();
  int64_t count = checkedNumElements(shape);
  if (count < 0 || count > kMaxTensorElements)
    return n.emitError() << "absurd shape " << formatShape(shape);
  Tensor value = Tensor::floats({1}, {0.0f});
  if (const auto *a = n.attr("value")) {
    auto t = decodeTensorProto(a->t(), "");
    if (!t)
      return n.emitError() << llvm::toString(t.takeError());
    value = std::move(*t);
  }
  Tensor out;
  out.dtype = value.dtype;
  out.shape = shape;
  if (value.dtype == DType::F32)
    out.f32.assign(count, value.f32.at(0));
  else
    out.i64.assign(count, value.i64.at(0));
  n.setOutputLiteral(0, std::move(out));
  return success();
}

LogicalResult convertIdentityLike(NodeContext &n) {
  if (n.opType() == "Dropout") {
    if (n.outputUsed(1))
      return n.emitError() << "the mask output is not supported";
    if (n.hasInput(2)) {
      auto training = n.literal(2);
      if (!training || training->asInts().at(0) != 0)
        return n.emitError() << "training_mode must be a constant false";
    }
  }
  n.forward(0, 0);
  return success();
}

} // namespace

void registerShapeConverters(ConverterRegistry &r) {
  r["Reshape"] = convertReshape;
  r["Flatten"] = convertFlatten;
  r["Squeeze"] = [](NodeContext &n) {
    return convertSqueezeUnsqueeze(n, true);
  };
  r["Unsqueeze"] = [](NodeContext &n) {
    return convertSqueezeUnsqueeze(n, false);
  };
  r["Transpose"] = convertTranspose;
  r["ReduceMean"] = [](NodeContext &n) {
    return convertReduce(n, "sum", /*mean=*/true, 18);
  };
  r["ReduceSum"] = [](NodeContext &n) {
    return convertReduce(n, "sum", /*mean=*/false, 13);
  };
  r["ReduceMax"] = [](NodeContext &n) {
    return convertReduce(n, "max", /*mean=*/false, 18);
  };
  r["ReduceMin"] = [](NodeContext &n) {
    return convertReduce(n, "min", /*mean=*/false, 18);
  };
  r["Concat"] = convertConcat;
  r["Split"] = convertSplit;
  r["Pad"] = convertPad;
  r["Slice"] = convertSlice;
  r["Gather"] = convertGather;
  r["Shape"] = convertShape;
  r["Cast"] = convertCast;
  r["Expand"] = convertExpand;
  r["Tile"] = convertTile;
  r["Constant"] = convertConstant;
  r["ConstantOfShape"] = convertConstantOfShape;
  r["Identity"] = convertIdentityLike;
  r["Dropout"] = convertIdentityLike;
}

} // namespace spec2::import
