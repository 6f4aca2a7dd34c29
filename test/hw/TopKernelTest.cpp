// The HLS top kernels (one per module, and inside compute the dispatcher,
// its units and the retire kernel), run concurrently as on the card, produce
// the same DRAM image as the simulation driver.
#include "ConvProgram.h"
#include "SpatialProgram.h"
#include "spec2/sim.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::test;

namespace {

sim::RunResult runOn(sim::Engines engines, const ConvProgram &p,
                     DramImage &dram) {
  auto overlay = sim::findBackend("small")->create();
  sim::RunOptions opts;
  opts.engines = engines;
  return overlay->run(p.insns.data(), p.insns.size(), dram.bytes.data(),
                      dram.bytes.size(), opts);
}

} // namespace

TEST(TopKernelTest, ModuleKernelsAgreeWithTheSimulator) {
  ConvLayer layer = randomConvLayer(21);
  ConvProgram p =
      buildConvProgram(sim::findBackend("small")->config, layer, 17);
  DramImage viaSim = p.dram, viaKernels = p.dram;
  sim::RunResult sim = runOn(sim::Engines::Hls, p, viaSim);
  ASSERT_EQ(sim.status, sim::Status::Ok) << sim.message;
  sim::RunResult kernels = runOn(sim::Engines::Kernels, p, viaKernels);
  ASSERT_EQ(kernels.status, sim::Status::Ok) << kernels.message;
  EXPECT_EQ(viaKernels.bytes, viaSim.bytes);
  // Everything but the clock is counted alike.
  EXPECT_EQ(kernels.counters.totalCycles, 0u);
  EXPECT_EQ(kernels.counters.macsUseful, sim.counters.macsUseful);
  EXPECT_EQ(kernels.counters.bankConflictStalls,
            sim.counters.bankConflictStalls);
  EXPECT_EQ(kernels.counters.ddrBeatBytes, sim.counters.ddrBeatBytes);
  for (unsigned e = 0; e < kNumEngines; ++e)
    EXPECT_EQ(kernels.counters.engineCycles[e], sim.counters.engineCycles[e])
        << engineName(e);
  for (unsigned op = 0; op < isa::kNumOpcodes; ++op)
    EXPECT_EQ(kernels.counters.insns[op], sim.counters.insns[op]) << op;
}

TEST(TopKernelTest, SpatialUnitAgreesWithTheSimulator) {
  // CONV on the spatial unit, CONVQ on the vector unit, MID between them.
  SpatialProgram p = buildSpatialProgram(sim::findBackend("small")->config, 9);
  auto run = [&](sim::Engines e, DramImage &dram) {
    auto overlay = sim::findBackend("small")->create();
    sim::RunOptions opts;
    opts.engines = e;
    return overlay->run(p.insns.data(), p.insns.size(), dram.bytes.data(),
                        dram.bytes.size(), opts);
  };
  DramImage viaSim = p.dram, viaKernels = p.dram;
  sim::RunResult sim = run(sim::Engines::Hls, viaSim);
  ASSERT_EQ(sim.status, sim::Status::Ok) << sim.message;
  sim::RunResult kernels = run(sim::Engines::Kernels, viaKernels);
  ASSERT_EQ(kernels.status, sim::Status::Ok) << kernels.message;
  EXPECT_EQ(viaKernels.bytes, viaSim.bytes);
  for (unsigned i = 0; i < p.want.size(); ++i)
    ASSERT_EQ(viaKernels.getI16(p.outAddr + 2 * i), p.want[i]) << i;
  EXPECT_EQ(kernels.counters.macsPadded, sim.counters.macsPadded);
  EXPECT_EQ(kernels.counters.macsUseful, sim.counters.macsUseful);
  EXPECT_EQ(kernels.counters.macsIssued, sim.counters.macsIssued);
  for (unsigned e = 0; e < kNumEngines; ++e)
    EXPECT_EQ(kernels.counters.engineCycles[e], sim.counters.engineCycles[e])
        << engineName(e);
}
