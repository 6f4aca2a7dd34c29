//===- SpectralDialect.cpp - Spectral dialect ops and verifiers -----------===//
#include "Spectral/SpectralDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace spec2::spectral;

#include "Spectral/SpectralOpsDialect.cpp.inc"

void SpectralDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Spectral/SpectralOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "Spectral/SpectralOps.cpp.inc"

namespace {

/// Common checks of window attributes: 2 kernel/stride entries, 4 pads, and
/// the output spatial size they imply.
LogicalResult verifyWindow(Operation *op, RankedTensorType in,
                           RankedTensorType out, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> stride, ArrayRef<int64_t> pad) {
  if (in.getRank() != 4 || out.getRank() != 4)
    return op->emitOpError("expects NCHW (rank 4) input and output");
  if (in.getDimSize(0) != 1 || out.getDimSize(0) != 1)
    return op->emitOpError("supports batch 1 only");
  if (kernel.size() != 2 || stride.size() != 2 || pad.size() != 4)
    return op->emitOpError(
        "expects kernel and stride of 2 values and pad of 4");
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || stride[i] < 1)
      return op->emitOpError("kernel and stride must be positive");
    int64_t padded = in.getDimSize(2 + i) + pad[i] + pad[i + 2];
    if (padded < kernel[i])
      return op->emitOpError("window larger than the padded input");
    int64_t want = (padded - kernel[i]) / stride[i] + 1;
    if (out.getDimSize(2 + i) != want)
      return op->emitOpError("output ")
             << (i == 0 ? "height " : "width ") << out.getDimSize(2 + i)
             << " does not match the window (expected " << want << ")";
  }
  for (int64_t p : pad)
    if (p < 0)
      return op->emitOpError("padding must be non-negative");
  return success();
}

LogicalResult verifyClamp(Operation *op, APFloat lo, APFloat hi) {
  // NaN compares false with everything: it would pass the order check.
  if (lo.isNaN() || hi.isNaN())
    return op->emitOpError("clamp bounds must not be NaN");
  if (hi < lo)
    return op->emitOpError("clamp_min must not exceed clamp_max");
  return success();
}

bool hasShape(ElementsAttr a, ArrayRef<int64_t> shape) {
  return cast<ShapedType>(a.getType()).getShape() == shape;
}

/// Weights are read as f32 (or i32) blobs: other element types cannot be.
bool isF32(ElementsAttr a) {
  return cast<ShapedType>(a.getType()).getElementType().isF32();
}

/// Every index in the i32 attribute `a` must be in [0, limit): the lowering
/// uses them to address its tables. Resource blobs that are not loaded are
/// not checked.
LogicalResult verifyIndices(Operation *op, ElementsAttr a, int64_t limit,
                            StringRef what, bool absentOk = false) {
  const int64_t lo = absentOk ? -1 : 0;
  auto check = [&](int64_t v) -> LogicalResult {
    if (v >= lo && v < limit)
      return success();
    auto diag = op->emitOpError() << what << " index " << v << " is outside ["
                                  << lo << ", " << limit << ")";
    if (absentOk)
      diag << " (-1 marks an absent slot)";
    return diag;
  };
  if (auto dense = dyn_cast<DenseIntElementsAttr>(a)) {
    if (dense.isSplat())
      return check(dense.getSplatValue<int32_t>());
    for (int32_t v : dense.getValues<int32_t>())
      if (failed(check(v)))
        return failure();
  } else if (auto res = dyn_cast<DenseI32ResourceElementsAttr>(a)) {
    if (std::optional<ArrayRef<int32_t>> values = res.tryGetAsArrayRef())
      for (int32_t v : *values)
        if (failed(check(v)))
          return failure();
  }
  return success();
}

} // namespace

int64_t Conv2DOp::getNnz() {
  return cast<ShapedType>(getBins().getType()).getDimSize(2);
}

int64_t Conv2DOp::getTileSize() {
  return getFftSize() - std::max(getKernel()[0], getKernel()[1]) + 1;
}

