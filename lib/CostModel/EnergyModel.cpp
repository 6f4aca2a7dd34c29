//===- EnergyModel.cpp - Energy of one inference (an estimate) ------------===//
//
// Activity per instruction from the semantics in isa.h; DDR beats from
// CycleModel (one count of them); which memories sit in UltraRAM from the
// resource model. docs/energy.md has the table of what each opcode counts.
//
//===----------------------------------------------------------------------===//
#include "spec2/CostModel/EnergyModel.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/CostModel/ResourceModel.h"

#include <algorithm>

namespace spec2 {
namespace cost {
using namespace isa;

namespace {
uint64_t ceilDiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }
uint64_t field(const Word &w, Field f) { return uint64_t(getField(w, f)); }

/// Butterflies of one N x N 2-D radix-2 transform: 2N one-dimensional
/// transforms of (N/2)·log2(N) each.
uint64_t butterflies2d(uint64_t n, uint64_t log2n) { return n * n * log2n; }

/// Twiddle multiplications other than by 1 and -i in one N-point radix-2
/// FFT, (N/2)·log2(N) - 3N/2 + 2 (0, 2, 10 for N = 4, 8, 16; the resource
/// model counts the same ones), as real products over a 2-D transform.
uint64_t twiddleProducts2d(uint64_t n, uint64_t log2n) {
  const uint64_t perFft = n / 2 * log2n + 2 - 3 * n / 2;
  return 2 * n * perFft * 4;
}
} // namespace

const char *memoryName(unsigned m) {
  static const char *const names[kNumMemories] = {
      "INP", "KER", "BIAS", "FCX", "SPEC", "OACC", "FACC", "OUT", "MID"};
  return m < kNumMemories ? names[m] : "?";
}

unsigned memoryWidth(unsigned m) {
  static const unsigned widths[kNumMemories] = {16, 48, 32, 16, 32,
                                                32, 48, 16, 16};
  return m < kNumMemories ? widths[m] : 0;
}

Activity &Activity::operator+=(const Activity &o) {
  smacLaneSteps += o.smacLaneSteps;
  fftButterflies += o.fftButterflies;
  fftProducts += o.fftProducts;
  ifftButterflies += o.ifftButterflies;
  ifftProducts += o.ifftProducts;
  fcMacs += o.fcMacs;
  convMacs += o.convMacs;
  vecOps += o.vecOps;
  vecProducts += o.vecProducts;
  for (unsigned m = 0; m < kNumMemories; ++m)
    accesses[m] += o.accesses[m];
  ddrBeatBytes += o.ddrBeatBytes;
  return *this;
}

Energy &Energy::operator+=(const Energy &o) {
  compute += o.compute;
  onchip += o.onchip;
  ddr += o.ddr;
  stat += o.stat;
  return *this;
}

EnergyModel::EnergyModel(const OverlayConfig &config) : cfg(config) {
  // A memory the resource model maps to UltraRAM pays a whole URAM word per
  // access; one it does not list (none today) is taken to be block RAM.
  const Resources res = estimateResources(cfg);
  for (unsigned m = 0; m < kNumMemories; ++m) {
    bool uram = false;
    for (const UnitResources &u : res.units)
      if (u.name == memoryName(m))
        uram = u.uram > 0;
    const unsigned w = memoryWidth(m);
    accessJ[m] =
        (uram ? double(ceilDiv(w, energy::kUramWordBits) *
                       energy::kUramWordBits) *
                    energy::kUramPjPerBit
              : double(w) * energy::kBramPjPerBit) *
        1e-12;
  }
}

double EnergyModel::staticWatts() const {
  return energy::kStaticWattsPerDeviceDsp * double(cfg.deviceDsp);
}

double EnergyModel::seconds(uint64_t cycles) const {
  return double(cycles) / (double(cfg.clockMhz) * 1e6);
}

namespace {
/// The counts of the spectral conv engine's instructions.
void fftActivity(const Word &w, const OverlayConfig &c, Activity &a) {
  const uint64_t transforms =
      tilesAlongX(field(w, fft::kNtx)) * field(w, fft::kNc);
  const uint64_t tile = field(w, fft::kTile);
  a.accesses[kMemInp] += transforms * tile * tile;
  a.accesses[kMemSpec] += transforms * c.bins();
  a.fftButterflies += transforms * butterflies2d(c.fftSize, c.fftLog2());
  a.fftProducts += transforms * twiddleProducts2d(c.fftSize, c.fftLog2());
}

void sconvActivity(const Word &w, const OverlayConfig &c, Activity &a) {
  const uint64_t tiles = tilesAlongX(field(w, sconv::kNtx));
  const uint64_t ncob = field(w, sconv::kNcob), nco = field(w, sconv::kNco);
  const uint64_t laneSteps =
      tiles * ncob * field(w, sconv::kNnz) * c.macLanes();
  a.smacLaneSteps += laneSteps;
  // Every lane reads its KER entry and a SPEC bin each step (lanes reading
  // the same address share a read in the hardware: an upper bound).
  a.accesses[kMemKer] += laneSteps;
  a.accesses[kMemSpec] += laneSteps;
  // One IFFT per live output channel of each block and tile, added into
  // OACC over its N x N tile (read and write).
  uint64_t live = 0;
  for (uint64_t b = 0; b < ncob; ++b)
    live += std::min<uint64_t>(c.pout,
                               nco > b * c.pout ? nco - b * c.pout : 0);
  const uint64_t transforms = tiles * live;
  a.ifftButterflies += transforms * butterflies2d(c.fftSize, c.fftLog2());
  a.ifftProducts += transforms * twiddleProducts2d(c.fftSize, c.fftLog2());
  a.accesses[kMemOacc] += 2 * transforms * c.fftSize * c.fftSize;
}

void outqActivity(const Word &w, Activity &a) {
  const uint64_t nc = field(w, outq::kNc);
  const uint64_t n = nc * field(w, outq::kOh) * field(w, outq::kOw);
  a.accesses[kMemOacc] += n;
  a.accesses[kMemBias] += nc;
  a.accesses[kMemOut] += n;
  a.vecOps += n;
  if (field(w, outq::kClear))
    a.accesses[kMemOacc] +=
        nc * field(w, outq::kOaccPlane) +
        2 * nc * field(w, outq::kKeep) * field(w, outq::kOaccPitch);
}

void gemvActivity(const Word &w, const OverlayConfig &c, Activity &a) {
  const uint64_t rows = field(w, gemv::kNrows);
  const uint64_t macs = ceilDiv(rows, c.fcLanes) * field(w, gemv::kNnz) *
                        c.fcLanes;
  a.fcMacs += macs;
  a.accesses[kMemKer] += macs;
  a.accesses[kMemFcx] += macs;
  // Each row's accumulator is read (unless `first`) and written once.
  a.accesses[kMemFacc] += (field(w, gemv::kFirst) ? 1 : 2) * rows;
  if (field(w, gemv::kLast)) {
    a.accesses[kMemBias] += rows;
    a.accesses[kMemOut] += rows;
    a.vecOps += rows;
  }
}

void vecActivity(const Word &w, Activity &a) {
  const uint64_t op = field(w, vec::kOp), nc = field(w, vec::kNc);
  const uint64_t outputs = nc * field(w, vec::kOh) * field(w, vec::kOw);
  if (op == kVecAdd || op == kVecReq || op == kVecLut) {
    const uint64_t n = nc * field(w, vec::kH) * field(w, vec::kW);
    a.accesses[kMemInp] += (op == kVecAdd ? 2 : 1) * n;
    a.accesses[kMemOut] += n;
    a.vecOps += n;
    if (op == kVecLut) { // two table entries and an interpolation product
      a.accesses[kMemBias] += 2 * n;
      a.vecProducts += n;
    }
    return;
  }
  if (op == kVecSoftmax) {
    // Three reads of each element, two table lookups (two entries and an
    // interpolation product each), the scaling product; a divide per
    // position (counted as one product).
    const uint64_t n = nc * field(w, vec::kH) * field(w, vec::kW);
    a.accesses[kMemInp] += 3 * n;
    a.accesses[kMemBias] += 4 * n;
    a.accesses[kMemOut] += n;
    a.vecOps += 3 * n;
    a.vecProducts += 3 * n + field(w, vec::kH) * field(w, vec::kW);
    return;
  }
  if (op == kVecAffine || op == kVecMul) {
    // One product per element; the plane's entry is read once per plane.
    const uint64_t n = nc * field(w, vec::kH) * field(w, vec::kW);
    a.accesses[kMemInp] += n + (op == kVecMul ? nc : 0);
    if (op == kVecAffine)
      a.accesses[kMemBias] += 2 * nc;
    a.accesses[kMemOut] += n;
    a.vecOps += n;
    a.vecProducts += n;
    return;
  }
  const uint64_t taps = outputs * field(w, vec::kKh) * field(w, vec::kKw);
  a.accesses[kMemInp] += taps;
  a.accesses[kMemOut] += outputs;
  a.vecOps += taps;
  if (op == kVecAvgPool) // the reciprocal product
    a.vecProducts += outputs;
}

/// The spatial conv engine: its steps are isa::convSteps, each using every
/// multiplier of the engine.
void convActivity(const Word &w, const OverlayConfig &c, Activity &a) {
  const bool chain = field(w, conv::kChain) != 0;
  const uint64_t nco = field(w, conv::kNco);
  const uint64_t pixels = field(w, conv::kOh) * field(w, conv::kOw);
  const uint64_t steps = convSteps(nco, pixels, field(w, conv::kNr), chain,
                                   c.convPout, c.convPk, c.convPx);
  a.convMacs += steps * c.convLanes();
  // KER: tree mode reads conv_pk entries per output lane a step, chain mode
  // one (each multiplier of a lane works on its own pixel).
  a.accesses[kMemKer] += steps * c.convPout * (chain ? 1 : c.convPk);
  // Source operands: conv_pk x conv_px a step, shared by the output lanes
  // of one group; lanes of different groups (opg < P) read their own.
  const uint64_t opg = std::max<uint64_t>(1, field(w, conv::kOpg));
  const uint64_t readers =
      ceilDiv(c.convPout, std::min<uint64_t>(opg, c.convPout));
  a.accesses[field(w, conv::kSrcBuf) ? kMemMid : kMemInp] +=
      steps * c.convPk * c.convPx * readers;
  a.accesses[kMemOacc] += (field(w, conv::kFirst) ? 1 : 2) * nco * pixels;
}

void convqActivity(const Word &w, Activity &a) {
  const uint64_t nc = field(w, convq::kNc);
  const uint64_t n = nc * field(w, convq::kOh) * field(w, convq::kOw);
  a.accesses[kMemOacc] += n;
  a.accesses[kMemBias] += nc;
  a.accesses[field(w, convq::kDstBuf) ? kMemMid : kMemOut] += n;
  a.vecOps += n;
  if (field(w, convq::kRes)) {
    a.accesses[field(w, convq::kResBuf) ? kMemMid : kMemInp] += n;
    a.vecOps += n;
  }
  if (field(w, convq::kLut)) {
    a.accesses[kMemBias] += 2 * n;
    a.vecProducts += n;
    a.vecOps += n;
  }
}

/// LOAD writes its box (padding included) or its entries; STORE reads the
/// part of its box inside the tensor (CycleModel's payload bytes).
void dmaActivity(const Word &w, const InsnCost &cost, const OverlayConfig &c,
                 Activity &a) {
  a.ddrBeatBytes += cost.ddrBeatBytes;
  if (field(w, kOpcode) == kStore) {
    a.accesses[kMemOut] += cost.ddrBytes / 2;
    return;
  }
  const uint64_t buffer = field(w, load::kBuffer);
  const uint64_t box =
      field(w, load::kNc) * field(w, load::kNy) * field(w, load::kNx);
  if (buffer == kBufInp)
    a.accesses[kMemInp] += box;
  else if (buffer == kBufFcx) // one copy per FC lane
    a.accesses[kMemFcx] += box * c.fcLanes;
  else
    a.accesses[buffer == kBufKer ? kMemKer : kMemBias] +=
        field(w, load::kCount);
}
} // namespace

Activity EnergyModel::activity(const Word &w) const {
  Activity a;
  switch (unsigned(getField(w, kOpcode))) {
  case kLoad:
  case kStore:
    dmaActivity(w, CycleModel(cfg).cost(w), cfg, a);
    break;
  case kFft:
    fftActivity(w, cfg, a);
    break;
  case kSconv:
    sconvActivity(w, cfg, a);
    break;
  case kOutq:
    outqActivity(w, a);
    break;
  case kGemv:
    gemvActivity(w, cfg, a);
    break;
  case kVec:
    vecActivity(w, a);
    break;
  case kConv:
    convActivity(w, cfg, a);
    break;
  case kConvq:
    convqActivity(w, a);
    break;
  default: // FINISH, NOP: only their tokens
    break;
  }
  return a;
}

Energy EnergyModel::dynamic(const Activity &a) const {
  using namespace energy;
  Energy e;
  const double pj =
      (4.0 * double(a.smacLaneSteps) + double(a.fcMacs) +
       double(a.convMacs) + double(a.fftProducts) + double(a.vecProducts)) *
          kDspMacPj +
      double(a.ifftProducts) * kDsp32ProductPj +
      double(a.fftButterflies + a.ifftButterflies) * kButterflyAddPj +
      double(a.vecOps) * kVecOpPj;
  e.compute = pj * 1e-12;
  for (unsigned m = 0; m < kNumMemories; ++m)
    e.onchip += double(a.accesses[m]) * accessJ[m];
  e.ddr = double(a.ddrBeatBytes) * kDdrPjPerByte * 1e-12;
  return e;
}

Energy EnergyModel::estimate(const std::vector<Word> &insns,
                             uint64_t modeledCycles) const {
  Activity total;
  for (const Word &w : insns)
    total += activity(w);
  Energy e = dynamic(total);
  e.stat = staticWatts() * seconds(modeledCycles);
  return e;
}

EnergySummary summarize(const Energy &e, double seconds, double ops) {
  EnergySummary s;
  s.energy = e;
  s.seconds = seconds;
  const double joules = e.total();
  s.averageWatts = seconds > 0 ? joules / seconds : 0;
  s.gopPerS = seconds > 0 ? ops / seconds * 1e-9 : 0;
  s.gopPerSPerWatt = joules > 0 ? ops / joules * 1e-9 : 0;
  return s;
}

} // namespace cost
} // namespace spec2
