// The C-simulation's fast paths (hw/sim/fast_engines.cpp) against the HLS
// source's engines (hw/src), which are the definition of correct: the same
// buffers and the same counters, instruction by instruction and over whole
// programs. (test/lit/tools/spec2-run-engines.test does the same on
// compiled LeNet programs.)
#include "ConvProgram.h"
#include "SpatialConvCase.h"
#include "TestProgram.h"
#include "sim_engines.h"
#include "spec2/sim.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>

using namespace spec2;
using namespace spec2::hw_small;
using spec2::test::Insn;

namespace {

constexpr unsigned kLanes = kCfg.pin * kCfg.pout;

void expectSameActivity(const Activity &hls, const Activity &fast,
                        const char *what) {
  EXPECT_EQ(fast.cycles, hls.cycles) << what;
  EXPECT_EQ(fast.release, hls.release) << what;
  EXPECT_EQ(fast.ddrCycles, hls.ddrCycles) << what;
  EXPECT_EQ(fast.ddrPayload, hls.ddrPayload) << what;
  EXPECT_EQ(fast.ddrBeatBytes, hls.ddrBeatBytes) << what;
  for (unsigned e = 0; e < kNumEngines; ++e)
    EXPECT_EQ(fast.engine[e], hls.engine[e]) << what << ": " << engineName(e);
  EXPECT_EQ(fast.macSteps, hls.macSteps) << what;
  EXPECT_EQ(fast.bankStalls, hls.bankStalls) << what;
  EXPECT_EQ(fast.macsIssued, hls.macsIssued) << what;
  EXPECT_EQ(fast.macsUseful, hls.macsUseful) << what;
  EXPECT_EQ(fast.macsPadded, hls.macsPadded) << what;
  EXPECT_EQ(fast.faults, hls.faults) << what;
}

void expectSameBuffers(const Buffers &hls, const Buffers &fast,
                       const char *what) {
  EXPECT_EQ(std::memcmp(hls.inp, fast.inp, sizeof hls.inp), 0) << what;
  EXPECT_EQ(std::memcmp(hls.ker, fast.ker, sizeof hls.ker), 0) << what;
  EXPECT_EQ(std::memcmp(hls.bias, fast.bias, sizeof hls.bias), 0) << what;
  EXPECT_EQ(std::memcmp(hls.fcx, fast.fcx, sizeof hls.fcx), 0) << what;
  EXPECT_EQ(std::memcmp(hls.oacc, fast.oacc, sizeof hls.oacc), 0) << what;
  EXPECT_EQ(std::memcmp(hls.out, fast.out, sizeof hls.out), 0) << what;
  EXPECT_EQ(std::memcmp(hls.mid, fast.mid, sizeof hls.mid), 0) << what;
}

/// Two overlays' buffers with the same contents: one runs the HLS engines,
/// the other the fast paths (whose memo persists across instructions).
struct FastPathTest : ::testing::Test {
  std::unique_ptr<Buffers> hls{new Buffers()}, fast{new Buffers()};
  FastEngines engines;
  std::mt19937 rng{99};
  test::DramImage dram{1 << 16};

  int16_t randI16(int lo, int hi) {
    return int16_t(std::uniform_int_distribution<int>(lo, hi)(rng));
  }
  void sync() { std::memcpy(fast.get(), hls.get(), sizeof(Buffers)); }
  /// Runs `insn` both ways and compares everything.
  void check(const isa::Word &insn, const char *what) {
    Dram d{dram.bytes.data(), dram.bytes.size()};
    Activity a, b;
    const unsigned op = unsigned(isa::getField(insn, isa::kOpcode));
    if (op == isa::kLoad)
      execLoad(insn, d, *hls, a);
    else
      execCompute(insn, *hls, a);
    engines.exec(insn, d, *fast, b);
    expectSameActivity(a, b, what);
    expectSameBuffers(*hls, *fast, what);
  }
};

Insn sconvInsn(uint64_t nnz, uint64_t ncig, uint64_t ncob, uint64_t nco,
               uint64_t ntx, uint64_t oacc) {
  using namespace isa::sconv;
  return Insn(isa::kSconv)
      .set(kNnz, nnz)
      .set(kNcig, ncig)
      .set(kNcob, ncob)
      .set(kNco, nco)
      .set(kOaccAddr, oacc)
      .set(kOaccPitch, 23)
      .set(kOaccPlane, 23 * 12)
      .set(kOaccH, 12)
      .set(kOy, -2)
      .set(kOx, -1)
      .set(kAccShift, 5)
      .set(kIfftShift, 4)
      .set(kNtx, ntx)
      .set(kTxStep, 6);
}

} // namespace

