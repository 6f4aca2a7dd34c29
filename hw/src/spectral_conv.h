// The spectral conv engine (spectral_conv.cpp) in the pieces its kernels are
// built from: the MAC/IFFT pipeline of SCONV as three processes (MAC lanes
// -> IFFT -> overlap-and-add, joined by streams) and the per-block steps
// they are made of, and the conv output stage (OUTQ) in its two phases. The
// C-simulation's fast path (hw/sim) reuses the per-block steps, so that only
// the MAC lanes differ between it and this source.
#ifndef SPEC2_HW_SPECTRAL_CONV_H
#define SPEC2_HW_SPECTRAL_CONV_H

#include "hls_compat.h"
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {

constexpr uint32_t kPin = kCfg.pin;
constexpr uint32_t kPout = kCfg.pout;
constexpr uint64_t kMacLanes = uint64_t(kPin) * kPout;

/// The fields of one SCONV word and where block k of it works. Its blocks
/// run tile-major: block k is output-channel block k % ncob of tile k / ncob.
struct SconvFields {
  uint64_t kerAddr, specBase, nnz, ncig, ncob, nco, oaccAddr, plane, ntx;
  int64_t pitch, oaccH, oy, ox0, txStep;
  unsigned accShift, ifftShift;

  uint64_t blocks() const { return ntx * ncob; }
  /// The first KER entry of block k.
  uint64_t blockBase(uint64_t k) const {
    return kerAddr + (k % ncob) * nnz * kMacLanes;
  }
  /// SPEC bin 0 of input channel 0 of block k's tile.
  uint64_t specAddr(uint64_t k) const {
    return specBase + (k / ncob) * ncig * kPin * kBins;
  }
  /// Fewer than 2^16 products (each below 2^31) per accumulator cannot reach
  /// the 48-bit saturation bound, so the lanes need not clamp.
  bool exact() const { return nnz < (uint64_t(1) << 16); }
};
SconvFields decodeSconv(const isa::Word &insn);

/// One block of an SCONV as it travels down the MAC -> IFFT -> overlap-add
/// pipeline, ahead of its data: where its results go and what each stage
/// did (the performance counters ride along to the last stage).
struct SconvBlock {
  uint32_t live;      ///< output lanes po < live have a channel (< nco)
  uint64_t planeBase; ///< OACC (0, 0) of the block's output lane 0
  uint64_t plane;     ///< OACC plane pitch
  int64_t oy, ox;     ///< overlap-and-add offset of IFFT (0, 0)
  int64_t pitch, oaccH;
  unsigned accShift, ifftShift;
  uint64_t steps;  ///< MAC lockstep steps (nnz)
  uint64_t smac;   ///< MAC cycles: steps plus bank-conflict stalls
  uint64_t useful; ///< MACs with a non-zero weight
  uint64_t faults;
  uint64_t ifft;    ///< IFFT cycles of the live channels (IFFT stage)
  bool last;        ///< the SCONV's last block
  uint64_t release; ///< last block: the SCONV's release (IFFT stage)
  uint64_t cycles;  ///< last block: the SCONV's cycles (IFFT stage)
};
/// Block k's header with its geometry filled in and every counter zero;
/// `none` for the single empty header of an SCONV without blocks.
SconvBlock sconvBlockHeader(const SconvFields &f, uint64_t k, bool none);

/// The per-lane complex accumulators of the MAC lanes (one small memory per
/// lane, so the lanes never share a write port).
struct SconvAcc {
  int64_t re[kPin][kPout][kBins];
  int64_t im[kPin][kPout][kBins];
};

/// The MACs of block k: clears `acc`, then the nnz lockstep steps of all
/// lanes; adds the faults and the useful MACs to `h`.
void sconvMac(const SconvFields &f, uint64_t k, const KerEntry *ker,
              const Cplx16 *spec, SconvAcc &acc, SconvBlock &h);
/// Cycles of block k's nnz steps, each as long as its worst SPEC bank needs
/// (bank::stepCycles).
uint64_t sconvStepCycles(const SconvFields &f, uint64_t k, const KerEntry *ker);
/// The adder tree: output lane po's spectrum, summed over the P_in lanes.
void sconvAdderTree(const SconvAcc &acc, uint32_t po, Cplx64 sum[kBins]);
/// One output channel's IFFT result, as it goes to the overlap-and-add.
struct SconvTile {
  int32_t v[kN][kN];
};
/// One output channel's IFFT: the summed half spectrum scaled by accShift
/// and saturated to 32 bits, completed by Hermitian symmetry, inverse
/// transformed; the real part scaled by ifftShift and saturated.
void sconvIfft(const Cplx64 sum[kBins], unsigned accShift, unsigned ifftShift,
               SconvTile &tile);
/// Adds output lane po's IFFT tile into OACC at the block's offset (the
/// parts outside the output region are dropped).
void sconvOverlapAdd(const SconvBlock &h, uint32_t po, const SconvTile &tile,
                     int32_t *oacc, uint64_t &faults);

/// The MAC/IFFT pipeline's timing over one SCONV's blocks (docs/isa.md
/// section 9): the MACs of a block run beside the IFFT of the block before.
struct SconvClock {
  uint64_t total = 0, ifftPrev = 0;
  bool first = true;
  void block(uint64_t smac, uint64_t ifft) {
    total += first ? smac : (smac > ifftPrev ? smac : ifftPrev);
    first = false;
    ifftPrev = ifft;
  }
  /// The next SCONV's MACs may start once the last IFFT is done...
  uint64_t release() const { return total + ifftPrev; }
  /// ...only the pipelines drain after that.
  uint64_t cycles() const {
    return release() + kCfg.smacDepth + kCfg.ifftDepth;
  }
};
/// Adds one block's counters to the SCONV's.
void addSconvBlock(const SconvBlock &h, Activity &act);

/// The lane accumulators of the blocks in flight between the MAC and the
/// IFFT process: a ping-pong pair of SconvAcc (PIPO). The MAC process
/// accumulates block k in place; the IFFT process holds it while it sums
/// and transforms it. So the MACs of block k+1 start once those of block k
/// are done and the IFFT of block k-1 has let its half of the pair go: the
/// pipeline docs/isa.md section 9 times, with no copy in between.
using SconvAccs = hls::stream_of_blocks<SconvAcc, 2>;

/// The three processes of the MAC/IFFT pipeline (spec2_sconv in top.cpp
/// runs them as a DATAFLOW region; execSconv one after another). The MAC
/// stage reads one SCONV word; the IFFT stage writes `released` when its
/// last IFFT is done, the overlap-and-add stage `finished` (twice: for the
/// dispatcher and the retire kernel) when the last sum is in OACC.
void sconvMacStage(hls::stream<isa::Word> &insns, const KerEntry *ker,
                   const Cplx16 *spec, hls::stream<SconvBlock> &blocks,
                   SconvAccs &accs);
void sconvIfftStage(hls::stream<SconvBlock> &blocksIn, SconvAccs &accs,
                    hls::stream<SconvBlock> &blocksOut,
                    hls::stream<SconvTile> &tiles, hls::stream<bool> &released);
void sconvOverlapAddStage(hls::stream<SconvBlock> &blocks,
                          hls::stream<SconvTile> &tiles, int32_t *oacc,
                          Activity &act, hls::stream<bool> &finished,
                          hls::stream<bool> &finishedRetire);

/// The fields of one OUTQ word.
struct OutqFields {
  uint64_t oaccAddr, pitch, plane, outAddr, biasAddr, nc, oh, ow, y0, x0, sy,
      sx, keepFrom, keep;
  unsigned shift;
  int64_t lo, hi;
  bool clear, swap, detach;
};
OutqFields decodeOutq(const isa::Word &insn);
/// OUTQ's first phase, all a detached OUTQ does before the instructions
/// after it may start: with keep_swap, the kept rows of every plane go to
/// the other half of OACC, where the next strip accumulates.
void outqMoveKept(const OutqFields &f, int32_t *oacc);
/// The second phase: bias, requantisation and activation into OUT, then
/// each plane clears (without keep_swap its kept rows move up first).
void outqPlanes(const OutqFields &f, const int32_t *bias, int32_t *oacc,
                int16_t *out, Activity &act);
/// OUTQ's cycles and release (docs/isa.md section 9).
void outqTiming(const OutqFields &f, Activity &act);

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_SPECTRAL_CONV_H
