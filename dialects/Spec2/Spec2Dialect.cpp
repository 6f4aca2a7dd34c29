//===- Spec2Dialect.cpp - The spec2.* attributes and their verifier -------===//
#include "Spec2/Spec2Dialect.h"

#include "spec2/Target/TargetAttr.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;

#include "Spec2/Spec2Dialect.cpp.inc"

namespace spec2 {

void Spec2Dialect::initialize() {
  // TargetAttr.h (below the dialects) names the attribute declared here.
  assert(kTargetAttrName == attr::kTarget && "one name for spec2.target");
}

llvm::StringRef dataflowName(Dataflow d) {
  return d == Dataflow::KernelReuse ? "kernel_reuse" : "activation_reuse";
}

std::optional<Dataflow> parseDataflow(llvm::StringRef name) {
  for (Dataflow d : kDataflows)
    if (dataflowName(d) == name)
      return d;
  return std::nullopt;
}

llvm::StringRef convEngineName(ConvEngine e) {
  return e == ConvEngine::Spatial ? "spatial" : "spectral";
}

std::optional<ConvEngine> parseConvEngine(llvm::StringRef name) {
  for (ConvEngine e : kConvEngines)
    if (convEngineName(e) == name)
      return e;
  return std::nullopt;
}

namespace {

/// A tiling array: rows, co block, ci block (positive), then up to four 0/1
/// flags (ConvTiling).
bool isTiling(Attribute a) {
  auto t = llvm::dyn_cast<DenseI64ArrayAttr>(a);
  if (!t || t.size() < 3 || t.size() > 7)
    return false;
  for (int64_t i = 0; i < t.size(); ++i)
    if (i < 3 ? t[i] < 1 : (t[i] != 0 && t[i] != 1))
      return false;
  return true;
}

/// Why `a` is not a valid value of the declared attribute `name`, or "".
std::string checkValue(StringRef name, Attribute a) {
  auto is = [&](bool ok, StringRef what) {
    return ok ? std::string() : ("must be " + what).str();
  };
  if (name == attr::kAbsmax || name == attr::kAbsmaxPre)
    return is(llvm::isa<FloatAttr>(a), "a float");
  if (name == attr::kLevelSparsity) {
    auto f = llvm::dyn_cast<FloatAttr>(a);
    return is(f && f.getValueAsDouble() >= 0 && f.getValueAsDouble() < 1,
              "a float in [0, 1)");
  }
  if (name == attr::kTileCovariance || name == attr::kInputCovariance ||
      name == attr::kLaneOrder || name == attr::kLevelBase)
    return is(llvm::isa<ElementsAttr>(a), "an elements attribute");
  if (name == attr::kFrac || name == attr::kMacSteps ||
      name == attr::kBankStalls || name == attr::kBankStallsNaive ||
      name == attr::kBankStallsBound || name == attr::kOnnxOpset)
    return is(llvm::isa<IntegerAttr>(a), "an integer");
  if (name == attr::kOnnxGraph)
    return is(llvm::isa<StringAttr>(a), "a string");
  if (name == attr::kTiling)
    return is(isTiling(a), "array<i64: rows, co_block, ci_block[, 0/1 "
                           "flags...]> with at most 7 entries");
  if (name == attr::kDataflow) {
    auto s = llvm::dyn_cast<StringAttr>(a);
    return is(s && parseDataflow(s.getValue()),
              "\"activation_reuse\" or \"kernel_reuse\"");
  }
  if (name == attr::kTilings) {
    auto d = llvm::dyn_cast<DictionaryAttr>(a);
    bool ok = bool(d);
    for (NamedAttribute n : d ? d.getValue() : ArrayRef<NamedAttribute>())
      ok &= parseDataflow(n.getName().getValue()) && isTiling(n.getValue());
    return is(ok, "a dictionary from dataflow names to tilings");
  }
  if (name == attr::kDataflowCosts) {
    auto d = llvm::dyn_cast<DictionaryAttr>(a);
    bool ok = bool(d);
    for (NamedAttribute n : d ? d.getValue() : ArrayRef<NamedAttribute>())
      ok &= parseDataflow(n.getName().getValue()) &&
            llvm::isa<DictionaryAttr>(n.getValue());
    return is(ok, "a dictionary from dataflow names to cost dictionaries");
  }
  if (name == attr::kSpatialTiling) {
    auto t = llvm::dyn_cast<DenseI64ArrayAttr>(a);
    return is(t && t.size() == 3 && t[0] >= 1 && t[1] >= 0 && t[1] <= 1 &&
                  t[2] >= 0 && t[2] <= 1,
              "array<i64: rows >= 1, double_buffered 0/1, chain 0/1>");
  }
  if (name == attr::kFused) {
    auto t = llvm::dyn_cast<DenseI64ArrayAttr>(a);
    return is(t && t.size() == 4 && t[0] >= 1 && t[1] >= 0 && t[1] <= 1 &&
                  t[2] >= 0 && t[2] <= 1 && t[3] >= 1 && t[3] <= 8,
              "array<i64: rows >= 1, double_buffered 0/1, resident 0/1, "
              "split 1..8>");
  }
  if (name == attr::kFusedCost) {
    auto d = llvm::dyn_cast<DictionaryAttr>(a);
    bool ok = d && d.size() == 4;
    for (StringRef key :
         {"cycles", "ddr_bytes", "cycles_unfused", "ddr_bytes_unfused"})
      ok = ok && llvm::isa_and_nonnull<IntegerAttr>(d.get(key));
    return is(ok, "{cycles, ddr_bytes, cycles_unfused, ddr_bytes_unfused} "
                  "integers");
  }
  if (name == attr::kEngine) {
    auto s = llvm::dyn_cast<StringAttr>(a);
    return is(s && parseConvEngine(s.getValue()), "\"spectral\" or \"spatial\"");
  }
  if (name == attr::kEngineCycles) {
    auto d = llvm::dyn_cast<DictionaryAttr>(a);
    bool ok = bool(d);
    for (NamedAttribute n : d ? d.getValue() : ArrayRef<NamedAttribute>())
      ok &= parseConvEngine(n.getName().getValue()) &&
            llvm::isa<IntegerAttr>(n.getValue());
    return is(ok, "a dictionary from engine names to cycle counts");
  }
  if (name == attr::kTarget) {
    auto cfg = readTargetAttr(a);
    return cfg ? std::string() : llvm::toString(cfg.takeError());
  }
  return "is not an attribute of spec2 (see dialects/Spec2/Spec2Dialect.td)";
}

LogicalResult verify(Operation *op, NamedAttribute a, StringRef where) {
  const std::string why = checkValue(a.getName().getValue(), a.getValue());
  if (why.empty())
    return success();
  return op->emitError() << "'" << a.getName().getValue() << "'" << where
                         << ": " << why;
}

} // namespace

LogicalResult Spec2Dialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute a) {
  return verify(op, a, "");
}

LogicalResult Spec2Dialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned region,
                                                     unsigned arg,
                                                     NamedAttribute a) {
  if (a.getName() != attr::kAbsmax && a.getName() != attr::kFrac)
    return op->emitError() << "'" << a.getName().getValue()
                           << "' is not an argument attribute of spec2";
  return verify(op, a, " of argument " + std::to_string(arg));
}

} // namespace spec2
