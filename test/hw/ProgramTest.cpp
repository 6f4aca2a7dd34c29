// Hand-assembled programs run end to end on the C-simulation through its
// public interface: DMA with padding and clipping, a spectral convolution
// (FFT, sparse MAC, overlap-and-add, requantisation), a fully-connected
// layer, pooling; and the failure modes (deadlock, faults, no FINISH). Each
// runs on the fast paths, on the HLS engines and on the concurrent HLS top
// kernels, with the same results.
#include "ConvProgram.h"
#include "References.h"
#include "SpatialProgram.h"
#include "TestProgram.h"
#include "spec2/sim.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <cmath>
#include <random>

using namespace spec2;
using namespace spec2::test;
using isa::Word;

namespace {

const sim::Backend &small() {
  const sim::Backend *b = sim::findBackend("small");
  if (!b)
    throw std::runtime_error("the small config is not compiled in");
  return *b;
}

sim::RunResult runOn(sim::Engines engines, const std::vector<Word> &insns,
                     DramImage &dram, bool trace) {
  auto overlay = small().create();
  sim::RunOptions opts;
  opts.trace = trace;
  opts.engines = engines;
  return overlay->run(insns.data(), insns.size(), dram.bytes.data(),
                      dram.bytes.size(), opts);
}

/// Runs the program on the simulation's fast paths and returns that run.
/// Unless told otherwise (a program that deadlocks would stop the
/// concurrent kernels), it runs on the HLS engines and on the concurrent
/// top kernels too, which must end the same way with the same DRAM image
/// and, bar the clock of the kernels, the same counters.
sim::RunResult run(const std::vector<Word> &insns, DramImage &dram,
                   bool trace = false, bool everyEngine = true) {
  DramImage before = dram;
  sim::RunResult fast = runOn(sim::Engines::Fast, insns, dram, trace);
  for (sim::Engines e : {sim::Engines::Hls, sim::Engines::Kernels}) {
    if (!everyEngine)
      break;
    DramImage other = before;
    sim::RunResult r = runOn(e, insns, other, false);
    const char *name = e == sim::Engines::Hls ? "HLS engines" : "kernels";
    EXPECT_EQ(r.status, fast.status) << name << ": " << r.message;
    if (r.status == sim::Status::BadProgram)
      continue; // the kernels refuse it before they start
    EXPECT_EQ(other.bytes, dram.bytes) << name;
    const sim::Counters &a = fast.counters, &b = r.counters;
    if (e == sim::Engines::Hls)
      EXPECT_EQ(b.totalCycles, a.totalCycles) << name;
    for (unsigned g = 0; g < kNumEngines; ++g)
      EXPECT_EQ(b.engineCycles[g], a.engineCycles[g]) << name;
    EXPECT_EQ(b.ddrBeatBytes, a.ddrBeatBytes) << name;
    EXPECT_EQ(b.bankConflictStalls, a.bankConflictStalls) << name;
    EXPECT_EQ(b.macsUseful, a.macsUseful) << name;
    EXPECT_EQ(b.macsPadded, a.macsPadded) << name;
    EXPECT_EQ(b.faults, a.faults) << name;
  }
  return fast;
}

Insn vecReq(unsigned a, unsigned out, unsigned nc, unsigned h, unsigned w) {
  using namespace isa::vec;
  return Insn(isa::kVec)
      .set(kOp, isa::kVecReq)
      .set(kAAddr, a)
      .set(kOutAddr, out)
      .set(kNc, nc)
      .set(kH, h)
      .set(kW, w)
      .set(kOh, h)
      .set(kOw, w)
      .set(kClampLo, -32768)
      .set(kClampHi, 32767);
}

} // namespace

