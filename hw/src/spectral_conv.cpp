// Spectral conv engine: sparse complex MAC lanes over banked input spectra,
// inverse FFT and overlap-and-add into OACC (SCONV, as the three processes
// of the MAC/IFFT pipeline), and the output stage (OUTQ: bias,
// requantisation, activation, clearing).
#include "spectral_conv.h"
#include "spec2/bank_step.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

constexpr uint32_t kBanks = kCfg.specBanks;

/// The lockstep MAC steps of one block. `Saturate` is false when the sizes
/// rule out reaching 48 bits.
template <bool Saturate>
void macSteps(const SconvFields &f, uint64_t k, const KerEntry *ker,
              const Cplx16 *spec, SconvAcc &acc, uint64_t &faults,
              uint64_t &useful) {
  const uint64_t blockBase = f.blockBase(k), specAddr = f.specAddr(k);
SCONV_STEPS:
  for (uint64_t t = 0; t < f.nnz; ++t) {
#pragma HLS PIPELINE II = 1
  SCONV_LANES:
    for (uint32_t pi = 0; pi < kPin; ++pi)
      for (uint32_t po = 0; po < kPout; ++po) {
#pragma HLS UNROLL
        const uint64_t ka = blockBase + t * kMacLanes + pi * kPout + po;
        if (ka >= kCfg.kerDepth) {
          ++faults;
          continue;
        }
        const KerEntry e = ker[ka];
        if (e.index == kEntryNoRead)
          continue;
        const uint32_t bin = entryBin(e.index), g = entryGroup(e.index);
        const uint64_t addr = specAddr + (g * kPin + pi) * kBins + bin;
        if (bin >= kBins || g >= f.ncig || addr >= kCfg.specDepth) {
          ++faults;
          continue;
        }
        if (e.re == 0 && e.im == 0)
          continue;
        ++useful;
        const Cplx16 x = spec[addr];
        const int64_t pr = int32_t(e.re) * x.re - int32_t(e.im) * x.im;
        const int64_t pim = int32_t(e.re) * x.im + int32_t(e.im) * x.re;
        int64_t &ar = acc.re[pi][po][bin], &ai = acc.im[pi][po][bin];
        if (Saturate) {
          ar = satAcc(ar + pr);
          ai = satAcc(ai + pim);
        } else {
          ar += pr;
          ai += pim;
        }
      }
  }
}

} // namespace

SconvFields decodeSconv(const Word &insn) {
  SconvFields f;
  f.kerAddr = getField(insn, sconv::kKerAddr);
  f.specBase = getField(insn, sconv::kSpecAddr);
  f.nnz = getField(insn, sconv::kNnz);
  f.ncig = getField(insn, sconv::kNcig);
  f.ncob = getField(insn, sconv::kNcob);
  f.nco = getField(insn, sconv::kNco);
  f.oaccAddr = getField(insn, sconv::kOaccAddr);
  f.pitch = getField(insn, sconv::kOaccPitch);
  f.plane = getField(insn, sconv::kOaccPlane);
  f.oaccH = getField(insn, sconv::kOaccH);
  f.oy = getField(insn, sconv::kOy);
  f.ox0 = getField(insn, sconv::kOx);
  f.accShift = unsigned(getField(insn, sconv::kAccShift));
  f.ifftShift = unsigned(getField(insn, sconv::kIfftShift));
  f.ntx = tilesAlongX(getField(insn, sconv::kNtx));
  f.txStep = getField(insn, sconv::kTxStep);
  return f;
}

SconvBlock sconvBlockHeader(const SconvFields &f, uint64_t k, bool none) {
  SconvBlock h = {};
  const uint64_t b = none ? 0 : k % f.ncob, co0 = b * kPout;
  h.live = none || co0 >= f.nco
               ? 0
               : uint32_t(f.nco - co0 < kPout ? f.nco - co0 : kPout);
  h.planeBase = f.oaccAddr + co0 * f.plane;
  h.plane = f.plane;
  h.oy = f.oy;
  h.ox = f.ox0 + int64_t(none ? 0 : k / f.ncob) * f.txStep;
  h.pitch = f.pitch;
  h.oaccH = f.oaccH;
  h.accShift = f.accShift;
  h.ifftShift = f.ifftShift;
  return h;
}

