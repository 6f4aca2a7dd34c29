//===- SpectralToOverlay.cpp - Spectral layers -> an overlay program ------===//
//
// Every layer becomes groups of instructions: the loads that fill the on-chip
// buffers, the compute instructions that use them and the stores that write
// the results back, synchronised by dependency tokens (see ProgramBuilder).
// Activations travel between layers through DRAM. Each layer is cut into
// output-row strips, output-channel chunks and input-channel chunks so that
// every buffer of the target configuration holds what it must.
//
//===----------------------------------------------------------------------===//
#include "spec2/Conversion/Passes.h"
#include "spec2/Conversion/OverlaySupport.h"
#include "EarlierLevels.h"
#include "Spec2/Spec2Dialect.h"

#include "Overlay/OverlayDialect.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Scheduling/CopySchedule.h"
#include "spec2/Scheduling/KerLayout.h"
#include "spec2/Scheduling/ProgramBuilder.h"
#include "spec2/Scheduling/EngineChoice.h"
#include "spec2/Scheduling/BottleneckSchedule.h"
#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/FixedPoint.h"
#include "spec2/Target/InsnTable.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

#define DEBUG_TYPE "spec2-spectral-to-overlay"

namespace spec2 {
#define GEN_PASS_DEF_SPECTRALTOOVERLAY
#include "spec2/Conversion/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace load = isa::load;
namespace gemv = isa::gemv;
namespace vec = isa::vec;
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t alignTo(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }
/// Saturating round of x * 2^frac to int16 / int32.
int16_t q16(double x, int frac) {
  double r = std::round(std::ldexp(x, frac));
  return int16_t(std::max(-32768.0, std::min(32767.0, r)));
}
int32_t q32(double x, int frac) {
  double r = std::round(std::ldexp(x, frac));
  return int32_t(std::max(-2147483648.0, std::min(2147483647.0, r)));
}
/// A float clamp bound as an int16 at `frac` (infinities to the range ends).
int64_t clampBound(const APFloat &v, int frac) {
  if (v.isInfinity())
    return v.isNegative() ? -32768 : 32767;
  return q16(v.convertToDouble(), frac);
}

/// Appends the int32 biases at 2^-frac to a weight segment, 4-byte aligned;
/// returns their offset.
int64_t appendBiases(std::vector<uint8_t> &seg, const std::vector<double> &bias,
                     int frac) {
  while (seg.size() % 4)
    seg.push_back(0);
  const int64_t offset = int64_t(seg.size());
  for (double b : bias) {
    uint32_t v = uint32_t(q32(b, frac));
    for (int k = 0; k < 4; ++k)
      seg.push_back(uint8_t(v >> (8 * k)));
  }
  return offset;
}

/// Where an activation lives in DRAM and in what format.
struct Activation {
  int64_t addr = 0;
  std::vector<int64_t> shape; ///< logical, NCHW for rank 4
  int frac = 0;
};

/// How a fully-connected layer is cut for the FC engine: input chunks (what
/// half of FCX holds, short enough that a group of lanes' rows of a dense
/// chunk fit half of KER), each row's entries per chunk, and row blocks.
/// The entries stay in the layer's attributes (a VGG16 layer has 100M):
/// the plan holds where each (row, chunk) run starts.
struct FcPlan {
  int64_t lanesFc, kerHalf, fcxHalf, biasHalf, chunk, nChunks, rowBlock;
  std::vector<int64_t> chunkNnz;
  std::vector<bool> denseChunk;
  bool columnMajor;
  int64_t nnzRow;
  const NumbersOf<int32_t> *cols;
  const NumbersOf<float> *values;
  /// Per row, its entries ordered by chunk (stable); empty when every row's
  /// columns ascend already.
  std::vector<uint32_t> order;
  /// [row][chunk] the first of the row's (ordered) entries in the chunk;
  /// nChunks + 1 per row.
  std::vector<uint32_t> runStart;

  int64_t count(int64_t r, int64_t ch) const {
    const uint32_t *s = &runStart[r * (nChunks + 1) + ch];
    return int64_t(s[1] - s[0]);
  }
  /// The t-th entry of row r in chunk ch: column within the chunk, value.
  std::pair<int64_t, float> entry(int64_t r, int64_t ch, int64_t t) const {
    int64_t i = runStart[r * (nChunks + 1) + ch] + t;
    if (!order.empty())
      i = order[r * nnzRow + i];
    i += r * nnzRow;
    return {int64_t((*cols)[i]) % chunk, (*values)[i]};
  }
};

FcPlan planFc(const OverlayConfig &cfg, int64_t k, int64_t m, int64_t nnzRow,
              const NumbersOf<int32_t> &cols,
              const NumbersOf<float> &values) {
  FcPlan p;
  p.lanesFc = cfg.fcLanes;
  // The groups (row block, input chunk) overlap: a group's loads fill one
  // half of KER, FCX and BIAS while the previous group computes on the
  // other. Input chunks: what half of FCX holds, and short enough that a
  // group of lanes' rows of a dense chunk fit half of KER.
  p.kerHalf = int64_t(cfg.kerDepth) / 2;
  p.fcxHalf = int64_t(cfg.fcxDepth) / 2;
  p.biasHalf = int64_t(cfg.biasDepth) / 2;
  const int64_t chunk = std::min<int64_t>(
      {k, p.fcxHalf, std::max<int64_t>(1, p.kerHalf / p.lanesFc)});
  const int64_t nChunks = ceilDiv(k, chunk);
  p.chunk = chunk;
  p.nChunks = nChunks;
  p.nnzRow = nnzRow;
  p.cols = &cols;
  p.values = &values;
  // Per chunk, the entries of each row within it, padded to the chunk's
  // largest count (row balance).
  bool ascending = true;
  for (int64_t r = 0; r < m && ascending; ++r)
    for (int64_t t = 1; t < nnzRow && ascending; ++t)
      ascending = cols[r * nnzRow + t - 1] < cols[r * nnzRow + t];
  p.runStart.assign(m * (nChunks + 1), 0);
  std::vector<uint32_t> next;
  if (!ascending)
    p.order.resize(m * nnzRow);
  for (int64_t r = 0; r < m; ++r) {
    uint32_t *start = &p.runStart[r * (nChunks + 1)];
    for (int64_t t = 0; t < nnzRow; ++t)
      ++start[cols[r * nnzRow + t] / chunk + 1];
    for (int64_t ch = 0; ch < nChunks; ++ch)
      start[ch + 1] += start[ch];
    if (ascending)
      continue;
    next.assign(start, start + nChunks);
    for (int64_t t = 0; t < nnzRow; ++t)
      p.order[r * nnzRow + next[cols[r * nnzRow + t] / chunk]++] = uint32_t(t);
  }
  p.chunkNnz.assign(nChunks, 0);
  for (int64_t ch = 0; ch < nChunks; ++ch)
    for (int64_t r = 0; r < m; ++r)
      p.chunkNnz[ch] = std::max(p.chunkNnz[ch], p.count(r, ch));
  int64_t maxNnz = 1;
  for (int64_t v : p.chunkNnz)
    maxNnz = std::max(maxNnz, v);
  // A chunk whose every row holds all its columns in order stores values
  // only (ker_format fc_dense): GEMV reads column t at step t.
  p.denseChunk.assign(nChunks, true);
  for (int64_t ch = 0; ch < nChunks; ++ch) {
    const int64_t width = std::min(chunk, k - ch * chunk);
    for (int64_t r = 0; r < m && p.denseChunk[ch]; ++r) {
      const int64_t n = p.count(r, ch);
      bool dense = n == width;
      for (int64_t t = 0; t < n && dense; ++t)
        dense = p.entry(r, ch, t).first == t;
      p.denseChunk[ch] = dense;
    }
  }
  // Column-major (input chunk outer, row blocks inner) when FACC, BIAS and
  // OUT hold every row: each input chunk is loaded once and every row
  // block's partial sums wait in FACC for the next chunk. Otherwise row
  // blocks outer, each running through all chunks.
  p.columnMajor = m <= int64_t(cfg.faccDepth) &&
                  m <= int64_t(cfg.biasDepth) && m <= int64_t(cfg.outDepth);
  int64_t rowBlock =
      p.columnMajor
          ? m
          : std::min<int64_t>({m, cfg.faccDepth, cfg.outDepth, p.biasHalf});
  p.rowBlock = std::min<int64_t>(rowBlock,
                                 (p.kerHalf / (maxNnz * p.lanesFc)) * p.lanesFc);
  return p;
}

/// The layer's weight segment: per (row block, chunk) its KER entries (their
/// offset and count in `kerAt`), then the int32 biases at `biasOffset`.
std::vector<uint8_t>
fcSegment(const FcPlan &p, int64_t m, int fw, int fi,
          const std::vector<double> &bias,
          std::vector<std::vector<std::pair<int64_t, int64_t>>> &kerAt,
          int64_t &biasOffset) {
  const int64_t lanesFc = p.lanesFc, nChunks = p.nChunks,
                rowBlock = p.rowBlock;
  const auto &chunkNnz = p.chunkNnz;
  const auto &denseChunk = p.denseChunk;
  // Sized first: the segment of a VGG16 layer is 200 MB.
  int64_t bytes = 0;
  for (int64_t m0 = 0; m0 < m; m0 += rowBlock)
    for (int64_t ch = 0; ch < nChunks; ++ch)
      bytes += ceilDiv(std::min(rowBlock, m - m0), lanesFc) *
               std::max<int64_t>(1, chunkNnz[ch]) * lanesFc *
               (denseChunk[ch] ? 2 : 4);
  std::vector<uint8_t> seg;
  seg.reserve(alignTo(bytes, 4) + 4 * m);
  auto put16 = [&](int64_t v) {
    seg.push_back(uint8_t(uint16_t(v) & 0xff));
    seg.push_back(uint8_t(uint16_t(v) >> 8));
  };
  for (int64_t m0 = 0; m0 < m; m0 += rowBlock) {
    const int64_t rows = std::min(rowBlock, m - m0),
                  groups = ceilDiv(rows, lanesFc);
    kerAt.emplace_back();
    for (int64_t ch = 0; ch < nChunks; ++ch) {
      const int64_t nz = std::max<int64_t>(1, chunkNnz[ch]);
      kerAt.back().push_back({int64_t(seg.size()), groups * nz * lanesFc});
      for (int64_t g = 0; g < groups; ++g)
        for (int64_t t = 0; t < nz; ++t)
          for (int64_t l = 0; l < lanesFc; ++l) {
            const int64_t r = m0 + g * lanesFc + l;
            int64_t v = 0, c = 0;
            if (r < m0 + rows && t < p.count(r, ch)) {
              auto [column, value] = p.entry(r, ch, t);
              c = column;
              v = q16(value, fw);
            }
            put16(v);
            if (!denseChunk[ch])
              put16(c);
          }
    }
  }
  while (seg.size() % 4)
    seg.push_back(0);
  biasOffset = int64_t(seg.size());
  for (int64_t r = 0; r < m; ++r) {
    uint32_t v = uint32_t(q32(bias[r], fi + fw));
    for (int q = 0; q < 4; ++q)
      seg.push_back(uint8_t(v >> (8 * q)));
  }
  return seg;
}

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func, const NamedOverlayConfig &target)
      : module(module), func(func), target(target), cfg(target.config),
        b(module.getContext()), earlier(module),
        dramTop(earlier.dramTop()) {}

  LogicalResult run(unsigned &numInsns);

