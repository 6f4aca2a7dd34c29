// Declarations of the HLS top functions (top.cpp): one kernel per module as
// in TVM VTA, and inside the compute module one kernel per unit that runs
// beside the others.
#ifndef SPEC2_HW_TOP_H
#define SPEC2_HW_TOP_H

#include "hls_compat.h"
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {

/// What a compute unit tells the dispatcher about its instructions, in
/// their order: kReleased when the instructions after it that only wait for
/// releases (isa::ComputeIssue) may start, kFinished when it is done (which
/// releases it too, if no kReleased came first).
enum UnitEvent : uint8_t { kReleased = 1, kFinished = 2 };

/// The compute units (and none: NOP, FINISH and unknown opcodes, which the
/// dispatcher handles itself).
enum ComputeUnit : uint8_t {
  kUnitNone = 0,
  kUnitFft = 1,    ///< FFT
  kUnitSconv = 2,  ///< SCONV: MAC lanes, IFFT, overlap-and-add
  kUnitVector = 3, ///< OUTQ, GEMV, VEC, CONVQ
  kUnitSpatial = 4, ///< CONV: the spatial conv engine's MAC lanes
  kNumUnits = 5,
};
ComputeUnit unitOf(unsigned opcode);

/// One compute instruction as the dispatcher hands it to the retire
/// kernel, in program order: which unit will report it finished, and the
/// tokens it pushes once it and everything before it have finished.
struct RetireRecord {
  uint8_t unit; ///< ComputeUnit
  bool pushPrev, pushNext;
};

void spec2_fetch(uint32_t level, const isa::Word *insns,
                 hls::stream<isa::Word> &loadQ,
                 hls::stream<isa::Word> &computeQ,
                 hls::stream<isa::Word> &storeQ);
void spec2_load(uint8_t *dram, uint64_t dramBytes,
                hls::stream<isa::Word> &queue, hls::stream<bool> &c2l,
                hls::stream<bool> &l2c, Buffers &buf, Activity &act);
bool spec2_compute(hls::stream<isa::Word> &queue, hls::stream<bool> &l2c,
                   hls::stream<bool> &s2c, hls::stream<isa::Word> &fftQ,
                   hls::stream<isa::Word> &sconvQ,
                   hls::stream<isa::Word> &vectorQ,
                   hls::stream<isa::Word> &spatialQ,
                   hls::stream<bool> &fftFinished,
                   hls::stream<bool> &sconvReleased,
                   hls::stream<bool> &sconvFinished,
                   hls::stream<uint8_t> &vectorEvents,
                   hls::stream<bool> &spatialFinished,
                   hls::stream<RetireRecord> &retireQ);
void spec2_retire(hls::stream<RetireRecord> &retireQ,
                  hls::stream<bool> &fftFinished,
                  hls::stream<bool> &sconvFinished,
                  hls::stream<bool> &vectorFinished,
                  hls::stream<bool> &spatialFinished, hls::stream<bool> &c2l,
                  hls::stream<bool> &c2s);
void spec2_fft(hls::stream<isa::Word> &queue, hls::stream<bool> &finished,
               hls::stream<bool> &finishedRetire, Buffers &buf, Activity &act);
void spec2_sconv(hls::stream<isa::Word> &queue, hls::stream<bool> &released,
                 hls::stream<bool> &finished, hls::stream<bool> &finishedRetire,
                 Buffers &buf, Activity &act);
void spec2_vector(hls::stream<isa::Word> &queue, hls::stream<uint8_t> &events,
                  hls::stream<bool> &finishedRetire, Buffers &buf,
                  Activity &act);
void spec2_spatial(hls::stream<isa::Word> &queue, hls::stream<bool> &finished,
                   hls::stream<bool> &finishedRetire, Buffers &buf,
                   Activity &act);
void spec2_store(uint8_t *dram, uint64_t dramBytes,
                 hls::stream<isa::Word> &queue, hls::stream<bool> &c2s,
                 hls::stream<bool> &s2c, Buffers &buf, Activity &act);

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_TOP_H
