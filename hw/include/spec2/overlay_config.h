// The parameters of one overlay instance (hw/configs/*.json): lane counts,
// buffer depths, clock, DDR bandwidth, pipeline depths and the device budget.
//
// SPEC2_OVERLAY_CONFIG_FIELDS below is the one list of these fields. The
// struct, the config hash, the compiler's JSON reader with its range checks
// (lib/Target/OverlayConfigFile.cpp) and the HLS build's header generator
// (hw/cmake/gen-config.cmake, which reads the list's lines from this file with
// a regex, so that a Vitis build needs nothing but CMake) all come from it.
//
// The struct is filled at build time from the generated header for the HLS
// kernel and the C-simulation (static array sizes), and at run time from the
// JSON file for the compiler (`--target`) and the cost model. The hash that a
// program records is computed here, over every field, so both sides agree on
// it by construction.
#ifndef SPEC2_OVERLAY_CONFIG_H
#define SPEC2_OVERLAY_CONFIG_H

#include "spec2/isa.h"

#include <cstdint>

namespace spec2 {

// Named bounds of the field list. gen-config.cmake reads them too, so each is
// one `constexpr uint32_t kName = <decimal>u;` line.

/// The FFT tile sides the overlay builds: powers of two in this range. The
/// ISA's tile-side fields have kWindowBits bits.
constexpr uint32_t kMinFftSize = 4u;
constexpr uint32_t kMaxFftSize = 16u;
/// Buffer depths, in elements: on-chip addresses have kSramAddrBits bits.
constexpr uint32_t kMaxBufferDepth = 1048576u;
/// No bound but the field's 32 bits.
constexpr uint32_t kNoMax = 4294967295u;

static_assert(kMaxFftSize < (1u << isa::kWindowBits),
              "a tile side of N must fit the ISA's tile fields");
static_assert(kMaxBufferDepth == (1u << isa::kSramAddrBits),
              "buffer depths follow the on-chip address width");

/// What a field's value must be besides lying in [min, max].
enum class ConfigRule : uint32_t {
  Any,        ///< nothing more
  PowerOfTwo, ///< a power of two
};

// X(member, json_key, min, max, rule, doc): one line per field, in struct,
// hash and generated-header order; a nested key is dotted ("buffers.ker").
// `min` and `max` are decimal literals or the bounds above, `rule` a
// ConfigRule, `doc` the meaning and unit. Sizes are in elements of the
// buffer's own type (docs/isa.md, "Buffers"); times in cycles of the overlay
// clock. The order is part of the config hash: append new fields, never
// reorder. Keep one X per line (gen-config.cmake parses them).
// clang-format off
#define SPEC2_OVERLAY_CONFIG_FIELDS(X)                                                                                                                       \
  /* Spectral conv engine. */                                                                                                                                \
  X(fftSize,            "fft_size",              kMinFftSize, kMaxFftSize,     PowerOfTwo, "N: 2-D FFT tile side")                                           \
  X(pin,                "pin",                   1,           kNoMax,          Any,        "P_in: input-channel MAC lanes")                                  \
  X(pout,               "pout",                  1,           kNoMax,          Any,        "P_out: output-channel MAC lanes")                                \
  X(specBanks,          "spec_banks",            1,           kNoMax,          Any,        "spectrum banks per input channel (bin mod banks), <= N*(N/2+1)") \
  X(specPorts,          "spec_ports",            1,           kNoMax,          Any,        "read ports per spectrum bank per cycle")                         \
  X(fftPointsPerCycle,  "fft_points_per_cycle",  1,           kNoMax,          Any,        "complex points per cycle of the FFT unit")                       \
  X(ifftPointsPerCycle, "ifft_points_per_cycle", 1,           kNoMax,          Any,        "complex points per cycle of the IFFT unit")                      \
  /* Fully-connected engine and vector unit. */                                                                                                              \
  X(fcLanes,            "fc_lanes",              1,           kNoMax,          Any,        "rows the FC engine processes in parallel")                       \
  X(vecLanes,           "vec_lanes",             1,           kNoMax,          Any,        "elements per cycle of the vector unit and OUTQ")                 \
  /* Buffer depths (elements). */                                                                                                                            \
  X(inpDepth,           "buffers.inp",           1,           kMaxBufferDepth, Any,        "INP depth, int16 elements")                                      \
  X(kerDepth,           "buffers.ker",           1,           kMaxBufferDepth, Any,        "KER depth, {int16 re, im, uint16 index} entries")                \
  X(biasDepth,          "buffers.bias",          1,           kMaxBufferDepth, Any,        "BIAS depth, int32 elements")                                     \
  X(fcxDepth,           "buffers.fcx",           1,           kMaxBufferDepth, Any,        "FCX depth, int16 elements (one copy per FC lane)")               \
  X(specDepth,          "buffers.spec",          1,           kMaxBufferDepth, Any,        "SPEC depth, complex int16 bins")                                 \
  X(oaccDepth,          "buffers.oacc",          1,           kMaxBufferDepth, Any,        "OACC depth, int32 elements")                                     \
  X(faccDepth,          "buffers.facc",          1,           kMaxBufferDepth, Any,        "FACC depth, 48-bit accumulators")                                \
  X(outDepth,           "buffers.out",           1,           kMaxBufferDepth, Any,        "OUT depth, int16 elements")                                      \
  /* Timing. */                                                                                                                                              \
  X(clockMhz,           "clock_mhz",             1,           kNoMax,          Any,        "overlay clock, MHz")                                             \
  X(ddrMbPerS,          "ddr_mb_per_s",          1,           kNoMax,          Any,        "peak DDR bandwidth shared by load and store, MB/s")              \
  X(dmaLatency,         "dma_latency",           0,           kNoMax,          Any,        "cycles from a DMA request to its first beat")                    \
  X(fftDepth,           "pipeline_depth.fft",    0,           kNoMax,          Any,        "pipeline depth of the FFT unit, cycles")                         \
  X(smacDepth,          "pipeline_depth.smac",   0,           kNoMax,          Any,        "pipeline depth of the sparse MAC lanes, cycles")                 \
  X(ifftDepth,          "pipeline_depth.ifft",   0,           kNoMax,          Any,        "pipeline depth of IFFT + overlap-add, cycles")                   \
  X(fcDepth,            "pipeline_depth.fc",     0,           kNoMax,          Any,        "pipeline depth of the FC engine, cycles")                        \
  X(vecDepth,           "pipeline_depth.vec",    0,           kNoMax,          Any,        "pipeline depth of the vector unit / OUTQ, cycles")               \
  /* Device budget (what the part offers, not what the design uses). */                                                                                      \
  X(deviceDsp,          "device.dsp",            0,           kNoMax,          Any,        "DSP slices of the device")                                       \
  X(deviceBram18,       "device.bram18",         0,           kNoMax,          Any,        "18 Kb block RAMs of the device")                                 \
  X(deviceUram,         "device.uram",           0,           kNoMax,          Any,        "288 Kb UltraRAMs of the device")                                        \
  /* Spatial conv engine (appended after the rest: the order is the hash's). */                                                                              \
  X(convPout,           "conv_pout",             1,           kNoMax,          Any,        "P: output-channel lanes of the spatial conv engine")             \
  X(convPk,             "conv_pk",               1,           kNoMax,          Any,        "reduction lanes (adder-tree inputs) per output lane")            \
  X(convPx,             "conv_px",               1,           kNoMax,          Any,        "output pixels per step of the spatial conv engine")              \
  X(midDepth,           "buffers.mid",           1,           kMaxBufferDepth, Any,        "MID depth, int16 elements (fused blocks' on-chip tensors)")      \
  X(convDepth,          "pipeline_depth.conv",   0,           kNoMax,          Any,        "pipeline depth of the spatial conv engine, cycles")
// clang-format on

/// One overlay configuration: one uint32_t member per line of
/// SPEC2_OVERLAY_CONFIG_FIELDS, in its order (the generated header fills it
/// positionally).
struct OverlayConfig {
#define SPEC2_CONFIG_MEMBER(member, key, min, max, rule, doc) uint32_t member;
  SPEC2_OVERLAY_CONFIG_FIELDS(SPEC2_CONFIG_MEMBER)
#undef SPEC2_CONFIG_MEMBER

