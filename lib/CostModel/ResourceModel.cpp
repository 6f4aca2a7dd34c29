//===- ResourceModel.cpp - DSP and on-chip memory use of a config ---------===//
#include "spec2/CostModel/ResourceModel.h"

#include <algorithm>
#include <cmath>

namespace spec2 {
namespace cost {

namespace {

uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/// 18 Kb block RAMs for one bank of `depth` words of `width` bits: the best
/// of the BRAM18 aspect ratios 16Kx1 .. 512x36.
uint64_t bram18For(uint64_t depth, uint64_t width) {
  static const uint64_t shapes[][2] = {{16384, 1}, {8192, 2},  {4096, 4},
                                       {2048, 9},  {1024, 18}, {512, 36}};
  uint64_t best = UINT64_MAX;
  for (auto &s : shapes)
    best = std::min(best, ceilDiv(depth, s[0]) * ceilDiv(width, s[1]));
  return best;
}

/// UltraRAMs (4K x 72) for one bank.
uint64_t uramFor(uint64_t depth, uint64_t width) {
  return ceilDiv(depth, 4096) * ceilDiv(width, 72);
}

/// A buffer of `depth` words of `width` bits split into `banks` banks (each
/// bank gives one read per cycle; the writer uses the second port), repeated
/// `copies` times. Banks at least as deep as an UltraRAM (4K words) go to
/// UltraRAM when the device has it, even if that leaves URAM width unused:
/// BRAM is the scarcer memory.
UnitResources memory(const char *name, const OverlayConfig &c, uint64_t depth,
                     uint64_t width, uint64_t banks, uint64_t copies = 1) {
  UnitResources u;
  u.name = name;
  const uint64_t bankDepth = ceilDiv(depth, banks);
  if (c.deviceUram > 0 && bankDepth >= 4096) {
    u.uram = uramFor(bankDepth, width) * banks * copies;
  } else {
    u.bram18 = bram18For(bankDepth, width) * banks * copies;
    // Half a URAM's depth or more: URAM if BRAM runs short (estimate).
    if (c.deviceUram > 0 && bankDepth >= 2048)
      u.uramAlternative = uramFor(bankDepth, width) * banks * copies;
  }
  u.payloadBytes = ceilDiv(depth * width, 8) * copies;
  return u;
}

/// Complex multiplications by twiddles other than 1 and -i in one N-point
/// radix-2 FFT.
uint64_t nontrivialTwiddles(uint32_t n) {
  uint64_t count = 0;
  for (uint32_t len = 2; len <= n; len <<= 1) {
    const uint32_t half = len / 2, step = n / len;
    for (uint32_t j = 0; j < half; ++j) {
      const uint32_t k = j * step;
      if (k != 0 && 4 * k != n) // w = 1 or w = -i
        count += n / len;
    }
  }
  return count;
}

} // namespace

Resources estimateResources(const OverlayConfig &c) {
  Resources r;
  const uint64_t lanes = c.macLanes();
  // Compute.
  {
    UnitResources u;
    u.name = "smac";
    u.dsp = lanes * kDspPerComplexMac;
    // Per-lane accumulators: bins x complex 48-bit in distributed RAM.
    u.lutramBytes = lanes * c.bins() * 2 * 6;
    u.payloadBytes = u.lutramBytes;
    r.units.push_back(u);
  }
  {
    // Streaming 2-D FFT and IFFT units: a row pass and a column pass, each
    // taking ppc points a cycle, i.e. ppc/N transforms in flight per stage.
    // Forward data fit 27 bits (1 DSP per real product), inverse data are
    // 32-bit (2 DSPs per real product).
    auto cmulPerCycle = [&](uint32_t ppc) {
      return std::max<uint64_t>(1, ppc / c.fftSize) *
             nontrivialTwiddles(c.fftSize);
    };
    UnitResources f;
    f.name = "fft";
    f.dsp = 2 * cmulPerCycle(c.fftPointsPerCycle) * 4 * 1;
    r.units.push_back(f);
    UnitResources i;
    i.name = "ifft";
    i.dsp = 2 * cmulPerCycle(c.ifftPointsPerCycle) * 4 * 2;
    r.units.push_back(i);
  }
  {
    // The spatial conv engine: conv_pout lanes of conv_pk x conv_px
    // multipliers; the adder tree (conv_pk inputs per pixel) in LUTs. Every
    // multiplier has a 48-bit accumulator (chain mode uses them all; tree
    // mode conv_px per lane) and, for chain mode, a 16-bit operand register
    // of its lane's window (docs/isa.md, CONV).
    UnitResources u;
    u.name = "conv";
    u.dsp = uint64_t(c.convLanes()) * kDspPerConvMultiplier;
    u.registerBits = uint64_t(c.convLanes()) * (48 + 16);
    r.units.push_back(u);
  }
  {
    UnitResources u;
    u.name = "gemv";
    u.dsp = c.fcLanes;
    r.units.push_back(u);
    UnitResources v;
    v.name = "vec";
    // Average-pool reciprocal and LUT interpolation multipliers.
    v.dsp = 2 * c.vecLanes;
    r.units.push_back(v);
  }
  // Memories. The spatial engine reads conv_pk*conv_px source elements a
  // step from INP or MID (broadcast over its output lanes), conv_pk entries
  // of each of its conv_pout lanes from KER, and writes conv_pout*conv_px
  // accumulators a step into OACC at most (tree mode, nr <= conv_pk);
  // CONVQ moves vec_lanes elements a cycle through MID.
  const uint64_t ppc = c.fftPointsPerCycle;
  const uint64_t convReads = uint64_t(c.convPk) * c.convPx;
  r.units.push_back(memory("INP", c, c.inpDepth, 16,
                           std::max({ppc, uint64_t(c.vecLanes), convReads})));
  r.units.push_back(
      memory("KER", c, c.kerDepth, 48,
             std::max({lanes, uint64_t(c.fcLanes),
                       uint64_t(c.convPout) * c.convPk})));
  r.units.push_back(memory("BIAS", c, c.biasDepth, 32,
                           std::max<uint64_t>(c.vecLanes, c.fcLanes)));
  r.units.push_back(memory("FCX", c, c.fcxDepth, 16, 1, c.fcLanes));
  r.units.push_back(
      memory("SPEC", c, c.specDepth, 32, uint64_t(c.pin) * c.specBanks));
  r.units.push_back(
      memory("OACC", c, c.oaccDepth, 32,
             std::max({uint64_t(c.ifftPointsPerCycle), uint64_t(c.vecLanes),
                       uint64_t(c.convPout) * c.convPx})));
  r.units.push_back(memory("MID", c, c.midDepth, 16,
                           std::max(convReads, uint64_t(c.vecLanes))));
  r.units.push_back(memory("FACC", c, c.faccDepth, 48, c.fcLanes));
  r.units.push_back(memory("OUT", c, c.outDepth, 16,
                           std::max<uint64_t>(c.vecLanes, c.fcLanes)));
  for (const UnitResources &u : r.units) {
    r.dsp += u.dsp;
    r.bram18 += u.bram18;
    r.uram += u.uram;
    r.lutramBytes += u.lutramBytes;
    r.registerBits += u.registerBits;
  }
  // BRAM runs out first on large configurations: memories whose banks are
  // at least half a URAM deep move to URAM, the largest BRAM users first,
  // while BRAM is over and URAM has room.
  std::vector<UnitResources *> movable;
  for (UnitResources &u : r.units)
    if (u.uramAlternative)
      movable.push_back(&u);
  std::stable_sort(movable.begin(), movable.end(),
                   [](const UnitResources *a, const UnitResources *b) {
                     return a->bram18 > b->bram18;
                   });
  for (UnitResources *u : movable) {
    if (r.bram18 <= c.deviceBram18)
      break;
    if (r.uram + u->uramAlternative > c.deviceUram)
      continue;
    r.bram18 -= u->bram18;
    r.uram += u->uramAlternative;
    u->uram = u->uramAlternative;
    u->bram18 = 0;
  }
  return r;
}

std::string Resources::checkFits(const OverlayConfig &c) const {
  std::string why;
  auto over = [&](const char *what, uint64_t used, uint64_t avail) {
    if (used > avail)
      why += std::string(why.empty() ? "" : "; ") + what + " " +
             std::to_string(used) + " > " + std::to_string(avail);
  };
  over("DSP", dsp, c.deviceDsp);
  over("BRAM18", bram18, c.deviceBram18);
  over("URAM", uram, c.deviceUram);
  return why;
}

} // namespace cost
} // namespace spec2