// Pruned kernels as the compiler lays them out: lanes of different lengths
// (padding at their ends), entries of several input-channel groups, bins
// that collide in banks; a partial last output block, two tiles along x,
// OACC holding data. First visit (the memo decodes the block), second visit
// (it serves it), changed kernels (it decodes again), full-range weights
// (no int16 pairs: the scalar sums) and invalid indices (the HLS lanes).
TEST_F(FastPathTest, SconvEqualsTheHlsEngine) {
  const unsigned ncig = 3, ncob = 2, nco = 7, ntx = 2, nnz = 23;
  for (unsigned i = 0; i < ntx * ncig * kCfg.pin * kBins; ++i)
    hls->spec[i] = {randI16(-20000, 20000), randI16(-20000, 20000)};
  for (unsigned i = 0; i < kCfg.oaccDepth; ++i)
    hls->oacc[i] = randI16(-3000, 3000);
  auto fillKernels = [&](int wLo, int wHi, int invalidEvery) {
    for (unsigned b = 0; b < ncob; ++b)
      for (unsigned l = 0; l < kLanes; ++l) {
        const unsigned used = nnz - randI16(0, 6);
        for (unsigned t = 0; t < nnz; ++t) {
          KerEntry &e = hls->ker[(b * nnz + t) * kLanes + l];
          const unsigned g = randI16(0, ncig - 1), bin = randI16(0, kBins - 1);
          e = {
              randI16(wLo, wHi), randI16(wLo, wHi),
              uint16_t(t < used ? isa::entryIndex(g, bin) : isa::kEntryNoRead)};
          if (invalidEvery && t % invalidEvery == 1)
            e.index = uint16_t(isa::entryIndex(ncig, bin));
          if (t == 3)
            e.re = e.im = 0; // a zero weight: no MAC
        }
      }
  };
  const isa::Word w = sconvInsn(nnz, ncig, ncob, nco, ntx, 40);
  fillKernels(-3000, 3000, 0);
  sync();
  check(w, "first visit");
  check(w, "second visit");
  fillKernels(-3000, 3000, 0);
  sync();
  check(w, "changed kernels");
  fillKernels(-32768, 32767, 0);
  sync();
  check(w, "full-range weights");
  check(w, "full-range weights, second visit");
  fillKernels(-3000, 3000, 5);
  sync();
  check(w, "invalid indices");
  // The block past the end of KER and SPEC: faults, HLS lanes throughout.
  isa::Word beyond = w;
  isa::setField(beyond, isa::sconv::kKerAddr, kCfg.kerDepth - 2 * kLanes);
  isa::setField(beyond, isa::sconv::kSpecAddr, kCfg.specDepth - kBins);
  check(beyond, "out of bounds");
  // No blocks at all.
  check(sconvInsn(nnz, ncig, 0, 0, 1, 0), "no blocks");
}

// Every LOAD form: boxes with padding on all sides and rows that run past
// the buffer (faults), the four KER formats, BIAS, a DRAM range too short.
TEST_F(FastPathTest, LoadsEqualTheHlsEngine) {
  for (size_t i = 0; i < dram.bytes.size(); ++i)
    dram.bytes[i] = uint8_t(rng());
  for (unsigned i = 0; i < 300; ++i)
    dram.putI16(8192 + 6 * i + 4, int16_t(isa::entryIndex(i % 3, i % kBins)));
  sync();
  using test::loadBox;
  using test::loadLinear;
  check(loadBox(isa::kBufInp, 0, 0, 9, 13, -2, -3, 3, 14, 19, 20, 300),
        "box with padding");
  check(loadBox(isa::kBufInp, 64, 5, 9, 13, 4, 7, 2, 8, 9, 9, 72),
        "box past the tensor");
  check(loadBox(isa::kBufInp, 0, kCfg.inpDepth - 30, 9, 13, 0, 0, 1, 3, 13, 13,
                39),
        "box past the buffer");
  check(loadBox(isa::kBufFcx, 100, 0, 1, 200, 0, 0, 1, 1, 200, 200, 200),
        "vector");
  check(loadLinear(isa::kBufKer, 8192, 10, 300), "spectral KER");
  check(loadLinear(isa::kBufKer, 8192, 10, 300, isa::kKerSpectralPacked),
        "packed KER");
  check(loadLinear(isa::kBufKer, 8192, 10, 300, isa::kKerFc), "FC KER");
  check(loadLinear(isa::kBufKer, 8192, 10, 300, isa::kKerFcDense),
        "dense FC KER");
  check(loadLinear(isa::kBufBias, 4000, 3, 50), "bias");
  check(loadLinear(isa::kBufKer, dram.bytes.size() - 60, 0, 11),
        "KER past the DRAM image");
}

