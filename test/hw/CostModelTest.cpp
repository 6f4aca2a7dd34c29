// The analytical cost model against the C-simulation's own counters on real
// instruction sequences, and the resource model against the device budgets.
#include "ConvProgram.h"
#include "SpatialProgram.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/CostModel/ResourceModel.h"
#include "spec2/sim.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::test;

namespace {

void expectModelMatchesSimulation(const char *config, unsigned keep) {
  const sim::Backend *b = sim::findBackend(config);
  ASSERT_NE(b, nullptr);
  ConvLayer layer = randomConvLayer(77);
  ConvProgram p = buildConvProgram(b->config, layer, keep);
  auto overlay = b->create();
  sim::RunOptions opts;
  opts.trace = true;
  sim::RunResult r =
      overlay->run(p.insns.data(), p.insns.size(), p.dram.bytes.data(),
                   p.dram.bytes.size(), opts);
  ASSERT_EQ(r.status, sim::Status::Ok) << r.message;

  cost::CycleModel model(b->config);
  cost::ProgramCost est = model.estimate(p.insns, [&](size_t i) {
    return model.sconvStalls(
        p.insns[i],
        p.kerBins.data() + isa::getField(p.insns[i], isa::sconv::kKerAddr));
  });
  ASSERT_FALSE(est.deadlock);
  for (const sim::InsnTrace &t : r.trace) {
    EXPECT_EQ(t.busy, est.insns[t.index].cycles)
        << config << " instruction " << t.index;
    EXPECT_EQ(t.start, est.start[t.index])
        << config << " instruction " << t.index;
    EXPECT_EQ(t.end, est.end[t.index]) << config << " instruction " << t.index;
  }
  EXPECT_EQ(r.counters.totalCycles, est.totalCycles);
  // The async FFTs run beside the SCONV before them: each starts when that
  // SCONV starts (the FFT unit is free by then), not when it ends.
  unsigned beside = 0;
  for (size_t i = 1; i < p.insns.size(); ++i)
    if (isa::ComputeIssue::isAsync(p.insns[i])) {
      EXPECT_EQ(est.start[i], est.start[i - 1]) << config << " FFT " << i;
      beside += est.start[i] < est.end[i - 1];
    }
  EXPECT_GT(beside, 0u) << config;
  for (unsigned e = 0; e < kNumEngines; ++e)
    EXPECT_EQ(r.counters.engineCycles[e], est.engine[e]) << engineName(e);
  EXPECT_EQ(r.counters.ddrBytesRead, est.ddrBytesRead);
  EXPECT_EQ(r.counters.ddrBytesWritten, est.ddrBytesWritten);
  EXPECT_EQ(r.counters.ddrBeatBytes, est.ddrBeatBytes);
  EXPECT_EQ(r.counters.bankConflictStalls, est.bankStalls);
  EXPECT_EQ(r.counters.macCycles, est.macCycles);
}

} // namespace

TEST(CostModelTest, MatchesSimulationCountersDenseSmall) {
  expectModelMatchesSimulation("small", 40);
}

TEST(CostModelTest, MatchesSimulationCountersSparseSmall) {
  // Magnitude-pruned kernels read scattered bins: bank conflicts happen and
  // both sides must count the same ones.
  expectModelMatchesSimulation("small", 11);
}

TEST(CostModelTest, MatchesSimulationCountersU200) {
  expectModelMatchesSimulation("u200", 10);
}

TEST(CostModelTest, SparseProgramHasBankConflictsToCount) {
  const sim::Backend *b = sim::findBackend("small");
  ConvProgram p = buildConvProgram(b->config, randomConvLayer(77), 11);
  cost::CycleModel model(b->config);
  uint64_t stalls = 0;
  for (const isa::Word &w : p.insns)
    if (isa::getField(w, isa::kOpcode) == isa::kSconv)
      for (uint64_t s : model.sconvStalls(w, p.kerBins.data()))
        stalls += s;
  EXPECT_GT(stalls, 0u); // the agreement test above is not vacuous
}

TEST(CostModelTest, SpatialEngineMatchesSimulationCycleForCycle) {
  for (const char *config : {"small", "u200"}) {
    const sim::Backend *b = sim::findBackend(config);
    ASSERT_NE(b, nullptr);
    SpatialProgram p = buildSpatialProgram(b->config, 3);
    auto overlay = b->create();
    sim::RunOptions opts;
    opts.trace = true;
    sim::RunResult r =
        overlay->run(p.insns.data(), p.insns.size(), p.dram.bytes.data(),
                     p.dram.bytes.size(), opts);
    ASSERT_EQ(r.status, sim::Status::Ok) << r.message;
    cost::CycleModel model(b->config);
    cost::ProgramCost est = model.estimate(p.insns);
    ASSERT_FALSE(est.deadlock);
    for (const sim::InsnTrace &t : r.trace) {
      EXPECT_EQ(t.busy, est.insns[t.index].cycles) << config << " " << t.index;
      EXPECT_EQ(t.start, est.start[t.index]) << config << " " << t.index;
      EXPECT_EQ(t.end, est.end[t.index]) << config << " " << t.index;
    }
    EXPECT_EQ(r.counters.totalCycles, est.totalCycles) << config;
    for (unsigned e = 0; e < kNumEngines; ++e)
      EXPECT_EQ(r.counters.engineCycles[e], est.engine[e])
          << config << " " << engineName(e);
    EXPECT_GT(est.engine[kEngConv], 0u);
  }
}

