// The C-simulation's fast path of CONV (simulation only, never synthesised):
// each output channel's weight list decoded once into (weight, tap offset)
// pairs, then run over every output pixel directly, instead of the engine's
// lockstep steps over lanes and multiplier slots. Exact integer sums do not
// depend on their order, and fewer than 2^16 products cannot reach the
// 48-bit bound, so OACC is the engine's bit for bit; the counters (useful
// MACs, padded taps, issued lane-steps, cycles) are counted the same way
// (test/hw/FastPathTest.cpp). A CONV with anything outside its buffers or an
// invalid index runs on the HLS engine, which counts each fault where it
// happens.
#include "sim_engines.h"
#include "spatial_conv.h"

#include <vector>

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

/// One list entry of an output channel: its weight and where its tap lies
/// relative to the pixel's first tap (channel, row and column steps).
struct Tap {
  int32_t value;
  uint64_t channel;  ///< ci * vh * pitch
  int64_t dy, dx;    ///< ky * dy, kx * dx
};

/// Can the lists run directly, without a fault anywhere?
bool inBounds(const ConvFields &f, const KerEntry *ker) {
  if (f.nco == 0 || f.pixels() == 0)
    return false;
  const uint64_t entries = f.blocks() * f.nr * kConvPout;
  if (f.kerAddr + entries > kCfg.kerDepth)
    return false;
  for (uint64_t i = 0; i < entries; ++i) {
    const uint64_t j = i / kConvPout % (f.nr ? f.nr : 1);
    const KerEntry &e = ker[f.kerAddr + i];
    if ((e.index == kFcStepColumn ? j : e.index) >= f.reduction())
      return false;
  }
  // The last element any tap can read: the last channel of the last group,
  // its last row and column.
  const uint64_t srcDepth = f.mid ? kCfg.midDepth : kCfg.inpDepth;
  const uint64_t last =
      f.groupBase(f.nco - 1) + (f.cpg * f.vh - 1) * f.pitch + f.vw - 1;
  return f.vw <= f.pitch && last < srcDepth &&
         f.oaccAddr + f.nco * f.pixels() <= kCfg.oaccDepth;
}

} // namespace

void fastConv(const Word &insn, Buffers &buf, Activity &act) {
  const ConvFields f = decodeConv(insn);
  if (!inBounds(f, buf.ker)) {
    execConv(insn, buf, act);
    return;
  }
  const int16_t *src = f.mid ? buf.mid : buf.inp;
  const uint64_t taps = f.kh * f.kw;
  std::vector<Tap> list(f.nr);
  uint64_t useful = 0, padded = 0;
  for (uint64_t co = 0; co < f.nco; ++co) {
    const uint64_t b = co / kConvPout, po = co % kConvPout;
    for (uint64_t j = 0; j < f.nr; ++j) {
      const KerEntry &e = buf.ker[f.kerAddr + (b * f.nr + j) * kConvPout + po];
      const uint64_t r = e.index == kFcStepColumn ? j : e.index;
      list[j] = Tap{e.re, r / taps * f.vh * f.pitch,
                    int64_t(r / f.kw % f.kh * f.dy), int64_t(r % f.kw * f.dx)};
    }
    const int16_t *group = src + f.groupBase(co);
    int32_t *oacc = buf.oacc + f.oaccAddr + co * f.pixels();
    for (uint64_t oy = 0; oy < f.oh; ++oy)
      for (uint64_t ox = 0; ox < f.ow; ++ox) {
        const int64_t ty0 = f.y0 + int64_t(oy * f.sy);
        const int64_t tx0 = f.x0 + int64_t(ox * f.sx);
        int64_t acc = 0;
        for (const Tap &t : list) {
          const int64_t ty = ty0 + t.dy, tx = tx0 + t.dx;
          if (ty < 0 || tx < 0 || ty >= int64_t(f.vh) || tx >= int64_t(f.vw)) {
            ++padded;
            continue;
          }
          if (t.value == 0)
            continue;
          ++useful;
          acc += t.value * int32_t(group[t.channel + uint64_t(ty) * f.pitch +
                                         uint64_t(tx)]);
        }
        int32_t &o = oacc[oy * f.ow + ox];
        o = convAccumulate(o, f.first, acc, f.accShift);
      }
  }
  act.macsUseful += useful;
  act.macsPadded += padded;
  convTiming(f, act);
}

} // namespace SPEC2_HW_NS
} // namespace spec2