TEST(ProgramTest, BackendsAreRegisteredByNameAndHash) {
  ASSERT_NE(sim::findBackend("small"), nullptr);
  ASSERT_NE(sim::findBackend("u200"), nullptr);
  EXPECT_EQ(sim::findBackend(small().configHash), &small());
  EXPECT_NE(small().configHash, sim::findBackend("u200")->configHash);
  EXPECT_EQ(sim::findBackend(uint64_t(12345)), nullptr);
}

TEST(ProgramTest, DmaPadsOutsideTheTensorAndClipsStores) {
  // A 2x5x7 tensor; load the box rows -2..5, cols -1..8 (zero outside), copy
  // it through the vector unit, store it back at (-1, -1) into a 2x5x7
  // tensor: only the in-bounds part lands.
  const unsigned c = 2, h = 5, w = 7, ny = 8, nx = 10;
  DramImage dram(4096);
  std::mt19937 rng(7);
  std::vector<int16_t> src(c * h * w);
  for (unsigned i = 0; i < src.size(); ++i) {
    src[i] = int16_t(rng());
    dram.putI16(2 * i, src[i]);
  }
  const uint64_t outAddr = 1024;
  std::vector<Word> p = {
      loadBox(isa::kBufInp, 0, 0, h, w, -2, -1, c, ny, nx, nx, ny * nx)
          .pushNext(),
      vecReq(0, 0, c, ny, nx).popPrev().pushNext(),
      storeBox(outAddr, 0, h, w, -1, -1, c, ny, nx, nx, ny * nx)
          .popPrev()
          .pushPrev(),
      finish().popNext()};
  sim::RunResult r = run(p, dram);
  ASSERT_EQ(r.status, sim::Status::Ok) << r.message;
  for (unsigned ch = 0; ch < c; ++ch)
    for (unsigned y = 0; y < h; ++y)
      for (unsigned x = 0; x < w; ++x) {
        // Output (y, x) came from box (y + 1, x + 1) = tensor (y - 1, x).
        int sy = int(y) - 1, sx = int(x);
        int16_t want = (sy >= 0 && sy < int(h) && sx < int(w))
                           ? src[(ch * h + sy) * w + sx]
                           : int16_t(0);
        ASSERT_EQ(dram.getI16(outAddr + 2 * ((ch * h + y) * w + x)), want)
            << ch << "," << y << "," << x;
      }
  EXPECT_EQ(r.counters.ddrBytesWritten, c * h * w * 2u);
  EXPECT_EQ(r.counters.insns[isa::kVec], 1u);
}

TEST(ProgramTest, SpectralConvMatchesDirectConvolution) {
  ConvLayer layer = randomConvLayer(42);
  ConvProgram p =
      buildConvProgram(small().config, layer, small().config.bins());
  sim::RunResult r = run(p.insns, p.dram);
  ASSERT_EQ(r.status, sim::Status::Ok) << r.message;
  std::vector<double> want = referenceConv(layer);
  double worst = 0, range = 0;
  for (unsigned i = 0; i < want.size(); ++i) {
    double got = p.dram.getI16(p.outAddr + 2 * i) / double(1 << kOutFrac);
    worst = std::max(worst, std::abs(got - want[i]));
    range = std::max(range, std::abs(want[i]));
  }
  // Dense int16 spectral conv: the error is a few output LSBs (2^-10).
  EXPECT_LT(worst, 8.0 / (1 << kOutFrac)) << "range " << range;
  RecordProperty("conv_max_abs_error", std::to_string(worst));
  EXPECT_EQ(r.counters.faults, 0u);
  EXPECT_GT(r.counters.macsUseful, 0u);
}