  /// Bins of the non-redundant half spectrum of one channel: N * (N/2 + 1).
  constexpr uint32_t bins() const { return fftSize * (fftSize / 2 + 1); }
  /// MAC lanes of the spectral conv engine.
  constexpr uint32_t macLanes() const { return pin * pout; }
  /// Multipliers of the spatial conv engine.
  constexpr uint32_t convLanes() const { return convPout * convPk * convPx; }
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

namespace detail {
/// One FNV-1a step per little-endian byte of `word`.
constexpr uint64_t fnv1aWord(uint64_t h, uint32_t word) {
  for (int b = 0; b < 4; ++b) {
    h ^= (word >> (8 * b)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}
} // namespace detail

/// FNV-1a over the ISA layout version and the little-endian bytes of every
/// field, in list order. Programs record it: these bytes and their order
/// must not change (OverlayConfigFileTest pins the function's values).
constexpr uint64_t configHash(const OverlayConfig &c) {
  uint64_t h = 0xcbf29ce484222325ULL;
  // The ISA layout version first: a new layout is a new overlay.
  h = detail::fnv1aWord(h, isa::kIsaVersion);
#define SPEC2_CONFIG_HASH(member, key, min, max, rule, doc)                    \
  h = detail::fnv1aWord(h, c.member);
  SPEC2_OVERLAY_CONFIG_FIELDS(SPEC2_CONFIG_HASH)
#undef SPEC2_CONFIG_HASH
  return h;
}

} // namespace spec2

#endif // SPEC2_OVERLAY_CONFIG_H
