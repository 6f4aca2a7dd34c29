// Spatial conv engine: direct convolution on conv_pout output lanes of
// conv_pk x conv_px int16 multipliers each (CONV), and its output stage
// (CONVQ: bias, residual, requantisation, LUT activation, clamp).
//
// One CONV runs block by block (conv_pout output channels), and in a block
// pixel group by pixel group: a group is conv_px consecutive output pixels
// in tree mode, conv_pk*conv_px in chain mode. A step feeds every
// multiplier (k, x) of every lane po one entry and one pixel:
//   tree:  entry s*conv_pk + k, pixel x; the adder tree sums over k
//   chain: entry s, pixel k*conv_px + x; every multiplier keeps its own sum
// Which gives the step count of isa::convSteps.
#include "spatial_conv.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

ConvFields decodeConv(const Word &insn) {
  ConvFields f;
  f.mid = getField(insn, conv::kSrcBuf) != 0;
  f.srcAddr = getField(insn, conv::kSrcAddr);
  f.pitch = getField(insn, conv::kSrcPitch);
  f.y0 = getField(insn, conv::kY0);
  f.x0 = getField(insn, conv::kX0);
  f.vh = getField(insn, conv::kVh);
  f.vw = getField(insn, conv::kVw);
  f.kh = getField(insn, conv::kKh);
  f.kw = getField(insn, conv::kKw);
  f.sy = getField(insn, conv::kSy);
  f.sx = getField(insn, conv::kSx);
  f.dy = getField(insn, conv::kDy);
  f.dx = getField(insn, conv::kDx);
  f.oh = getField(insn, conv::kOh);
  f.ow = getField(insn, conv::kOw);
  f.oaccAddr = getField(insn, conv::kOaccAddr);
  f.nco = getField(insn, conv::kNco);
  f.cpg = getField(insn, conv::kCpg);
  f.opg = getField(insn, conv::kOpg);
  f.kerAddr = getField(insn, conv::kKerAddr);
  f.nr = getField(insn, conv::kNr);
  f.accShift = unsigned(getField(insn, conv::kAccShift));
  f.first = getField(insn, conv::kFirst) != 0;
  f.chain = getField(insn, conv::kChain) != 0;
  return f;
}

namespace {

/// Counters of one block, kept in registers and added once.
struct ConvCounts {
  uint64_t useful = 0, padded = 0, faults = 0;
};

/// The steps of one pixel group of block b: `acc[po][m]` gets the sum of
/// accumulator m of lane po (m < conv_px in tree mode, < conv_pk*conv_px in
/// chain mode).
void convGroup(const ConvFields &f, uint64_t b, uint64_t pix0,
               const KerEntry *ker, const int16_t *src, uint32_t srcDepth,
               int64_t acc[kConvPout][kConvSlots], ConvCounts &n) {
  const uint64_t steps =
      f.chain ? f.nr : (f.nr + kConvPk - 1) / kConvPk;
  const uint64_t reduction = f.reduction();
CONV_STEPS:
  for (uint64_t s = 0; s < steps; ++s) {
#pragma HLS PIPELINE II = 1
  CONV_LANES:
    for (uint32_t po = 0; po < kConvPout; ++po)
      for (uint32_t k = 0; k < kConvPk; ++k)
        for (uint32_t x = 0; x < kConvPx; ++x) {
#pragma HLS UNROLL
          const uint64_t co = b * kConvPout + po;
          const uint32_t m = f.chain ? k * kConvPx + x : x;
          const uint64_t j = f.chain ? s : s * kConvPk + k;
          const uint64_t pixel = pix0 + m;
          if (co >= f.nco || j >= f.nr || pixel >= f.pixels())
            continue;
          const uint64_t ka = f.kerAddr + (b * f.nr + j) * kConvPout + po;
          if (ka >= kCfg.kerDepth) {
            ++n.faults;
            continue;
          }
          const KerEntry e = ker[ka];
          const uint64_t r = e.index == kFcStepColumn ? j : e.index;
          if (r >= reduction) {
            ++n.faults;
            continue;
          }
          uint64_t offset = 0;
          if (!convTap(f, r, pixel, offset)) {
            ++n.padded;
            continue;
          }
          const uint64_t a = f.groupBase(co) + offset;
          if (a >= srcDepth) {
            ++n.faults;
            continue;
          }
          if (e.re == 0)
            continue;
          ++n.useful;
          acc[po][m] += int32_t(e.re) * int32_t(src[a]);
        }
  }
}

} // namespace

