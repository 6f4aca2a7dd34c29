//===- CycleModel.cpp - Cycles per instruction and per program ------------===//
//
// Closed forms per instruction; see docs/isa.md ("Timing") for the table.
//
//===----------------------------------------------------------------------===//
#include "spec2/CostModel/CycleModel.h"
#include "spec2/bank_step.h"

#include <algorithm>
#include <deque>
#include <numeric>

namespace spec2 {
namespace cost {
using namespace isa;

namespace {
uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/// Bytes in whole DDR beats of a row of `len` bytes at `addr`.
uint64_t rowBeats(uint64_t addr, uint64_t len) {
  if (len == 0)
    return 0;
  return (((addr + len - 1) / kDdrBeatBytes) - addr / kDdrBeatBytes + 1) *
         kDdrBeatBytes;
}
} // namespace

uint64_t CycleModel::ddrCycles(uint64_t beatBytes) const {
  return ceilDiv(beatBytes * cfg.clockMhz, cfg.ddrMbPerS);
}

uint64_t CycleModel::fftPass(uint64_t tiles) const {
  return ceilDiv(tiles * cfg.fftSize * cfg.fftSize, cfg.fftPointsPerCycle);
}

uint64_t CycleModel::ifftPass(uint64_t tiles) const {
  return ceilDiv(tiles * cfg.fftSize * cfg.fftSize, cfg.ifftPointsPerCycle);
}

namespace {
/// Payload and whole-beat bytes of a box DMA over an int16 CHW tensor with
/// planes of h x w at `base`, box origin (y0, x0), clipped to the tensor.
void boxTraffic(InsnCost &c, uint64_t base, int64_t h, int64_t w, int64_t y0,
                int64_t x0, int64_t nc, int64_t ny, int64_t nx) {
  const int64_t xLo = std::max<int64_t>(0, x0);
  const int64_t xHi = std::min<int64_t>(w, x0 + nx);
  const int64_t yLo = std::max<int64_t>(0, y0);
  const int64_t yHi = std::min<int64_t>(h, y0 + ny);
  if (xHi <= xLo || yHi <= yLo)
    return;
  const uint64_t len = uint64_t(xHi - xLo) * 2;
  const uint64_t rows = uint64_t(yHi - yLo);
  c.ddrBytes += uint64_t(nc) * rows * len;
  // Row r of the plane stack starts 2w bytes after row r - 1, so the rows'
  // offsets within a beat, and their beat counts, repeat with period
  // kDdrBeatBytes / gcd(2w, kDdrBeatBytes): the search prices millions of
  // boxes, a sum of whole periods and a remainder per plane instead of a
  // sum over rows.
  const uint64_t stride = uint64_t(w) * 2, first = base + uint64_t(xLo) * 2;
  const uint64_t period = kDdrBeatBytes / std::gcd(stride, uint64_t(kDdrBeatBytes));
  uint64_t prefix[kDdrBeatBytes + 1] = {0};
  for (uint64_t r = 0; r < period; ++r)
    prefix[r + 1] = prefix[r] + rowBeats(first + r * stride, len);
  auto upTo = [&](uint64_t n) { // beats of rows [0, n)
    return n / period * prefix[period] + prefix[n % period];
  };
  for (int64_t ch = 0; ch < nc; ++ch) {
    const uint64_t r0 = uint64_t(ch * h + yLo);
    c.ddrBeatBytes += upTo(r0 + rows) - upTo(r0);
  }
}
} // namespace

InsnCost CycleModel::loadCost(const Word &insn) const {
  InsnCost c;
  const unsigned buffer = unsigned(getField(insn, load::kBuffer));
  const uint64_t base = getField(insn, load::kDramAddr);
  if (buffer == kBufKer || buffer == kBufBias) {
    const uint64_t entry =
        buffer == kBufBias
            ? 4
            : kerEntryBytes(unsigned(getField(insn, load::kKerFormat)));
    c.ddrBytes = getField(insn, load::kCount) * entry;
    c.ddrBeatBytes = rowBeats(base, c.ddrBytes);
  } else {
    boxTraffic(c, base, getField(insn, load::kSrcH),
               getField(insn, load::kSrcW), getField(insn, load::kY0),
               getField(insn, load::kX0), getField(insn, load::kNc),
               getField(insn, load::kNy), getField(insn, load::kNx));
  }
  c.ddrCycles = ddrCycles(c.ddrBeatBytes);
  c.cycles = cfg.dmaLatency + c.ddrCycles;
  c.engine[kEngLoad] = c.cycles;
  return c;
}

InsnCost CycleModel::storeCost(const Word &insn) const {
  InsnCost c;
  boxTraffic(c, getField(insn, store::kDramAddr), getField(insn, store::kDstH),
             getField(insn, store::kDstW), getField(insn, store::kY0),
             getField(insn, store::kX0), getField(insn, store::kNc),
             getField(insn, store::kNy), getField(insn, store::kNx));
  c.ddrCycles = ddrCycles(c.ddrBeatBytes);
  c.cycles = cfg.dmaLatency + c.ddrCycles;
  c.engine[kEngStore] = c.cycles;
  return c;
}

InsnCost CycleModel::sconvCost(const Word &insn,
                               const SconvStalls *stalls) const {
  InsnCost c;
  const uint64_t nnz = getField(insn, sconv::kNnz);
  const uint64_t ncob = getField(insn, sconv::kNcob);
  const uint64_t nco = getField(insn, sconv::kNco);
  const uint64_t ntx = tilesAlongX(getField(insn, sconv::kNtx));
  uint64_t total = 0, ifftPrev = 0;
  // The blocks of every tile, one pipeline: the stalls of a block are the
  // same on each tile (the same kernels).
  for (uint64_t k = 0; k < ntx * ncob; ++k) {
    const uint64_t b = k % ncob;
    const uint64_t st = stalls && b < stalls->size() ? (*stalls)[b] : 0;
    const uint64_t smac = nnz + st;
    const uint64_t live = std::min<uint64_t>(
        cfg.pout, nco > b * cfg.pout ? nco - b * cfg.pout : 0);
    const uint64_t ifft = 2 * ifftPass(live);
    // The MACs of a block overlap the IFFT of the block before.
    total += k == 0 ? smac : std::max(smac, ifftPrev);
    ifftPrev = ifft;
    c.engine[kEngSmac] += smac;
    c.engine[kEngIfft] += ifft;
    c.macSteps += nnz;
    c.bankStalls += st;
  }
  c.macCycles = c.macSteps + c.bankStalls;
  // The next SCONV's MACs may start when the last IFFT is done.
  c.release = total + ifftPrev;
  c.cycles = c.release + cfg.smacDepth + cfg.ifftDepth;
  return c;
}

InsnCost CycleModel::outqCost(const Word &insn) const {
  InsnCost c;
  const uint64_t nc = getField(insn, outq::kNc);
  const uint64_t reads =
      nc * getField(insn, outq::kOh) * getField(insn, outq::kOw);
  const bool clear = getField(insn, outq::kClear) != 0;
  const uint64_t plane = clear ? nc * getField(insn, outq::kOaccPlane) : 0;
  const uint64_t moves = clear ? nc * getField(insn, outq::kKeep) *
                                     getField(insn, outq::kOaccPitch)
                               : 0;
  if (getField(insn, outq::kDetach)) {
    // The kept rows first; the rest runs beside what follows.
    c.release = moves ? ceilDiv(moves, cfg.vecLanes) + cfg.vecDepth : 0;
    c.cycles = c.release + ceilDiv(std::max(reads, plane), cfg.vecLanes) +
               cfg.vecDepth;
  } else {
    c.cycles =
        ceilDiv(std::max(reads, plane + moves), cfg.vecLanes) + cfg.vecDepth;
    c.release = c.cycles;
  }
  c.engine[kEngOutq] = c.cycles;
  return c;
}

InsnCost CycleModel::cost(const Word &insn, const SconvStalls *stalls) const {
  InsnCost c;
  switch (unsigned(getField(insn, kOpcode))) {
  case kLoad:
    return loadCost(insn);
  case kStore:
    return storeCost(insn);
  case kSconv:
    return sconvCost(insn, stalls);
  case kFft:
    c.cycles = 2 * fftPass(tilesAlongX(getField(insn, fft::kNtx)) *
                           getField(insn, fft::kNc)) +
               cfg.fftDepth;
    c.engine[kEngFft] = c.release = c.cycles;
    return c;
  case kOutq:
    return outqCost(insn);
  case kGemv: {
    const uint64_t groups = ceilDiv(getField(insn, gemv::kNrows), cfg.fcLanes);
    c.cycles = groups * getField(insn, gemv::kNnz) +
               (getField(insn, gemv::kLast) ? groups : 0) + cfg.fcDepth;
    c.engine[kEngGemv] = c.release = c.cycles;
    return c;
  }
  case kVec: {
    const uint64_t op = getField(insn, vec::kOp);
    const uint64_t nc = getField(insn, vec::kNc);
    if (op == kVecSoftmax) {
      // Three passes over the channels, a divider result per position.
      const uint64_t plane = getField(insn, vec::kH) * getField(insn, vec::kW);
      c.cycles = ceilDiv(3 * nc * plane, cfg.vecLanes) + plane +
                 kVecDividerLatency + cfg.vecDepth;
      c.engine[kEngVec] = c.release = c.cycles;
      return c;
    }
    uint64_t work;
    if (op == kVecAdd || op == kVecReq || op == kVecLut || op == kVecAffine ||
        op == kVecMul)
      work = nc * getField(insn, vec::kH) * getField(insn, vec::kW);
    else
      work = nc * getField(insn, vec::kOh) * getField(insn, vec::kOw) *
             getField(insn, vec::kKh) * getField(insn, vec::kKw);
    c.cycles = ceilDiv(work, cfg.vecLanes) + cfg.vecDepth;
    c.engine[kEngVec] = c.release = c.cycles;
    return c;
  }
  case kConv: {
    // The engine's lockstep steps (isa::convSteps), then its pipeline.
    const uint64_t pixels =
        getField(insn, conv::kOh) * getField(insn, conv::kOw);
    c.cycles = convSteps(getField(insn, conv::kNco), pixels,
                         getField(insn, conv::kNr),
                         getField(insn, conv::kChain) != 0, cfg.convPout,
                         cfg.convPk, cfg.convPx) +
               cfg.convDepth;
    c.engine[kEngConv] = c.release = c.cycles;
    return c;
  }
  case kConvq: {
    const uint64_t n = getField(insn, convq::kNc) *
                       getField(insn, convq::kOh) * getField(insn, convq::kOw);
    c.cycles = ceilDiv(n, cfg.vecLanes) + cfg.vecDepth;
    c.engine[kEngOutq] = c.cycles;
    // Detached: the next CONV starts beside it (isa::ComputeIssue).
    c.release = getField(insn, convq::kDetach) ? 0 : c.cycles;
    return c;
  }
  case kFinish:
  case kNop:
    c.cycles = c.release = 1;
    return c;
  default:
    return c;
  }
}

uint64_t CycleModel::stepStalls(const uint16_t *index, uint64_t ncig) const {
  return bank::stepCycles(index, cfg.pin, cfg.pout, cfg.bins(), unsigned(ncig),
                          cfg.specBanks, cfg.specPorts) -
         1;
}

SconvStalls CycleModel::sconvStalls(const Word &insn,
                                    const uint16_t *kerIndex) const {
  const uint64_t nnz = getField(insn, sconv::kNnz);
  const uint64_t ncig = getField(insn, sconv::kNcig);
  const uint64_t ncob = getField(insn, sconv::kNcob);
  const uint64_t lanes = cfg.macLanes();
  SconvStalls out(ncob, 0);
  for (uint64_t b = 0; b < ncob; ++b)
    for (uint64_t step = 0; step < nnz; ++step)
      out[b] += stepStalls(kerIndex + (b * nnz + step) * lanes, ncig);
  return out;
}

ProgramCost
CycleModel::estimate(const std::vector<Word> &insns,
                     const std::function<SconvStalls(size_t)> &stallsOf) const {
  ProgramCost pc;
  pc.insns.resize(insns.size());
  pc.start.assign(insns.size(), 0);
  pc.end.assign(insns.size(), 0);
  for (size_t i = 0; i < insns.size(); ++i) {
    SconvStalls st;
    if (getField(insns[i], kOpcode) == kSconv && stallsOf)
      st = stallsOf(i);
    pc.insns[i] = cost(insns[i], st.empty() ? nullptr : &st);
  }
  // Timelines: each module runs its instructions in order; an instruction
  // starts when its module is free and every token it pops has been pushed;
  // DMA transfers share the DDR one at a time. Modules are advanced earliest
  // start first, as the hardware would.
  std::vector<size_t> queue[3];
  for (size_t i = 0; i < insns.size(); ++i)
    queue[moduleOf(unsigned(getField(insns[i], kOpcode)))].push_back(i);
  // Token FIFOs: l2c, c2l, c2s, s2c.
  std::deque<uint64_t> q[4];
  auto popQ = [](unsigned m, bool prev) -> int {
    if (m == kLoadModule)
      return prev ? -1 : 1;
    if (m == kComputeModule)
      return prev ? 0 : 3;
    return prev ? 2 : -1;
  };
  auto pushQ = [](unsigned m, bool prev) -> int {
    if (m == kLoadModule)
      return prev ? -1 : 0;
    if (m == kComputeModule)
      return prev ? 1 : 2;
    return prev ? 3 : -1;
  };
  size_t head[3] = {0, 0, 0};
  uint64_t clock[3] = {0, 0, 0}, ddrFree = 0;
  ComputeIssue issue;
  for (;;) {
    int best = -1;
    uint64_t bestStart = 0;
    for (unsigned m = 0; m < 3; ++m) {
      if (head[m] == queue[m].size())
        continue;
      const Word &w = insns[queue[m][head[m]]];
      uint64_t start = m == kComputeModule ? issue.ready(w) : clock[m];
      bool ready = true;
      for (bool prev : {true, false}) {
        if (!getField(w, prev ? kPopPrev : kPopNext))
          continue;
        int qi = popQ(m, prev);
        if (qi < 0 || q[qi].empty())
          ready = false;
        else
          start = std::max(start, q[qi].front());
      }
      if (ready && (best < 0 || start < bestStart)) {
        best = int(m);
        bestStart = start;
      }
    }
    if (best < 0) {
      for (unsigned m = 0; m < 3; ++m)
        pc.deadlock |= head[m] != queue[m].size();
      break;
    }
    const unsigned m = unsigned(best);
    const size_t i = queue[m][head[m]++];
    const Word &w = insns[i];
    for (bool prev : {true, false})
      if (getField(w, prev ? kPopPrev : kPopNext))
        q[popQ(m, prev)].pop_front();
    const InsnCost &c = pc.insns[i];
    uint64_t end, pushed;
    if (m == kComputeModule) {
      end = bestStart + c.cycles;
      pushed = issue.record(w, bestStart, end, bestStart + c.release);
    } else {
      const uint64_t ready = bestStart + cfg.dmaLatency;
      const uint64_t xfer = std::max(ready, ddrFree);
      end = xfer + c.ddrCycles;
      pushed = end;
      ddrFree = end;
      (m == kLoadModule ? pc.ddrBytesRead : pc.ddrBytesWritten) += c.ddrBytes;
      pc.ddrBeatBytes += c.ddrBeatBytes;
    }
    pc.start[i] = bestStart;
    pc.end[i] = end;
    pc.moduleBusy[m] += end - bestStart;
    clock[m] = end;
    pc.totalCycles = std::max(pc.totalCycles, end);
    for (unsigned e = 0; e < kNumEngines; ++e)
      pc.engine[e] += c.engine[e];
    pc.macCycles += c.macCycles;
    pc.bankStalls += c.bankStalls;
    for (bool prev : {true, false})
      if (getField(w, prev ? kPushPrev : kPushNext)) {
        int qi = pushQ(m, prev);
        if (qi >= 0)
          q[qi].push_back(pushed);
      }
  }
  return pc;
}

ProgramCost CycleModel::estimateProgram(const std::vector<Word> &insns,
                                        const DramBytes &dram) const {
  // The entry indices KER holds, as the kernel loads leave them (FC entries
  // read as padding).
  const uint16_t none = uint16_t(kEntryNoRead);
  std::vector<uint16_t> kerIndex(cfg.kerDepth, none);
  std::vector<SconvStalls> stalls(insns.size());
  for (size_t i = 0; i < insns.size(); ++i) {
    const Word &w = insns[i];
    const unsigned op = unsigned(getField(w, kOpcode));
    if (op == kLoad && getField(w, load::kBuffer) == kBufKer) {
      const uint64_t base = getField(w, load::kDramAddr);
      const uint64_t sram = getField(w, load::kSramAddr);
      const uint64_t count = getField(w, load::kCount);
      const unsigned format = unsigned(getField(w, load::kKerFormat));
      const unsigned bytes = kerEntryBytes(format);
      const bool spectral =
          format == kKerSpectral || format == kKerSpectralPacked;
      const uint8_t *entries = spectral ? dram(base, count * bytes) : nullptr;
      for (uint64_t e = 0; e < count && sram + e < kerIndex.size(); ++e)
        kerIndex[sram + e] =
            entries ? spectralEntryIndex(format, entries + e * bytes) : none;
    } else if (op == kSconv) {
      const uint64_t ker = getField(w, sconv::kKerAddr);
      const uint64_t entries =
          getField(w, sconv::kNcob) * getField(w, sconv::kNnz) * cfg.macLanes();
      if (ker + entries <= kerIndex.size())
        stalls[i] = sconvStalls(w, kerIndex.data() + ker);
    }
  }
  return estimate(insns, [&](size_t i) { return stalls[i]; });
}

} // namespace cost
} // namespace spec2
