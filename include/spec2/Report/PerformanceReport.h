//===- PerformanceReport.h - What the overlay will do, per layer -*- C++ -*-===//
//
// The second half of `spec2c --report`: the compiled program run through the
// cost model (lib/CostModel, whose figures the C-simulation's counters
// match), its instructions attributed to the layers they implement, and the
// overlay's resources.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REPORT_PERFORMANCEREPORT_H
#define SPEC2_REPORT_PERFORMANCEREPORT_H

#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/Program.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace spec2 {

/// The layer (ONNX node name) of every instruction of the module's
/// ovl.program, in program order.
std::vector<std::string> instructionLayers(mlir::ModuleOp module);

/// Adds the modeled performance of `prog` to `report` (as built by
/// buildLayerReport): per layer `modeled_cycles` (its share of the
/// timeline), `ddr_bytes`, `mac_cycles`, `bank_conflict_stalls`,
/// `dsp_utilization` (convolutions: executed complex MACs per MAC lane-cycle),
/// and in `total`: `modeled_cycles, modeled_ms, ddr_bytes, mac_cycles,
/// bank_conflict_stalls, conv_dsp_utilization, dsp_used, dsp_available,
/// clock_mhz, ddr_gb_per_s, onchip_bytes_used, onchip_bytes_available`.
void addPerformance(llvm::json::Object &report, const Program &prog,
                    const std::vector<std::string> &layers,
                    const NamedOverlayConfig &cfg);

} // namespace spec2

#endif
