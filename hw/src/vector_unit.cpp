// Vector unit: max/average pooling (global pooling is a window the size of
// the plane), element-wise add, requantisation and LUT functions, and the
// per-plane affine and multiply, each followed by the shared
// requantise-saturate-clamp stage.
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

/// floor((2^24 + n/2) / n): the reciprocal ROM of the average pool.
inline int64_t reciprocalQ24(int64_t n) {
  return ((int64_t(1) << 24) + n / 2) / n;
}

inline int16_t finish(int64_t v, unsigned shiftOut, int64_t lo, int64_t hi,
                      Activity &act) {
  return int16_t(saturate(sat16Counted(roundShift(v, shiftOut), act), lo, hi));
}

inline int64_t readInp(const Buffers &buf, uint64_t a, Activity &act) {
  if (a >= kCfg.inpDepth) {
    ++act.faults;
    return 0;
  }
  return buf.inp[a];
}

} // namespace

void execVec(const Word &insn, Buffers &buf, Activity &act) {
  const unsigned op = unsigned(getField(insn, vec::kOp));
  const uint64_t aAddr = getField(insn, vec::kAAddr);
  const uint64_t bAddr = getField(insn, vec::kBAddr);
  const uint64_t outAddr = getField(insn, vec::kOutAddr);
  const int64_t nc = getField(insn, vec::kNc);
  const int64_t h = getField(insn, vec::kH);
  const int64_t w = getField(insn, vec::kW);
  const int64_t kh = getField(insn, vec::kKh);
  const int64_t kw = getField(insn, vec::kKw);
  const int64_t sy = getField(insn, vec::kSy);
  const int64_t sx = getField(insn, vec::kSx);
  const int64_t pt = getField(insn, vec::kPt);
  const int64_t pl = getField(insn, vec::kPl);
  const unsigned shiftA = unsigned(getField(insn, vec::kShiftA));
  const unsigned shiftB = unsigned(getField(insn, vec::kShiftB));
  const unsigned shiftOut = unsigned(getField(insn, vec::kShiftOut));
  const int64_t lo = getField(insn, vec::kClampLo);
  const int64_t hi = getField(insn, vec::kClampHi);
  const bool includePad = getField(insn, vec::kIncludePad) != 0;
  const bool logOut = getField(insn, vec::kLog) != 0;
  uint64_t work = 0;

  if (op == kVecLut) {
    const uint64_t n = uint64_t(nc * h * w);
  VEC_LUT:
    for (uint64_t i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
      int64_t v = 0;
      if (!lutLookup(buf.bias, bAddr, readInp(buf, aAddr + i, act), v) ||
          outAddr + i >= kCfg.outDepth) {
        ++act.faults;
        continue;
      }
      buf.out[outAddr + i] = finish(v, shiftOut, lo, hi, act);
    }
    work = n;
  } else if (op == kVecAdd || op == kVecReq) {
    const uint64_t n = uint64_t(nc * h * w);
  VEC_ELEMENTWISE:
    for (uint64_t i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
      int64_t v = readInp(buf, aAddr + i, act) * (int64_t(1) << shiftA);
      if (op == kVecAdd)
        v += readInp(buf, bAddr + i, act) * (int64_t(1) << shiftB);
      if (outAddr + i >= kCfg.outDepth) {
        ++act.faults;
        continue;
      }
      buf.out[outAddr + i] = finish(v, shiftOut, lo, hi, act);
    }
    work = n;
  } else if (op == kVecAffine || op == kVecMul) {
    const uint64_t plane = uint64_t(h * w);
  VEC_CHANNEL:
    for (int64_t c = 0; c < nc; ++c) {
      // The plane's factor (and shift): BIAS pairs for AFFINE, one INP
      // element for MUL.
      int64_t s = 0, t = 0;
      if (op == kVecAffine) {
        const uint64_t e = bAddr + 2 * uint64_t(c);
        if (e + 1 >= kCfg.biasDepth) {
          ++act.faults;
        } else {
          s = int16_t(uint16_t(uint32_t(buf.bias[e])));
          t = buf.bias[e + 1];
        }
      } else {
        s = readInp(buf, bAddr + uint64_t(c), act);
      }
    VEC_CHANNEL_PLANE:
      for (uint64_t i = 0; i < plane; ++i) {
#pragma HLS PIPELINE II = 1
        const uint64_t k = uint64_t(c) * plane + i;
        const int64_t v = (readInp(buf, aAddr + k, act) * s + t) *
                          (int64_t(1) << shiftA);
        if (outAddr + k >= kCfg.outDepth) {
          ++act.faults;
          continue;
        }
        buf.out[outAddr + k] = finish(v, shiftOut, lo, hi, act);
      }
    }
    work = uint64_t(nc) * plane;
  } else if (op == kVecSoftmax) {
    // Three passes over a position's channels (max, exp and sum, scale),
    // a divider result per position between the last two.
    const uint64_t plane = uint64_t(h * w);
  VEC_SOFTMAX:
    for (uint64_t p = 0; p < plane; ++p) {
      int64_t m = INT64_MIN;
      for (int64_t c = 0; c < nc; ++c) {
#pragma HLS PIPELINE II = 1
        const int64_t a = readInp(buf, aAddr + uint64_t(c) * plane + p, act);
        m = a > m ? a : m;
      }
      int64_t s = 0;
      for (int64_t c = 0; c < nc; ++c) {
#pragma HLS PIPELINE II = 1
        const int64_t a = readInp(buf, aAddr + uint64_t(c) * plane + p, act);
        const int64_t d = sat16(
            roundShift((a - m) * (int64_t(1) << shiftA), shiftB));
        int64_t e = 0;
        if (!lutLookup(buf.bias, bAddr, d, e))
          ++act.faults;
        s += e > 0 ? e : 0;
      }
      if (s <= 0) {
        ++act.faults;
        continue;
      }
      const int64_t r = (int64_t(1) << kVecSoftmaxScaleBits) / s;
      // LogSoftmax: ln(s * 2^-14) at 2^-24 from the leading one and a
      // table of log2 over the mantissa.
      int64_t lnS = 0;
      if (logOut) {
        int k = 0;
        while ((s >> (k + 1)) != 0)
          ++k;
        const uint64_t mant =
            k <= 16 ? (uint64_t(s) << (16 - k)) : (uint64_t(s) >> (k - 16));
        int64_t l = 0;
        if (!lutLookup(buf.bias, bAddr + kLutEntries,
                       int64_t(mant & 0xffff) - 32768, l))
          ++act.faults;
        const int64_t l2 =
            (int64_t(k) - int64_t(kVecSoftmaxExpFrac)) * (int64_t(1) << kVecSoftmaxLogFrac) + l;
        lnS = roundShift(l2 * kLn2Q30, 30);
      }
      for (int64_t c = 0; c < nc; ++c) {
#pragma HLS PIPELINE II = 1
        const uint64_t k = uint64_t(c) * plane + p;
        const int64_t a = readInp(buf, aAddr + k, act);
        const int64_t d = roundShift((a - m) * (int64_t(1) << shiftA), shiftB);
        int64_t v;
        if (logOut) {
          v = d * (int64_t(1) << (kVecSoftmaxLogFrac - kVecSoftmaxDiffFrac)) -
              lnS;
        } else {
          int64_t e = 0;
          lutLookup(buf.bias, bAddr, sat16(d), e); // a fault counted above
          v = (e > 0 ? e : 0) * r;
        }
        if (outAddr + k >= kCfg.outDepth) {
          ++act.faults;
          continue;
        }
        buf.out[outAddr + k] = finish(v, shiftOut, lo, hi, act);
      }
    }
    work = 3 * uint64_t(nc) * plane;
    act.cycles = (work + kCfg.vecLanes - 1) / kCfg.vecLanes + plane +
                 kVecDividerLatency + kCfg.vecDepth;
    act.engine[kEngVec] += act.cycles;
    return;
  } else if (op == kVecMaxPool || op == kVecAvgPool) {
    const int64_t oh = getField(insn, vec::kOh);
    const int64_t ow = getField(insn, vec::kOw);
  VEC_POOL:
    for (int64_t c = 0; c < nc; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t acc = op == kVecMaxPool ? INT64_MIN : 0, count = 0;
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
#pragma HLS PIPELINE II = 1
              const int64_t y = oy * sy - pt + i, x = ox * sx - pl + j;
              if (y < 0 || y >= h || x < 0 || x >= w)
                continue;
              const int64_t v =
                  readInp(buf, aAddr + uint64_t((c * h + y) * w + x), act);
              acc = op == kVecMaxPool ? (v > acc ? v : acc) : acc + v;
              ++count;
            }
          if (count == 0) {
            ++act.faults;
            acc = 0;
          } else if (op == kVecAvgPool) {
            const int64_t n = includePad ? kh * kw : count;
            acc = roundShift(acc * reciprocalQ24(n), 24);
          }
          const uint64_t o = outAddr + uint64_t((c * oh + oy) * ow + ox);
          if (o >= kCfg.outDepth) {
            ++act.faults;
            continue;
          }
          buf.out[o] = finish(acc * (int64_t(1) << shiftA), shiftOut, lo, hi, act);
        }
    work = uint64_t(nc * oh * ow * kh * kw);
  } else {
    ++act.faults;
  }
  act.cycles = (work + kCfg.vecLanes - 1) / kCfg.vecLanes + kCfg.vecDepth;
  act.engine[kEngVec] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
