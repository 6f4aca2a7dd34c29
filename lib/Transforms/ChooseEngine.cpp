//===- ChooseEngine.cpp - Per conv, the engine with the fewest cycles -----===//
//
// A thin pass over lib/Scheduling/EngineChoice.cpp: the TOSA convs' shapes
// in, spec2.engine and spec2.engine_cycles out (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"
#include "Spec2/Spec2Dialect.h"

#include "spec2/Scheduling/EngineChoice.h"
#include "spec2/Support/LayerName.h"
#include "spec2/Target/TargetAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <array>
#include <map>

namespace spec2 {
#define GEN_PASS_DEF_CHOOSEENGINE
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

/// The NCHW geometry of a static batch-1 TOSA conv (NHWC, weights OHWI, or
/// [kh, kw, C, M] for depthwise), or nothing.
template <typename ConvOp>
std::optional<SpatialGeometry> geometryOf(ConvOp op, bool depthwise) {
  auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
  auto w = dyn_cast<RankedTensorType>(op.getWeight().getType());
  auto out = dyn_cast<RankedTensorType>(op.getResult().getType());
  if (!in || !w || !out || !in.hasStaticShape() || !w.hasStaticShape() ||
      !out.hasStaticShape() || in.getRank() != 4 || in.getDimSize(0) != 1)
    return std::nullopt;
  ArrayRef<int64_t> pad = op.getPad(); // top, bottom, left, right
  SpatialGeometry g{};
  g.cin = in.getDimSize(3);
  g.h = in.getDimSize(1);
  g.w = in.getDimSize(2);
  g.cout = out.getDimSize(3);
  g.ho = out.getDimSize(1);
  g.wo = out.getDimSize(2);
  g.kh = w.getDimSize(depthwise ? 0 : 1);
  g.kw = w.getDimSize(depthwise ? 1 : 2);
  g.sy = op.getStride()[0];
  g.sx = op.getStride()[1];
  g.dy = op.getDilation()[0];
  g.dx = op.getDilation()[1];
  g.pt = pad[0];
  g.pl = pad[2];
  g.group = depthwise ? g.cin : 1;
  return g;
}

/// A group of the importer's grouped-conv chain: a conv of a channel slice
/// whose only user is a concat.
bool isGroupOfChain(tosa::Conv2DOp op) {
  return op.getInput().getDefiningOp<tosa::SliceOp>() && op->hasOneUse() &&
         llvm::isa<tosa::ConcatOp>(*op->getUsers().begin());
}

/// Parses "NAME=E[,NAME=E...]".
FailureOr<llvm::StringMap<ConvEngine>> parseLayerEngines(Operation *where,
                                                     StringRef text) {
  llvm::StringMap<ConvEngine> m;
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [name, value] = item.rsplit('=');
    auto e = parseConvEngine(value.trim());
    if (name.trim().empty() || !e)
      return where->emitError("layer-engine: '")
             << item << "' is not NAME=E with E spectral or spatial";
    m[name.trim()] = *e;
  }
  return m;
}

struct ChooseEnginePass : impl::ChooseEngineBase<ChooseEnginePass> {
  using ChooseEngineBase::ChooseEngineBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto cfg = targetOf(func);
    if (!cfg)
      return signalPassFailure();
    std::optional<ConvEngine> global;
    if (engine != "auto") {
      global = parseConvEngine(engine);
      if (!global) {
        func.emitError("engine must be auto, spectral or spatial, got '")
            << engine << "'";
        return signalPassFailure();
      }
    }
    if (!(sparsity >= 0.0 && sparsity < 1.0)) {
      func.emitError("sparsity must be in [0, 1), got ") << sparsity;
      return signalPassFailure();
    }
    auto forced = parseLayerEngines(func, layerEngine);
    if (failed(forced))
      return signalPassFailure();
    // The fractions spec2-prune-spectral will prune (it checks the text).
    llvm::StringMap<double> layerFraction;
    {
      SmallVector<StringRef> items;
      StringRef(layerSparsity).split(items, ',', -1, /*KeepEmpty=*/false);
      for (StringRef item : items) {
        auto [name, value] = item.rsplit('=');
        double r;
        if (!value.trim().getAsDouble(r) && r >= 0.0 && r < 1.0)
          layerFraction[name.trim()] = r;
      }
    }

