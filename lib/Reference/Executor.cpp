//===- Executor.cpp - Float32 reference executor for graph IR -------------===//
//
// `create` flattens the function into a list of steps over numbered value
// slots and decides when each slot can be freed; `run` walks the steps with
// its own slot array, so concurrent runs share only the read-only plan and
// the constants (which are read in place from the module's attributes).
//
//===----------------------------------------------------------------------===//

#include "spec2/Reference/Executor.h"
#include "spec2/Reference/Kernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <optional>

using namespace mlir;

namespace spec2 {
namespace {

/// A value during execution: a view of constant data or an owned buffer.
struct Buf {
  std::vector<int64_t> shape;
  const float *data = nullptr;
  std::vector<float> owned;

  int64_t size() const { return checkedNumElements(shape); }
  static Buf alloc(std::vector<int64_t> shape) {
    Buf b;
    b.shape = std::move(shape);
    b.owned.resize(b.size());
    b.data = b.owned.data();
    return b;
  }
  float *mut() { return owned.data(); }
};

std::vector<int64_t> shapeOf(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    s[i - 1] = s[i] * shape[i];
  return s;
}

/// Calls fn(flatIndex, index) for every index of `shape` in row-major order.
template <typename F>
void forEachIndex(const std::vector<int64_t> &shape, F fn) {
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t i = 0, total = checkedNumElements(shape); i < total; ++i) {
    fn(i, idx);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

/// Calls fn(outIndex, aIndex, bIndex) over a TOSA broadcast (equal ranks,
/// unit dims stretch).
template <typename F>
void forEachBroadcast(const std::vector<int64_t> &out,
                      const std::vector<int64_t> &a,
                      const std::vector<int64_t> &b, F fn) {
  size_t rank = out.size();
  std::vector<int64_t> sa = stridesOf(a), sb = stridesOf(b);
  for (size_t d = 0; d < rank; ++d) {
    if (a[d] == 1)
      sa[d] = 0;
    if (b[d] == 1)
      sb[d] = 0;
  }
  int64_t total = checkedNumElements(out);
  if (a == out && b == out) {
    for (int64_t i = 0; i < total; ++i)
      fn(i, i, i);
    return;
  }
  std::vector<int64_t> idx(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < total; ++i) {
    fn(i, ia, ib);
    for (size_t d = rank; d-- > 0;) {
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < out[d])
        break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
}

ref::Window2D window(ArrayRef<int64_t> kernel, ArrayRef<int64_t> pad,
                     ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  ref::Window2D w;
  w.kh = kernel[0];
  w.kw = kernel[1];
  w.padTop = pad[0];
  w.padBottom = pad[1];
  w.padLeft = pad[2];
  w.padRight = pad[3];
  w.strideY = stride[0];
  w.strideX = stride[1];
  if (!dilation.empty()) {
    w.dilationY = dilation[0];
    w.dilationX = dilation[1];
  }
  return w;
}

} // namespace

/// The executable form of the function.
struct ReferenceExecutor::Plan {
  struct Step {
    Operation *op;
    std::vector<int> operands;
    int result = -1;
    std::vector<int> freeAfter;
  };
  std::vector<Step> steps;
  std::vector<int> argSlots, resultSlots;
  std::vector<std::vector<int64_t>> argShapes;
  std::vector<std::string> argNames, resultNames;
  /// Constant slots: filled once at plan time.
  std::vector<std::optional<Buf>> constants;
  /// const_shape values by slot.
  llvm::DenseMap<int, std::vector<int64_t>> shapeConsts;
  int numSlots = 0;
};

ReferenceExecutor::ReferenceExecutor(std::unique_ptr<Plan> plan)
    : plan(std::move(plan)) {}
ReferenceExecutor::~ReferenceExecutor() = default;
ReferenceExecutor::ReferenceExecutor(ReferenceExecutor &&) noexcept = default;

static bool isSupported(Operation *op) {
  return isa<tosa::ConstOp, tosa::ConstShapeOp, tosa::Conv2DOp,
             tosa::TransposeConv2DOp,
             tosa::DepthwiseConv2DOp, tosa::AvgPool2dOp, tosa::MaxPool2dOp,
             tosa::MatMulOp, tosa::AddOp, tosa::SubOp, tosa::MulOp,
             tosa::MaximumOp, tosa::MinimumOp, tosa::GreaterEqualOp,
             tosa::PowOp,
             tosa::SelectOp, tosa::ReciprocalOp, tosa::ExpOp, tosa::LogOp,
             tosa::AbsOp, tosa::SigmoidOp, tosa::TanhOp, tosa::RsqrtOp,
             tosa::ClampOp, tosa::ReduceMaxOp, tosa::ReduceMinOp,
             tosa::ReduceSumOp, tosa::ReduceProductOp, tosa::ReshapeOp,
             tosa::TransposeOp, tosa::SliceOp, tosa::PadOp, tosa::ConcatOp,
             tosa::TileOp, tosa::ReverseOp, tosa::ResizeOp,
             func::ReturnOp>(op);
}

/// Reads a constant attribute as a float view (resource blobs in place).
static FailureOr<Buf> constantBuf(tosa::ConstOp op) {
  Buf b;
  b.shape = shapeOf(op.getResult());
  Attribute attr = op.getValues();
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return op.emitError("constant's resource blob is missing");
    ArrayRef<char> bytes = blob->getData();
    if (bytes.size() != size_t(b.size()) * sizeof(float))
      return op.emitError("constant's resource blob has ")
             << bytes.size() << " bytes, expected " << b.size() * 4;
    b.data = reinterpret_cast<const float *>(bytes.data());
    return b;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return op.emitError("unsupported constant attribute kind");
  Type et = dense.getElementType();
  b.owned.reserve(b.size());
  if (et.isF32()) {
    for (float f : dense.getValues<float>())
      b.owned.push_back(f);
  } else if (isa<FloatType>(et)) {
    for (APFloat f : dense.getValues<APFloat>())
      b.owned.push_back(f.convertToDouble());
  } else if (isa<IntegerType>(et)) {
    for (APInt i : dense.getValues<APInt>())
      b.owned.push_back(float(i.getSExtValue()));
  } else {
    return op.emitError("unsupported constant element type ") << et;
  }
  b.data = b.owned.data();
  return b;
}

FailureOr<ReferenceExecutor> ReferenceExecutor::create(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    return module.emitError("reference executor: no func.func @main");
  if (!func.getBody().hasOneBlock())
    return func.emitError("reference executor: @main must have one block");

  auto plan = std::make_unique<Plan>();
  llvm::DenseMap<Value, int> slots;
  auto slotOf = [&](Value v) {
    auto [it, inserted] = slots.try_emplace(v, plan->numSlots);
    if (inserted)
      ++plan->numSlots;
    return it->second;
  };
  Block &body = func.getBody().front();
  for (BlockArgument arg : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return func.emitError("reference executor: argument #")
             << arg.getArgNumber() << " must be a static f32 tensor";
    plan->argSlots.push_back(slotOf(arg));
    plan->argShapes.push_back(shapeOf(arg));
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name");
    plan->argNames.push_back(name ? name.str()
                                  : "arg" + std::to_string(arg.getArgNumber()));
  }

  llvm::DenseMap<int, size_t> lastUse;
  for (Operation &op : body) {
    if (!isSupported(&op))
      return op.emitError("reference executor does not implement '")
             << op.getName() << "'";
    for (Value r : op.getResults()) {
      if (isa<tosa::shapeType>(r.getType()))
        continue;
      auto type = dyn_cast<ShapedType>(r.getType());
      if (!type || !type.hasStaticShape())
        return op.emitError("reference executor needs static shapes");
    }
    Plan::Step step;
    step.op = &op;
    for (Value v : op.getOperands()) {
      auto it = slots.find(v);
      if (it == slots.end())
        return op.emitError("operand defined outside the function body");
      step.operands.push_back(it->second);
      lastUse[it->second] = plan->steps.size();
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      plan->resultSlots = step.operands;
      for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
        auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
        plan->resultNames.push_back(name ? name.str()
                                         : "result" + std::to_string(i));
      }
      break;
    }
    if (op.getNumResults() != 1)
      return op.emitError("reference executor expects single-result ops");
    step.result = slotOf(op.getResult(0));
    plan->constants.resize(plan->numSlots);
    if (auto c = dyn_cast<tosa::ConstOp>(op)) {
      auto buf = constantBuf(c);
      if (failed(buf))
        return failure();
      plan->constants[step.result] = std::move(*buf);
      continue;
    }
    if (auto c = dyn_cast<tosa::ConstShapeOp>(op)) {
      std::vector<int64_t> v;
      for (APInt i : c.getValues().getValues<APInt>())
        v.push_back(i.getSExtValue());
      plan->shapeConsts[step.result] = std::move(v);
      continue;
    }
    plan->steps.push_back(std::move(step));
  }
  plan->constants.resize(plan->numSlots);
  // Free each computed slot after its last use (results are kept).
  llvm::DenseSet<int> keep(plan->resultSlots.begin(), plan->resultSlots.end());
  for (auto [slot, stepIndex] : lastUse)
    if (!keep.contains(slot) && !plan->constants[slot] &&
        stepIndex < plan->steps.size())
      plan->steps[stepIndex].freeAfter.push_back(slot);
  return ReferenceExecutor(std::move(plan));
}

std::vector<std::vector<int64_t>> ReferenceExecutor::inputShapes() const {
  return plan->argShapes;
}
std::vector<std::string> ReferenceExecutor::inputNames() const {
  return plan->argNames;
}
std::vector<std::string> ReferenceExecutor::outputNames() const {
  return plan->resultNames;
}

namespace {

/// Evaluates one op given its operand buffers.
class StepEvaluator {
public:
  StepEvaluator(const ReferenceExecutor::Plan &plan,
                std::vector<const Buf *> operands, Operation *op)
      : plan(plan), in(std::move(operands)), op(op) {}