TEST(ProgramTest, PrunedKernelsDoLessWorkAndStayClose) {
  ConvLayer layer = randomConvLayer(43);
  ConvProgram dense =
      buildConvProgram(small().config, layer, small().config.bins());
  ConvProgram sparse = buildConvProgram(small().config, layer, 20);
  sim::RunResult rd = run(dense.insns, dense.dram);
  sim::RunResult rs = run(sparse.insns, sparse.dram);
  ASSERT_EQ(rs.status, sim::Status::Ok) << rs.message;
  EXPECT_EQ(rs.counters.macSteps * small().config.bins(),
            rd.counters.macSteps * 20);
  EXPECT_LT(rs.counters.engineCycles[kEngSmac],
            rd.counters.engineCycles[kEngSmac]);
  // Half the bins of a 3x3 kernel's spectrum carry most of its energy.
  std::vector<double> want = referenceConv(layer);
  double err = 0, norm = 0;
  for (unsigned i = 0; i < want.size(); ++i) {
    double got =
        sparse.dram.getI16(sparse.outAddr + 2 * i) / double(1 << kOutFrac);
    err += (got - want[i]) * (got - want[i]);
    norm += want[i] * want[i];
  }
  EXPECT_LT(std::sqrt(err / norm), 0.5);
}

/// One fully-connected layer, 6 rows over 30 inputs, with `nnz` KER entries
/// per row in `format` ({value, col} with distinct columns, or fc_dense:
/// values only, entry t reading input t); every output must equal the
/// integer reference. Returns the run.
sim::RunResult checkFc(isa::KerFormat format, unsigned nnz, unsigned seed) {
  const unsigned L = small().config.fcLanes, rows = 6, cols = 30;
  const unsigned groups = (rows + L - 1) / L;
  const bool dense = format == isa::kKerFcDense;
  const unsigned bytes = isa::kerEntryBytes(format);
  DramImage dram(8192);
  std::mt19937 rng(seed);
  std::vector<int16_t> x(cols);
  for (unsigned i = 0; i < cols; ++i) {
    x[i] = int16_t(rng());
    dram.putI16(2 * i, x[i]);
  }
  const uint64_t kerAddr = 128, biasAddr = 1024, outAddr = 2048;
  std::vector<int64_t> want(rows, 0);
  for (unsigned g = 0; g < groups; ++g)
    for (unsigned t = 0; t < nnz; ++t)
      for (unsigned l = 0; l < L; ++l) {
        const unsigned r = g * L + l;
        const int16_t v = r < rows ? int16_t(rng()) : 0;
        const uint64_t at = kerAddr + bytes * ((g * nnz + t) * L + l);
        const uint16_t col =
            dense ? uint16_t(t) : uint16_t((t * 3 + r) % cols); // distinct
        if (dense)
          dram.putI16(at, v);
        else
          dram.putFc(at, v, col);
        if (r < rows)
          want[r] += int64_t(v) * x[col];
      }
  for (unsigned r = 0; r < rows; ++r) {
    dram.putI32(biasAddr + 4 * r, int32_t(r * 1000));
    want[r] =
        ref::clamp(ref::roundShift(want[r] + r * 1000, 14), -32768, 32767);
  }
  using namespace isa::gemv;
  std::vector<Word> p = {
      loadBox(isa::kBufFcx, 0, 0, 1, cols, 0, 0, 1, 1, cols, cols, cols),
      loadLinear(isa::kBufKer, kerAddr, 0, groups * nnz * L, format),
      loadLinear(isa::kBufBias, biasAddr, 0, rows).pushNext(),
      Insn(isa::kGemv)
          .set(kKerAddr, 0)
          .set(kXAddr, 0)
          .set(kNrows, rows)
          .set(kNnz, nnz)
          .set(kFirst, 1)
          .set(kLast, 1)
          .set(kShift, 14)
          .set(kClampLo, -32768)
          .set(kClampHi, 32767)
          .popPrev()
          .pushNext(),
      storeBox(outAddr, 0, 1, rows, 0, 0, 1, 1, rows, rows, rows)
          .popPrev()
          .pushPrev(),
      finish().popNext()};
  sim::RunResult r = run(p, dram);
  EXPECT_EQ(r.status, sim::Status::Ok) << r.message;
  for (unsigned i = 0; i < rows; ++i)
    EXPECT_EQ(dram.getI16(outAddr + 2 * i), want[i]) << "row " << i;
  EXPECT_EQ(r.counters.faults, 0u);
  EXPECT_EQ(r.counters.ddrBytesRead,
            2u * cols + uint64_t(bytes) * groups * nnz * L + 4u * rows);
  return r;
}

