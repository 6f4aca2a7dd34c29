// Load module: DMA from DRAM into INP, KER, BIAS and FCX.
#include "overlay.h"

#include <algorithm>
#include <cstring>

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

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

/// Box form: a window of an int16 CHW tensor, zero outside the tensor.
void loadBox(const Word &insn, Dram dram, int16_t *dst, uint32_t depth,
             Activity &act) {
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
      const uint64_t rowDst = sram + uint64_t(c * plane + y * pitch);
#if !defined(__SYNTHESIS__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      // Simulation fast path: the whole row lands inside the buffer, so the
      // in-tensor span is one copy and the rest zeros (same result as below).
      if (rowDst + uint64_t(nx) <= depth) {
        int16_t *row = dst + rowDst;
        const int64_t lo = rowIn ? xLo : nx, hi = rowIn ? xHi : nx;
        std::fill(row, row + lo, int16_t(0));
        if (hi > lo)
          std::memcpy(row + lo, dram.bytes + rowAddr + uint64_t(x0 + lo) * 2,
                      size_t(hi - lo) * 2);
        std::fill(row + hi, row + nx, int16_t(0));
        continue;
      }
#endif
    LOAD_COLS:
      for (int64_t x = 0; x < nx; ++x) {
#pragma HLS PIPELINE II = 1
        const uint64_t d = rowDst + uint64_t(x);
        if (d >= depth) {
          ++act.faults;
          continue;
        }
        const bool in = rowIn && x >= xLo && x < xHi;
        dst[d] =
            in ? readI16(dram, rowAddr + uint64_t(x0 + x) * 2) : int16_t(0);
      }
    }
  }
}

} // namespace

void execLoad(const Word &insn, Dram dram, Buffers &buf, Activity &act) {
  const unsigned buffer = unsigned(getField(insn, load::kBuffer));
  const uint64_t base = getField(insn, load::kDramAddr);
  const uint64_t sram = getField(insn, load::kSramAddr);
  const uint64_t count = getField(insn, load::kCount);
  switch (buffer) {
  case kBufInp:
    loadBox(insn, dram, buf.inp, kCfg.inpDepth, act);
    break;
  case kBufFcx:
    loadBox(insn, dram, buf.fcx, kCfg.fcxDepth, act);
    break;
  case kBufKer: {
    const unsigned format = unsigned(getField(insn, load::kKerFormat));
    const bool fc = format == kKerFc, dense = format == kKerFcDense;
    const bool packed = format == kKerSpectralPacked;
    const uint64_t entry = kerEntryBytes(format);
    if (base + count * entry > dram.size || sram + count > kCfg.kerDepth) {
      ++act.faults;
      break;
    }
#if !defined(__SYNTHESIS__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Simulation fast path: DRAM spectral entries have KerEntry's layout.
    if (format == kKerSpectral) {
      static_assert(sizeof(KerEntry) == kSpectralEntryBytes,
                    "KerEntry must be the 6-byte DRAM entry");
      std::memcpy(&buf.ker[sram], dram.bytes + base, count * entry);
      act.ddrPayload += count * entry;
      act.ddrBeatBytes += beatBytes(base, count * entry);
      break;
    }
#endif
  LOAD_KER:
    for (uint64_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
      const uint64_t a = base + i * entry;
      KerEntry e;
      e.re = readI16(dram, a);
      e.im = fc || dense ? int16_t(0) : readI16(dram, a + 2);
      e.index = dense    ? uint16_t(kFcStepColumn)
                : packed ? unpackIndex(dram.bytes[a + 4])
                         : uint16_t(readI16(dram, a + (fc ? 2 : 4)));
      buf.ker[sram + i] = e;
    }
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
  act.ddrCycles = ddrCycles(act.ddrBeatBytes);
  act.cycles = kCfg.dmaLatency + act.ddrCycles;
  act.engine[kEngLoad] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