  Buf eval();

private:
  // One function per op family: each returns the result of an op of its
  // family and std::nullopt for any other op.
  /// Convolutions, pooling and matrix products, by spec2/Reference/Kernels.h.
  std::optional<Buf> evalWindowed();
  /// Element-wise ops of two operands (broadcast) and select.
  std::optional<Buf> evalBinary();
  /// Element-wise ops of one operand.
  std::optional<Buf> evalUnary();
  /// Reductions along one axis.
  std::optional<Buf> evalReduce();
  /// Reshape, transpose, slice, pad and concat: elements moved, not changed.
  std::optional<Buf> evalDataMovement();
  Buf evalTranspose(tosa::TransposeOp t);
  Buf evalSlice();
  Buf evalPad();
  Buf evalConcat(tosa::ConcatOp c);
  Buf evalTile();
  Buf evalReverse(int64_t axis);
  Buf evalResize(tosa::ResizeOp r);

  const std::vector<int64_t> &shapeOperand(unsigned i, int slot) const {
    return plan.shapeConsts.find(slot)->second;
  }
  template <typename F> Buf unary(F fn) {
    Buf r = Buf::alloc(in[0]->shape);
    for (int64_t i = 0, n = r.size(); i < n; ++i)
      r.mut()[i] = fn(in[0]->data[i]);
    return r;
  }
  template <typename F> Buf binary(F fn) {
    Buf r = Buf::alloc(shapeOf(op->getResult(0)));
    const float *a = in[0]->data, *b = in[1]->data;
    float *o = r.mut();
    forEachBroadcast(
        r.shape, in[0]->shape, in[1]->shape,
        [&](int64_t i, int64_t ia, int64_t ib) { o[i] = fn(a[ia], b[ib]); });
    return r;
  }
  Buf reduce(int axis, float init, float (*fn)(float, float)) {
    std::vector<int64_t> s = in[0]->shape;
    int64_t outer = 1, inner = 1, n = s[axis];
    for (int i = 0; i < axis; ++i)
      outer *= s[i];
    for (size_t i = axis + 1; i < s.size(); ++i)
      inner *= s[i];
    s[axis] = 1;
    Buf r = Buf::alloc(s);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        float acc = init;
        for (int64_t k = 0; k < n; ++k)
          acc = fn(acc, in[0]->data[(o * n + k) * inner + j]);
        r.mut()[o * inner + j] = acc;
      }
    return r;
  }

public:
  std::vector<int> operandSlots;

private:
  const ReferenceExecutor::Plan &plan;
  std::vector<const Buf *> in;
  Operation *op;
};

Buf StepEvaluator::eval() {
  // Each family evaluates the ops it knows and declines the others.
  for (std::optional<Buf> (StepEvaluator::*family)() :
       {&StepEvaluator::evalWindowed, &StepEvaluator::evalBinary,
        &StepEvaluator::evalUnary, &StepEvaluator::evalReduce,
        &StepEvaluator::evalDataMovement})
    if (std::optional<Buf> r = (this->*family)())
      return std::move(*r);
  llvm_unreachable("op support is checked when the plan is built");
}

std::optional<Buf> StepEvaluator::evalWindowed() {
  return llvm::TypeSwitch<Operation *, std::optional<Buf>>(op)
      .Case([&](tosa::Conv2DOp c) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ref::conv2d(in[0]->data, in[0]->shape, in[1]->data, in[2]->data,
                    in[2]->size(), os[3],
                    window({in[1]->shape[1], in[1]->shape[2]}, c.getPad(),
                           c.getStride(), c.getDilation()),
                    r.mut(), os[1], os[2]);
        return r;
      })
      .Case([&](tosa::TransposeConv2DOp c) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ArrayRef<int64_t> outPad = c.getOutPad();
        ref::transposeConv2d(
            in[0]->data, in[0]->shape, in[1]->data, in[2]->data, in[2]->size(),
            os[3],
            window({in[1]->shape[1], in[1]->shape[2]},
                   {outPad[0], outPad[1], outPad[2], outPad[3]}, c.getStride(),
                   {}),
            r.mut(), os[1], os[2]);
        return r;
      })
      .Case([&](tosa::DepthwiseConv2DOp c) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ref::depthwiseConv2d(in[0]->data, in[0]->shape, in[1]->data,
                             in[1]->shape[3], in[2]->data, in[2]->size(),
                             window({in[1]->shape[0], in[1]->shape[1]},
                                    c.getPad(), c.getStride(), c.getDilation()),
                             r.mut(), os[1], os[2]);
        return r;
      })
      .Case([&](tosa::AvgPool2dOp p) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ref::pool2d(false, in[0]->data, in[0]->shape,
                    window(p.getKernel(), p.getPad(), p.getStride(), {}),
                    r.mut(), os[1], os[2]);
        return r;
      })
      .Case([&](tosa::MaxPool2dOp p) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ref::pool2d(true, in[0]->data, in[0]->shape,
                    window(p.getKernel(), p.getPad(), p.getStride(), {}),
                    r.mut(), os[1], os[2]);
        return r;
      })
      .Case([&](tosa::MatMulOp) {
        std::vector<int64_t> os = shapeOf(op->getResult(0));
        Buf r = Buf::alloc(os);
        ref::batchMatmul(in[0]->data, in[1]->data, r.mut(), os[0], os[1],
                         in[0]->shape[2], os[2]);
        return r;
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<Buf> StepEvaluator::evalBinary() {
  return llvm::TypeSwitch<Operation *, std::optional<Buf>>(op)
      .Case([&](tosa::AddOp) {
        return binary([](float a, float b) { return a + b; });
      })
      .Case([&](tosa::SubOp) {
        return binary([](float a, float b) { return a - b; });
      })
      .Case([&](tosa::MulOp) {
        return binary([](float a, float b) { return a * b; });
      })
      .Case([&](tosa::MaximumOp) {
        return binary([](float a, float b) {
          return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
        });
      })
      .Case([&](tosa::MinimumOp) {
        return binary([](float a, float b) {
          return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
        });
      })
      .Case([&](tosa::GreaterEqualOp) {
        return binary([](float a, float b) { return a >= b ? 1.0f : 0.0f; });
      })
      .Case([&](tosa::PowOp) {
        return binary([](float a, float b) { return std::pow(a, b); });
      })
      .Case([&](tosa::SelectOp) {
        Buf r = Buf::alloc(shapeOf(op->getResult(0)));
        // Broadcast the condition and both values to the result shape.
        std::vector<float> t(r.size()), f(r.size());
        forEachBroadcast(r.shape, in[0]->shape, in[1]->shape,
                         [&](int64_t i, int64_t ic, int64_t iv) {
                           t[i] = in[0]->data[ic] != 0.0f ? 1.0f : 0.0f;
                           f[i] = in[1]->data[iv];
                         });
        forEachBroadcast(r.shape, r.shape, in[2]->shape,
                         [&](int64_t i, int64_t, int64_t iv) {
                           r.mut()[i] = t[i] != 0.0f ? f[i] : in[2]->data[iv];
                         });
        return r;
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<Buf> StepEvaluator::evalUnary() {
  return llvm::TypeSwitch<Operation *, std::optional<Buf>>(op)
      .Case([&](tosa::ReciprocalOp) {
        return unary([](float x) { return 1.0f / x; });
      })
      .Case([&](tosa::ExpOp) {
        return unary([](float x) { return std::exp(x); });
      })
      .Case([&](tosa::LogOp) {
        return unary([](float x) { return std::log(x); });
      })
      .Case([&](tosa::AbsOp) {
        return unary([](float x) { return std::fabs(x); });
      })
      .Case([&](tosa::RsqrtOp) {
        return unary([](float x) { return 1.0f / std::sqrt(x); });
      })
      .Case([&](tosa::SigmoidOp) {
        return unary([](float x) { return 1.0f / (1.0f + std::exp(-x)); });
      })
      .Case([&](tosa::TanhOp) {
        return unary([](float x) { return std::tanh(x); });
      })
      .Case([&](tosa::ClampOp c) {
        float lo = cast<FloatAttr>(c.getMinValAttr()).getValueAsDouble();
        float hi = cast<FloatAttr>(c.getMaxValAttr()).getValueAsDouble();
        return unary([=](float x) {
          return std::isnan(x) ? x : std::min(std::max(x, lo), hi);
        });
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<Buf> StepEvaluator::evalReduce() {
  return llvm::TypeSwitch<Operation *, std::optional<Buf>>(op)
      .Case([&](tosa::ReduceMaxOp r) {
        return reduce(r.getAxis(), -INFINITY,
                      [](float a, float b) { return std::max(a, b); });
      })
      .Case([&](tosa::ReduceMinOp r) {
        return reduce(r.getAxis(), INFINITY,
                      [](float a, float b) { return std::min(a, b); });
      })
      .Case([&](tosa::ReduceSumOp r) {
        return reduce(r.getAxis(), 0.0f,
                      [](float a, float b) { return a + b; });
      })
      .Case([&](tosa::ReduceProductOp r) {
        return reduce(r.getAxis(), 1.0f,
                      [](float a, float b) { return a * b; });
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<Buf> StepEvaluator::evalDataMovement() {
  return llvm::TypeSwitch<Operation *, std::optional<Buf>>(op)
      .Case([&](tosa::ReshapeOp) {
        Buf r = Buf::alloc(shapeOf(op->getResult(0)));
        std::copy(in[0]->data, in[0]->data + r.size(), r.mut());
        return r;
      })
      .Case([&](tosa::TransposeOp t) { return evalTranspose(t); })
      .Case([&](tosa::SliceOp) { return evalSlice(); })
      .Case([&](tosa::PadOp) { return evalPad(); })
      .Case([&](tosa::ConcatOp c) { return evalConcat(c); })
      .Case([&](tosa::TileOp) { return evalTile(); })
      .Case([&](tosa::ReverseOp r) { return evalReverse(r.getAxis()); })
      .Case([&](tosa::ResizeOp r) { return evalResize(r); })
      .Default([](Operation *) { return std::nullopt; });
}

Buf StepEvaluator::evalTranspose(tosa::TransposeOp t) {
  Buf r = Buf::alloc(shapeOf(op->getResult(0)));
  ArrayRef<int32_t> perms = t.getPerms();
  std::vector<int64_t> is = stridesOf(in[0]->shape);
  std::vector<int64_t> src(perms.size());
  for (size_t d = 0; d < perms.size(); ++d)
    src[d] = is[perms[d]];
  std::vector<int64_t> idx(perms.size(), 0);
  int64_t off = 0, total = r.size();
  for (int64_t i = 0; i < total; ++i) {
    r.mut()[i] = in[0]->data[off];
    for (size_t d = perms.size(); d-- > 0;) {
      ++idx[d];
      off += src[d];
      if (idx[d] < r.shape[d])
        break;
      off -= src[d] * r.shape[d];
      idx[d] = 0;
    }
  }
  return r;
}

Buf StepEvaluator::evalSlice() {
  Buf r = Buf::alloc(shapeOf(op->getResult(0)));
  const std::vector<int64_t> &start = shapeOperand(1, operandSlots[1]);
  std::vector<int64_t> is = stridesOf(in[0]->shape);
  forEachIndex(r.shape, [&](int64_t i, const std::vector<int64_t> &idx) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      off += (start[d] + idx[d]) * is[d];
    r.mut()[i] = in[0]->data[off];
  });
  return r;
}

Buf StepEvaluator::evalPad() {
  Buf r = Buf::alloc(shapeOf(op->getResult(0)));
  const std::vector<int64_t> &pads = shapeOperand(1, operandSlots[1]);
  float value = in[2]->data[0];
  std::fill(r.mut(), r.mut() + r.size(), value);
  std::vector<int64_t> os = stridesOf(r.shape);
  forEachIndex(in[0]->shape, [&](int64_t i, const std::vector<int64_t> &idx) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      off += (idx[d] + pads[2 * d]) * os[d];
    r.mut()[off] = in[0]->data[i];
  });
  return r;
}

Buf StepEvaluator::evalConcat(tosa::ConcatOp c) {
  Buf r = Buf::alloc(shapeOf(op->getResult(0)));
  int64_t axis = c.getAxis(), outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= r.shape[d];
  float *o = r.mut();
  for (int64_t i = 0; i < outer; ++i)
    for (const Buf *b : in) {
      int64_t chunk = b->size() / outer;
      o = std::copy(b->data + i * chunk, b->data + (i + 1) * chunk, o);
    }
  return r;
}

Buf StepEvaluator::evalTile() {
  Buf r = Buf::alloc(shapeOf(op->getResult(0)));
  const std::vector<int64_t> &is = in[0]->shape;
  std::vector<int64_t> strides = stridesOf(is);
  forEachIndex(r.shape, [&](int64_t i, const std::vector<int64_t> &idx) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      off += (idx[d] % is[d]) * strides[d];
    r.mut()[i] = in[0]->data[off];
  });
  return r;
}

Buf StepEvaluator::evalReverse(int64_t axis) {
  Buf r = Buf::alloc(in[0]->shape);
  int64_t outer = 1, inner = 1, n = r.shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= r.shape[d];
  for (size_t d = axis + 1; d < r.shape.size(); ++d)
    inner *= r.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k)
      std::copy_n(in[0]->data + (o * n + k) * inner, inner,
                  r.mut() + (o * n + (n - 1 - k)) * inner);
  return r;
}

/// TOSA 1.0 RESIZE in float: output row oy samples input position
/// (oy * scale_d + offset) / scale_n, rounded half up (nearest) or
/// interpolated between its two neighbours (bilinear), indices clamped.
Buf StepEvaluator::evalResize(tosa::ResizeOp op) {
  Buf r = Buf::alloc(shapeOf(op.getResult()));
  const std::vector<int64_t> &scale = shapeOperand(1, operandSlots[1]);
  const std::vector<int64_t> &offset = shapeOperand(2, operandSlots[2]);
  const bool nearest = op.getMode() == tosa::ResizeMode::NEAREST_NEIGHBOR;
  const std::vector<int64_t> &is = in[0]->shape;
  const int64_t n = is[0], h = is[1], w = is[2], c = is[3];
  const int64_t oh = r.shape[1], ow = r.shape[2];
  // Per output coordinate: the two input indices and the second's weight.
  struct Tap {
    int64_t i0, i1;
    float frac;
  };
  auto taps = [&](int64_t count, int64_t sn, int64_t sd, int64_t off,
                  int64_t extent) {
    std::vector<Tap> t(count);
    for (int64_t o = 0; o < count; ++o) {
      int64_t pos = o * sd + off;
      int64_t i = pos >= 0 ? pos / sn : -((-pos + sn - 1) / sn);
      float frac = float(pos - i * sn) / float(sn);
      if (nearest) {
        i += frac >= 0.5f;
        frac = 0.0f;
      }
      t[o] = {std::clamp<int64_t>(i, 0, extent - 1),
              std::clamp<int64_t>(i + 1, 0, extent - 1), frac};
    }
    return t;
  };
  std::vector<Tap> ty = taps(oh, scale[0], scale[1], offset[0], h);
  std::vector<Tap> tx = taps(ow, scale[2], scale[3], offset[1], w);
  const float *src = in[0]->data;
  float *dst = r.mut();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x)
        for (int64_t k = 0; k < c; ++k) {
          auto at = [&](int64_t iy, int64_t ix) {
            return src[((b * h + iy) * w + ix) * c + k];
          };
          const Tap &a = ty[y], &e = tx[x];
          float top = at(a.i0, e.i0) * (1 - e.frac) + at(a.i0, e.i1) * e.frac;
          float bottom =
              at(a.i1, e.i0) * (1 - e.frac) + at(a.i1, e.i1) * e.frac;
          dst[((b * oh + y) * ow + x) * c + k] =
              top * (1 - a.frac) + bottom * a.frac;
        }
  return r;
}

} // namespace

llvm::Expected<std::vector<Tensor>>
ReferenceExecutor::run(llvm::ArrayRef<Tensor> inputs) const {
  return run(inputs, [](Operation *, llvm::ArrayRef<float>) {});
}

llvm::Expected<std::vector<Tensor>>
ReferenceExecutor::run(llvm::ArrayRef<Tensor> inputs, Observer observe) const {
  if (inputs.size() != plan->argSlots.size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the model takes %zu input(s), %zu given",
                                   plan->argSlots.size(), inputs.size());
  std::vector<Buf> slots(plan->numSlots);
  std::vector<const Buf *> view(plan->numSlots, nullptr);
  for (int s = 0; s < plan->numSlots; ++s)
    if (plan->constants[s])
      view[s] = &*plan->constants[s];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor &t = inputs[i];
    if (t.dtype != DType::F32)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "input '" + plan->argNames[i] +
                                         "' must be float32, got " +
                                         dtypeName(t.dtype).str());
    if (t.shape != plan->argShapes[i])
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "input '" + plan->argNames[i] +
                                         "' has shape " + formatShape(t.shape) +
                                         ", the model expects " +
                                         formatShape(plan->argShapes[i]));
    Buf &b = slots[plan->argSlots[i]];
    b.shape = t.shape;
    b.data = t.f32.data();
    view[plan->argSlots[i]] = &b;
  }
  for (const Plan::Step &step : plan->steps) {
    std::vector<const Buf *> operands;
    for (int s : step.operands)
      operands.push_back(view[s]);
    StepEvaluator eval(*plan, std::move(operands), step.op);
    eval.operandSlots = step.operands;
    slots[step.result] = eval.eval();
    slots[step.result].data = slots[step.result].owned.data();
    view[step.result] = &slots[step.result];
    observe(step.op, llvm::ArrayRef<float>(slots[step.result].data,
                                           slots[step.result].size()));
    for (int s : step.freeAfter) {
      slots[s] = Buf();
      view[s] = nullptr;
    }
  }
  std::vector<Tensor> outputs;
  for (int s : plan->resultSlots) {
    const Buf *b = view[s];
    outputs.push_back(Tensor::floats(
        b->shape, std::vector<float>(b->data, b->data + b->size())));
  }
  return outputs;
}

} // namespace spec2