TEST(ResourceModelTest, ShippedConfigsFitTheirDevices) {
  for (const char *name : {"u200", "small"}) {
    const sim::Backend *b = sim::findBackend(name);
    ASSERT_NE(b, nullptr);
    cost::Resources r = cost::estimateResources(b->config);
    EXPECT_EQ(r.checkFits(b->config), "") << name;
    EXPECT_LE(r.onchipBytesUsed(),
              cost::Resources::onchipBytesAvailable(b->config));
    RecordProperty(std::string(name) + "_dsp", std::to_string(r.dsp));
    RecordProperty(std::string(name) + "_bram18", std::to_string(r.bram18));
    RecordProperty(std::string(name) + "_uram", std::to_string(r.uram));
  }
  const OverlayConfig &u = sim::findBackend("u200")->config;
  EXPECT_LE(u.deviceDsp, 6840u);
  EXPECT_LE(u.clockMhz, 300u);
  EXPECT_LE(u.ddrMbPerS, 77000u);
}

TEST(ResourceModelTest, MoreLanesThanDspsIsRefused) {
  OverlayConfig c = sim::findBackend("u200")->config;
  c.pin = 64;
  c.pout = 64; // 4096 complex MAC lanes x 4 DSPs
  cost::Resources r = cost::estimateResources(c);
  EXPECT_GT(r.dsp, c.deviceDsp);
  EXPECT_NE(r.checkFits(c).find("DSP"), std::string::npos);
}

TEST(ResourceModelTest, DspCountFollowsTheLanes) {
  OverlayConfig c = sim::findBackend("small")->config;
  cost::Resources a = cost::estimateResources(c);
  c.pout *= 2;
  cost::Resources b = cost::estimateResources(c);
  EXPECT_EQ(b.dsp - a.dsp,
            uint64_t(c.pin) * (c.pout / 2) * cost::kDspPerComplexMac);
}

TEST(ResourceModelTest, SpatialEngineFigures) {
  // u200: 16 x 16 x 6 = 1536 multipliers, what 6840 DSPs leave beside the
  // spectral engine (2048 MAC + 512 FFT + 2048 IFFT), GEMV (128) and the
  // vector unit (512); small: 4 x 4 x 2.
  auto unit = [](const cost::Resources &r, const std::string &name) {
    for (const cost::UnitResources &u : r.units)
      if (u.name == name)
        return u;
    ADD_FAILURE() << "no unit " << name;
    return cost::UnitResources();
  };
  const OverlayConfig &u = sim::findBackend("u200")->config;
  cost::Resources ru = cost::estimateResources(u);
  EXPECT_EQ(unit(ru, "conv").dsp, 1536u);
  EXPECT_EQ(unit(ru, "conv").registerBits, 1536u * 64);
  EXPECT_EQ(ru.dsp, 6784u);
  EXPECT_EQ(ru.bram18, 2560u);
  EXPECT_EQ(ru.uram, 896u);
  // MID: 256K int16 in 256 banks (vec_lanes; the engine's 96 reads a step
  // fit them): 1K-deep banks, one BRAM18 each.
  EXPECT_EQ(unit(ru, "MID").bram18, 256u);
  const OverlayConfig &s = sim::findBackend("small")->config;
  cost::Resources rs = cost::estimateResources(s);
  EXPECT_EQ(unit(rs, "conv").dsp, 32u);
  EXPECT_EQ(rs.dsp, 172u);
  EXPECT_EQ(rs.bram18, 144u);
  // MID: 8K int16 in 8 banks (conv_pk*conv_px reads a step), one BRAM18
  // each (1K x 18).
  EXPECT_EQ(unit(rs, "MID").bram18, 8u);
  EXPECT_EQ(unit(rs, "INP").bram18, 16u);
}

TEST(ResourceModelTest, ConvDspsFollowTheMultipliers) {
  OverlayConfig c = sim::findBackend("small")->config;
  cost::Resources a = cost::estimateResources(c);
  c.convPx *= 2;
  cost::Resources b = cost::estimateResources(c);
  EXPECT_EQ(b.dsp - a.dsp, uint64_t(c.convPout) * c.convPk * (c.convPx / 2) *
                               cost::kDspPerConvMultiplier);
  // u200 with a spatial engine as large as its spectral MACs does not fit.
  OverlayConfig u = sim::findBackend("u200")->config;
  u.convPx = 8;
  EXPECT_NE(cost::estimateResources(u).checkFits(u).find("DSP"),
            std::string::npos);
}
