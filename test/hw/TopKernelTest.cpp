// The HLS top functions (one kernel per module, talking through streams) run
// a program to the same DRAM image as the simulation driver.
#include "ConvProgram.h"
#include "spec2/sim.h"
#include "top.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::hw_small;
using namespace spec2::test;

TEST(TopKernelTest, ModuleKernelsAgreeWithTheSimulator) {
  ConvLayer layer = randomConvLayer(21);
  ConvProgram p = buildConvProgram(kCfg, layer, 17);
  DramImage viaSim = p.dram;
  auto overlay = sim::findBackend("small")->create();
  ASSERT_EQ(overlay
                ->run(p.insns.data(), p.insns.size(), viaSim.bytes.data(),
                      viaSim.bytes.size(), {})
                .status,
            sim::Status::Ok);

  // VTA-style interleaving: each kernel runs when its next instruction's
  // tokens are there.
  hls::stream<isa::Word> loadQ, computeQ, storeQ;
  hls::stream<bool> l2c, c2l, c2s, s2c;
  spec2_fetch(uint32_t(p.insns.size()), p.insns.data(), loadQ, computeQ,
              storeQ);
  std::vector<isa::Word> pending[3];
  while (!loadQ.empty())
    pending[0].push_back(loadQ.read());
  while (!computeQ.empty())
    pending[1].push_back(computeQ.read());
  while (!storeQ.empty())
    pending[2].push_back(storeQ.read());
  size_t head[3] = {0, 0, 0};
  std::unique_ptr<Buffers> buf(new Buffers());
  bool done = false;
  for (int guard = 0; !done && guard < 100000; ++guard) {
    bool progressed = false;
    hls::stream<isa::Word> one;
    if (head[0] < pending[0].size()) {
      const isa::Word &w = pending[0][head[0]];
      if (!isa::getField(w, isa::kPopNext) || !c2l.empty()) {
        one.write(w);
        Activity act;
        spec2_load(p.dram.bytes.data(), p.dram.bytes.size(), one, c2l, l2c,
                   *buf, act);
        ++head[0];
        progressed = true;
      }
    }
    if (head[1] < pending[1].size()) {
      const isa::Word &w = pending[1][head[1]];
      if ((!isa::getField(w, isa::kPopPrev) || !l2c.empty()) &&
          (!isa::getField(w, isa::kPopNext) || !s2c.empty())) {
        one.write(w);
        Activity act;
        done = spec2_compute(one, l2c, s2c, c2l, c2s, *buf, act);
        ++head[1];
        progressed = true;
      }
    }
    if (head[2] < pending[2].size()) {
      const isa::Word &w = pending[2][head[2]];
      if (!isa::getField(w, isa::kPopPrev) || !c2s.empty()) {
        one.write(w);
        Activity act;
        spec2_store(p.dram.bytes.data(), p.dram.bytes.size(), one, c2s, s2c,
                    *buf, act);
        ++head[2];
        progressed = true;
      }
    }
    ASSERT_TRUE(progressed || done) << "kernels deadlocked";
  }
  ASSERT_TRUE(done);
  EXPECT_EQ(p.dram.bytes, viaSim.bytes);
}