LogicalResult Conv2DOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (failed(verifyWindow(*this, in, out, getKernel(), getStride(), getPad())))
    return failure();
  int64_t n = getFftSize();
  if (!isValidIrFftSize(n))
    return emitOpError("fft_size must be a power of two in [")
           << kMinIrFftSize << ", " << kMaxIrFftSize << "], got " << n;
  if (getKernel()[0] > n || getKernel()[1] > n)
    return emitOpError("kernel ") << getKernel()[0] << "x" << getKernel()[1]
                                  << " does not fit fft_size " << n;
  int64_t cout = out.getDimSize(1), cin = in.getDimSize(1);
  auto binsType = cast<ShapedType>(getBins().getType());
  if (binsType.getRank() != 3 || binsType.getDimSize(0) != cout ||
      binsType.getDimSize(1) != cin)
    return emitOpError("bins must be [cout, cin, nnz] = [")
           << cout << ", " << cin << ", nnz]";
  int64_t nnz = binsType.getDimSize(2);
  if (nnz < 1 || nnz > halfSpectrumBins(n))
    return emitOpError("nnz ")
           << nnz << " must be in [1, " << halfSpectrumBins(n) << "]";
  if (!binsType.getElementType().isInteger(32))
    return emitOpError("bins must be i32");
  if (failed(verifyIndices(*this, getBins(), halfSpectrumBins(n), "bin",
                           /*absentOk=*/true)))
    return failure();
  if (!hasShape(getSpectra(), {cout, cin, nnz, 2}))
    return emitOpError("spectra must be [cout, cin, nnz, 2] = [")
           << cout << ", " << cin << ", " << nnz << ", 2]";
  if (!hasShape(getBias(), {cout}))
    return emitOpError("bias must have ") << cout << " values";
  if (!isF32(getSpectra()) || !isF32(getBias()))
    return emitOpError("spectra and bias must be f32");
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult SpatialConv2DOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  ArrayRef<int64_t> k = getKernel(), d = getDilation();
  if (d.size() != 2 || d[0] < 1 || d[1] < 1)
    return emitOpError("dilation must be 2 positive values");
  if (k.size() != 2)
    return emitOpError("expects kernel and stride of 2 values and pad of 4");
  // The window the output size follows from is the dilated kernel's.
  const int64_t span[2] = {(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1};
  if (failed(verifyWindow(*this, in, out, span, getStride(), getPad())))
    return failure();
  const int64_t cin = in.getDimSize(1), cout = out.getDimSize(1),
                g = getGroup();
  if (g < 1 || cin % g || cout % g)
    return emitOpError("group ")
           << g << " must divide the " << cin << " input and " << cout
           << " output channels";
  if (!hasShape(getWeights(), {cout, cin / g, k[0], k[1]}))
    return emitOpError("weights must be [cout, cin/group, kh, kw] = [")
           << cout << ", " << cin / g << ", " << k[0] << ", " << k[1] << "]";
  if (!hasShape(getBias(), {cout}))
    return emitOpError("bias must have ") << cout << " values";
  if (!isF32(getWeights()) || !isF32(getBias()))
    return emitOpError("weights and bias must be f32");
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult FullyConnectedOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError("expects static shapes");
  if (out.getRank() != 2 || out.getDimSize(0) != 1)
    return emitOpError("output must be [1, M]");
  int64_t m = out.getDimSize(1), k = in.getNumElements();
  auto valuesType = cast<ShapedType>(getValues().getType());
  if (valuesType.getRank() != 2 || valuesType.getDimSize(0) != m)
    return emitOpError("values must be [M, nnz] with M = ") << m;
  int64_t nnz = valuesType.getDimSize(1);
  if (nnz < 1 || nnz > k)
    return emitOpError("nnz ") << nnz << " must be in [1, " << k << "]";
  if (!hasShape(getColumns(), {m, nnz}))
    return emitOpError("columns must have the shape of values");
  if (!cast<ShapedType>(getColumns().getType()).getElementType().isInteger(32))
    return emitOpError("columns must be i32");
  if (failed(verifyIndices(*this, getColumns(), k, "column")))
    return failure();
  if (!hasShape(getBias(), {m}))
    return emitOpError("bias must have ") << m << " values";
  if (!isF32(getValues()) || !isF32(getBias()))
    return emitOpError("values and bias must be f32");
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult Pool2DOp::verify() {
  if (getKind() != "max" && getKind() != "avg")
    return emitOpError("kind must be \"max\" or \"avg\", got \"")
           << getKind() << "\"";
  auto in = getInput().getType(), out = getOutput().getType();
  if (failed(verifyWindow(*this, in, out, getKernel(), getStride(), getPad())))
    return failure();
  if (in.getDimSize(1) != out.getDimSize(1))
    return emitOpError("pooling keeps the channel count");
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult AddOp::verify() {
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult ClampOp::verify() {
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult ActivationOp::verify() {
  auto t = cast<ShapedType>(getSamples().getType());
  if (t.getRank() != 1 || t.getDimSize(0) < 2 || !t.getElementType().isF32())
    return emitOpError("samples must be a 1-D f32 tensor of at least 2 values");
  if (!(getXMin() < getXMax()))
    return emitOpError("x_min must be below x_max");
  return success();
}

double ActivationOp::evaluate(double x) {
  auto values = getSamples().getValues<float>();
  const int64_t n = int64_t(values.size());
  const double lo = getXMin().convertToDouble(),
               hi = getXMax().convertToDouble();
  const double pos = (x - lo) / (hi - lo) * double(n - 1);
  if (pos <= 0)
    return values[0];
  if (pos >= double(n - 1))
    return values[n - 1];
  const int64_t i = int64_t(pos);
  const double f = pos - double(i);
  return double(values[i]) * (1 - f) + double(values[i + 1]) * f;
}

namespace {

/// True if every dimension of `shape` before `axis` has extent 1: a run
/// along `axis` is then contiguous in the dense layout.
bool leadingOnes(ArrayRef<int64_t> shape, int64_t axis) {
  for (int64_t d = 0; d < axis; ++d)
    if (shape[d] != 1)
      return false;
  return true;
}

/// A channel dimension after the batch: what the per-channel ops need.
LogicalResult verifyChannelTensor(Operation *op, RankedTensorType t) {
  if (t.getRank() < 2)
    return op->emitOpError("expects [N, C, ...] (channels in dimension 1)");
  return success();
}

} // namespace

LogicalResult ConcatOp::verify() {
  auto out = getOutput().getType();
  const int64_t rank = out.getRank(), axis = getAxis();
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  if (!leadingOnes(out.getShape(), axis))
    return emitOpError("axis ")
           << axis << " is not contiguous: the dimensions before it must be 1";
  int64_t total = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank)
      return emitOpError("inputs and result differ in rank");
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && t.getDimSize(d) != out.getDimSize(d))
        return emitOpError("input shapes differ from the result outside axis ")
               << axis;
    total += t.getDimSize(axis);
  }
  if (total != out.getDimSize(axis))
    return emitOpError("the inputs' extents sum to ")
           << total << " along axis " << axis << ", the result has "
           << out.getDimSize(axis);
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  const int64_t rank = in.getRank(), axis = getAxis();
  if (out.getRank() != rank)
    return emitOpError("input and result differ in rank");
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  if (!leadingOnes(in.getShape(), axis))
    return emitOpError("axis ")
           << axis << " is not contiguous: the dimensions before it must be 1";
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && in.getDimSize(d) != out.getDimSize(d))
      return emitOpError("a slice keeps every dimension but axis ") << axis;
  if (getStart() < 0 ||
      getStart() + out.getDimSize(axis) > in.getDimSize(axis))
    return emitOpError("elements [")
           << getStart() << ", " << getStart() + out.getDimSize(axis)
           << ") are outside the input's " << in.getDimSize(axis);
  return success();
}