TEST(ProgramTest, FullyConnectedLayer) { checkFc(isa::kKerFc, 8, 9); }

// Dense rows store values only (2 bytes instead of 4): entry t of a row
// reads input t.
TEST(ProgramTest, FullyConnectedDenseRows) {
  checkFc(isa::kKerFcDense, 30, 13);
}

TEST(ProgramTest, MaxPoolLayer) {
  const unsigned c = 3, h = 8, w = 8;
  DramImage dram(4096);
  std::mt19937 rng(11);
  std::vector<int16_t> src(c * h * w);
  for (unsigned i = 0; i < src.size(); ++i) {
    src[i] = int16_t(rng());
    dram.putI16(2 * i, src[i]);
  }
  using namespace isa::vec;
  std::vector<Word> p = {
      loadBox(isa::kBufInp, 0, 0, h, w, 0, 0, c, h, w, w, h * w).pushNext(),
      Insn(isa::kVec)
          .set(kOp, isa::kVecMaxPool)
          .set(kNc, c)
          .set(kH, h)
          .set(kW, w)
          .set(kKh, 2)
          .set(kKw, 2)
          .set(kSy, 2)
          .set(kSx, 2)
          .set(kOh, 4)
          .set(kOw, 4)
          .set(kClampLo, 0)
          .set(kClampHi, 32767)
          .popPrev()
          .pushNext(),
      storeBox(2048, 0, 4, 4, 0, 0, c, 4, 4, 4, 16).popPrev().pushPrev(),
      finish().popNext()};
  sim::RunResult r = run(p, dram);
  ASSERT_EQ(r.status, sim::Status::Ok) << r.message;
  for (unsigned ch = 0; ch < c; ++ch)
    for (unsigned y = 0; y < 4; ++y)
      for (unsigned x = 0; x < 4; ++x) {
        int16_t m = -32768;
        for (unsigned i = 0; i < 2; ++i)
          for (unsigned j = 0; j < 2; ++j)
            m = std::max(m, src[(ch * h + 2 * y + i) * w + 2 * x + j]);
        ASSERT_EQ(dram.getI16(2048 + 2 * ((ch * 4 + y) * 4 + x)),
                  std::max<int16_t>(m, 0));
      }
}

TEST(ProgramTest, DeadlockIsReportedNotHung) {
  DramImage dram(256);
  // Compute waits for a token from load that is never pushed.
  std::vector<Word> p = {loadBox(isa::kBufInp, 0, 0, 1, 4, 0, 0, 1, 1, 4, 4, 4),
                         vecReq(0, 0, 1, 1, 4).popPrev(), finish()};
  sim::RunResult r = run(p, dram, false, /*everyEngine=*/false);
  EXPECT_EQ(r.status, sim::Status::Deadlock);
  EXPECT_NE(r.message.find("compute at instruction 1"), std::string::npos)
      << r.message;
}

TEST(ProgramTest, InvalidKernelIndexIsAFault) {
  ConvLayer layer = randomConvLayer(5);
  ConvProgram p = buildConvProgram(small().config, layer, 4);
  // Corrupt one kernel entry's bin in DRAM: the SCONV must not read past the
  // spectrum; it reports a fault instead.
  const uint64_t kerAddr = layer.cin * layer.h * layer.w * 2;
  p.dram.putI16(kerAddr + 4, int16_t(small().config.bins() + 3));
  sim::RunResult r = run(p.insns, p.dram);
  EXPECT_EQ(r.status, sim::Status::Fault);
  EXPECT_GT(r.counters.faults, 0u);
}