void sconvMac(const SconvFields &f, uint64_t k, const KerEntry *ker,
              const Cplx16 *spec, SconvAcc &acc, SconvBlock &h) {
  // One memory per lane (the resource model's LUT-RAM), so that the lanes
  // never share a port. (Where a stream_of_blocks block takes this pragma is
  // among the first things to check in synthesis: hw/README.md.)
#pragma HLS ARRAY_PARTITION variable = acc.re complete dim = 1
#pragma HLS ARRAY_PARTITION variable = acc.re complete dim = 2
#pragma HLS ARRAY_PARTITION variable = acc.im complete dim = 1
#pragma HLS ARRAY_PARTITION variable = acc.im complete dim = 2
SCONV_CLEAR:
  for (uint32_t pi = 0; pi < kPin; ++pi)
    for (uint32_t po = 0; po < kPout; ++po)
      for (uint32_t bin = 0; bin < kBins; ++bin) {
        acc.re[pi][po][bin] = 0;
        acc.im[pi][po][bin] = 0;
      }
  uint64_t faults = 0, useful = 0;
  if (f.exact())
    macSteps<false>(f, k, ker, spec, acc, faults, useful);
  else
    macSteps<true>(f, k, ker, spec, acc, faults, useful);
  h.faults += faults;
  h.useful += useful;
}

uint64_t sconvStepCycles(const SconvFields &f, uint64_t k,
                         const KerEntry *ker) {
  const uint64_t blockBase = f.blockBase(k);
  uint64_t cycles = 0;
SCONV_BANK_STEPS:
  for (uint64_t step = 0; step < f.nnz; ++step) {
    uint16_t index[kPin][kPout];
    const uint64_t base = blockBase + step * kMacLanes;
    for (uint32_t pi = 0; pi < kPin; ++pi)
      for (uint32_t po = 0; po < kPout; ++po) {
        const uint64_t ka = base + pi * kPout + po;
        index[pi][po] =
            ka < kCfg.kerDepth ? ker[ka].index : uint16_t(kEntryNoRead);
      }
    cycles +=
        bank::stepCycles<kBanks>(&index[0][0], kPin, kPout, kBins,
                                 unsigned(f.ncig), kBanks, kCfg.specPorts);
  }
  return cycles;
}

void sconvAdderTree(const SconvAcc &acc, uint32_t po, Cplx64 sum[kBins]) {
SCONV_ADDER_TREE:
  for (uint32_t bin = 0; bin < kBins; ++bin) {
#pragma HLS PIPELINE II = 1
    int64_t sr = 0, si = 0;
    for (uint32_t pi = 0; pi < kPin; ++pi) {
      sr += acc.re[pi][po][bin];
      si += acc.im[pi][po][bin];
    }
    sum[bin] = Cplx64{sr, si};
  }
}

void sconvIfft(const Cplx64 sum[kBins], unsigned accShift, unsigned ifftShift,
               SconvTile &tile) {
  int64_t re[kN][kN], im[kN][kN];
  for (uint32_t ky = 0; ky < kN; ++ky)
    for (uint32_t kx = 0; kx < kHalf; ++kx) {
      re[ky][kx] = sat32(roundShift(sum[ky * kHalf + kx].re, accShift));
      im[ky][kx] = sat32(roundShift(sum[ky * kHalf + kx].im, accShift));
    }
  // Hermitian completion: X[ky][kx] = conj(X[-ky][-kx]) for kx > N/2.
  for (uint32_t ky = 0; ky < kN; ++ky)
    for (uint32_t kx = kHalf; kx < kN; ++kx) {
      re[ky][kx] = re[(kN - ky) % kN][kN - kx];
      im[ky][kx] = -im[(kN - ky) % kN][kN - kx];
    }
  fft2d(re, im, /*inverse=*/true);
  for (uint32_t v = 0; v < kN; ++v)
    for (uint32_t u = 0; u < kN; ++u)
      tile.v[v][u] = sat32(roundShift(re[v][u], ifftShift));
}

void sconvOverlapAdd(const SconvBlock &h, uint32_t po, const SconvTile &tile,
                     int32_t *oacc, uint64_t &faults) {
  const uint64_t planeBase = h.planeBase + po * h.plane;
SCONV_OVERLAP_ADD:
  for (uint32_t v = 0; v < kN; ++v) {
    const int64_t y = h.oy + v;
    if (y < 0 || y >= h.oaccH)
      continue;
    for (uint32_t u = 0; u < kN; ++u) {
#pragma HLS UNROLL
      const int64_t x = h.ox + u;
      if (x < 0 || x >= h.pitch)
        continue;
      const uint64_t a = planeBase + uint64_t(y * h.pitch + x);
      if (a >= kCfg.oaccDepth) {
        ++faults;
        continue;
      }
      oacc[a] = sat32(int64_t(oacc[a]) + tile.v[v][u]);
    }
  }
}

