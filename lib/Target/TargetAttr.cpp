//===- TargetAttr.cpp - The overlay configuration on the module -----------===//
#include "spec2/Target/TargetAttr.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/JSON.h"

using namespace mlir;

namespace spec2 {

DictionaryAttr makeTargetAttr(MLIRContext *ctx,
                              const NamedOverlayConfig &target) {
  Builder b(ctx);
  // Nested as in the file: "buffers.ker" is ker in the buffers dictionary.
  llvm::StringMap<SmallVector<NamedAttribute>> nested;
  SmallVector<StringRef> groups;
  SmallVector<NamedAttribute> top{
      b.getNamedAttr("name", b.getStringAttr(target.name)),
      b.getNamedAttr("hash", b.getI64IntegerAttr(int64_t(target.hash)))};
  for (const OverlayConfigKey &k : overlayConfigKeys()) {
    auto [group, key] = k.key.split('.');
    auto value = b.getI64IntegerAttr(int64_t(target.config.*k.member));
    if (key.empty()) {
      top.push_back(b.getNamedAttr(group, value));
      continue;
    }
    if (!nested.count(group))
      groups.push_back(group);
    nested[group].push_back(b.getNamedAttr(key, value));
  }
  for (StringRef g : groups)
    top.push_back(b.getNamedAttr(g, b.getDictionaryAttr(nested[g])));
  return b.getDictionaryAttr(top);
}

namespace {

/// The attribute as the JSON value a configuration file would hold.
std::optional<llvm::json::Value> toJson(Attribute a) {
  if (auto d = llvm::dyn_cast<DictionaryAttr>(a)) {
    llvm::json::Object o;
    for (NamedAttribute n : d) {
      auto v = toJson(n.getValue());
      if (!v)
        return std::nullopt;
      o[n.getName().getValue()] = std::move(*v);
    }
    return llvm::json::Value(std::move(o));
  }
  if (auto i = llvm::dyn_cast<IntegerAttr>(a))
    return llvm::json::Value(i.getValue().getSExtValue());
  if (auto s = llvm::dyn_cast<StringAttr>(a))
    return llvm::json::Value(s.getValue().str());
  return std::nullopt;
}

} // namespace

llvm::Expected<NamedOverlayConfig> readTargetAttr(Attribute attr) {
  auto dict = llvm::dyn_cast_or_null<DictionaryAttr>(attr);
  auto hash = dict ? dict.getAs<IntegerAttr>("hash") : IntegerAttr();
  if (!dict || !hash)
    return llvm::createStringError(
        "spec2.target must be a dictionary with a name, a hash and the "
        "configuration's fields");
  // Validated exactly as a configuration file: the same keys and ranges.
  DictionaryAttr fields = DictionaryAttr::get(
      dict.getContext(),
      llvm::to_vector(llvm::make_filter_range(dict, [](NamedAttribute n) {
        return n.getName() != "hash";
      })));
  auto json = toJson(fields);
  if (!json)
    return llvm::createStringError(
        "spec2.target holds a value that is not an integer, a string or a "
        "dictionary");
  std::string text;
  llvm::raw_string_ostream(text) << *json;
  auto cfg = parseOverlayConfig(text, "spec2.target");
  if (!cfg)
    return cfg.takeError();
  if (int64_t(cfg->hash) != hash.getValue().getSExtValue())
    return llvm::createStringError(
        "spec2.target: the hash does not match the configuration's fields");
  return cfg;
}

std::optional<NamedOverlayConfig> targetOf(Operation *op) {
  auto module = llvm::isa<ModuleOp>(op) ? llvm::cast<ModuleOp>(op)
                                  : op->getParentOfType<ModuleOp>();
  Attribute attr = module ? module->getAttr(kTargetAttrName) : Attribute();
  if (!attr) {
    op->emitError("no overlay target: run spec2-set-target first "
                  "(spec2c --target)");
    return std::nullopt;
  }
  auto cfg = readTargetAttr(attr);
  if (!cfg) {
    op->emitError() << llvm::toString(cfg.takeError());
    return std::nullopt;
  }
  return std::move(*cfg);
}

} // namespace spec2
