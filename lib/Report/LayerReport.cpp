//===- LayerReport.cpp - Per-layer figures of a spectral module -----------===//
#include "spec2/Report/LayerReport.h"
#include "Spec2/Spec2Dialect.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/BottleneckSchedule.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Scheduling/SpatialKer.h"
#include "spec2/Scheduling/SpatialSchedule.h"
#include "spec2/Target/TargetAttr.h"
#include "spec2/Support/Constants.h"
#include "spec2/Support/LayerName.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace spec2 {

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The report keys of an inverted-residual block's ops: on its first conv
/// (spec2.fused_cost) the block's modeled figures fused and layer by layer
/// and whether it runs fused; on the other ops of a fused block the name of
/// the layer whose row has them. `fusedInto` collects the latter.
std::optional<llvm::json::Object>
bottleneckRow(Operation *op, llvm::DenseMap<Operation *, std::string> &fusedInto) {
  if (auto it = fusedInto.find(op); it != fusedInto.end())
    return llvm::json::Object{{"fused_into", it->second}};
  auto cost = op->getAttrOfType<DictionaryAttr>(attr::kFusedCost);
  auto head = dyn_cast<spectral::SpatialConv2DOp>(op);
  if (!cost || !head)
    return std::nullopt;
  auto get = [&](StringRef key) {
    auto i = cost.getAs<IntegerAttr>(key);
    return i ? i.getInt() : int64_t(0);
  };
  const bool fused = op->hasAttr(attr::kFused);
  llvm::json::Array members;
  if (std::optional<BottleneckOps> block = matchBottleneck(head))
    for (Operation *m : block->ops()) {
      members.push_back(layerName(m));
      if (fused && m != op)
        fusedInto[m] = layerName(op);
    }
  llvm::json::Object b{{"fused", fused},
                       {"layers", std::move(members)},
                       {"cycles", get("cycles")},
                       {"cycles_unfused", get("cycles_unfused")},
                       {"ddr_bytes", get("ddr_bytes")},
                       {"ddr_bytes_unfused", get("ddr_bytes_unfused")},
                       {"ddr_bytes_saved",
                        fused ? get("ddr_bytes_unfused") - get("ddr_bytes")
                              : int64_t(0)}};
  if (auto t = op->getAttrOfType<DenseI64ArrayAttr>(attr::kFused);
      t && t.size() == 4)
    b["tiling"] = llvm::json::Object{{"rows", t[0]},
                                     {"double_buffered", t[1] != 0},
                                     {"resident", t[2] != 0},
                                     {"split", t[3]}};
  return llvm::json::Object{{"bottleneck", std::move(b)}};
}
} // namespace