namespace {

/// A whole program both ways through the public interface: the same DRAM
/// image, counters and schedule.
void expectSameProgram(const char *config, unsigned keep) {
  const sim::Backend *b = sim::findBackend(config);
  ASSERT_NE(b, nullptr);
  test::ConvProgram p =
      test::buildConvProgram(b->config, test::randomConvLayer(8), keep);
  sim::RunResult r[2];
  test::DramImage image[2] = {p.dram, p.dram};
  const sim::Engines engines[2] = {sim::Engines::Hls, sim::Engines::Fast};
  for (int i = 0; i < 2; ++i) {
    auto overlay = b->create();
    sim::RunOptions opts;
    opts.trace = true;
    opts.engines = engines[i];
    // Twice on one overlay: the fast path's memo serves the second run.
    for (int run = 0; run < 2; ++run) {
      image[i] = p.dram;
      r[i] = overlay->run(p.insns.data(), p.insns.size(), image[i].bytes.data(),
                          image[i].bytes.size(), opts);
      ASSERT_EQ(r[i].status, sim::Status::Ok) << r[i].message;
    }
  }
  EXPECT_EQ(image[1].bytes, image[0].bytes) << config;
  const sim::Counters &h = r[0].counters, &f = r[1].counters;
  EXPECT_EQ(f.totalCycles, h.totalCycles);
  for (unsigned e = 0; e < kNumEngines; ++e)
    EXPECT_EQ(f.engineCycles[e], h.engineCycles[e]) << engineName(e);
  for (unsigned m = 0; m < 3; ++m) {
    EXPECT_EQ(f.moduleBusy[m], h.moduleBusy[m]);
    EXPECT_EQ(f.tokenWait[m], h.tokenWait[m]);
  }
  EXPECT_EQ(f.ddrWait, h.ddrWait);
  EXPECT_EQ(f.ddrBytesRead, h.ddrBytesRead);
  EXPECT_EQ(f.ddrBytesWritten, h.ddrBytesWritten);
  EXPECT_EQ(f.ddrBeatBytes, h.ddrBeatBytes);
  EXPECT_EQ(f.macSteps, h.macSteps);
  EXPECT_EQ(f.macCycles, h.macCycles);
  EXPECT_EQ(f.bankConflictStalls, h.bankConflictStalls);
  EXPECT_EQ(f.macsIssued, h.macsIssued);
  EXPECT_EQ(f.macsUseful, h.macsUseful);
  EXPECT_EQ(f.faults, h.faults);
  ASSERT_EQ(r[1].trace.size(), r[0].trace.size());
  for (size_t i = 0; i < r[0].trace.size(); ++i) {
    EXPECT_EQ(r[1].trace[i].start, r[0].trace[i].start) << i;
    EXPECT_EQ(r[1].trace[i].end, r[0].trace[i].end) << i;
    EXPECT_EQ(r[1].trace[i].release, r[0].trace[i].release) << i;
  }
}

} // namespace

TEST(FastPathProgramTest, DenseConvOnSmall) { expectSameProgram("small", 40); }
TEST(FastPathProgramTest, PrunedConvOnSmall) { expectSameProgram("small", 11); }
TEST(FastPathProgramTest, PrunedConvOnU200) { expectSameProgram("u200", 10); }

// CONV over its lists against the engine's lockstep steps: padding, groups
// spanning lane blocks, depthwise in chain mode, stride and dilation, pruned
// lists, MID as the source, accumulation; then the cases the fast path hands
// to the engine (an invalid index, a source past its buffer).
TEST_F(FastPathTest, ConvEqualsTheHlsEngine) {
  using test::ConvCase;
  std::vector<ConvCase> cases;
  cases.push_back(ConvCase::standard(3, 6, 7, 9, 3, 3).pad(1));
  ConvCase grouped = ConvCase::standard(6, 9, 6, 6, 3, 3);
  grouped.cpg = 2;
  grouped.opg = 3;
  cases.push_back(grouped.pad(1));
  ConvCase dw = ConvCase::standard(5, 10, 8, 7, 3, 3);
  dw.cpg = 1;
  dw.opg = 2;
  dw.chain = true;
  dw.mid = true;
  cases.push_back(dw.pad(1));
  ConvCase strided = ConvCase::standard(2, 5, 13, 11, 5, 5);
  strided.sy = 2;
  strided.sx = 3;
  strided.dy = 2;
  cases.push_back(strided.pad(3));
  ConvCase pruned = ConvCase::standard(4, 7, 6, 6, 3, 3).pad(1);
  pruned.kept = {{0, 5, 9, 17, 30}, {35, 1, 2, 20, 21}};
  pruned.accShift = 3;
  cases.push_back(pruned);
  ConvCase accumulate = cases[0];
  accumulate.first = false;
  cases.push_back(accumulate);
  ConvCase badIndex = pruned;
  badIndex.kept[1][2] = 36;
  cases.push_back(badIndex);
  ConvCase pastInp = ConvCase::standard(2, 3, 4, 4, 3, 3).pad(1);
  pastInp.srcAddr = kCfg.inpDepth - 20;
  cases.push_back(pastInp);
  for (size_t i = 0; i < cases.size(); ++i) {
    ConvCase &c = cases[i];
    c.fill(rng, 32767);
    if (c.srcAddr + c.cin * c.vh * c.pitch <= kCfg.inpDepth)
      c.place(*hls);
    for (uint64_t k = 0; k < c.oaccSize(); ++k)
      hls->oacc[c.oaccAddr + k] = int32_t(rng());
    sync();
    check(c.insn(), ("case " + std::to_string(i)).c_str());
  }
}