private:
  int64_t allocate(int64_t bytes) {
    int64_t a = dramTop;
    dramTop = alignTo(dramTop + std::max<int64_t>(bytes, 1), 64);
    return a;
  }
  int64_t addSegment(StringRef name, std::vector<uint8_t> bytes) {
    // A denser runtime level's copy serves this one too.
    if (std::optional<int64_t> shared = earlier.segmentAddr(bytes))
      return *shared;
    int64_t addr = allocate(int64_t(bytes.size()));
    ovl::SegmentOp::create(
        b, func.getLoc(), name, addr,
        makeByteElements(b.getContext(), std::move(bytes), name));
    return addr;
  }
  /// Instructions made from now on implement `op`.
  void beginLayer(Operation *op) {
    pb.setLayer(uint32_t(layerLocs.size()));
    layerLocs.push_back(op->getLoc());
  }
  void addTensor(StringRef kind, StringRef name, const Activation &a) {
    ovl::TensorOp::create(b, func.getLoc(), kind, name, a.addr, a.shape,
                          a.frac);
  }
  LogicalResult emitInstructions();
  FailureOr<Activation> activationOf(Value v, Operation *user);

  /// spectral.channel_affine and spectral.channel_mul: VEC.affine/VEC.mul.
  LogicalResult lowerChannelOp(Operation *op);
  LogicalResult lowerConv(spectral::Conv2DOp op);
  FailureOr<std::pair<Dataflow, ConvTiling>>
  scheduleOf(spectral::Conv2DOp op, const ConvGeometry &geo);
  LogicalResult lowerSpatialConv(spectral::SpatialConv2DOp op);
  FailureOr<std::pair<SpatialAddrs, SpatialShifts>>
  spatialWeights(spectral::SpatialConv2DOp op, const SpatialTiling &tiling,
                 const SpatialKept &kept);
  LogicalResult lowerBottleneck(spectral::SpatialConv2DOp head);
  LogicalResult lowerFc(spectral::FullyConnectedOp op);
  LogicalResult lowerPool(spectral::Pool2DOp op);
  LogicalResult lowerAdd(spectral::AddOp op);
  LogicalResult lowerClamp(spectral::ClampOp op);
  LogicalResult lowerElementwise(Operation *op, Value a, Value bval, int fracA,
                                 int fracB, int fracOut, APFloat lo, APFloat hi,
                                 const std::vector<int32_t> *table = nullptr);
  LogicalResult lowerActivation(spectral::ActivationOp op);
  LogicalResult lowerSoftmax(spectral::SoftmaxOp op);
  LogicalResult lowerConcat(spectral::ConcatOp op);
  LogicalResult lowerSlice(spectral::SliceOp op);
  LogicalResult lowerPermuteChannels(spectral::PermuteChannelsOp op);
  LogicalResult copyPlanes(Operation *op, const PlaneCopy &copy, int fracIn,
                           int fracOut);
  void placeConcats();
  /// Where the layer producing `v` writes it: its place in a concatenation
  /// (placeConcats), else fresh DRAM of `bytes`.
  int64_t outputAddr(Value v, int64_t bytes) {
    auto it = placed.find(v);
    return it != placed.end() ? it->second : allocate(bytes);
  }
  LogicalResult checkLowerable();

  ModuleOp module;
  func::FuncOp func;
  const NamedOverlayConfig &target;
  const OverlayConfig &cfg;
  OpBuilder b;
  ProgramBuilder pb;
  InsnGroup group;
  /// The location of each layer's instructions (ProgramInsn::layer).
  std::vector<Location> layerLocs;
  ovl::ProgramOp program;
  /// The KER and BIAS halves the last lowered layer ended on (known only
  /// right after a double-buffered conv).
  WeightHalves weightHalves;
  /// The denser runtime levels' programs already in the module.
  EarlierLevels earlier;
  int64_t dramTop;
  llvm::DenseMap<Value, Activation> acts;
  /// The ops of fused blocks already lowered with their block's first.
  llvm::DenseSet<Operation *> fusedMembers;
  /// DRAM bytes of the values written into a concatenation's result.
  llvm::DenseMap<Value, int64_t> placed;
  /// Per concat, the inputs it copies (not placed at their offset).
  llvm::DenseMap<Operation *, llvm::SmallVector<unsigned>> concatCopies;
};