    llvm::StringSet<> seen;
    std::string names;
    // Both engines' searches per distinct layer shape: the blocks of a
    // ResNet repeat the same few convs (ResNet-50: 53 convs, 23 shapes).
    using Key = std::pair<std::array<int64_t, 15>, double>;
    std::map<Key, std::vector<EngineOption>> searched;
    auto place = [&](Operation *op, const SpatialGeometry &g) -> LogicalResult {
      const std::string name = layerName(op);
      if (seen.insert(name).second)
        names += (names.empty() ? "" : ", ") + name;
      auto fraction = layerFraction.find(name);
      const double r =
          fraction != layerFraction.end() ? fraction->second : sparsity;
      const Key key{{g.cin, g.h, g.w, g.cout, g.ho, g.wo, g.kh, g.kw, g.sy,
                     g.sx, g.dy, g.dx, g.pt, g.pl, g.group},
                    r};
      auto found = searched.find(key);
      if (found == searched.end())
        found = searched.emplace(key, engineOptions(g, cfg->config, r)).first;
      const std::vector<EngineOption> &options = found->second;
      Builder b(op->getContext());
      SmallVector<NamedAttribute> cycles;
      for (const EngineOption &o : options)
        cycles.push_back(b.getNamedAttr(convEngineName(o.engine),
                                        b.getI64IntegerAttr(o.cost.cycles)));
      auto offers = [&](ConvEngine e) {
        return llvm::any_of(options,
                            [&](const EngineOption &o) { return o.engine == e; });
      };
      std::optional<ConvEngine> want = global;
      auto it = forced->find(name);
      if (it != forced->end()) {
        want = it->second;
        if (!offers(*want)) {
          const std::string why = *want == ConvEngine::Spectral
                                      ? spectralRefusal(g, cfg->config)
                                      : spatialRefusal(g, cfg->config);
          return op->emitError("layer-engine: the ")
                 << convEngineName(*want) << " engine cannot run layer '" << name
                 << "' (" << (why.empty() ? "no tiling fits" : why) << ")";
        }
      }
      std::optional<EngineOption> chosen;
      for (const EngineOption &o : options) {
        if (want && offers(*want) && o.engine != *want)
          continue;
        if (!chosen || std::make_pair(o.cost.cycles, o.cost.ddrBytes()) <
                           std::make_pair(chosen->cost.cycles,
                                          chosen->cost.ddrBytes()))
          chosen = o;
      }
      if (!chosen)
        return success(); // neither runs it: the lowering says why
      op->setAttr(attr::kEngine, b.getStringAttr(convEngineName(chosen->engine)));
      op->setAttr(attr::kEngineCycles, b.getDictionaryAttr(cycles));
      ++(chosen->engine == ConvEngine::Spatial ? numSpatial : numSpectral);
      return success();
    };

    WalkResult r = func.walk([&](Operation *op) {
      std::optional<SpatialGeometry> g;
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
        if (!isGroupOfChain(conv))
          g = geometryOf(conv, /*depthwise=*/false);
      } else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
        g = geometryOf(dw, /*depthwise=*/true);
      }
      if (!g)
        return WalkResult::advance();
      return failed(place(op, *g)) ? WalkResult::interrupt()
                                   : WalkResult::advance();
    });
    if (r.wasInterrupted())
      return signalPassFailure();
    for (const auto &f : *forced)
      if (!seen.contains(f.getKey())) {
        func.emitError("layer-engine names '")
            << f.getKey() << "', which is no conv layer of this model (convs: "
            << (names.empty() ? "none" : names) << ")";
        return signalPassFailure();
      }
  }
};

} // namespace
} // namespace spec2