llvm::json::Object buildLayerReport(func::FuncOp func) {
  llvm::json::Array layers;
  int64_t totWeights = 0, totNonzeros = 0, totDense = 0, totExec = 0,
          totBytes = 0, totFcWeights = 0, totFcNonzeros = 0,
          totSpatialWeights = 0, totSpatialNonzeros = 0, numFused = 0,
          fusedSaved = 0;
  llvm::DenseMap<Operation *, std::string> fusedInto;
  func.walk([&](Operation *op) {
    // spectral_*: spectral conv weights only; fc_*: fully-connected weights.
    int64_t weights = 0, nonzeros = 0, fcWeights = 0, fcNonzeros = 0;
    int64_t macsDense = 0, macsExec = 0, bytes = 0, spatialMacs = 0;
    int64_t spatialWeights = 0, spatialNonzeros = 0, keptPerBlock = 0;
    std::string kind;
    if (auto conv = dyn_cast<spectral::Conv2DOp>(op)) {
      kind = "spectral_conv";
      const int64_t bins = spectral::independentBins(conv.getFftSize());
      const int64_t pairs = conv.getOutChannels() * conv.getInChannels();
      const int64_t tile = conv.getTileSize();
      auto in = conv.getInput().getType();
      const int64_t tiles =
          ceilDiv(in.getDimSize(2), tile) * ceilDiv(in.getDimSize(3), tile);
      weights = pairs * bins;
      nonzeros = pairs * conv.getNnz();
      if (auto b = readNumbers(conv.getBins())) // absent slots (-1) aside
        nonzeros = std::count_if(b->begin(), b->end(),
                                 [](double v) { return v >= 0; });
      macsDense = tiles * weights;
      macsExec = tiles * nonzeros;
      auto out = conv.getOutput().getType();
      spatialMacs = pairs * conv.getKernel()[0] * conv.getKernel()[1] *
                    out.getDimSize(2) * out.getDimSize(3);
      // KER entries {re, im, bin} and int32 biases.
      bytes = nonzeros * 6 + conv.getOutChannels() * 4;
    } else if (auto conv = dyn_cast<spectral::SpatialConv2DOp>(op)) {
      kind = "spatial_conv";
      const SpatialGeometry g = SpatialGeometry::of(conv);
      const int64_t dim = g.cpg() * g.kh * g.kw;
      spatialWeights = g.cout * dim;
      macsDense = g.macs();
      macsExec = g.validMacs(); // padded taps are skipped, not multiplied
      // The lane-block entries the KER lists keep (SpatialKer.h), times
      // their lanes: what the engine multiplies.
      spatialNonzeros = spatialWeights;
      keptPerBlock = dim;
      auto w = readNumbers(conv.getWeights());
      auto cfg = targetOf(op);
      if (w && cfg) {
        const int64_t lanes = cfg->config.convPout;
        const SpatialKept kept = SpatialKept::ofWeights(g, lanes, *w);
        if (!kept.dense()) {
          spatialNonzeros = 0;
          keptPerBlock = 0;
          for (int64_t co = 0; co < g.cout; ++co)
            for (int64_t r = 0; r < dim; ++r)
              spatialNonzeros += kept.kept(co / lanes, r);
          for (int64_t b = 0; b < kept.blocks; ++b) {
            int64_t n = 0;
            for (int64_t r = 0; r < dim; ++r)
              n += kept.kept(b, r);
            keptPerBlock = std::max(keptPerBlock, n);
          }
          // Per kept tap, the outputs whose tap falls inside the input.
          auto inside = [](int64_t outs, int64_t stride, int64_t pad,
                           int64_t at, int64_t size) {
            int64_t n = 0;
            for (int64_t o = 0; o < outs; ++o)
              n += o * stride - pad + at >= 0 && o * stride - pad + at < size;
            return n;
          };
          macsExec = 0;
          for (int64_t co = 0; co < g.cout; ++co)
            for (int64_t r = 0; r < dim; ++r)
              if (kept.kept(co / lanes, r))
                macsExec += inside(g.ho, g.sy, g.pt, r / g.kw % g.kh * g.dy, g.h) *
                            inside(g.wo, g.sx, g.pl, r % g.kw * g.dx, g.w);
        }
      }
      // int16 weights (with a uint16 index each when pruned), int32 biases.
      bytes = spatialNonzeros * (spatialNonzeros < spatialWeights ? 4 : 2) +
              g.cout * 4;
    } else if (llvm::isa<spectral::ChannelAffineOp, spectral::ChannelMulOp>(
                   op)) {
      // One product per element on the vector unit; an affine's constants
      // are {int16 scale, int32 shift} pairs of 8 bytes per channel.
      const bool affine = llvm::isa<spectral::ChannelAffineOp>(op);
      kind = affine ? "channel_affine" : "channel_mul";
      auto t = cast<RankedTensorType>(op->getResult(0).getType());
      macsDense = macsExec = t.getNumElements();
      bytes = affine ? t.getDimSize(1) * 8 : 0;
    } else if (auto fc = dyn_cast<spectral::FullyConnectedOp>(op)) {
      kind = "fully_connected";
      auto values = cast<ShapedType>(fc.getValues().getType());
      const int64_t rows = values.getDimSize(0);
      fcWeights = rows * fc.getInput().getType().getNumElements();
      fcNonzeros = rows * values.getDimSize(1);
      macsDense = fcWeights;
      macsExec = fcNonzeros;
      bytes = fcNonzeros * 4 + rows * 4; // {value, column} entries, biases
    } else if (llvm::isa<spectral::Pool2DOp, spectral::AddOp, spectral::ClampOp,
                         spectral::ActivationOp, spectral::ConcatOp,
                         spectral::SliceOp, spectral::PermuteChannelsOp,
                         spectral::SoftmaxOp>(op)) {
      kind = llvm::isa<spectral::Pool2DOp>(op)       ? "pool"
             : llvm::isa<spectral::SoftmaxOp>(op)    ? "softmax"
             : llvm::isa<spectral::AddOp>(op)        ? "add"
             : llvm::isa<spectral::ClampOp>(op)      ? "clamp"
             : llvm::isa<spectral::ConcatOp>(op)     ? "concat"
             : llvm::isa<spectral::SliceOp>(op)      ? "slice"
             : llvm::isa<spectral::PermuteChannelsOp>(op) ? "permute_channels"
                                                     : "activation";
    } else {
      return;
    }
    totWeights += weights;
    totNonzeros += nonzeros;
    totFcWeights += fcWeights;
    totFcNonzeros += fcNonzeros;
    totSpatialWeights += spatialWeights;
    totSpatialNonzeros += spatialNonzeros;
    totDense += macsDense;
    totExec += macsExec;
    totBytes += bytes;
    llvm::json::Object row{
        {"name", layerName(op)},       {"kind", kind},
        {"spectral_weights", weights}, {"spectral_nonzeros", nonzeros},
        {"fc_weights", fcWeights},     {"fc_nonzeros", fcNonzeros},
        {"macs_dense", macsDense},     {"macs_executed", macsExec},
        {"weight_bytes", bytes}};
    if (weights > 0) {
      row["sparsity"] = 1.0 - double(nonzeros) / double(weights);
      // Real multiply-accumulates of the same layer done directly (spatial,
      // dense): the baseline the spectral-sparse path has to beat.
      row["spatial_macs"] = spatialMacs;
    }
    if (spatialWeights > 0) {
      row["spatial_weights"] = spatialWeights;
      row["spatial_nonzeros"] = spatialNonzeros;
      row["sparsity"] = 1.0 - double(spatialNonzeros) / double(spatialWeights);
      row["lane_block_entries"] = keptPerBlock;
      row["spatial_macs"] = macsDense; // the dense count, as for spectral convs
    }
    // What spec2-choose-engine chose, and what each engine would cost.
    if (auto e = op->getAttrOfType<StringAttr>(attr::kEngine))
      row["engine"] = e.getValue().str();
    else if (kind == "spectral_conv" || kind == "spatial_conv")
      row["engine"] = kind == "spectral_conv" ? "spectral" : "spatial";
    if (auto costs = op->getAttrOfType<DictionaryAttr>(attr::kEngineCycles)) {
      llvm::json::Object cycles;
      for (NamedAttribute e : costs)
        if (auto i = dyn_cast<IntegerAttr>(e.getValue()))
          cycles[e.getName().str()] = i.getInt();
      row["engine_cycles"] = std::move(cycles);
    }
    if (auto block = bottleneckRow(op, fusedInto)) {
      if (auto *b = block->getObject("bottleneck"))
        if (b->getBoolean("fused").value_or(false)) {
          ++numFused;
          fusedSaved += b->getInteger("ddr_bytes_saved").value_or(0);
        }
      for (auto &kv : *block)
        row[kv.first] = std::move(kv.second);
    }
    if (auto t = op->getAttrOfType<DenseI64ArrayAttr>(attr::kSpatialTiling);
        t && t.size() == 3)
      row["tiling"] = llvm::json::Object{{"rows", t[0]},
                                         {"double_buffered", t[1] != 0},
                                         {"chain", t[2] != 0}};
    // What spec2-select-dataflow chose and what the alternatives cost.
    if (auto flow = op->getAttrOfType<StringAttr>(attr::kDataflow))
      row["dataflow"] = flow.getValue().str();
    auto tilingAttr = op->getAttrOfType<DenseI64ArrayAttr>(attr::kTiling);
    if (auto t = tilingAttr ? tilingFromArray(tilingAttr.asArrayRef())
                            : std::nullopt) {
      row["tiling"] = llvm::json::Object{{"rows", t->rows},
                                         {"co_block", t->coBlock},
                                         {"ci_block", t->ciBlock},
                                         {"double_buffered", t->doubleBuffered},
                                         {"oacc_halves", t->oaccHalves},
                                         {"whole_input", t->wholeInput},
                                         {"carry", t->carry}};
      auto conv = cast<spectral::Conv2DOp>(op);
      row["channel_blocks"] = ceilDiv(conv.getOutChannels(), t->coBlock) *
                              ceilDiv(conv.getInChannels(), t->ciBlock);
    }
    // spec2-schedule-banks' figures for one input tile of the whole layer.
    for (auto [attr, key] :
         {std::pair{attr::kBankStalls, "bank_stalls_per_tile"},
          std::pair{attr::kBankStallsNaive, "bank_stalls_per_tile_naive"}})
      if (auto a = op->getAttrOfType<IntegerAttr>(attr))
        row[key] = a.getInt();
    if (auto costs =
            op->getAttrOfType<DictionaryAttr>(attr::kDataflowCosts)) {
      llvm::json::Object alternatives;
      for (NamedAttribute flow : costs) {
        llvm::json::Object c;
        if (auto d = dyn_cast<DictionaryAttr>(flow.getValue()))
          for (NamedAttribute f : d)
            if (auto i = dyn_cast<IntegerAttr>(f.getValue()))
              c[f.getName().str()] = i.getInt();
        alternatives[flow.getName().str()] = std::move(c);
      }
      row["dataflow_alternatives"] = std::move(alternatives);
    }
    layers.push_back(std::move(row));
  });
  return llvm::json::Object{
      {"layers", std::move(layers)},
      {"total",
       llvm::json::Object{
           {"spectral_weights", totWeights},
           {"spectral_nonzeros", totNonzeros},
           {"spectral_sparsity",
            totWeights ? 1.0 - double(totNonzeros) / double(totWeights) : 0.0},
           {"fc_weights", totFcWeights},
           {"fc_nonzeros", totFcNonzeros},
           {"spatial_weights", totSpatialWeights},
           {"spatial_nonzeros", totSpatialNonzeros},
           {"spatial_sparsity",
            totSpatialWeights
                ? 1.0 - double(totSpatialNonzeros) / double(totSpatialWeights)
                : 0.0},
           {"macs_dense", totDense},
           {"macs_executed", totExec},
           {"weight_bytes", totBytes},
           {"fused_blocks", numFused},
           {"fused_ddr_bytes_saved", fusedSaved}}}};
}

} // namespace spec2
