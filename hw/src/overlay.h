// Types, on-chip buffers and per-instruction execution functions of the
// overlay, shared by the HLS module kernels (top.cpp) and the C-simulation
// driver (hw/sim). Sizes come from the generated config header, so every
// array is static and sized at compile time, as HLS requires.
//
// Every exec* function executes one instruction and adds what it did to an
// Activity record: these are the overlay's performance counters (exposed
// through AXI-lite on the card, read directly by the C-simulation).
#ifndef SPEC2_HW_OVERLAY_H
#define SPEC2_HW_OVERLAY_H

#include "spec2/engines.h"
#include "spec2/isa.h"
#include "spec2_config.h"

#include <cstddef>
#include <cstdint>

#ifndef SPEC2_HW_NS
#error "SPEC2_HW_NS must name the configuration namespace (e.g. hw_u200)"
#endif

namespace spec2 {
namespace SPEC2_HW_NS {

constexpr OverlayConfig kCfg = hwcfg::kConfig;
constexpr uint32_t kN = kCfg.fftSize;
constexpr uint32_t kHalf = kN / 2 + 1;
constexpr uint32_t kBins = kN * kHalf;
constexpr uint32_t kLog2N = kCfg.fftLog2();
static_assert((1u << kLog2N) == kN, "fft_size must be a power of two");

/// One KER entry: a complex spectral weight and its bin, or an FC weight
/// (im = 0) and its column.
struct KerEntry {
  int16_t re;
  int16_t im;
  uint16_t index;
};

/// A complex int16 spectral value.
struct Cplx16 {
  int16_t re;
  int16_t im;
};

/// A complex spectral value in the MAC/IFFT pipeline's accumulator width.
struct Cplx64 {
  int64_t re;
  int64_t im;
};

/// The on-chip memories. In the HLS build each array is a BRAM/URAM bank set
/// shared between the kernels that use it (ap_memory ports); the
/// C-simulation allocates one instance per simulated overlay.
struct Buffers {
  int16_t inp[kCfg.inpDepth];
  KerEntry ker[kCfg.kerDepth];
  int32_t bias[kCfg.biasDepth];
  int16_t fcx[kCfg.fcxDepth];
  Cplx16 spec[kCfg.specDepth];
  int32_t oacc[kCfg.oaccDepth];
  int64_t facc[kCfg.faccDepth];
  int16_t out[kCfg.outDepth];
  int16_t mid[kCfg.midDepth];
};

/// What one instruction did: its cycles on its module, DDR traffic, MAC
/// work and faults. Summed by the driver into the program's counters.
struct Activity {
  uint64_t cycles = 0; ///< cycles the module is busy with it
  /// Compute: cycles after which the SCONVs and FFTs that follow may count
  /// it as finished (isa::ComputeIssue); kSameAsCycles for all of them.
  static constexpr uint64_t kSameAsCycles = ~uint64_t(0);
  uint64_t release = kSameAsCycles;
  uint64_t ddrCycles = 0;    ///< of which the DDR is transferring
  uint64_t ddrPayload = 0;   ///< useful bytes moved
  uint64_t ddrBeatBytes = 0; ///< bytes moved in whole DDR beats
  uint64_t engine[kNumEngines] = {};
  uint64_t macSteps = 0;   ///< SMAC lockstep steps (each >= 1 cycle)
  uint64_t bankStalls = 0; ///< extra SMAC cycles lost to bank conflicts
  uint64_t macsIssued = 0; ///< lane-steps issued (lanes x steps)
  uint64_t macsUseful = 0; ///< of which had a non-zero weight
  /// CONV taps outside the tile (padding): never read nor multiplied.
  uint64_t macsPadded = 0;
  uint64_t faults = 0;     ///< invalid kernel indices / DRAM accesses
  /// Output values the output stage clipped to the int16 range (before
  /// the clamp an activation asks for): the layer's format was too narrow.
  uint64_t saturated = 0;
};

/// sat16(v), counting in `act` when it clips: every output stage's
/// requantisation goes through it.
inline int64_t sat16Counted(int64_t v, Activity &act) {
  if (v < -32768 || v > 32767)
    ++act.saturated;
  return isa::sat16(v);
}

/// DRAM as the overlay's AXI master ports see it: bytes, with a size the
/// C-simulation checks every access against.
struct Dram {
  uint8_t *bytes;
  uint64_t size;
};

/// The engines, one instruction each: what the module and unit kernels of
/// top.cpp run, and what the C-simulation driver calls when it runs the HLS
/// source itself (sim::Engines::Hls).
void execLoad(const isa::Word &insn, Dram dram, Buffers &buf, Activity &act);
void execStore(const isa::Word &insn, Dram dram, Buffers &buf, Activity &act);
void execFft(const isa::Word &insn, Buffers &buf, Activity &act);
void execSconv(const isa::Word &insn, Buffers &buf, Activity &act);
void execOutq(const isa::Word &insn, Buffers &buf, Activity &act);
void execGemv(const isa::Word &insn, Buffers &buf, Activity &act);
void execVec(const isa::Word &insn, Buffers &buf, Activity &act);
void execConv(const isa::Word &insn, Buffers &buf, Activity &act);
void execConvq(const isa::Word &insn, Buffers &buf, Activity &act);

/// Entry k < N/2 of the FFT units' twiddle ROM (fft.cpp): the Q15 integer
/// nearest to sin (`sine`) or cos of 2*pi*k/N.
int64_t twiddleQ15(uint32_t k, bool sine);
/// Fixed-point 2-D FFTs (fft.cpp). `data` is N x N row-major complex int64.
void fft2d(int64_t re[kN][kN], int64_t im[kN][kN], bool inverse);
/// The forward transform of a real tile whose rows from `nonzeroRows` on
/// are zero; only the columns kx <= N/2 of the result are computed (the same
/// values fft2d gives there).
void fft2dForwardHalf(int64_t re[kN][kN], int64_t im[kN][kN],
                      uint32_t nonzeroRows);

/// Cycles of one pass of `tiles` N x N tiles through the FFT unit, which
/// streams fftPointsPerCycle points a cycle (several tiles at once when that
/// exceeds N^2), or through the IFFT unit (ifftPointsPerCycle).
constexpr uint64_t passCycles(uint64_t tiles, uint64_t pointsPerCycle) {
  return (tiles * kN * kN + pointsPerCycle - 1) / pointsPerCycle;
}
constexpr uint64_t fftPassCycles(uint64_t tiles) {
  return passCycles(tiles, kCfg.fftPointsPerCycle);
}
constexpr uint64_t ifftPassCycles(uint64_t tiles) {
  return passCycles(tiles, kCfg.ifftPointsPerCycle);
}

/// The piecewise-linear activation of VEC's LUT and CONVQ (docs/isa.md):
/// the 257-entry table at bias[table], interpolated at int16 `a`. False,
/// with v untouched, if the segment lies outside BIAS.
inline bool lutLookup(const int32_t *bias, uint64_t table, int64_t a,
                      int64_t &v) {
  const uint32_t u = uint32_t(a + 32768);
  const uint64_t t = table + (u >> 8);
  if (t + 1 >= kCfg.biasDepth)
    return false;
  const int64_t t0 = bias[t], t1 = bias[t + 1];
  v = t0 + isa::roundShift((t1 - t0) * int64_t(u & 255), 8);
  return true;
}

/// DDR cycles for `beatBytes` at the configured bandwidth.
inline uint64_t ddrCycles(uint64_t beatBytes) {
  // bytes / (MB/s / MHz) = bytes * MHz / (MB/s), rounded up.
  return (beatBytes * kCfg.clockMhz + kCfg.ddrMbPerS - 1) / kCfg.ddrMbPerS;
}

/// Bytes of whole DDR beats touched by the byte range [addr, addr + len).
inline uint64_t beatBytes(uint64_t addr, uint64_t len) {
  if (len == 0)
    return 0;
  uint64_t first = addr / isa::kDdrBeatBytes;
  uint64_t last = (addr + len - 1) / isa::kDdrBeatBytes;
  return (last - first + 1) * isa::kDdrBeatBytes;
}

/// The DMA time of a LOAD or STORE whose traffic `act` has counted: the
/// request latency, then the beats at the DDR's bandwidth.
inline void finishDma(Activity &act, Engine engine) {
  act.ddrCycles = ddrCycles(act.ddrBeatBytes);
  act.cycles = kCfg.dmaLatency + act.ddrCycles;
  act.engine[engine] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_OVERLAY_H
