//===- PerformanceReport.cpp - Modeled cost per layer ---------------------===//
#include "spec2/Report/PerformanceReport.h"

#include "Overlay/OverlayDialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/CostModel/ResourceModel.h"
#include "spec2/Support/LayerName.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace spec2 {

std::vector<std::string> instructionLayers(ModuleOp module) {
  std::vector<std::string> layers;
  module.walk([&](Operation *op) {
    if (ovl::isInstruction(op))
      layers.push_back(layerName(op));
  });
  return layers;
}

namespace {

struct LayerCost {
  uint64_t cycles = 0, ddrBytes = 0, macCycles = 0, stalls = 0,
           sconvTiles = 0;           ///< tiles the layer's SCONVs work on
  uint64_t engine[kNumEngines] = {}; ///< busy cycles per engine
};

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

} // namespace

void addPerformance(llvm::json::Object &report, const Program &prog,
                    const std::vector<std::string> &layers,
                    const NamedOverlayConfig &cfg) {
  // Kernel loads read weight segments: look them up in place rather than
  // building the whole DRAM image.
  auto segmentBytes = [&](uint64_t addr, uint64_t bytes) -> const uint8_t * {
    for (const Segment &s : prog.segments)
      if (addr >= s.dramAddr && addr + bytes <= s.dramAddr + s.bytes.size())
        return s.bytes.data() + (addr - s.dramAddr);
    return nullptr;
  };
  cost::CycleModel model(cfg.config);
  cost::ProgramCost pc = model.estimateProgram(prog.insns, segmentBytes);

  // A layer's cycles: from the end of the previous layer's last instruction
  // to the end of its own (its loads may start earlier, under the previous
  // layer's tail), so the layers add up to the whole program.
  llvm::StringMap<LayerCost> perLayer;
  uint64_t done = 0;
  for (size_t i = 0; i < prog.insns.size() && i < layers.size(); ++i) {
    LayerCost &l = perLayer[layers[i]];
    const cost::InsnCost &c = pc.insns[i];
    l.ddrBytes += c.ddrBytes;
    l.macCycles += c.macCycles;
    l.stalls += c.bankStalls;
    for (unsigned e = 0; e < kNumEngines; ++e)
      l.engine[e] += c.engine[e];
    if (isa::getField(prog.insns[i], isa::kOpcode) == isa::kSconv)
      l.sconvTiles +=
          isa::tilesAlongX(isa::getField(prog.insns[i], isa::sconv::kNtx));
    if (pc.end[i] > done) {
      l.cycles += pc.end[i] - done;
      done = pc.end[i];
    }
  }
  const double lanes = double(cfg.config.macLanes());
  double convMacs = 0, convCycles = 0, directMacs = 0, directCycles = 0;
  // The whole network forced into one dataflow: the conv layers at that
  // dataflow's modeled traffic, the others as they are.
  llvm::StringMap<int64_t> fixedBytes;
  int64_t naiveStalls = 0;
  double spatialMacs = 0;
  if (llvm::json::Array *rows = report.getArray("layers"))
    for (llvm::json::Value &v : *rows) {
      llvm::json::Object &row = *v.getAsObject();
      const LayerCost l = perLayer.lookup(*row.getString("name"));
      row["modeled_cycles"] = int64_t(l.cycles);
      row["ddr_bytes"] = int64_t(l.ddrBytes);
      row["mac_cycles"] = int64_t(l.macCycles);
      row["bank_conflict_stalls"] = int64_t(l.stalls);
      llvm::json::Object engines;
      for (unsigned e = 0; e < kNumEngines; ++e)
        if (l.engine[e])
          engines[engineName(e)] = int64_t(l.engine[e]);
      row["engine_busy_cycles"] = std::move(engines);
      // The entries in bin order would have stalled this much: per tile as
      // the scheduler counted, times the tiles the program runs (each
      // channel block's SCONVs cover every tile once).
      auto naive = row.getInteger("bank_stalls_per_tile_naive");
      auto blocks = row.getInteger("channel_blocks");
      if (naive && blocks && *blocks > 0) {
        const int64_t n = *naive * int64_t(l.sconvTiles) / *blocks;
        row["bank_conflict_stalls_naive"] = n;
        naiveStalls += n;
      } else {
        naiveStalls += int64_t(l.stalls);
      }
      const llvm::json::Object *alts = row.getObject("dataflow_alternatives");
      for (Dataflow d : kDataflows) {
        const llvm::json::Object *a =
            alts ? alts->getObject(dataflowName(d)) : nullptr;
        fixedBytes[dataflowName(d)] += a && a->getInteger("ddr_bytes")
                                           ? *a->getInteger("ddr_bytes")
                                           : int64_t(l.ddrBytes);
      }
      if (row.getString("kind") == "spectral_conv") {
        const double macs = double(*row.getInteger("macs_executed"));
        row["dsp_utilization"] = ratio(macs, lanes * double(l.cycles));
        convMacs += macs;
        convCycles += double(l.cycles);
        if (auto m = row.getInteger("spatial_macs"))
          spatialMacs += double(*m);
      } else if (row.getString("kind") == "spatial_conv") {
        // The spatial engine's own multipliers, padded taps not counted.
        const double macs = double(*row.getInteger("macs_executed"));
        row["dsp_utilization"] =
            ratio(macs, double(cfg.config.convLanes()) * double(l.cycles));
        directMacs += macs;
        directCycles += double(l.cycles);
        spatialMacs += double(*row.getInteger("spatial_macs"));
      }
    }
  const cost::Resources res = cost::estimateResources(cfg.config);
  llvm::json::Object &total = *report.getObject("total");
  total["modeled_cycles"] = int64_t(pc.totalCycles);
  total["modeled_ms"] =
      double(pc.totalCycles) / (double(cfg.config.clockMhz) * 1e3);
  total["ddr_bytes"] = int64_t(pc.ddrBytesRead + pc.ddrBytesWritten);
  for (Dataflow d : kDataflows)
    total[("ddr_bytes_fixed_" + dataflowName(d)).str()] =
        fixedBytes.lookup(dataflowName(d));
  total["mac_cycles"] = int64_t(pc.macCycles);
  total["bank_conflict_stalls"] = int64_t(pc.bankStalls);
  total["bank_conflict_stalls_naive"] = naiveStalls;
  total["conv_dsp_utilization"] = ratio(convMacs, lanes * convCycles);
  total["spatial_dsp_utilization"] =
      ratio(directMacs, double(cfg.config.convLanes()) * directCycles);
  total["dsp_used"] = int64_t(res.dsp);
  // The same DSPs as direct (spatial, dense) int16 MACs, one per DSP per
  // cycle, never stalled: an optimistic bound for a spatial engine.
  const double ms = 1.0 / (double(cfg.config.clockMhz) * 1e3);
  total["conv_modeled_ms"] = (convCycles + directCycles) * ms;
  total["spatial_dense_baseline"] = llvm::json::Object{
      {"macs", int64_t(spatialMacs)},
      {"dsp", int64_t(res.dsp)},
      {"conv_ms", res.dsp ? spatialMacs / double(res.dsp) * ms : 0.0},
      {"assumes", "every DSP does one int16 multiply-accumulate per cycle, "
                  "no memory stalls"}};
  total["dsp_available"] = int64_t(cfg.config.deviceDsp);
  total["bram18_used"] = int64_t(res.bram18);
  total["bram18_available"] = int64_t(cfg.config.deviceBram18);
  total["uram_used"] = int64_t(res.uram);
  total["uram_available"] = int64_t(cfg.config.deviceUram);
  total["clock_mhz"] = int64_t(cfg.config.clockMhz);
  total["ddr_gb_per_s"] = double(cfg.config.ddrMbPerS) / 1000.0;
  total["onchip_bytes_used"] = int64_t(res.onchipBytesUsed());
  total["onchip_bytes_available"] =
      int64_t(cost::Resources::onchipBytesAvailable(cfg.config));
}

} // namespace spec2