void addSconvBlock(const SconvBlock &h, Activity &act) {
  act.engine[kEngSmac] += h.smac;
  act.engine[kEngIfft] += h.ifft;
  act.bankStalls += h.smac - h.steps;
  act.macSteps += h.steps;
  act.macsIssued += h.steps * kMacLanes;
  act.macsUseful += h.useful;
  act.faults += h.faults;
}

void sconvMacStage(hls::stream<Word> &insns, const KerEntry *ker,
                   const Cplx16 *spec, hls::stream<SconvBlock> &blocks,
                   SconvAccs &accs) {
  const SconvFields f = decodeSconv(insns.read());
  const uint64_t n = f.blocks();
  // An SCONV without blocks still sends one empty header down, so that the
  // later stages report it.
SCONV_MAC_BLOCKS:
  for (uint64_t k = 0; k < (n ? n : 1); ++k) {
    SconvBlock h = sconvBlockHeader(f, k, n == 0);
    h.last = k + 1 >= n;
    hls::write_lock<SconvAcc> lock(accs);
    SconvAcc &acc = lock;
    if (n) {
      sconvMac(f, k, ker, spec, acc, h);
      h.steps = f.nnz;
      h.smac = sconvStepCycles(f, k, ker);
    }
    blocks.write(h);
  }
}

void sconvIfftStage(hls::stream<SconvBlock> &blocksIn, SconvAccs &accs,
                    hls::stream<SconvBlock> &blocksOut,
                    hls::stream<SconvTile> &tiles,
                    hls::stream<bool> &released) {
  SconvClock clock;
  bool last = false;
SCONV_IFFT_BLOCKS:
  while (!last) {
    SconvBlock h = blocksIn.read();
    h.ifft = 2 * ifftPassCycles(h.live);
    clock.block(h.smac, h.ifft);
    last = h.last;
    if (last) {
      h.release = clock.release();
      h.cycles = clock.cycles();
    }
    blocksOut.write(h);
    // The block's accumulators, held until its last IFFT is done.
    hls::read_lock<SconvAcc> lock(accs);
    const SconvAcc &acc = lock;
  SCONV_IFFT:
    for (uint32_t po = 0; po < h.live; ++po) {
      Cplx64 sum[kBins];
      sconvAdderTree(acc, po, sum);
      SconvTile tile;
      sconvIfft(sum, h.accShift, h.ifftShift, tile);
      tiles.write(tile);
    }
  }
  // The MAC lanes and the IFFT unit are free for the next SCONV; the
  // overlap-and-add of this one's last block drains beside it.
  released.write(true);
}

void sconvOverlapAddStage(hls::stream<SconvBlock> &blocks,
                          hls::stream<SconvTile> &tiles, int32_t *oacc,
                          Activity &act, hls::stream<bool> &finished,
                          hls::stream<bool> &finishedRetire) {
  bool last = false;
SCONV_OAA_BLOCKS:
  while (!last) {
    SconvBlock h = blocks.read();
    last = h.last;
    for (uint32_t po = 0; po < h.live; ++po)
      sconvOverlapAdd(h, po, tiles.read(), oacc, h.faults);
    addSconvBlock(h, act);
    if (last) {
      act.release = h.release;
      act.cycles = h.cycles;
    }
  }
  finished.write(true);
  finishedRetire.write(true);
}

void execSconv(const Word &insn, Buffers &buf, Activity &act) {
  // The three processes one after another (the C-simulation of a DATAFLOW
  // region); nobody listens to the unit's events here.
  hls::stream<Word> insns;
  hls::stream<SconvBlock> toIfft, toOverlapAdd;
  SconvAccs accs;
  hls::stream<SconvTile> tiles;
  hls::stream<bool> released, finished, finishedRetire;
  insns.write(insn);
  sconvMacStage(insns, buf.ker, buf.spec, toIfft, accs);
  sconvIfftStage(toIfft, accs, toOverlapAdd, tiles, released);
  sconvOverlapAddStage(toOverlapAdd, tiles, buf.oacc, act, finished,
                       finishedRetire);
}

OutqFields decodeOutq(const Word &insn) {
  OutqFields f;
  f.oaccAddr = getField(insn, outq::kOaccAddr);
  f.pitch = getField(insn, outq::kOaccPitch);
  f.plane = getField(insn, outq::kOaccPlane);
  f.outAddr = getField(insn, outq::kOutAddr);
  f.biasAddr = getField(insn, outq::kBiasAddr);
  f.nc = getField(insn, outq::kNc);
  f.oh = getField(insn, outq::kOh);
  f.ow = getField(insn, outq::kOw);
  f.y0 = getField(insn, outq::kY0);
  f.x0 = getField(insn, outq::kX0);
  f.sy = getField(insn, outq::kSy);
  f.sx = getField(insn, outq::kSx);
  f.shift = unsigned(getField(insn, outq::kShift));
  f.lo = getField(insn, outq::kClampLo);
  f.hi = getField(insn, outq::kClampHi);
  f.clear = getField(insn, outq::kClear) != 0;
  f.keepFrom = getField(insn, outq::kKeepFrom);
  f.keep = getField(insn, outq::kKeep);
  f.swap = getField(insn, outq::kKeepSwap) != 0;
  f.detach = getField(insn, outq::kDetach) != 0;
  return f;
}

