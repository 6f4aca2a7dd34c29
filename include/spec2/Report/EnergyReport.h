//===- EnergyReport.h - Modeled energy per layer and in total ---*- C++ -*-===//
//
// The energy part of `spec2c --report`: cost::EnergyModel's estimate of one
// inference of the compiled program, attributed to the layers the way
// addPerformance attributes cycles, with its coefficients marked as
// estimates (docs/energy.md).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REPORT_ENERGYREPORT_H
#define SPEC2_REPORT_ENERGYREPORT_H

#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/Program.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace spec2 {

/// Adds to `report`, after addPerformance has filled it: per layer
/// `energy_modeled_uj` (its instructions' dynamic energy plus static power
/// over its `modeled_cycles`), and `total.energy` {`total_mj, compute_mj,
/// onchip_mj, ddr_mj, static_mj, static_w, average_power_w, ops, gop_per_s,
/// gop_per_s_per_w, onchip_mj_by_memory, estimate`}. `ops` is twice the
/// dense multiply-accumulates of the layers (`spatial_macs`, `fc_weights`).
void addEnergy(llvm::json::Object &report, const Program &prog,
               const std::vector<std::string> &layers,
               const NamedOverlayConfig &cfg);

} // namespace spec2

#endif