LogicalResult PermuteChannelsOp::verify() {
  auto t = getInput().getType();
  if (t.getRank() != 4 || t.getDimSize(0) != 1)
    return emitOpError("expects an NCHW tensor of batch 1");
  ArrayRef<int64_t> perm = getPerm();
  const int64_t c = t.getDimSize(1);
  if (int64_t(perm.size()) != c)
    return emitOpError("perm has ")
           << perm.size() << " entries for " << c << " channels";
  std::vector<bool> seen(size_t(c), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= c || seen[size_t(p)])
      return emitOpError("perm is not a permutation of 0..") << c - 1;
    seen[size_t(p)] = true;
  }
  return success();
}

LogicalResult ChannelAffineOp::verify() {
  if (failed(verifyChannelTensor(*this, getInput().getType())))
    return failure();
  const int64_t c = getChannels();
  if (!hasShape(getScale(), {c}) || !hasShape(getShift(), {c}))
    return emitOpError("scale and shift must have ")
           << c << " values (one per channel)";
  if (!isF32(getScale()) || !isF32(getShift()))
    return emitOpError("scale and shift must be f32");
  return verifyClamp(*this, getClampMin(), getClampMax());
}

LogicalResult SoftmaxOp::verify() {
  auto in = getInput().getType();
  if (failed(verifyChannelTensor(*this, in)))
    return failure();
  if (in.getDimSize(0) != 1)
    return emitOpError("supports batch 1 only");
  if (in.getRank() != 2 && in.getRank() != 4)
    return emitOpError("expects [1, C] or [1, C, H, W]");
  return success();
}

LogicalResult ChannelMulOp::verify() {
  auto in = getInput().getType();
  if (failed(verifyChannelTensor(*this, in)))
    return failure();
  auto s = getScale().getType();
  bool ok = s.getRank() == in.getRank() &&
            s.getDimSize(0) == in.getDimSize(0) &&
            s.getDimSize(1) == in.getDimSize(1);
  for (int64_t d = 2; ok && d < s.getRank(); ++d)
    ok = s.getDimSize(d) == 1;
  if (!ok)
    return emitOpError("scale must be [")
           << in.getDimSize(0) << ", " << in.getDimSize(1) << ", 1, ...] of rank "
           << in.getRank() << " (one value per channel of the input)";
  return verifyClamp(*this, getClampMin(), getClampMax());
}
