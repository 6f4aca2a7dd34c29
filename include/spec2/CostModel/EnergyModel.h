//===- EnergyModel.h - Energy of one inference (an estimate) ----*- C++ -*-===//
//
// What one run of a program costs in joules, *estimated*: the activity of
// every instruction, read off its fields and the configuration (DSP
// operations per engine, on-chip memory accesses per buffer, DDR beats),
// times per-operation energies published for other silicon and scaled to a
// 16-nm UltraScale+ part, plus static power times the modeled time (from
// CycleModel). No power has been measured on this overlay: every
// coefficient below is a named estimate with its source, and
// docs/energy.md gives the derivations and the caveats.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_COSTMODEL_ENERGYMODEL_H
#define SPEC2_COSTMODEL_ENERGYMODEL_H

#include "spec2/isa.h"
#include "spec2/overlay_config.h"

#include <cstdint>
#include <vector>

namespace spec2 {
namespace cost {

//===----------------------------------------------------------------------===//
// Coefficients (estimates). pJ unless the name says otherwise.
//===----------------------------------------------------------------------===//
namespace energy {

// Horowitz, "Computing's energy problem (and what we can do about it)",
// ISSCC 2014 keynote, table of energies per operation at 45 nm, 0.9 V.
constexpr double kHorowitzMul8Pj = 0.2;    ///< 8-bit integer multiply
constexpr double kHorowitzMul32Pj = 3.1;   ///< 32-bit integer multiply
constexpr double kHorowitzAdd32Pj = 0.1;   ///< 32-bit integer add
constexpr double kHorowitzSram8KPj = 10;   ///< 64-bit read of an 8 KB SRAM
constexpr double kHorowitzSram32KPj = 20;  ///< 64-bit read of a 32 KB SRAM
constexpr double kHorowitzDram64Pj = 1300; ///< 64-bit DRAM access (low end
                                           ///< of the 1.3-2.6 nJ given)

/// 45 nm / 0.9 V to 16 nm / 0.85 V (UltraScale+ VCCINT) by C·V² with the
/// capacitance proportional to the feature size: (16/45)·(0.85/0.9)².
constexpr double kNodeScale = (16.0 / 45.0) * (0.85 / 0.9) * (0.85 / 0.9);
/// FPGA over ASIC dynamic power for soft logic (LUTs, flip-flops, routing):
/// Kuon & Rose, "Measuring the gap between FPGAs and ASICs", IEEE TCAD 26(2)
/// 2007: "approximately 14 times".
constexpr double kFabricGap = 14;
/// The same for hard blocks (DSP48E2, BRAM, URAM), which are ASIC macros
/// behind programmable routing. Kuon & Rose only say the gap "becomes
/// smaller" with them; 4 is our assumption, not a measurement.
constexpr double kHardBlockGap = 4;

/// One int16 x int16 product with its 48-bit accumulation in a DSP48E2: a
/// 16-bit multiply (the 8-bit figure x (16/8)², multiplier energy growing
/// with the square of the width) plus a 48-bit add, scaled to the node and
/// the hard-block gap (~1.2 pJ).
constexpr double kDspMacPj =
    (kHorowitzMul8Pj * 4 + kHorowitzAdd32Pj * 48 / 32) * kNodeScale *
    kHardBlockGap;
/// One 32-bit product (the IFFT's data are 32-bit: two DSPs per product).
constexpr double kDsp32ProductPj = kHorowitzMul32Pj * kNodeScale *
                                   kHardBlockGap;
/// One 32-bit add in fabric logic.
constexpr double kFabricAddPj = kHorowitzAdd32Pj * kNodeScale * kFabricGap;
/// One radix-2 butterfly's additions: a complex add and a complex subtract,
/// four real adds in fabric (its twiddle product is counted apart).
constexpr double kButterflyAddPj = 4 * kFabricAddPj;
/// One element through an output stage or the vector unit (VEC, OUTQ,
/// CONVQ, GEMV's last step): an add (bias, pooling, element-wise), the
/// rounding shift and the clamp, taken as three 32-bit fabric adds.
constexpr double kVecOpPj = 3 * kFabricAddPj;

/// Block RAM (18/36 Kb) per bit accessed: the 8 KB SRAM figure per bit,
/// scaled to the node and the hard-block gap (~0.2 pJ/bit).
constexpr double kBramPjPerBit =
    kHorowitzSram8KPj / 64 * kNodeScale * kHardBlockGap;
/// UltraRAM (288 Kb, 4K x 72) per bit accessed: the 32 KB SRAM figure
/// (~0.4 pJ/bit). An access always moves a whole 72-bit word.
constexpr double kUramPjPerBit =
    kHorowitzSram32KPj / 64 * kNodeScale * kHardBlockGap;
constexpr unsigned kUramWordBits = 72;

/// DDR4 per byte moved (whole 64-byte beats): the DRAM access figure per
/// bit (~20 pJ/bit), not scaled (DRAM and its interface are not 16-nm
/// logic).
constexpr double kDdrPjPerByte = kHorowitzDram64Pj / 64 * 8;

/// Static power of an Alveo U200 class device (xcu200, 6840 DSPs) at idle:
/// VCCINT 0.851 V x 5.618 A = 4.78 W, an `xbutil examine -r electrical`
/// reading of an idle card at 39 C quoted in github.com/Xilinx/XRT pull
/// request 3697. The same card drew 17.4 W as a whole (DDR, transceivers,
/// regulators); we charge the FPGA core only.
constexpr double kU200StaticWatts = 0.851 * 5.618;
constexpr double kU200DeviceDsp = 6840;
/// Other devices: the U200's static power in proportion to the device's
/// DSP slices (a proxy for its silicon area; an assumption).
constexpr double kStaticWattsPerDeviceDsp = kU200StaticWatts / kU200DeviceDsp;

} // namespace energy

//===----------------------------------------------------------------------===//
// Activity and energy.
//===----------------------------------------------------------------------===//

/// On-chip memories whose accesses are charged.
enum Memory : unsigned {
  kMemInp,
  kMemKer,
  kMemBias,
  kMemFcx,
  kMemSpec,
  kMemOacc,
  kMemFacc,
  kMemOut,
  kMemMid,
  kNumMemories
};
/// The resource model's unit name of memory `m` ("INP", ...).
const char *memoryName(unsigned m);
/// Bits of one element of memory `m` as stored on chip (docs/isa.md, §4).
unsigned memoryWidth(unsigned m);

/// What instructions do, counted from their fields. Counts are what the
/// engines issue: lanes in lockstep whose entries are padding, and taps
/// skipped as padding, are counted as issued (an upper bound; docs/energy.md).
struct Activity {
  uint64_t smacLaneSteps = 0;  ///< SCONV complex MAC lane-steps (4 products)
  uint64_t fftButterflies = 0; ///< forward FFT radix-2 butterflies
  uint64_t fftProducts = 0;    ///< forward twiddle real products (1 DSP)
  uint64_t ifftButterflies = 0;
  uint64_t ifftProducts = 0;   ///< IFFT twiddle real products (32-bit)
  uint64_t fcMacs = 0;         ///< GEMV lane-steps
  uint64_t convMacs = 0;       ///< CONV multiplier-steps (isa::convSteps)
  uint64_t vecOps = 0;         ///< elements through VEC / output stages
  uint64_t vecProducts = 0;    ///< their DSP products (avg pool, LUT)
  uint64_t accesses[kNumMemories] = {}; ///< element reads + writes
  uint64_t ddrBeatBytes = 0;   ///< DDR bytes in whole beats