TEST(ProgramTest, MissingFinishIsReported) {
  DramImage dram(256);
  std::vector<Word> p = {
      loadBox(isa::kBufInp, 0, 0, 1, 4, 0, 0, 1, 1, 4, 4, 4)};
  EXPECT_EQ(run(p, dram).status, sim::Status::BadProgram);
}

TEST(ProgramTest, OverlappedModulesBeatSerialExecution) {
  // Loads of the next tile overlap compute of the current one when the
  // tokens allow: the total is below the sum of the module busy times.
  ConvLayer layer = randomConvLayer(3);
  ConvProgram p =
      buildConvProgram(small().config, layer, small().config.bins());
  sim::RunResult r = run(p.insns, p.dram, /*trace=*/true);
  ASSERT_EQ(r.status, sim::Status::Ok);
  ASSERT_EQ(r.trace.size(), p.insns.size());
  uint64_t busy = r.counters.moduleBusy[0] + r.counters.moduleBusy[1] +
                  r.counters.moduleBusy[2];
  EXPECT_LE(r.counters.totalCycles, busy);
  // A module starts its instructions in program order, each after every
  // earlier one of the module ended, except: an async FFT starts as soon as
  // the previous FFT ended, beside the compute instruction before it; an
  // SCONV or FFT waits only for the releases before it (an SCONV's MACs
  // follow the previous SCONV's before its pipelines drain).
  uint64_t lastStart[3] = {0, 0, 0}, allEnded[3] = {0, 0, 0}, fftEnded = 0,
           released = 0;
  unsigned beside = 0, chained = 0;
  for (const sim::InsnTrace &t : r.trace) {
    const isa::Word &w = p.insns[t.index];
    unsigned m = isa::moduleOf(unsigned(isa::getField(w, isa::kOpcode)));
    EXPECT_GE(t.start, lastStart[m]);
    EXPECT_LE(t.release, t.end);
    if (isa::ComputeIssue::isAsync(w)) {
      EXPECT_GE(t.start, fftEnded);
      beside += t.start < allEnded[m];
    } else if (isa::ComputeIssue::followsReleases(w)) {
      EXPECT_GE(t.start, released);
      chained += isa::getField(w, isa::kOpcode) == isa::kSconv &&
                 t.start < allEnded[m];
    } else {
      EXPECT_GE(t.start, allEnded[m]);
    }
    if (isa::getField(w, isa::kOpcode) == isa::kFft)
      fftEnded = t.end;
    lastStart[m] = t.start;
    allEnded[m] = std::max(allEnded[m], t.end);
    if (m == isa::kComputeModule)
      released = std::max(released, t.release);
  }
  EXPECT_GT(chained, 0u);
  EXPECT_GT(beside, 0u);
}

TEST(ProgramTest, SpatialConvLayersEndToEnd) {
  // A dense 3x3 conv into MID, a pruned depthwise conv from MID with the
  // residual from MID, stored: on every engine set (run), against integer
  // loops.
  SpatialProgram p = buildSpatialProgram(small().config, 5);
  sim::RunResult r = run(p.insns, p.dram, true);
  ASSERT_EQ(r.status, sim::Status::Ok) << r.message;
  unsigned wrong = 0;
  for (unsigned i = 0; i < p.want.size(); ++i)
    wrong += p.dram.getI16(p.outAddr + 2 * i) != p.want[i];
  EXPECT_EQ(wrong, 0u);
  // Not a saturated or all-zero image: the comparison above means something.
  EXPECT_GT(std::set<int16_t>(p.want.begin(), p.want.end()).size(), 100u);
  EXPECT_EQ(r.counters.macsPadded, p.padded);
  EXPECT_GT(p.padded, 0u);
  EXPECT_EQ(r.counters.insns[isa::kConv], 2u);
  EXPECT_EQ(r.counters.insns[isa::kConvq], 2u);
  EXPECT_GT(r.counters.engineCycles[kEngConv], 0u);
  EXPECT_EQ(r.counters.faults, 0u);
}
