// Store module: DMA from OUT into a DRAM tensor, clipped to the tensor.
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

void execStore(const Word &insn, Dram dram, Buffers &buf, Activity &act) {
  const uint64_t base = getField(insn, store::kDramAddr);
  const uint64_t sram = getField(insn, store::kSramAddr);
  const int64_t dstH = getField(insn, store::kDstH);
  const int64_t dstW = getField(insn, store::kDstW);
  const int64_t y0 = getField(insn, store::kY0);
  const int64_t x0 = getField(insn, store::kX0);
  const int64_t nc = getField(insn, store::kNc);
  const int64_t ny = getField(insn, store::kNy);
  const int64_t nx = getField(insn, store::kNx);
  const int64_t pitch = getField(insn, store::kSrcPitch);
  const int64_t plane = getField(insn, store::kSrcPlane);
  const int64_t xLo = x0 < 0 ? -x0 : 0;
  const int64_t xHi = (x0 + nx > dstW) ? dstW - x0 : nx;
STORE_PLANES:
  for (int64_t c = 0; c < nc; ++c) {
  STORE_ROWS:
    for (int64_t y = 0; y < ny; ++y) {
      const int64_t dy = y0 + y;
      if (dy < 0 || dy >= dstH || xHi <= xLo)
        continue;
      const uint64_t rowAddr = base + uint64_t((c * dstH + dy) * dstW) * 2;
      const uint64_t first = rowAddr + uint64_t(x0 + xLo) * 2;
      const uint64_t len = uint64_t(xHi - xLo) * 2;
      if (first + len > dram.size) {
        ++act.faults;
        continue;
      }
      act.ddrPayload += len;
      act.ddrBeatBytes += beatBytes(first, len);
    STORE_COLS:
      for (int64_t x = xLo; x < xHi; ++x) {
#pragma HLS PIPELINE II = 1
        const uint64_t s = sram + uint64_t(c * plane + y * pitch + x);
        if (s >= kCfg.outDepth) {
          ++act.faults;
          continue;
        }
        const uint16_t v = uint16_t(buf.out[s]);
        const uint64_t a = rowAddr + uint64_t(x0 + x) * 2;
        dram.bytes[a] = uint8_t(v & 0xff);
        dram.bytes[a + 1] = uint8_t(v >> 8);
      }
    }
  }
  finishDma(act, kEngStore);
}

} // namespace SPEC2_HW_NS
} // namespace spec2