  Activity &operator+=(const Activity &o);
};

/// Joules, by where they go.
struct Energy {
  double compute = 0; ///< DSP and fabric arithmetic
  double onchip = 0;  ///< BRAM / URAM accesses
  double ddr = 0;     ///< DDR transfers
  double stat = 0;    ///< static power x time
  double total() const { return compute + onchip + ddr + stat; }
  Energy &operator+=(const Energy &o);
};

class EnergyModel {
public:
  /// Reads which memories the resource model puts in UltraRAM.
  explicit EnergyModel(const OverlayConfig &config);

  /// Activity of one instruction.
  Activity activity(const isa::Word &insn) const;
  /// Dynamic energy of `a` (static is zero).
  Energy dynamic(const Activity &a) const;
  /// Joules of one access to memory `m` (its whole word if URAM).
  double accessJoules(unsigned m) const { return accessJ[m]; }
  /// Static power of the device, watts.
  double staticWatts() const;
  /// Seconds of `cycles` at the configured clock.
  double seconds(uint64_t cycles) const;

  /// One run of `insns` taking `modeledCycles` (CycleModel's totalCycles).
  Energy estimate(const std::vector<isa::Word> &insns,
                  uint64_t modeledCycles) const;

  const OverlayConfig &config() const { return cfg; }

private:
  OverlayConfig cfg;
  double accessJ[kNumMemories];
};

/// The figures a report gives for an energy estimate.
struct EnergySummary {
  Energy energy;
  double seconds = 0;
  double averageWatts = 0;   ///< total / seconds
  double gopPerS = 0;        ///< ops / seconds / 1e9
  double gopPerSPerWatt = 0; ///< ops / total / 1e9
};
/// `ops` is the network's operation count (2 per dense multiply-accumulate).
EnergySummary summarize(const Energy &e, double seconds, double ops);

} // namespace cost
} // namespace spec2

#endif // SPEC2_COSTMODEL_ENERGYMODEL_H