FailureOr<Activation> Lowering::activationOf(Value v, Operation *user) {
  Value root = throughReshapes(v);
  auto it = acts.find(root);
  if (it == acts.end()) {
    Operation *def = root.getDefiningOp();
    InFlightDiagnostic d =
        user->emitOpError("reads a value the overlay cannot produce");
    if (def)
      d.attachNote(def->getLoc())
          << "'" << def->getName() << "' has no overlay engine";
    return failure();
  }
  Activation a = it->second;
  a.shape = std::vector<int64_t>(
      cast<RankedTensorType>(v.getType()).getShape().begin(),
      cast<RankedTensorType>(v.getType()).getShape().end());
  return a;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// The conv's tiling and dataflow: as spec2-select-dataflow recorded them,
/// or chosen here the same way.
FailureOr<std::pair<Dataflow, ConvTiling>>
Lowering::scheduleOf(spectral::Conv2DOp op, const ConvGeometry &geo) {
  const int64_t pin = cfg.pin, pout = cfg.pout;
  ConvTiling tiling;
  Dataflow flow = Dataflow::ActivationReuse;
  auto flowAttr = op->getAttrOfType<StringAttr>(attr::kDataflow);
  auto tilingAttr = op->getAttrOfType<DenseI64ArrayAttr>(attr::kTiling);
  if (flowAttr && tilingAttr && tilingFromArray(tilingAttr.asArrayRef())) {
    auto f = parseDataflow(flowAttr.getValue());
    if (!f)
      return op.emitOpError("unknown spec2.dataflow '")
             << flowAttr.getValue() << "'";
    flow = *f;
    tiling = *tilingFromArray(tilingAttr.asArrayRef());
    if (tiling.rows < 1 || tiling.coBlock < pout || tiling.ciBlock < pin ||
        tiling.coBlock % pout || tiling.ciBlock % pin ||
        !fits(geo, cfg, tiling, flow))
      return op.emitOpError("spec2.tiling [")
             << llvm::make_range(tilingAttr.asArrayRef().begin(),
                                 tilingAttr.asArrayRef().end())
             << "] does not fit the buffers of '" << target.name << "'";
  } else {
    auto choice = chooseDataflow(geo, cfg, std::nullopt);
    if (!choice)
      return op.emitOpError("does not fit the buffers of '")
             << target.name << "' even one row and one channel block at a time";
    flow = choice->chosen.flow;
    tiling = choice->chosen.tiling;
  }

  return std::make_pair(flow, tiling);
}

LogicalResult Lowering::lowerConv(spectral::Conv2DOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  const int64_t n = cfg.fftSize;
  if (int64_t(op.getFftSize()) != n)
    return op.emitOpError("was made for fft_size ")
           << op.getFftSize() << "; the target '" << target.name << "' has "
           << n;
  auto inT = op.getInput().getType(), outT = op.getOutput().getType();
  const int64_t cin = inT.getDimSize(1);
  const int64_t cout = outT.getDimSize(1), ho = outT.getDimSize(2),
                wo = outT.getDimSize(3);
  const int64_t sy = op.getStride()[0], sx = op.getStride()[1];
  const int64_t tile = op.getTileSize(), nnz = op.getNnz();
  const int64_t pin = cfg.pin, pout = cfg.pout;
  if (sy > 15 || sx > 15)
    return op.emitOpError("stride above 15 is not supported by the overlay");
  const int fi = int(op.getInFrac().value_or(0)),
            fo = int(op.getOutFrac().value_or(0));

  // Weights: spectra at frac fw (largest component just below 2^14).
  std::vector<double> spectra = *readNumbers(op.getSpectra());
  std::vector<double> binsV = *readNumbers(op.getBins());
  std::vector<double> bias = *readNumbers(op.getBias());
  double wmax = 0;
  for (double v : spectra)
    wmax = std::max(wmax, std::fabs(v));
  const int fw = fracFor(wmax);
  // FFT shift: a tile's DC bin sums tile*tile inputs below 2^14.
  const int sFft = int(std::max<int64_t>(0, ceilLog2(double(tile * tile)) - 1));
  const int fa = fi - sFft + fw; // accumulator frac
  double pre = 0;
  if (auto a = op->getAttrOfType<FloatAttr>(attr::kAbsmaxPre))
    pre = a.getValueAsDouble();
  else if (auto a = op->getAttrOfType<FloatAttr>(attr::kAbsmax))
    pre = a.getValueAsDouble();
  double bmax = 0;
  for (double v : bias)
    bmax = std::max(bmax, std::fabs(v));
  const double range = std::max({pre, bmax, minFullRange()});
  const int log2n2 = int(2 * cfg.fftLog2());
  // ACC >> accShift must fit int32 ahead of the IFFT's N^2 growth.
  const int accShift =
      int(std::max<int64_t>(0, ceilLog2(double(n * n) * 4 * range) + fa - 31));
  const int faccMax = fa - accShift + log2n2;
  const int faccFit = int(30 - ceilLog2(4 * range));
  const int facc = std::min(faccMax, faccFit);
  const int ifftShift = faccMax - facc;
  if (facc < fo)
    return op.emitOpError("cannot reach the output format 2^-")
           << fo << " (accumulators hold 2^-" << facc << ")";
  if (accShift > 63 || ifftShift > 63 || facc - fo > 63)
    return op.emitOpError("fixed-point shifts out of range");

  const ConvGeometry geo = ConvGeometry::of(op, cfg);
  auto schedule = scheduleOf(op, geo);
  if (failed(schedule))
    return failure();
  const Dataflow flow = schedule->first;
  const ConvTiling tiling = schedule->second;

  // Weight segment: per (co chunk, ci chunk) the KER entries in lane order
  // (KerLayout.h), as many steps as the chunk's longest lane, in the
  // tiling's KER format, then the int32 biases.
  const bool packed = kerFormat(geo, tiling) == isa::kKerSpectralPacked;
  std::vector<uint8_t> seg;
  auto put16 = [&](int64_t v) {
    seg.push_back(uint8_t(uint16_t(v) & 0xff));
    seg.push_back(uint8_t(uint16_t(v) >> 8));
  };
  std::vector<std::vector<LaneStep>> lanes(pin * pout);
  std::optional<std::vector<double>> rank;
  if (auto r = op->getAttrOfType<ElementsAttr>(attr::kLaneOrder)) {
    rank = readNumbers(r);
    if (!rank || rank->size() != binsV.size())
      return op.emitOpError("spec2.lane_order must rank every kernel slot");
  }
  for (int64_t co0 = 0, coi = 0; co0 < cout; co0 += tiling.coBlock, ++coi)
    for (int64_t ci0 = 0, cii = 0; ci0 < cin; ci0 += tiling.ciBlock, ++cii) {
      const int64_t ncob = tiling.coBlock / pout, ncig = tiling.ciBlock / pin;
      const int64_t steps = chunkSteps(geo, tiling, coi, cii);
      for (int64_t bb = 0; bb < ncob; ++bb) {
        for (int64_t pi = 0; pi < pin; ++pi)
          for (int64_t po = 0; po < pout; ++po) {
            lanes[pi * pout + po].clear();
            laneSteps(binsV, cout, cin, nnz, pin, co0 + bb * pout + po, ci0,
                      ncig, pi, lanes[pi * pout + po], rank ? &*rank : nullptr);
          }
        for (int64_t t = 0; t < steps; ++t)
          for (int64_t l = 0; l < pin * pout; ++l) {
            const bool pad = t >= int64_t(lanes[l].size());
            const LaneStep *s = pad ? nullptr : &lanes[l][t];
            put16(pad ? 0 : q16(spectra[2 * s->slot], fw));
            put16(pad ? 0 : q16(spectra[2 * s->slot + 1], fw));
            const uint16_t index = pad ? isa::kEntryNoRead : s->index;
            if (packed)
              seg.push_back(isa::packIndex(index));
            else
              put16(index);
          }
      }
    }
  ConvAddrs addrs;
  addrs.biasOffset = appendBiases(seg, bias, facc);
  std::string name = "conv";
  if (auto l = dyn_cast<NameLoc>(op.getLoc()))
    name = l.getName().str();
  addrs.seg = addSegment(name + ".weights", std::move(seg));

  Activation out;
  out.shape = {1, cout, ho, wo};
  out.frac = fo;
  out.addr = outputAddr(op.getOutput(), cout * ho * wo * 2);
  acts[op.getOutput()] = out;
  addrs.in = in->addr;
  addrs.out = out.addr;

  ConvShifts shifts;
  shifts.fft = sFft;
  shifts.acc = accShift;
  shifts.ifft = ifftShift;
  shifts.outq = facc - fo;
  shifts.clampLo = clampBound(op.getClampMin(), fo);
  shifts.clampHi = clampBound(op.getClampMax(), fo);
  if (tiling.doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkConv(
      geo, cfg, tiling, flow, addrs, shifts,
      [&](InsnGroup &grp) { pb.flush(grp); },
      &weightHalves);
  if (tiling.doubleBuffered)
    pb.endOverlap();
  return success();
}

//===----------------------------------------------------------------------===//
// Direct convolution (spatial engine)
//===----------------------------------------------------------------------===//

/// The weight segment of a spatial conv whose KER lists follow `tiling`'s
/// chunks and hold the entries of `kept` (SpatialKer.h; applySpatialKept
/// made `tiling` from the same `kept`), its DRAM addresses in ker/bias, and
/// its fixed point.
FailureOr<std::pair<SpatialAddrs, SpatialShifts>>
Lowering::spatialWeights(spectral::SpatialConv2DOp op,
                         const SpatialTiling &tiling,
                         const SpatialKept &kept) {
  const SpatialGeometry g = SpatialGeometry::of(op);
  const int fi = int(op.getInFrac().value_or(0)),
            fo = int(op.getOutFrac().value_or(0));
  std::vector<double> w = *readNumbers(op.getWeights());
  std::vector<double> bias = *readNumbers(op.getBias());
  double wmax = 0, bmax = 0;
  for (double v : w)
    wmax = std::max(wmax, std::fabs(v));
  for (double v : bias)
    bmax = std::max(bmax, std::fabs(v));
  const int fw = fracFor(wmax);
  // Accumulators at 2^-(fi + fw); shifted right by acc_shift so that OACC's
  // int32 holds four times the calibrated range before the activation.
  double range = 0;
  if (auto a = op->getAttrOfType<FloatAttr>(attr::kAbsmaxPre))
    range = a.getValueAsDouble();
  else if (auto a = op->getAttrOfType<FloatAttr>(attr::kAbsmax))
    range = a.getValueAsDouble();
  range = std::max({range, bmax, minFullRange()});
  const int accShift =
      int(std::max<int64_t>(0, ceilLog2(4 * range) + fi + fw - 31));
  const int facc = fi + fw - accShift;
  if (facc < fo)
    return op.emitOpError("cannot reach the output format 2^-")
           << fo << " (accumulators hold 2^-" << facc << ")";
  if (accShift > 63 || facc - fo > 63)
    return op.emitOpError("fixed-point shifts out of range");

  // Weight segment: the KER lists (spatialKerEntries), then the int32
  // biases at the accumulator format.
  std::vector<int16_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    q[i] = q16(w[i], fw);
  std::vector<uint8_t> seg = spatialKerEntries(g, cfg, kept, tiling, q);
  const int64_t biasOffset = appendBiases(seg, bias, facc);
  std::string name = "conv";
  if (auto l = dyn_cast<NameLoc>(op.getLoc()))
    name = l.getName().str();
  const int64_t segAddr = addSegment(name + ".weights", std::move(seg));
  return std::make_pair(SpatialAddrs{0, 0, segAddr, segAddr + biasOffset},
                        SpatialShifts{accShift, facc - fo,
                                      clampBound(op.getClampMin(), fo),
                                      clampBound(op.getClampMax(), fo)});
}


LogicalResult Lowering::lowerSpatialConv(spectral::SpatialConv2DOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  const SpatialGeometry g = SpatialGeometry::of(op);
  if (std::string why = spatialRefusal(g, cfg); !why.empty())
    return op.emitOpError(why) << " on '" << target.name << "'";
  // The lists hold the entries pruning kept (SpatialKer.h).
  const SpatialKept kept = SpatialKept::ofWeights(
      g, cfg.convPout, *readNumbers(op.getWeights()));
  // The tiling spec2-select-dataflow recorded, else the search's.
  std::optional<SpatialTiling> chosen;
  if (auto a = op->getAttrOfType<DenseI64ArrayAttr>(attr::kSpatialTiling)) {
    chosen = spatialTilingFrom(g, cfg, a.asArrayRef(), &kept);
    if (!chosen)
      return op.emitOpError("its spec2.spatial_tiling does not fit the "
                            "buffers of '")
             << target.name << "'";
  } else {
    chosen = chooseSpatialTiling(g, cfg, &kept)->first;
  }
  const SpatialTiling &tiling = *chosen;
  auto weights = spatialWeights(op, tiling, kept);
  if (failed(weights))
    return failure();
  const int fo = int(op.getOutFrac().value_or(0));
  Activation out;
  out.shape = {1, g.cout, g.ho, g.wo};
  out.frac = fo;
  out.addr = outputAddr(op.getOutput(), g.cout * g.ho * g.wo * 2);
  acts[op.getOutput()] = out;
  SpatialAddrs addrs = weights->first;
  addrs.in = in->addr;
  addrs.out = out.addr;
  const SpatialShifts &shifts = weights->second;
  if (tiling.doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkSpatialConv(g, cfg, tiling, addrs, shifts,
                  [&](InsnGroup &grp) { pb.flush(grp); }, &weightHalves);
  if (tiling.doubleBuffered)
    pb.endOverlap();
  return success();
}

//===----------------------------------------------------------------------===//
// Fused inverted-residual block (spatial engine, MID)
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerBottleneck(spectral::SpatialConv2DOp head) {
  std::optional<BottleneckOps> block = matchBottleneck(head);
  if (!block)
    return head.emitOpError("carries spec2.fused but heads no "
                            "inverted-residual block");
  auto in = activationOf(head.getInput(), head);
  if (failed(in))
    return failure();
  const BottleneckGeometry g = block->geometry();
  auto tiling = bottleneckTilingFrom(
      g, cfg, head->getAttrOfType<DenseI64ArrayAttr>(attr::kFused).asArrayRef());
  if (!tiling)
    return head.emitOpError("its spec2.fused does not fit the buffers of '")
           << target.name << "'";
  // Each layer's weights in the order of its stage's chunks; each stage's
  // instructions are its own layer's in the report.
  BottleneckAddrs addrs;
  BottleneckShifts shifts;
  uint32_t layers[3] = {};
  auto stage = [&](spectral::SpatialConv2DOp op, ArrayRef<SpatialChunk> chunks,
                   SpatialAddrs &a, SpatialShifts &sh, int index) {
    if (op != head)
      beginLayer(op);
    layers[index] = uint32_t(layerLocs.size() - 1);
    // The fused schedule walks dense lists: spec2-fuse-bottlenecks leaves
    // blocks with pruned layers unfused.
    const SpatialGeometry sg = SpatialGeometry::of(op);
    if (!SpatialKept::ofWeights(sg, cfg.convPout, *readNumbers(op.getWeights()))
             .dense()) {
      op.emitOpError("is pruned and fused into a bottleneck; fused blocks "
                     "run dense weights only");
      return failure();
    }
    SpatialTiling dense;
    dense.chunks.assign(chunks.begin(), chunks.end());
    auto w = spatialWeights(op, dense, SpatialKept{});
    if (failed(w))
      return failure();
    a = w->first;
    sh = w->second;
    return success();
  };
  if ((block->expand && failed(stage(block->expand, tiling->expand,
                                     addrs.expand, shifts.expand, 0))) ||
      failed(stage(block->dw, tiling->dw, addrs.dw, shifts.dw, 1)) ||
      failed(stage(block->project, tiling->project, addrs.project,
                   shifts.project, 2)))
    return failure();
  // With the residual, the project's output stage makes the add's result:
  // the block input joins its accumulators, then one rounding to the add's
  // format and its clamp.
  int fo = int(block->project.getOutFrac().value_or(0));
  if (spectral::AddOp add = block->add) {
    const int facc = fo + int(shifts.project.outq);
    fo = int(add.getOutFrac().value_or(0));
    shifts.residual = facc - in->frac;
    shifts.project.outq = facc - fo;
    shifts.project.clampLo = clampBound(add.getClampMin(), fo);
    shifts.project.clampHi = clampBound(add.getClampMax(), fo);
    if (shifts.project.outq < 0 || shifts.project.outq > 63 ||
        shifts.residual < -32 || shifts.residual > 31)
      return add.emitOpError("fused into its block: formats 2^-")
             << facc << " and 2^-" << in->frac << " cannot make 2^-" << fo
             << " at the projection's output stage";
  }
  const SpatialGeometry &p = g.project;
  Activation out;
  out.shape = {1, p.cout, p.ho, p.wo};
  out.frac = fo;
  out.addr = outputAddr(block->result(), p.cout * p.ho * p.wo * 2);
  acts[block->result()] = out;
  addrs.in = in->addr;
  addrs.out = out.addr;
  for (Operation *op : block->ops())
    fusedMembers.insert(op);
  if (tiling->doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkBottleneck(g, cfg, *tiling, addrs, shifts,
                 [&](InsnGroup &grp, int stageIndex) {
                   pb.setLayer(layers[stageIndex]);
                   pb.flush(grp);
                 });
  if (tiling->doubleBuffered)
    pb.endOverlap();
  weightHalves = WeightHalves();
  return success();
}

//===----------------------------------------------------------------------===//
// Fully connected
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerFc(spectral::FullyConnectedOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  const int64_t k = op.getInput().getType().getNumElements();
  const int64_t m = op.getOutput().getType().getDimSize(1);
  if (k > 65535)
    return op.emitOpError("input of ")
           << k << " elements exceeds the 65535 a LOAD row holds";
  const int fi = int(op.getInFrac().value_or(0)),
            fo = int(op.getOutFrac().value_or(0));
  NumbersOf<float> values = *readFloats(op.getValues());
  NumbersOf<int32_t> cols = *readInt32s(op.getColumns());
  std::vector<double> bias = *readNumbers(op.getBias());
  const int64_t nnzRow = int64_t(values.size()) / m;
  double wmax = 0, bmax = 0;
  for (float v : values)
    wmax = std::max(wmax, std::fabs(double(v)));
  for (double v : bias)
    bmax = std::max(bmax, std::fabs(v));
  int fw = fracFor(wmax);
  // The bias must fit int32 at the accumulator's format: coarser weights
  // (down to the output's format) when the inputs are tiny against it (a
  // randomly initialised GoogLeNet's features are ~1e-10, its logits the
  // bias).
  while (fw > fo - fi && bmax > 0 &&
         std::ldexp(bmax, fi + fw) >= 2147483647.0)
    --fw;
  const int shift = fi + fw - fo;
  if (shift < 0)
    return op.emitOpError("cannot reach the output format 2^-") << fo;

  const FcPlan plan = planFc(cfg, k, m, nnzRow, cols, values);
  if (plan.rowBlock < 1)
    return op.emitOpError("a row block does not fit KER of '")
           << target.name << "'";
  std::vector<std::vector<std::pair<int64_t, int64_t>>> kerAt; // offset, count
  int64_t biasOffset = 0;
  std::vector<uint8_t> seg = fcSegment(plan, m, fw, fi, bias, kerAt, biasOffset);
  std::string name = "fc";
  if (auto l = dyn_cast<NameLoc>(op.getLoc()))
    name = l.getName().str();
  const int64_t segAddr = addSegment(name + ".weights", std::move(seg));

  const int64_t kerHalf = plan.kerHalf,
                fcxHalf = plan.fcxHalf, biasHalf = plan.biasHalf,
                chunk = plan.chunk, nChunks = plan.nChunks,
                rowBlock = plan.rowBlock;
  const bool columnMajor = plan.columnMajor;
  const auto &chunkNnz = plan.chunkNnz;
  const auto &denseChunk = plan.denseChunk;
  Activation out;
  out.shape = {1, m};
  out.frac = fo;
  out.addr = outputAddr(op.getOutput(), m * 2);
  acts[op.getOutput()] = out;
  const int64_t lo = clampBound(op.getClampMin(), fo),
                hi = clampBound(op.getClampMax(), fo);
  const int64_t nBlocks = ceilDiv(m, rowBlock);
  std::vector<std::pair<int64_t, int64_t>> order; // (row block, chunk)
  for (int64_t a = 0; a < (columnMajor ? nChunks : nBlocks); ++a)
    for (int64_t b = 0; b < (columnMajor ? nBlocks : nChunks); ++b)
      order.push_back(columnMajor ? std::make_pair(b, a)
                                  : std::make_pair(a, b));
  pb.beginOverlap();
  // KER alternates halves group by group, FCX whenever a new chunk comes.
  int64_t kerSel = 0, fcxSel = 1;
  std::optional<int64_t> fcxHolds;
  for (size_t gi = 0; gi < order.size(); ++gi) {
    const auto [blk, ch] = order[gi];
    const int64_t m0 = blk * rowBlock, rows = std::min(rowBlock, m - m0);
    const int64_t c0 = ch * chunk, cN = std::min(chunk, k - c0);
    const bool first = ch == 0, last = ch == nChunks - 1;
    const int64_t kerAt0 = kerSel * kerHalf;
    kerSel ^= 1;
    if (fcxHolds != ch) {
      fcxSel ^= 1;
      group.loads.push_back(loadBox(isa::kBufFcx, in->addr, fcxSel * fcxHalf,
                                    DramBox{1, k, 0, c0, 1, 1, cN}));
      fcxHolds = ch;
    }
    const int64_t fcxAt = fcxSel * fcxHalf;
    group.loads.push_back(
        Insn::load(isa::kBufKer)
            .set(load::kDramAddr, segAddr + kerAt[blk][ch].first)
            .set(load::kSramAddr, kerAt0)
            .set(load::kCount, kerAt[blk][ch].second)
            .set(load::kKerFormat,
                 denseChunk[ch] ? isa::kKerFcDense : isa::kKerFc));
    // Column-major: every row's bias once, up front; otherwise each row
    // block's with its last chunk, in alternating halves.
    const int64_t biasAt = columnMajor ? m0 : int64_t(blk % 2) * biasHalf;
    if (columnMajor ? gi == 0 : last)
      group.loads.push_back(
          Insn::load(isa::kBufBias)
              .set(load::kDramAddr,
                   segAddr + biasOffset + (columnMajor ? 0 : m0) * 4)
              .set(load::kSramAddr, columnMajor ? 0 : biasAt)
              .set(load::kCount, columnMajor ? m : rows));
    group.computes.push_back(
        Insn(isa::kGemv)
            .set(gemv::kKerAddr, kerAt0)
            .set(gemv::kXAddr, fcxAt)
            .set(gemv::kAccAddr, columnMajor ? m0 : 0)
            .set(gemv::kOutAddr, columnMajor && last ? m0 : 0)
            .set(gemv::kBiasAddr, last ? biasAt : 0)
            .set(gemv::kNrows, rows)
            .set(gemv::kNnz, std::max<int64_t>(1, chunkNnz[ch]))
            .set(gemv::kFirst, first)
            .set(gemv::kLast, last)
            .set(gemv::kShift, last ? shift : 0)
            .set(gemv::kClampLo, last ? lo : 0)
            .set(gemv::kClampHi, last ? hi : 0));
    // Column-major: every block's outputs at their own rows of OUT, one
    // store at the end; otherwise each block's as it completes.
    const bool storeNow = columnMajor ? gi + 1 == order.size() : last;
    const int64_t s0 = columnMajor ? 0 : m0, sN = columnMajor ? m : rows;
    if (storeNow)
      group.stores.push_back(
          storeBox(out.addr + s0 * 2, 0, DramBox{1, sN, 0, 0, 1, 1, sN}));
    pb.flush(group);
  }
  pb.endOverlap();
  return success();
}

//===----------------------------------------------------------------------===//
// Vector unit: pooling, add, clamp
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Per-channel affine and multiply (vector unit)
//===----------------------------------------------------------------------===//

/// The groups of a VEC.affine / VEC.mul over a [C][rows][width] tensor:
/// whole planes while they fit INP (with a factor each for MUL) and OUT,
/// else row chunks of one plane. Each group loads its planes, its channels'
/// entries (BIAS pairs from `pairs` for AFFINE, the int16 factors of the
/// run-time vector at `factors` into INP after the planes for MUL), runs
/// one VEC with `proto`'s fields and stores the result.
void walkChannels(int64_t channels, int64_t rows, int64_t width, bool isMul,
                  const OverlayConfig &cfg, int64_t x, int64_t factors,
                  int64_t pairs, int64_t out, const Insn &proto,
                  const std::function<void(InsnGroup &)> &emit) {
  const int64_t plane = rows * width;
  const int64_t inp = int64_t(cfg.inpDepth), outDepth = int64_t(cfg.outDepth);
  // Planes per group, or 0 if one plane must be cut into row chunks.
  int64_t planes = std::min<int64_t>(
      {channels, isMul ? inp / (plane + 1) : inp / plane, outDepth / plane,
       isMul ? int64_t(65535) : int64_t(cfg.biasDepth) / 2, int64_t(65535)});
  const int64_t chunkRows =
      planes > 0 ? rows
                 : std::min<int64_t>({rows, (inp - 1) / width,
                                      outDepth / width, 65535});
  auto group = [&](int64_t c0, int64_t nc, int64_t r0, int64_t rn) {
    InsnGroup g;
    const int64_t en = nc * rn * width;
    const DramBox box{rows, width, r0, 0, nc, rn, width};
    g.loads.push_back(loadBox(isa::kBufInp, x + c0 * plane * 2, 0, box));
    if (isMul)
      g.loads.push_back(loadBox(isa::kBufInp, factors, en,
                                DramBox{1, channels, 0, c0, 1, 1, nc}));
    else
      g.loads.push_back(Insn::load(isa::kBufBias)
                            .set(load::kDramAddr, pairs + c0 * 8)
                            .set(load::kCount, 2 * nc));
    g.computes.push_back(Insn(proto)
                             .set(vec::kBAddr, isMul ? en : 0)
                             .set(vec::kNc, nc)
                             .set(vec::kH, rn)
                             .set(vec::kW, width)
                             .set(vec::kOh, rn)
                             .set(vec::kOw, width));
    g.stores.push_back(storeBox(out + c0 * plane * 2, 0, box));
    emit(g);
  };
  if (planes > 0) {
    for (int64_t c0 = 0; c0 < channels; c0 += planes)
      group(c0, std::min(planes, channels - c0), 0, rows);
    return;
  }
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t r0 = 0; r0 < rows; r0 += chunkRows)
      group(c, 1, r0, std::min(chunkRows, rows - r0));
}

LogicalResult Lowering::lowerChannelOp(Operation *op) {
  auto affine = dyn_cast<spectral::ChannelAffineOp>(op);
  auto mul = dyn_cast<spectral::ChannelMulOp>(op);
  Value xv = op->getOperand(0);
  auto in = activationOf(xv, op);
  if (failed(in))
    return failure();
  FailureOr<Activation> gate = failure();
  if (mul && failed(gate = activationOf(mul.getScale(), op)))
    return failure();
  const int fi = int(op->getAttrOfType<IntegerAttr>("in_frac").getInt());
  const int fo = int(op->getAttrOfType<IntegerAttr>("out_frac").getInt());
  auto fsAttr = op->getAttrOfType<IntegerAttr>("scale_frac");
  if (!fsAttr)
    return op->emitOpError("has no scale_frac; run spec2-quantize first");
  const int fs = int(fsAttr.getInt());
  // v = (a * s [+ t]) << shift_a at 2^-(fi + fs), then >> shift_out.
  const int shiftOut = std::max(0, fi + fs - fo);
  const int shiftA = std::max(0, fo - fi - fs);
  if (shiftOut > 63 || shiftA > int(isa::kVecProductMaxShift))
    return op->emitOpError("formats 2^-")
           << fi << " x 2^-" << fs << " cannot produce 2^-" << fo
           << " on the vector unit";
  auto type = cast<RankedTensorType>(xv.getType());
  const int64_t batch = type.getDimSize(0), channels = type.getDimSize(1);
  const int64_t width = type.getRank() > 2 ? type.getShape().back() : 1;
  const int64_t rows = type.getNumElements() / batch / channels / width;
  if (width > std::min<int64_t>(int64_t(cfg.inpDepth) - 1, cfg.outDepth) ||
      width > 65535)
    return op->emitOpError("one row of ")
           << width << " elements does not fit '" << target.name << "'";
  int64_t pairs = 0;
  if (affine) {
    // {int16 scale in an int32 entry, int32 shift} per channel.
    auto scale = readNumbers(affine.getScale());
    auto shift = readNumbers(affine.getShift());
    std::vector<uint8_t> bytes;
    auto put = [&](int32_t v) {
      for (int k = 0; k < 4; ++k)
        bytes.push_back(uint8_t(uint32_t(v) >> (8 * k)));
    };
    for (int64_t c = 0; c < channels; ++c) {
      put(q16((*scale)[c], fs));
      put(q32((*shift)[c], fi + fs));
    }
    std::string name = "channel_affine";
    if (auto l = dyn_cast<NameLoc>(op->getLoc()))
      name = l.getName().str();
    pairs = addSegment(name + ".pairs", std::move(bytes));
  }
  Activation out;
  out.shape =
      std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
  out.frac = fo;
  out.addr = allocate(type.getNumElements() * 2);
  acts[op->getResult(0)] = out;
  auto lo = cast<FloatAttr>(op->getAttr("clamp_min")).getValue();
  auto hi = cast<FloatAttr>(op->getAttr("clamp_max")).getValue();
  const Insn proto = Insn::vec(mul ? isa::kVecMul : isa::kVecAffine)
                         .set(vec::kShiftA, shiftA)
                         .set(vec::kShiftOut, shiftOut)
                         .set(vec::kClampLo, clampBound(lo, fo))
                         .set(vec::kClampHi, clampBound(hi, fo));
  // Each sample of a batch in turn; the gate has a vector per sample.
  const int64_t sample = channels * rows * width * 2;
  for (int64_t n = 0; n < batch; ++n)
    walkChannels(channels, rows, width, bool(mul), cfg, in->addr + n * sample,
                 mul ? gate->addr + n * channels * 2 : 0, pairs,
                 out.addr + n * sample, proto,
                 [&](InsnGroup &g) { pb.flush(g); });
  return success();
}

LogicalResult Lowering::lowerPool(spectral::Pool2DOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  auto inT = op.getInput().getType(), outT = op.getOutput().getType();
  const int64_t c = inT.getDimSize(1), h = inT.getDimSize(2),
                w = inT.getDimSize(3);
  const int64_t ho = outT.getDimSize(2), wo = outT.getDimSize(3);
  const int64_t kh = op.getKernel()[0], kw = op.getKernel()[1];
  const int64_t sy = op.getStride()[0], sx = op.getStride()[1];
  const int64_t pt = op.getPad()[0], pl = op.getPad()[1];
  if (kh > 31 || kw > 31 || sy > 15 || sx > 15 || pt > 15 || pl > 15 ||
      pt >= kh || pl >= kw)
    return op.emitOpError("window ")
           << kh << "x" << kw << " stride " << sy << "x" << sx << " pad " << pt
           << "," << pl
           << " exceeds the vector unit (window <= 31, stride/pad <= 15)";
  const int fi = int(op.getInFrac().value_or(0)),
            fo = int(op.getOutFrac().value_or(0));
  // A pool keeps its input's format unless it writes into a concat's.
  const int shiftA = std::max(0, fo - fi), shiftOut = std::max(0, fi - fo);
  if (shiftA > 31 || shiftOut > 63)
    return op.emitOpError("formats 2^-")
           << fi << " and 2^-" << fo << " are too far apart";
  int64_t chunk = std::min<int64_t>(
      {c, int64_t(cfg.inpDepth) / (h * w), int64_t(cfg.outDepth) / (ho * wo)});
  if (chunk < 1)
    return op.emitOpError("one channel plane does not fit the buffers of '")
           << target.name << "'";
  // More than one chunk: the chunks overlap, each loading into the half of
  // INP the one before did not use while that one pools.
  const bool overlap = chunk < c && int64_t(cfg.inpDepth / 2) >= h * w;
  if (overlap)
    chunk = std::min<int64_t>(chunk, int64_t(cfg.inpDepth / 2) / (h * w));
  Activation out;
  out.shape = {1, c, ho, wo};
  out.frac = fo;
  out.addr = outputAddr(op.getOutput(), c * ho * wo * 2);
  acts[op.getOutput()] = out;
  const int64_t lo = clampBound(op.getClampMin(), fo),
                hi = clampBound(op.getClampMax(), fo);
  if (overlap)
    pb.beginOverlap();
  for (int64_t c0 = 0, i = 0; c0 < c; c0 += chunk, ++i) {
    const int64_t cn = std::min(chunk, c - c0);
    const int64_t inpAt = overlap && i % 2 ? int64_t(cfg.inpDepth / 2) : 0;
    group.loads.push_back(loadBox(isa::kBufInp, in->addr + c0 * h * w * 2,
                                  inpAt, DramBox{h, w, 0, 0, cn, h, w}));
    group.computes.push_back(
        Insn::vec(op.getKind() == "max" ? isa::kVecMaxPool : isa::kVecAvgPool)
            .set(vec::kAAddr, inpAt)
            .set(vec::kNc, cn)
            .set(vec::kH, h)
            .set(vec::kW, w)
            .set(vec::kKh, kh)
            .set(vec::kKw, kw)
            .set(vec::kSy, sy)
            .set(vec::kSx, sx)
            .set(vec::kPt, pt)
            .set(vec::kPl, pl)
            .set(vec::kOh, ho)
            .set(vec::kOw, wo)
            .set(vec::kClampLo, lo)
            .set(vec::kClampHi, hi)
            .set(vec::kShiftA, shiftA)
            .set(vec::kShiftOut, shiftOut)
            .set(vec::kIncludePad, op.getCountIncludePad() ? 1 : 0));
    group.stores.push_back(storeBox(out.addr + c0 * ho * wo * 2, 0,
                                    DramBox{ho, wo, 0, 0, cn, ho, wo}));
    pb.flush(group);
  }
  if (overlap)
    pb.endOverlap();
  return success();
}

LogicalResult Lowering::lowerElementwise(Operation *op, Value a, Value bv,
                                         int fracA, int fracB, int fracOut,
                                         APFloat loF, APFloat hiF,
                                         const std::vector<int32_t> *table) {
  auto ina = activationOf(a, op);
  if (failed(ina))
    return failure();
  FailureOr<Activation> inb = failure();
  if (bv) {
    inb = activationOf(bv, op);
    if (failed(inb))
      return failure();
  }
  auto type = cast<RankedTensorType>(a.getType());
  // Common format: the finer of the operands; then down to the output's.
  const int fmax = bv ? std::max(fracA, fracB) : fracA;
  const int shiftA = table ? 0 : fmax - fracA, shiftB = bv ? fmax - fracB : 0;
  const int shiftOut = table ? 0 : fmax - fracOut;
  if (shiftA > 31 || shiftB > 31 || shiftOut < 0 || shiftOut > 63)
    return op->emitOpError("operand formats 2^-")
           << fracA << (bv ? ", 2^-" + std::to_string(fracB) : std::string())
           << " cannot produce 2^-" << fracOut << " on the vector unit";
  // A row-major view: rows of the innermost dimension.
  const int64_t total = type.getNumElements();
  const int64_t width = type.getShape().back();
  if (width > 65535)
    return op->emitOpError("innermost dimension ")
           << width << " exceeds the 65535 a DMA row holds";
  const int64_t per = bv ? int64_t(cfg.inpDepth) / 2 : int64_t(cfg.inpDepth);
  if (std::min<int64_t>(per, cfg.outDepth) < width)
    return op->emitOpError("one row of ")
           << width << " elements does not fit '" << target.name << "'";
  int64_t tableAddr = 0;
  if (table) {
    std::vector<uint8_t> bytes;
    for (int32_t v : *table)
      for (int k = 0; k < 4; ++k)
        bytes.push_back(uint8_t(uint32_t(v) >> (8 * k)));
    std::string name = "activation";
    if (auto l = dyn_cast<NameLoc>(op->getLoc()))
      name = l.getName().str();
    tableAddr = addSegment(name + ".table", std::move(bytes));
  }
  Activation out;
  out.shape =
      std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
  out.frac = fracOut;
  out.addr = outputAddr(op->getResult(0), total * 2);
  acts[op->getResult(0)] = out;
  const int64_t lo = clampBound(loF, fracOut), hi = clampBound(hiF, fracOut);
  walkElementwise(
      total, width, bool(bv), table != nullptr, cfg, ina->addr,
      bv ? inb->addr : 0, out.addr, tableAddr,
      [&](int64_t) {
        return Insn::vec(table ? isa::kVecLut : bv ? isa::kVecAdd
                                                   : isa::kVecReq)
            .set(vec::kShiftA, shiftA)
            .set(vec::kShiftB, shiftB)
            .set(vec::kShiftOut, shiftOut)
            .set(vec::kClampLo, lo)
            .set(vec::kClampHi, hi);
      },
      [&](InsnGroup &grp) { pb.flush(grp); });
  return success();
}

LogicalResult Lowering::lowerActivation(spectral::ActivationOp op) {
  const int fi = int(op.getInFrac().value_or(0));
  const int fo = int(op.getOutFrac().value_or(0));
  // Table entry t is the function at input code t*256 - 32768.
  std::vector<int32_t> table(isa::kLutEntries);
  for (unsigned t = 0; t < isa::kLutEntries; ++t) {
    const double x = std::ldexp(double(int64_t(t) * 256 - 32768), -fi);
    table[t] = q16(op.evaluate(x), fo);
  }
  // The table interpolates linearly over segments of 256 input codes: a
  // function that turns faster than that (a step, a logarithm or square
  // root near 0) is refused, not run wrong. Checked at every input code of
  // the calibrated range, against 2% of the function's range there plus
  // two output steps (what onnx-overlay-tests allows).
  double range = 0;
  Value in = op.getInput();
  if (auto arg = dyn_cast<BlockArgument>(in)) {
    if (auto r = func.getArgAttrOfType<FloatAttr>(arg.getArgNumber(),
                                                  attr::kAbsmax))
      range = r.getValueAsDouble();
  } else if (auto r = in.getDefiningOp()->getAttrOfType<FloatAttr>(
                 attr::kAbsmax)) {
    range = r.getValueAsDouble();
  }
  const int64_t reach = std::min<int64_t>(
      32767, int64_t(std::ceil(std::ldexp(range, fi))));
  double worst = 0, at = 0, fmax = 0;
  for (int64_t a = -reach; a <= reach; ++a) {
    const double x = std::ldexp(double(a), -fi);
    const double want = op.evaluate(x);
    const uint32_t u = uint32_t(a + 32768);
    const int64_t t0 = table[u >> 8], t1 = table[(u >> 8) + 1];
    const int64_t got =
        std::clamp<int64_t>(t0 + isa::roundShift((t1 - t0) * int64_t(u & 255), 8),
                            -32768, 32767);
    fmax = std::max(fmax, std::fabs(want));
    const double err = std::fabs(std::ldexp(double(got), -fo) - want);
    if (err > worst)
      worst = err, at = x;
  }
  if (worst > 0.02 * fmax + std::ldexp(2.0, -fo))
    return op.emitOpError("the vector unit's table (256 linear segments of ")
           << std::ldexp(256.0, -fi) << " over the input) follows this "
           << "function only within " << worst << " near x = " << at
           << ", against 2% of its range " << fmax
           << " on the calibrated inputs: it turns too fast there";
  const APFloat inf = APFloat::getInf(APFloat::IEEEsingle());
  return lowerElementwise(op, op.getInput(), Value(), fi, 0, fo, -inf, inf,
                          &table);
}

LogicalResult Lowering::lowerSoftmax(spectral::SoftmaxOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  const bool logOut = op.getLog();
  const int fi = int(op.getInFrac().value_or(0));
  const int fo = int(op.getOutFrac().value_or(0));
  auto type = op.getInput().getType();
  const int64_t c = type.getDimSize(1);
  const int64_t h = type.getRank() == 4 ? type.getDimSize(2) : 1;
  const int64_t w = type.getRank() == 4 ? type.getDimSize(3) : 1;
  // The differences x - m (at most 0) in the table's input format 2^-11:
  // its 32768 negative codes reach -16, where exp is below 2^-23; the
  // table's e(0) at 2^-14 (the ISA fixes both for LogSoftmax).
  constexpr int fd = int(isa::kVecSoftmaxDiffFrac),
                fe = int(isa::kVecSoftmaxExpFrac);
  const int shiftA = std::max(0, fd - fi), shiftB = std::max(0, fi - fd);
  const int shiftOut = logOut ? int(isa::kVecSoftmaxLogFrac) - fo
                              : int(isa::kVecSoftmaxScaleBits) - fo;
  if (shiftA > 31 || shiftB > 31 || shiftOut < 0 || shiftOut > 63)
    return op.emitOpError("input format 2^-")
           << fi << " and output format 2^-" << fo
           << " are beyond the vector unit's softmax";
  // Table entry t: exp at input code t*256 - 32768 (codes above 0 never
  // occur; their entries repeat e(0)); for LogSoftmax then log2(1 + t/256)
  // at 2^-24 over the sum's mantissa.
  std::vector<uint8_t> bytes;
  auto put32 = [&](int64_t v) {
    for (int k = 0; k < 4; ++k)
      bytes.push_back(uint8_t(uint32_t(int32_t(v)) >> (8 * k)));
  };
  for (unsigned t = 0; t < isa::kLutEntries; ++t) {
    const double d =
        std::min(0.0, std::ldexp(double(int64_t(t) * 256 - 32768), -fd));
    put32(std::lround(std::ldexp(std::exp(d), fe)));
  }
  if (logOut)
    for (unsigned t = 0; t < isa::kLutEntries; ++t)
      put32(std::lround(std::ldexp(std::log2(1.0 + double(t) / 256.0),
                                   int(isa::kVecSoftmaxLogFrac))));
  const int64_t entries = int64_t(bytes.size()) / 4;
  std::string name = logOut ? "log_softmax" : "softmax";
  if (auto l = dyn_cast<NameLoc>(op.getLoc()))
    name = l.getName().str();
  const int64_t table = addSegment(name + ".table", std::move(bytes));
  // Every channel of a position at once: chunks of whole rows.
  const int64_t room = std::min<int64_t>(cfg.inpDepth, cfg.outDepth);
  if (c * w > room || w > 65535 || c > 65535)
    return op.emitOpError("softmax over ")
           << c << " channels of rows of " << w << " positions: one row of "
           << "every channel (" << c * w << " values) does not fit the "
           << room << " INP/OUT entries of '" << target.name << "'";
  const int64_t rows = std::min<int64_t>(h, room / (c * w));
  Activation out;
  out.shape = std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
  out.frac = fo;
  out.addr = outputAddr(op.getResult(), c * h * w * 2);
  acts[op.getResult()] = out;
  for (int64_t y0 = 0; y0 < h; y0 += rows) {
    const int64_t ny = std::min(rows, h - y0);
    const DramBox box{h, w, y0, 0, c, ny, w};
    InsnGroup grp;
    grp.loads.push_back(loadBox(isa::kBufInp, in->addr, 0, box));
    grp.loads.push_back(Insn::load(isa::kBufBias)
                            .set(load::kDramAddr, table)
                            .set(load::kCount, entries));
    grp.computes.push_back(Insn::vec(isa::kVecSoftmax)
                               .set(vec::kNc, c)
                               .set(vec::kH, ny)
                               .set(vec::kW, w)
                               .set(vec::kOh, ny)
                               .set(vec::kOw, w)
                               .set(vec::kShiftA, shiftA)
                               .set(vec::kShiftB, shiftB)
                               .set(vec::kShiftOut, shiftOut)
                               .set(vec::kLog, logOut ? 1 : 0)
                               .set(vec::kClampLo, -32768)
                               .set(vec::kClampHi, 32767));
    grp.stores.push_back(storeBox(out.addr, 0, box));
    pb.flush(grp);
  }
  return success();
}

LogicalResult Lowering::lowerAdd(spectral::AddOp op) {
  return lowerElementwise(
      op, op.getLhs(), op.getRhs(), int(op.getLhsFrac().value_or(0)),
      int(op.getRhsFrac().value_or(0)), int(op.getOutFrac().value_or(0)),
      op.getClampMin(), op.getClampMax());
}

LogicalResult Lowering::lowerClamp(spectral::ClampOp op) {
  return lowerElementwise(
      op, op.getInput(), Value(), int(op.getInFrac().value_or(0)), 0,
      int(op.getOutFrac().value_or(0)), op.getClampMin(), op.getClampMax());
}

//===----------------------------------------------------------------------===//
// Data movement: concat, slice, channel permutation
//===----------------------------------------------------------------------===//

int64_t bytesOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements() * 2;
}

/// A dense tensor as planes of rows for a copy: the last two dimensions
/// are a plane's rows and columns.
PlaneCopy planesOf(ArrayRef<int64_t> shape, int64_t src, int64_t dst) {
  const size_t r = shape.size();
  const int64_t w = r ? shape[r - 1] : 1, h = r > 1 ? shape[r - 2] : 1;
  int64_t planes = 1;
  for (size_t d = 0; d + 2 < r; ++d)
    planes *= shape[d];
  return PlaneCopy{planes, h, w, src, dst};
}

void Lowering::placeConcats() {
  SmallVector<spectral::ConcatOp> concats;
  func.walk([&](spectral::ConcatOp c) { concats.push_back(c); });
  // Last first: a concat whose result a later one takes in is placed
  // inside that one's result before its own inputs are placed inside it.
  for (spectral::ConcatOp c : llvm::reverse(concats)) {
    Value out = c.getOutput();
    if (!placed.count(out)) {
      // Inputs already placed one after the other (a DenseNet block's
      // earlier concats): the result is their span, nothing moves.
      std::optional<int64_t> at, first;
      bool span = true;
      for (Value in : c.getInputs()) {
        auto it = placed.find(throughReshapes(in));
        if (it == placed.end() || (at && *at != it->second)) {
          span = false;
          break;
        }
        first = first ? first : std::optional<int64_t>(it->second);
        at = it->second + bytesOf(in);
      }
      placed[out] = span ? *first : allocate(bytesOf(out));
      if (span)
        continue;
    }
    int64_t at = placed[out];
    SmallVector<unsigned> copies;
    for (auto [i, in] : llvm::enumerate(c.getInputs())) {
      Value root = throughReshapes(in);
      Operation *def = root.getDefiningOp();
      // Graph inputs and views of other tensors are where they are.
      const bool writable = def &&
                            llvm::isa<spectral::SpectralDialect>(def->getDialect()) &&
                            !llvm::isa<spectral::SliceOp>(def);
      auto it = placed.find(root);
      if (it != placed.end() ? it->second != at : !writable)
        copies.push_back(unsigned(i));
      else
        placed[root] = at;
      at += bytesOf(in);
    }
    if (!copies.empty())
      concatCopies[c] = std::move(copies);
  }
}

LogicalResult Lowering::copyPlanes(Operation *op, const PlaneCopy &copy,
                                   int fracIn, int fracOut) {
  if (auto why = copyMisfit(copy, cfg))
    return op->emitOpError("cannot copy on '") << target.name << "': " << *why;
  const int shiftA = std::max(0, fracOut - fracIn),
            shiftOut = std::max(0, fracIn - fracOut);
  if (shiftA > 31 || shiftOut > 63)
    return op->emitOpError("formats 2^-")
           << fracIn << " and 2^-" << fracOut << " are too far apart";
  const Insn vecInsn = Insn::vec(isa::kVecReq)
                           .set(vec::kShiftA, shiftA)
                           .set(vec::kShiftOut, shiftOut)
                           .set(vec::kClampLo, -32768)
                           .set(vec::kClampHi, 32767);
  walkPlaneCopy(copy, cfg, vecInsn, [&](InsnGroup &grp) { pb.flush(grp); });
  return success();
}

LogicalResult Lowering::lowerConcat(spectral::ConcatOp op) {
  Activation out;
  auto type = op.getOutput().getType();
  out.shape = std::vector<int64_t>(type.getShape().begin(),
                                   type.getShape().end());
  out.frac = int(op.getOutFrac().value_or(0));
  auto it = placed.find(op.getOutput());
  if (it == placed.end())
    return op.emitOpError("was not placed (internal error)");
  out.addr = it->second;
  acts[op.getOutput()] = out;
  const SmallVector<unsigned> copies = concatCopies.lookup(op);
  int64_t at = out.addr;
  for (auto [i, in] : llvm::enumerate(op.getInputs())) {
    auto a = activationOf(in, op);
    if (failed(a))
      return failure();
    if (llvm::is_contained(copies, unsigned(i))) {
      if (failed(copyPlanes(op, planesOf(a->shape, a->addr, at), a->frac,
                            out.frac)))
        return failure();
    } else if (a->addr != at || a->frac != out.frac) {
      return op.emitOpError("input ")
             << i << " is not where or in the format the result needs "
                     "(internal error)";
    }
    at += bytesOf(in);
  }
  return success();
}

LogicalResult Lowering::lowerSlice(spectral::SliceOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  if (int(op.getOutFrac().value_or(0)) != in->frac)
    return op.emitOpError("a slice keeps its input's format");
  auto type = op.getOutput().getType();
  int64_t inner = 1;
  for (int64_t d = op.getAxis() + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  Activation out;
  out.shape = std::vector<int64_t>(type.getShape().begin(),
                                   type.getShape().end());
  out.frac = in->frac;
  out.addr = in->addr + int64_t(op.getStart()) * inner * 2;
  acts[op.getOutput()] = out;
  return success();
}

LogicalResult Lowering::lowerPermuteChannels(spectral::PermuteChannelsOp op) {
  auto in = activationOf(op.getInput(), op);
  if (failed(in))
    return failure();
  auto type = op.getOutput().getType();
  const int64_t c = type.getDimSize(1), h = type.getDimSize(2),
                w = type.getDimSize(3);
  Activation out;
  out.shape = {1, c, h, w};
  out.frac = int(op.getOutFrac().value_or(0));
  out.addr = outputAddr(op.getOutput(), c * h * w * 2);
  acts[op.getOutput()] = out;
  // Runs of consecutive input channels going to output channels a fixed
  // stride apart (ShuffleNet's shuffle: two runs of C/2, stride 2).
  ArrayRef<int64_t> perm = op.getPerm();
  std::vector<int64_t> to(static_cast<size_t>(c));
  for (int64_t o = 0; o < c; ++o)
    to[size_t(perm[o])] = o;
  for (int64_t c0 = 0; c0 < c;) {
    int64_t n = 1, stride = 1;
    if (c0 + 1 < c && to[c0 + 1] > to[c0]) {
      stride = to[c0 + 1] - to[c0];
      while (c0 + n < c && to[c0 + n] == to[c0] + n * stride)
        ++n;
    }
    PlaneCopy copy{n, h, w, in->addr + c0 * h * w * 2, out.addr, to[c0],
                   stride, c};
    if (failed(copyPlanes(op, copy, in->frac, out.frac)))
      return failure();
    c0 += n;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The program
//===----------------------------------------------------------------------===//

LogicalResult Lowering::checkLowerable() {
  // The first op without an engine (spec2c lists them all before it
  // calibrates: spec2::checkOverlaySupport); the layers after it have no
  // format.
  std::vector<Refusal> refused = overlayRefusals(func);
  if (!refused.empty())
    return refused.front().op->emitError(refused.front().message(true));
  for (Operation &op : func.getBody().front())
    if (llvm::isa<spectral::SpectralDialect>(op.getDialect()) &&
        !op.hasAttr("out_frac"))
      return op.emitOpError("is not quantised; run spec2-quantize first");
  return success();
}

LogicalResult Lowering::emitInstructions() {
  for (const ProgramInsn &p : pb.program()) {
    const Location loc = layerLocs[p.layer];
    if (auto error = p.insn.error())
      return emitError(loc) << *error;
    if (!ovl::buildInsn(b, loc, p.insn.word()))
      return emitError(loc) << "no instruction op for "
                            << describeInsn(p.insn.word());
  }
  return success();
}

LogicalResult Lowering::run(unsigned &numInsns) {
  // Every layer must be quantised and lowerable before anything is built.
  if (failed(checkLowerable()))
    return failure();

  b.setInsertionPointToEnd(module.getBody());
  program = ovl::ProgramOp::create(b, func.getLoc(), target.name,
                                   int64_t(target.hash), 0);
  Block *body = new Block();
  program.getBody().push_back(body);
  // Tensors and segments come first, in the order they are made; the
  // instructions follow once every layer is lowered.
  b.setInsertionPointToEnd(body);
  for (BlockArgument arg : func.getArguments()) {
    auto type = cast<RankedTensorType>(arg.getType());
    auto frac =
        func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(), attr::kFrac);
    if (!frac)
      return func.emitError("argument ")
             << arg.getArgNumber()
             << " is not quantised; run spec2-quantize first";
    Activation a;
    a.shape =
        std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
    a.frac = int(frac.getInt());
    std::string name = "input" + std::to_string(arg.getArgNumber());
    if (auto n =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name"))
      name = n.getValue().str();
    // Every runtime level reads its inputs where the first one does.
    std::string why;
    std::optional<int64_t> shared =
        earlier.inputAddr(name, a.shape, a.frac, why);
    if (!why.empty())
      return func.emitError(why);
    a.addr = shared ? *shared : allocate(type.getNumElements() * 2);
    acts[arg] = a;
    addTensor("input", name, a);
  }

  placeConcats();
  for (Operation &op : func.getBody().front()) {
    LogicalResult r = success();
    if (fusedMembers.contains(&op))
      continue;
    beginLayer(&op);
    // Only a conv right after a double-buffered one may prefetch weights.
    if (!llvm::isa<spectral::Conv2DOp, spectral::SpatialConv2DOp>(op))
      weightHalves = WeightHalves();
    if (llvm::isa<spectral::ChannelAffineOp, spectral::ChannelMulOp>(op)) {
      if (failed(lowerChannelOp(&op)))
        return failure();
      continue;
    }
    if (auto c = dyn_cast<spectral::Conv2DOp>(op))
      r = lowerConv(c);
    else if (auto sc = dyn_cast<spectral::SpatialConv2DOp>(op))
      r = sc->hasAttr(attr::kFused) ? lowerBottleneck(sc)
                                    : lowerSpatialConv(sc);
    else if (auto f = dyn_cast<spectral::FullyConnectedOp>(op))
      r = lowerFc(f);
    else if (auto p = dyn_cast<spectral::Pool2DOp>(op))
      r = lowerPool(p);
    else if (auto a = dyn_cast<spectral::AddOp>(op))
      r = lowerAdd(a);
    else if (auto c = dyn_cast<spectral::ClampOp>(op))
      r = lowerClamp(c);
    else if (auto act = dyn_cast<spectral::ActivationOp>(op))
      r = lowerActivation(act);
    else if (auto sm = dyn_cast<spectral::SoftmaxOp>(op))
      r = lowerSoftmax(sm);
    else if (auto c = dyn_cast<spectral::ConcatOp>(op))
      r = lowerConcat(c);
    else if (auto sl = dyn_cast<spectral::SliceOp>(op))
      r = lowerSlice(sl);
    else if (auto pc = dyn_cast<spectral::PermuteChannelsOp>(op))
      r = lowerPermuteChannels(pc);
    if (failed(r))
      return failure();
  }

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto a = activationOf(v, ret);
    if (failed(a))
      return failure();
    std::string name = "output" + std::to_string(i);
    if (auto n = func.getResultAttrOfType<StringAttr>(i, "onnx.name"))
      name = n.getValue().str();
    if (a->frac < -128 || a->frac > 127)
      return ret.emitError("output format out of range");
    addTensor("output", name, *a);
  }
  beginLayer(func);
  pb.finish();
  if (failed(emitInstructions()))
    return failure();
  program.setDramBytes(std::max<int64_t>(dramTop, 64));
  numInsns = unsigned(pb.program().size());
  return success();
}

struct SpectralToOverlayPass
    : impl::SpectralToOverlayBase<SpectralToOverlayPass> {
  using SpectralToOverlayBase::SpectralToOverlayBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main) {
      module.emitError("spec2-spectral-to-overlay needs a function @main");
      return signalPassFailure();
    }
    auto cfg = targetOf(module);
    if (!cfg)
      return signalPassFailure();
    Lowering lowering(module, main, *cfg);
    unsigned n = 0;
    if (failed(lowering.run(n)))
      return signalPassFailure();
    numInsns = n;
    main.erase();
  }
};

} // namespace
} // namespace spec2