void execConv(const Word &insn, Buffers &buf, Activity &act) {
  const ConvFields f = decodeConv(insn);
  const int16_t *src = f.mid ? buf.mid : buf.inp;
  const uint32_t srcDepth = f.mid ? kCfg.midDepth : kCfg.inpDepth;
  const uint64_t group = f.chain ? kConvSlots : kConvPx;
  const uint64_t groups = (f.pixels() + group - 1) / group;
  ConvCounts n;
  // Fewer than 2^16 products (each below 2^30 in magnitude) cannot reach the
  // 48-bit bound, so the accumulators never saturate before the final clamp.
  int64_t acc[kConvPout][kConvSlots];
#pragma HLS ARRAY_PARTITION variable = acc complete dim = 0
CONV_BLOCKS:
  for (uint64_t b = 0; b < f.blocks(); ++b) {
  CONV_GROUPS:
    for (uint64_t g = 0; g < groups; ++g) {
      for (uint32_t po = 0; po < kConvPout; ++po)
        for (uint32_t m = 0; m < kConvSlots; ++m) {
#pragma HLS UNROLL
          acc[po][m] = 0;
        }
      convGroup(f, b, g * group, buf.ker, src, srcDepth, acc, n);
    CONV_WRITE:
      for (uint32_t po = 0; po < kConvPout; ++po)
        for (uint32_t m = 0; m < group; ++m) {
#pragma HLS PIPELINE II = 1
          const uint64_t co = b * kConvPout + po, pixel = g * group + m;
          if (co >= f.nco || pixel >= f.pixels())
            continue;
          const uint64_t o = f.oaccAddr + co * f.pixels() + pixel;
          if (o >= kCfg.oaccDepth) {
            ++n.faults;
            continue;
          }
          buf.oacc[o] =
              convAccumulate(buf.oacc[o], f.first, acc[po][m], f.accShift);
        }
    }
  }
  act.macsUseful += n.useful;
  act.macsPadded += n.padded;
  act.faults += n.faults;
  convTiming(f, act);
}

void execConvq(const Word &insn, Buffers &buf, Activity &act) {
  const uint64_t oaccAddr = getField(insn, convq::kOaccAddr);
  const uint64_t nc = getField(insn, convq::kNc);
  const uint64_t oh = getField(insn, convq::kOh);
  const uint64_t ow = getField(insn, convq::kOw);
  const uint64_t biasAddr = getField(insn, convq::kBiasAddr);
  const unsigned shift = unsigned(getField(insn, convq::kShift));
  const bool toMid = getField(insn, convq::kDstBuf) != 0;
  const uint64_t outAddr = getField(insn, convq::kOutAddr);
  const bool res = getField(insn, convq::kRes) != 0;
  const bool resMid = getField(insn, convq::kResBuf) != 0;
  const uint64_t resAddr = getField(insn, convq::kResAddr);
  const uint64_t resPitch = getField(insn, convq::kResPitch);
  const uint64_t resPlane = getField(insn, convq::kResPlane);
  const int64_t resShift = getField(insn, convq::kResShift);
  const bool lut = getField(insn, convq::kLut) != 0;
  const uint64_t lutAddr = getField(insn, convq::kLutAddr);
  const unsigned lutShift = unsigned(getField(insn, convq::kLutShift));
  const int64_t lo = getField(insn, convq::kClampLo);
  const int64_t hi = getField(insn, convq::kClampHi);
  const int16_t *resBuf = resMid ? buf.mid : buf.inp;
  const uint64_t resDepth = resMid ? kCfg.midDepth : kCfg.inpDepth;
  int16_t *dst = toMid ? buf.mid : buf.out;
  const uint64_t dstDepth = toMid ? kCfg.midDepth : kCfg.outDepth;
  uint64_t faults = 0;
CONVQ_CHANNELS:
  for (uint64_t c = 0; c < nc; ++c) {
    int64_t bias = 0;
    if (biasAddr + c < kCfg.biasDepth)
      bias = buf.bias[biasAddr + c];
    else
      ++faults;
  CONVQ_PIXELS:
    for (uint64_t y = 0; y < oh; ++y)
      for (uint64_t x = 0; x < ow; ++x) {
#pragma HLS PIPELINE II = 1
        const uint64_t i = (c * oh + y) * ow + x;
        const uint64_t a = oaccAddr + i, o = outAddr + i;
        if (a >= kCfg.oaccDepth || o >= dstDepth) {
          ++faults;
          continue;
        }
        int64_t v = int64_t(buf.oacc[a]) + bias;
        if (res) {
          const uint64_t ra = resAddr + c * resPlane + y * resPitch + x;
          int64_t r = 0;
          if (ra < resDepth)
            r = resBuf[ra];
          else
            ++faults;
          v += resShift >= 0 ? r * (int64_t(1) << resShift)
                             : roundShift(r, unsigned(-resShift));
        }
        int64_t q = sat16Counted(roundShift(v, shift), act);
        if (lut) {
          int64_t l = 0;
          if (lutLookup(buf.bias, lutAddr, q, l))
            q = sat16Counted(roundShift(l, lutShift), act);
          else
            ++faults;
        }
        dst[o] = int16_t(saturate(q, lo, hi));
      }
  }
  act.faults += faults;
  act.cycles = (nc * oh * ow + kCfg.vecLanes - 1) / kCfg.vecLanes +
               kCfg.vecDepth;
  // Detached, the next CONV runs beside it from its start.
  if (getField(insn, convq::kDetach))
    act.release = 0;
  act.engine[kEngOutq] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
