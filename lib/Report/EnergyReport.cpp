//===- EnergyReport.cpp - Modeled energy per layer and in total -----------===//
#include "spec2/Report/EnergyReport.h"

#include "spec2/CostModel/EnergyModel.h"

#include "llvm/ADT/StringMap.h"

namespace spec2 {

namespace {
/// Dense operations of a report row: two per multiply-accumulate of the
/// layer done directly (conv) or of its full weight matrix (FC), the count
/// the papers' GOP/s figures use.
double denseOps(const llvm::json::Object &row) {
  double macs = 0;
  for (const char *key : {"spatial_macs", "fc_weights"})
    if (auto v = row.getInteger(key))
      macs += double(*v);
  return 2 * macs;
}

llvm::json::Object energyObject(const cost::EnergySummary &s,
                                const cost::EnergyModel &model, double ops,
                                const cost::Activity &activity) {
  const cost::Energy &e = s.energy;
  llvm::json::Object byMemory;
  for (unsigned m = 0; m < cost::kNumMemories; ++m)
    if (activity.accesses[m])
      byMemory[cost::memoryName(m)] =
          double(activity.accesses[m]) * model.accessJoules(m) * 1e3;
  return llvm::json::Object{
      {"total_mj", e.total() * 1e3},
      {"compute_mj", e.compute * 1e3},
      {"onchip_mj", e.onchip * 1e3},
      {"ddr_mj", e.ddr * 1e3},
      {"static_mj", e.stat * 1e3},
      {"static_w", model.staticWatts()},
      {"average_power_w", s.averageWatts},
      {"ops", ops},
      {"gop_per_s", s.gopPerS},
      {"gop_per_s_per_w", s.gopPerSPerWatt},
      {"onchip_mj_by_memory", std::move(byMemory)},
      {"estimate", "not measured: per-operation energies from published "
                   "figures scaled to 16 nm, see docs/energy.md"}};
}
} // namespace

void addEnergy(llvm::json::Object &report, const Program &prog,
               const std::vector<std::string> &layers,
               const NamedOverlayConfig &cfg) {
  const cost::EnergyModel model(cfg.config);
  cost::Activity total;
  llvm::StringMap<cost::Energy> perLayer;
  for (size_t i = 0; i < prog.insns.size(); ++i) {
    const cost::Activity a = model.activity(prog.insns[i]);
    total += a;
    if (i < layers.size())
      perLayer[layers[i]] += model.dynamic(a);
  }
  double ops = 0;
  if (llvm::json::Array *rows = report.getArray("layers"))
    for (llvm::json::Value &v : *rows) {
      llvm::json::Object &row = *v.getAsObject();
      ops += denseOps(row);
      cost::Energy e = perLayer.lookup(*row.getString("name"));
      if (auto cycles = row.getInteger("modeled_cycles"))
        e.stat = model.staticWatts() * model.seconds(uint64_t(*cycles));
      row["energy_modeled_uj"] = e.total() * 1e6;
    }
  llvm::json::Object &tot = *report.getObject("total");
  const uint64_t cycles = uint64_t(tot.getInteger("modeled_cycles").value_or(0));
  cost::Energy e = model.dynamic(total);
  e.stat = model.staticWatts() * model.seconds(cycles);
  const cost::EnergySummary s =
      cost::summarize(e, model.seconds(cycles), ops);
  tot["energy"] = energyObject(s, model, ops, total);
}

} // namespace spec2