void outqMoveKept(const OutqFields &f, int32_t *oacc) {
  if (!f.clear || !f.swap)
    return;
  // The planes lie in one half of OACC (a loader check), so the other half
  // is no plane this OUTQ still reads.
  const uint64_t half = kCfg.oaccDepth / 2;
OUTQ_KEPT_ROWS:
  for (uint64_t c = 0; c < f.nc; ++c)
    for (uint64_t i = 0; i < f.keep * f.pitch; ++i) {
#pragma HLS PIPELINE II = 1
      const uint64_t from = f.oaccAddr + c * f.plane + f.keepFrom * f.pitch + i;
      const uint64_t to = f.oaccAddr + c * f.plane + i;
      if (from < kCfg.oaccDepth && to < kCfg.oaccDepth)
        oacc[to >= half ? to - half : to + half] = oacc[from];
    }
}

void outqPlanes(const OutqFields &f, const int32_t *bias, int32_t *oacc,
                int16_t *out, Activity &act) {
OUTQ_CHANNELS:
  for (uint64_t c = 0; c < f.nc; ++c) {
    int64_t b = 0;
    if (f.biasAddr + c < kCfg.biasDepth)
      b = bias[f.biasAddr + c];
    else
      ++act.faults;
    for (uint64_t y = 0; y < f.oh; ++y)
      for (uint64_t x = 0; x < f.ow; ++x) {
#pragma HLS PIPELINE II = 1
        const uint64_t a = f.oaccAddr + c * f.plane +
                           (f.y0 + y * f.sy) * f.pitch + f.x0 + x * f.sx;
        const uint64_t o = f.outAddr + (c * f.oh + y) * f.ow + x;
        if (a >= kCfg.oaccDepth || o >= kCfg.outDepth) {
          ++act.faults;
          continue;
        }
        const int64_t v = roundShift(int64_t(oacc[a]) + b, f.shift);
        out[o] = int16_t(saturate(sat16Counted(v, act), f.lo, f.hi));
      }
    if (!f.clear)
      continue;
  OUTQ_CLEAR:
    for (uint64_t i = 0; i < f.plane; ++i) {
#pragma HLS PIPELINE II = 1
      const uint64_t a = f.oaccAddr + c * f.plane + i;
      // Without keep_swap the kept rows move up (the source is never behind
      // the target); with it they have gone to the other half already.
      const uint64_t from = a + f.keepFrom * f.pitch;
      const bool moved = !f.swap && i < f.keep * f.pitch;
      if (a < kCfg.oaccDepth)
        oacc[a] = moved && from < kCfg.oaccDepth ? oacc[from] : 0;
    }
  }
}

void outqTiming(const OutqFields &f, Activity &act) {
  const uint64_t lanes = kCfg.vecLanes;
  const uint64_t reads = f.nc * f.oh * f.ow;
  const uint64_t moves = f.clear ? f.nc * f.keep * f.pitch : 0;
  if (f.detach) {
    // The kept rows first, then the rest beside the next strip's SCONVs.
    const uint64_t clears = f.clear ? f.nc * f.plane : 0;
    const uint64_t rest = reads > clears ? reads : clears;
    act.release = moves ? (moves + lanes - 1) / lanes + kCfg.vecDepth : 0;
    act.cycles = act.release + (rest + lanes - 1) / lanes + kCfg.vecDepth;
  } else {
    const uint64_t clears = f.clear ? f.nc * f.plane + moves : 0;
    const uint64_t work = reads > clears ? reads : clears;
    act.cycles = (work + lanes - 1) / lanes + kCfg.vecDepth;
  }
  act.engine[kEngOutq] += act.cycles;
}

void execOutq(const Word &insn, Buffers &buf, Activity &act) {
  const OutqFields f = decodeOutq(insn);
  outqMoveKept(f, buf.oacc);
  outqPlanes(f, buf.bias, buf.oacc, buf.out, act);
  outqTiming(f, act);
}

} // namespace SPEC2_HW_NS
} // namespace spec2
