// The LOAD engine (DMA DRAM -> INP, KER, BIAS, FCX) as a template over how
// the bytes of one box row and of a run of KER entries land on chip. The
// HLS module instantiates it with HlsCopy (element by element, the hardware's
// shape, load.cpp); the C-simulation's fast path (hw/sim) with whole-row
// copies. Addressing, padding, faults and the traffic counters are this one
// code for both.
#ifndef SPEC2_HW_LOAD_H
#define SPEC2_HW_LOAD_H

#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {

inline int16_t readI16(Dram dram, uint64_t addr) {
  return int16_t(uint16_t(dram.bytes[addr]) |
                 (uint16_t(dram.bytes[addr + 1]) << 8));
}

inline int32_t readI32(Dram dram, uint64_t addr) {
  uint32_t v = 0;
  for (int b = 0; b < 4; ++b)
    v |= uint32_t(dram.bytes[addr + b]) << (8 * b);
  return int32_t(v);
}

/// One row of a box LOAD: columns [lo, hi) of its nx come from DRAM, column
/// x from byte `src + 2 * x`; the others are zero. It lands at dst[at + x].
struct BoxRow {
  uint64_t src; ///< DRAM byte of box column 0 (only [lo, hi) are read)
  int64_t lo, hi, nx;
  uint64_t at; ///< buffer element of box column 0
};

/// The hardware's way: one element a cycle (LOAD_COLS), one run of KER
/// entries decoded one a cycle (LOAD_KER).
struct HlsCopy {
  static void row(Dram dram, const BoxRow &r, int16_t *dst, uint32_t depth,
                  Activity &act) {
  LOAD_COLS:
    for (int64_t x = 0; x < r.nx; ++x) {
#pragma HLS PIPELINE II = 1
      const uint64_t d = r.at + uint64_t(x);
      if (d >= depth) {
        ++act.faults;
        continue;
      }
      const bool in = x >= r.lo && x < r.hi;
      dst[d] = in ? readI16(dram, r.src + uint64_t(x) * 2) : int16_t(0);
    }
  }
  /// `count` entries of `format` from DRAM byte `base` to KER[sram...]
  /// (both ranges checked by the caller).
  static void ker(Dram dram, unsigned format, uint64_t base, uint64_t count,
                  KerEntry *ker) {
    const bool fc = format == isa::kKerFc, dense = format == isa::kKerFcDense;
    const bool packed = format == isa::kKerSpectralPacked;
    const uint64_t entry = isa::kerEntryBytes(format);
  LOAD_KER:
    for (uint64_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
      const uint64_t a = base + i * entry;
      KerEntry e;
      e.re = readI16(dram, a);
      e.im = fc || dense ? int16_t(0) : readI16(dram, a + 2);
      e.index = dense    ? uint16_t(isa::kFcStepColumn)
                : packed ? isa::unpackIndex(dram.bytes[a + 4])
                         : uint16_t(readI16(dram, a + (fc ? 2 : 4)));
      ker[i] = e;
    }
  }
};

/// Box form: a window of an int16 CHW tensor, zero outside the tensor.
template <class Copy>
void loadBox(const isa::Word &insn, Dram dram, int16_t *dst, uint32_t depth,
             Activity &act) {
  using namespace isa;
  const uint64_t base = getField(insn, load::kDramAddr);
  const int64_t srcH = getField(insn, load::kSrcH);
  const int64_t srcW = getField(insn, load::kSrcW);
  const int64_t y0 = getField(insn, load::kY0);
  const int64_t x0 = getField(insn, load::kX0);
  const int64_t nc = getField(insn, load::kNc);
  const int64_t ny = getField(insn, load::kNy);
  const int64_t nx = getField(insn, load::kNx);
  const int64_t pitch = getField(insn, load::kDstPitch);
  const int64_t plane = getField(insn, load::kDstPlane);
  const uint64_t sram = getField(insn, load::kSramAddr);
  // Columns of the box that fall inside the tensor: one DDR burst per row.
  const int64_t xLo = x0 < 0 ? -x0 : 0;
  const int64_t xHi = (x0 + nx > srcW) ? srcW - x0 : nx;
LOAD_PLANES:
  for (int64_t c = 0; c < nc; ++c) {
  LOAD_ROWS:
    for (int64_t y = 0; y < ny; ++y) {
      const int64_t sy = y0 + y;
      const bool rowIn = sy >= 0 && sy < srcH && xHi > xLo;
      const uint64_t rowAddr = base + uint64_t((c * srcH + sy) * srcW) * 2;
      if (rowIn) {
        uint64_t first = rowAddr + uint64_t(x0 + xLo) * 2;
        uint64_t len = uint64_t(xHi - xLo) * 2;
        if (first + len > dram.size) {
          ++act.faults;
          continue;
        }
        act.ddrPayload += len;
        act.ddrBeatBytes += beatBytes(first, len);
      }
      const BoxRow r{rowAddr + uint64_t(x0) * 2, rowIn ? xLo : nx,
                     rowIn ? xHi : nx, nx,
                     sram + uint64_t(c * plane + y * pitch)};
      Copy::row(dram, r, dst, depth, act);
    }
  }
}

/// The whole LOAD instruction, its bytes moved by `Copy`.
template <class Copy>
void loadWith(const isa::Word &insn, Dram dram, Buffers &buf, Activity &act) {
  using namespace isa;
  const unsigned buffer = unsigned(getField(insn, load::kBuffer));
  const uint64_t base = getField(insn, load::kDramAddr);
  const uint64_t sram = getField(insn, load::kSramAddr);
  const uint64_t count = getField(insn, load::kCount);
  switch (buffer) {
  case kBufInp:
    loadBox<Copy>(insn, dram, buf.inp, kCfg.inpDepth, act);
    break;
  case kBufFcx:
    loadBox<Copy>(insn, dram, buf.fcx, kCfg.fcxDepth, act);
    break;
  case kBufKer: {
    const unsigned format = unsigned(getField(insn, load::kKerFormat));
    const uint64_t entry = kerEntryBytes(format);
    if (base + count * entry > dram.size || sram + count > kCfg.kerDepth) {
      ++act.faults;
      break;
    }
    Copy::ker(dram, format, base, count, &buf.ker[sram]);
    act.ddrPayload += count * entry;
    act.ddrBeatBytes += beatBytes(base, count * entry);
    break;
  }
  case kBufBias:
    if (base + count * 4 > dram.size || sram + count > kCfg.biasDepth) {
      ++act.faults;
      break;
    }
  LOAD_BIAS:
    for (uint64_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
      buf.bias[sram + i] = readI32(dram, base + i * 4);
    }
    act.ddrPayload += count * 4;
    act.ddrBeatBytes += beatBytes(base, count * 4);
    break;
  default:
    ++act.faults;
    break;
  }
  finishDma(act, kEngLoad);
}

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_LOAD_H
