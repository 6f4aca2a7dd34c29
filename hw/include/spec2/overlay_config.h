// The parameters of one overlay instance (hw/configs/*.json): lane counts,
// buffer depths, clock, DDR bandwidth, pipeline depths and the device budget.
//
// The same struct is filled at build time from a generated header for the
// HLS kernel and the C-simulation (static array sizes), and at run time from
// the JSON file for the compiler (`--target`) and the cost model. The config
// hash that a program records is computed here, over every field that
// changes what the hardware computes or how fast, so both sides agree on it
// by construction.
#ifndef SPEC2_OVERLAY_CONFIG_H
#define SPEC2_OVERLAY_CONFIG_H

#include "spec2/isa.h"

#include <cstdint>

namespace spec2 {

/// One overlay configuration. All sizes are in elements of the buffer's own
/// type (see docs/isa.md, "Buffers"); times in cycles of the overlay clock.
struct OverlayConfig {
  // Spectral conv engine.
  uint32_t fftSize; ///< N: 2-D FFT tile side (power of two, 4..16)
  uint32_t pin;     ///< P_in: input-channel MAC lanes
  uint32_t pout;    ///< P_out: output-channel MAC lanes
  uint32_t
      specBanks; ///< banks of each input channel's spectrum (bin mod banks)
  uint32_t specPorts;          ///< read ports per spectrum bank per cycle
  uint32_t fftPointsPerCycle;  ///< complex points per cycle of the FFT unit
  uint32_t ifftPointsPerCycle; ///< complex points per cycle of the IFFT unit
  // Fully-connected engine and vector unit.
  uint32_t fcLanes;  ///< rows processed in parallel
  uint32_t vecLanes; ///< elements per cycle of the vector unit and OUTQ
  // Buffer depths (elements).
  uint32_t inpDepth;  ///< INP, int16
  uint32_t kerDepth;  ///< KER, {int16 re, int16 im, uint16 index}
  uint32_t biasDepth; ///< BIAS, int32
  uint32_t fcxDepth;  ///< FCX, int16 (replicated once per FC lane)
  uint32_t specDepth; ///< SPEC, complex int16 bins
  uint32_t oaccDepth; ///< OACC, int32
  uint32_t faccDepth; ///< FACC, 48-bit accumulators
  uint32_t outDepth;  ///< OUT, int16
  // Timing.
  uint32_t clockMhz;   ///< overlay clock
  uint32_t ddrMbPerS;  ///< peak DDR bandwidth shared by load and store, MB/s
  uint32_t dmaLatency; ///< cycles from a DMA request to its first beat
  uint32_t fftDepth;   ///< pipeline depth of the FFT unit
  uint32_t smacDepth;  ///< pipeline depth of the sparse MAC lanes
  uint32_t ifftDepth;  ///< pipeline depth of IFFT + overlap-add
  uint32_t fcDepth;    ///< pipeline depth of the FC engine
  uint32_t vecDepth;   ///< pipeline depth of the vector unit / OUTQ
  // Device budget (what the part offers, not what the design uses).
  uint32_t deviceDsp;    ///< DSP slices
  uint32_t deviceBram18; ///< 18 Kb block RAMs
  uint32_t deviceUram;   ///< 288 Kb UltraRAMs

  /// Bins of the non-redundant half spectrum of one channel: N * (N/2 + 1).
  constexpr uint32_t bins() const { return fftSize * (fftSize / 2 + 1); }
  /// MAC lanes of the spectral conv engine.
  constexpr uint32_t macLanes() const { return pin * pout; }
  /// log2(N).
  constexpr uint32_t fftLog2() const {
    uint32_t l = 0;
    while ((1u << l) < fftSize)
      ++l;
    return l;
  }
  /// DDR bytes per overlay clock cycle (peak).
  constexpr double ddrBytesPerCycle() const {
    return double(ddrMbPerS) / double(clockMhz);
  }
};

/// FNV-1a over the ISA layout version and the little-endian bytes of every
/// field, in declaration order.
constexpr uint64_t configHash(const OverlayConfig &c) {
  const uint32_t fields[] = {c.fftSize,
                             c.pin,
                             c.pout,
                             c.specBanks,
                             c.specPorts,
                             c.fftPointsPerCycle,
                             c.ifftPointsPerCycle,
                             c.fcLanes,
                             c.vecLanes,
                             c.inpDepth,
                             c.kerDepth,
                             c.biasDepth,
                             c.fcxDepth,
                             c.specDepth,
                             c.oaccDepth,
                             c.faccDepth,
                             c.outDepth,
                             c.clockMhz,
                             c.ddrMbPerS,
                             c.dmaLatency,
                             c.fftDepth,
                             c.smacDepth,
                             c.ifftDepth,
                             c.fcDepth,
                             c.vecDepth,
                             c.deviceDsp,
                             c.deviceBram18,
                             c.deviceUram};
  uint64_t h = 0xcbf29ce484222325ULL;
  // The ISA layout version first: a new layout is a new overlay.
  for (int b = 0; b < 4; ++b) {
    h ^= (isa::kIsaVersion >> (8 * b)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  for (uint32_t f : fields)
    for (int b = 0; b < 4; ++b) {
      h ^= (f >> (8 * b)) & 0xff;
      h *= 0x100000001b3ULL;
    }
  return h;
}

} // namespace spec2

#endif // SPEC2_OVERLAY_CONFIG_H
