// Spectral conv engine: sparse complex MAC lanes over banked input spectra
// (SCONV), inverse FFT with overlap-and-add into OACC, and the output stage
// (OUTQ: bias, requantisation, activation).
#include "overlay.h"
#include "spec2/bank_step.h"

#include <algorithm>
#include <cstring>

#if !defined(__SYNTHESIS__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

constexpr uint32_t kPin = kCfg.pin;
constexpr uint32_t kPout = kCfg.pout;
constexpr uint32_t kBanks = kCfg.specBanks;

/// Cycles one lockstep step takes (spec2/bank_step.h): the P_out lanes of
/// each input lane read (group, bin) addresses of that lane's spectrum
/// memory, distinct addresses in one bank served specPorts per cycle.
uint64_t stepCycles(const uint16_t index[kPin][kPout], uint64_t ncig) {
  return bank::stepCycles<kBanks>(&index[0][0], kPin, kPout, kBins,
                                  unsigned(ncig), kBanks, kCfg.specPorts);
}

/// The multiply-accumulates of one output-channel block. The lanes run in
/// lockstep on the hardware, but each lane only ever touches its own
/// accumulators, in its own (group, step) order, so walking one lane at a
/// time gives identical results (saturation included) and is much faster to
/// simulate. `Saturate` is false when the sizes rule out reaching 48 bits.
template <bool Saturate>
void macBlock(Buffers &buf, uint64_t blockBase, uint64_t specAddr,
              uint64_t ncig, uint64_t nnz, Activity &act) {
  constexpr uint64_t kLanes = uint64_t(kPin) * kPout;
  uint64_t faults = 0, useful = 0; // kept in registers, added once
#ifndef __SYNTHESIS__
  // Simulation fast path when every KER and SPEC address of the block is in
  // bounds: no per-entry address checks, no branch on zero weights (adding a
  // zero product changes nothing). Same results as the loop below.
  const bool kerOk = blockBase + nnz * kLanes <= kCfg.kerDepth;
  const bool specOk = specAddr + ncig * kPin * kBins <= kCfg.specDepth;
  if (kerOk && specOk && !Saturate) {
    for (uint32_t pi = 0; pi < kPin; ++pi)
      for (uint32_t po = 0; po < kPout; ++po) {
        int64_t *accRe = buf.accRe[pi][po], *accIm = buf.accIm[pi][po];
        const KerEntry *e = &buf.ker[blockBase + uint64_t(pi) * kPout + po];
        const Cplx16 *x = &buf.spec[specAddr + pi * kBins];
        for (uint64_t t = 0; t < nnz; ++t, e += kLanes) {
          if (e->index == kEntryNoRead)
            continue;
          const uint32_t bin = entryBin(e->index), g = entryGroup(e->index);
          if (bin >= kBins || g >= ncig) {
            ++faults;
            continue;
          }
          const int32_t wr = e->re, wi = e->im;
          useful += (wr | wi) != 0;
          const Cplx16 v = x[g * kPin * kBins + bin];
          const int32_t xr = v.re, xi = v.im;
          accRe[bin] += int64_t(wr * xr) - int64_t(wi * xi);
          accIm[bin] += int64_t(wr * xi) + int64_t(wi * xr);
        }
      }
    act.faults += faults;
    act.macsUseful += useful;
    return;
  }
#endif
SCONV_LANES:
  for (uint32_t pi = 0; pi < kPin; ++pi)
    for (uint32_t po = 0; po < kPout; ++po) {
#pragma HLS UNROLL
      int64_t *accRe = buf.accRe[pi][po], *accIm = buf.accIm[pi][po];
      const uint64_t lane = uint64_t(pi) * kPout + po;
      uint64_t ka = blockBase + lane;
      for (uint64_t t = 0; t < nnz; ++t, ka += kLanes) {
#pragma HLS PIPELINE II = 1
        if (ka >= kCfg.kerDepth) {
          ++faults;
          continue;
        }
        const KerEntry e = buf.ker[ka];
        if (e.index == kEntryNoRead)
          continue;
        const uint32_t bin = entryBin(e.index), g = entryGroup(e.index);
        const uint64_t addr = specAddr + (g * kPin + pi) * kBins + bin;
        if (bin >= kBins || g >= ncig || addr >= kCfg.specDepth) {
          ++faults;
          continue;
        }
        if (e.re == 0 && e.im == 0)
          continue;
        ++useful;
        const Cplx16 x = buf.spec[addr];
        const int64_t pr = int32_t(e.re) * x.re - int32_t(e.im) * x.im;
        const int64_t pim = int32_t(e.re) * x.im + int32_t(e.im) * x.re;
        if (Saturate) {
          accRe[bin] = satAcc(accRe[bin] + pr);
          accIm[bin] = satAcc(accIm[bin] + pim);
        } else {
          accRe[bin] += pr;
          accIm[bin] += pim;
        }
      }
    }
  act.faults += faults;
  act.macsUseful += useful;
}

#ifndef __SYNTHESIS__
inline uint32_t int16Pair(int32_t lo, int32_t hi) {
  return uint32_t(uint16_t(lo)) | uint32_t(uint16_t(hi)) << 16;
}

/// Simulation only: lists the multiply-accumulates of a block's kernels in
/// `e` (see StepTimingCache::Entry).
void decodeBlock(const Buffers &buf, uint64_t blockBase, uint64_t ncig,
                 uint64_t nnz, StepTimingCache::Entry &e) {
  constexpr uint64_t kLanes = uint64_t(kPin) * kPout;
  constexpr uint32_t kGroups = kPout * kBins;
  auto entry = [&](uint32_t pi, uint32_t po, uint64_t t) {
    return buf.ker[blockBase + t * kLanes + pi * kPout + po];
  };
  auto valid = [&](const KerEntry &k) {
    return entryBin(k.index) < kBins && entryGroup(k.index) < ncig;
  };
  std::vector<uint32_t> count(kGroups, 0);
  e.indicesOk = e.pairsOk = true;
  e.useful = 0;
  for (uint32_t pi = 0; pi < kPin; ++pi)
    for (uint32_t po = 0; po < kPout; ++po)
      for (uint64_t t = 0; t < nnz; ++t) {
        const KerEntry k = entry(pi, po, t);
        if (k.index == kEntryNoRead)
          continue;
        if (!valid(k)) {
          e.indicesOk = false;
        } else if (k.re != 0 || k.im != 0) {
          ++count[po * kBins + entryBin(k.index)];
          ++e.useful;
          e.pairsOk &= k.im != -32768;
        }
      }
  e.groupEnd.resize(kGroups);
  std::vector<uint32_t> fill(kGroups);
  uint32_t at = 0;
  for (uint32_t i = 0; i < kGroups; ++i) {
    fill[i] = at;
    e.groupEnd[i] = (at += (count[i] + 3) / 4 * 4);
  }
  e.specOffset.assign(at, 0);
  e.wRe.assign(at, 0);
  e.wIm.assign(at, 0);
  for (uint32_t pi = 0; pi < kPin; ++pi)
    for (uint32_t po = 0; po < kPout; ++po)
      for (uint64_t t = 0; t < nnz; ++t) {
        const KerEntry k = entry(pi, po, t);
        if (k.index == kEntryNoRead || !valid(k) || (k.re == 0 && k.im == 0))
          continue;
        const uint32_t bin = entryBin(k.index);
        const uint32_t i = fill[po * kBins + bin]++;
        e.specOffset[i] =
            uint32_t((entryGroup(k.index) * kPin + pi) * kBins + bin);
        e.wRe[i] = int16Pair(k.re, -int32_t(k.im));
        e.wIm[i] = int16Pair(k.im, k.re);
      }
}

/// Simulation only: the MACs of a decoded block. The P_in lanes of output
/// lane po feed the IFFT only through their sum (the adder tree), and exact
/// integer additions may be reordered, so each (po, bin) sum is formed at
/// once and left in the accumulators of input lane 0, which is all the
/// adder tree then reads. The IFFT sees the same sums as after
/// macBlock<false>.
void macDecoded(Buffers &buf, uint64_t specAddr,
                const StepTimingCache::Entry &e, Activity &act) {
  const Cplx16 *x = &buf.spec[specAddr];
  const uint32_t *off = e.specOffset.data();
  uint32_t i = 0;
  for (uint32_t po = 0; po < kPout; ++po)
    for (uint32_t k = 0; k < kBins; ++k) {
      const uint32_t end = e.groupEnd[po * kBins + k];
      int64_t sr = 0, si = 0;
#ifdef __SSE2__
      if (e.pairsOk) {
        // Four entries per step: each 32-bit lane of pmaddwd is
        // xr*wr - xi*wi (or xr*wi + xi*wr), exact in int32 since no weight
        // half is -32768; the sums are widened to int64.
        __m128i accR = _mm_setzero_si128(), accI = _mm_setzero_si128();
        for (; i < end; i += 4) {
          uint32_t v[4];
          std::memcpy(&v[0], &x[off[i]], 4);
          std::memcpy(&v[1], &x[off[i + 1]], 4);
          std::memcpy(&v[2], &x[off[i + 2]], 4);
          std::memcpy(&v[3], &x[off[i + 3]], 4);
          const __m128i xv = _mm_loadu_si128(reinterpret_cast<__m128i *>(v));
          const __m128i pr = _mm_madd_epi16(
              xv,
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(&e.wRe[i])));
          const __m128i pm = _mm_madd_epi16(
              xv,
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(&e.wIm[i])));
          const __m128i sR = _mm_srai_epi32(pr, 31);
          const __m128i sI = _mm_srai_epi32(pm, 31);
          accR = _mm_add_epi64(accR, _mm_unpacklo_epi32(pr, sR));
          accR = _mm_add_epi64(accR, _mm_unpackhi_epi32(pr, sR));
          accI = _mm_add_epi64(accI, _mm_unpacklo_epi32(pm, sI));
          accI = _mm_add_epi64(accI, _mm_unpackhi_epi32(pm, sI));
        }
        int64_t r[2], m[2];
        std::memcpy(r, &accR, 16);
        std::memcpy(m, &accI, 16);
        sr = r[0] + r[1];
        si = m[0] + m[1];
      }
#endif
      for (; i < end; ++i) {
        const int32_t wi = int16_t(e.wIm[i]), wr = int16_t(e.wIm[i] >> 16);
        const Cplx16 v = x[off[i]];
        const int32_t xr = v.re, xi = v.im;
        sr += int64_t(wr * xr) - int64_t(wi * xi);
        si += int64_t(wr * xi) + int64_t(wi * xr);
      }
      buf.accRe[0][po][k] = sr;
      buf.accIm[0][po][k] = si;
    }
  act.macsUseful += e.useful;
}
#endif

} // namespace

#ifndef __SYNTHESIS__
StepTimingCache::Entry &StepTimingCache::find(uint64_t base,
                                              const KerEntry *ker, uint64_t n,
                                              uint64_t ncig) {
  std::vector<Entry> &seen = entries[{base, n, ncig}];
  for (size_t i = 0; i < seen.size(); ++i)
    if (seen[i].valid &&
        std::memcmp(seen[i].ker.data(), ker, n * sizeof(KerEntry)) == 0) {
      if (i)
        std::rotate(seen.begin(), seen.begin() + i, seen.begin() + i + 1);
      return seen.front();
    }
  if (seen.size() == kVariants)
    seen.pop_back();
  seen.insert(seen.begin(), Entry());
  return seen.front();
}
#endif

void execSconv(const Word &insn, Buffers &buf, Activity &act) {
  const uint64_t kerAddr = getField(insn, sconv::kKerAddr);
  const uint64_t specBase = getField(insn, sconv::kSpecAddr);
  const uint64_t nnz = getField(insn, sconv::kNnz);
  const uint64_t ncig = getField(insn, sconv::kNcig);
  const uint64_t ncob = getField(insn, sconv::kNcob);
  const uint64_t nco = getField(insn, sconv::kNco);
  const uint64_t oaccAddr = getField(insn, sconv::kOaccAddr);
  const int64_t pitch = getField(insn, sconv::kOaccPitch);
  const uint64_t plane = getField(insn, sconv::kOaccPlane);
  const int64_t oaccH = getField(insn, sconv::kOaccH);
  const int64_t oy = getField(insn, sconv::kOy);
  const int64_t ox0 = getField(insn, sconv::kOx);
  const unsigned accShift = unsigned(getField(insn, sconv::kAccShift));
  const unsigned ifftShift = unsigned(getField(insn, sconv::kIfftShift));
  const uint64_t ntx = tilesAlongX(getField(insn, sconv::kNtx));
  const int64_t txStep = getField(insn, sconv::kTxStep);
  const uint64_t lanes = uint64_t(kPin) * kPout;
  // Each product is below 2^31 in magnitude, so fewer than 2^16 additions
  // per accumulator cannot reach the 48-bit saturation bound.
  const bool exact = nnz < (uint64_t(1) << 16);

  uint64_t ifftPrev = 0, total = 0;
  // The blocks of all tiles, tile-major: one pipeline.
SCONV_BLOCKS:
  for (uint64_t k = 0; k < ntx * ncob; ++k) {
    const uint64_t tx = k / ncob, b = k % ncob;
    const uint64_t specAddr = specBase + tx * ncig * kPin * kBins;
    const int64_t ox = ox0 + int64_t(tx) * txStep;
    // --- sparse MAC -------------------------------------------------------
    uint64_t smac = 0;
    const uint64_t blockBase = kerAddr + b * nnz * lanes;
    uint64_t blockCycles = 0;
    // Simulation only: the MAC sums sit in input lane 0's accumulators
    // (macDecoded), the other lanes' are not read.
    bool lane0Only = false;
#ifndef __SYNTHESIS__
    // Simulation only: a block whose kernels are byte for byte those it
    // held when last seen reuses that visit's step timing and MAC list.
    const uint64_t blockEntries = nnz * lanes;
    const bool inBounds = blockBase + blockEntries <= kCfg.kerDepth;
    StepTimingCache::Entry *cached = nullptr;
    if (inBounds) {
      cached = &buf.stepTiming.find(blockBase, &buf.ker[blockBase],
                                    blockEntries, ncig);
      if (cached->valid)
        blockCycles = cached->cycles;
    }
    const bool specOk = specAddr + ncig * kPin * kBins <= kCfg.specDepth;
    lane0Only = cached && cached->valid && cached->indicesOk && exact && specOk;
    if (lane0Only) {
      macDecoded(buf, specAddr, *cached, act);
    } else {
#endif
    SCONV_CLEAR:
      for (uint32_t pi = 0; pi < kPin; ++pi)
        for (uint32_t po = 0; po < kPout; ++po)
          for (uint32_t k = 0; k < kBins; ++k) {
            buf.accRe[pi][po][k] = 0;
            buf.accIm[pi][po][k] = 0;
          }
      if (exact)
        macBlock<false>(buf, blockBase, specAddr, ncig, nnz, act);
      else
        macBlock<true>(buf, blockBase, specAddr, ncig, nnz, act);
#ifndef __SYNTHESIS__
    }
#endif
    // Timing: the lanes step together; a step takes as many cycles as its
    // worst bank needs.
#ifndef __SYNTHESIS__
    if (!cached || !cached->valid) {
#endif
    SCONV_STEPS:
      for (uint64_t step = 0; step < nnz; ++step) {
        uint16_t index[kPin][kPout];
        const uint64_t base = blockBase + step * lanes;
        for (uint32_t pi = 0; pi < kPin; ++pi)
          for (uint32_t po = 0; po < kPout; ++po) {
            const uint64_t ka = base + pi * kPout + po;
            index[pi][po] =
                ka < kCfg.kerDepth ? buf.ker[ka].index : uint16_t(kEntryNoRead);
          }
        blockCycles += stepCycles(index, ncig);
      }
#ifndef __SYNTHESIS__
      if (cached) {
        cached->ker.assign(&buf.ker[blockBase],
                           &buf.ker[blockBase] + blockEntries);
        cached->cycles = blockCycles;
        decodeBlock(buf, blockBase, ncig, nnz, *cached);
        cached->valid = true;
      }
    }
#endif
    smac += blockCycles;
    act.bankStalls += blockCycles - nnz;
    act.macSteps += nnz;
    act.macsIssued += nnz * lanes;
    // --- IFFT + overlap-add of the live output channels -------------------
    uint64_t live = 0;
  SCONV_IFFT:
    for (uint32_t po = 0; po < kPout; ++po) {
      const uint64_t co = b * kPout + po;
      if (co >= nco)
        continue;
      ++live;
      int64_t re[kN][kN], im[kN][kN];
      // Adder tree over the P_in partial sums, scaled to 32 bits.
      for (uint32_t ky = 0; ky < kN; ++ky)
        for (uint32_t kx = 0; kx < kHalf; ++kx) {
          int64_t sr = 0, si = 0;
          if (lane0Only) {
            sr = buf.accRe[0][po][ky * kHalf + kx];
            si = buf.accIm[0][po][ky * kHalf + kx];
          } else {
            for (uint32_t pi = 0; pi < kPin; ++pi) {
              sr += buf.accRe[pi][po][ky * kHalf + kx];
              si += buf.accIm[pi][po][ky * kHalf + kx];
            }
          }
          re[ky][kx] = sat32(roundShift(sr, accShift));
          im[ky][kx] = sat32(roundShift(si, accShift));
        }
      // Hermitian completion: X[ky][kx] = conj(X[-ky][-kx]) for kx > N/2.
      for (uint32_t ky = 0; ky < kN; ++ky)
        for (uint32_t kx = kHalf; kx < kN; ++kx) {
          re[ky][kx] = re[(kN - ky) % kN][kN - kx];
          im[ky][kx] = -im[(kN - ky) % kN][kN - kx];
        }
      fft2d(re, im, /*inverse=*/true);
      const uint64_t planeBase = oaccAddr + co * plane;
      for (uint32_t v = 0; v < kN; ++v) {
        const int64_t y = oy + v;
        if (y < 0 || y >= oaccH)
          continue;
        for (uint32_t u = 0; u < kN; ++u) {
#pragma HLS PIPELINE II = 1
          const int64_t x = ox + u;
          if (x < 0 || x >= pitch)
            continue;
          const uint64_t a = planeBase + uint64_t(y * pitch + x);
          if (a >= kCfg.oaccDepth) {
            ++act.faults;
            continue;
          }
          const int64_t val = sat32(roundShift(re[v][u], ifftShift));
          buf.oacc[a] = sat32(int64_t(buf.oacc[a]) + val);
        }
      }
    }
    const uint64_t ifft = 2 * ifftPassCycles(live);
    // The MACs of a block overlap the IFFT of the block before (of this
    // tile or, for block 0, of the previous tile).
    total += k == 0 ? smac : (smac > ifftPrev ? smac : ifftPrev);
    act.engine[kEngSmac] += smac;
    act.engine[kEngIfft] += ifft;
    ifftPrev = ifft;
  }
  // The next SCONV's MACs may start once the last IFFT is done; only the
  // pipelines drain after that.
  act.release = total + ifftPrev;
  total += ifftPrev + kCfg.smacDepth + kCfg.ifftDepth;
  act.cycles = total;
}

void execOutq(const Word &insn, Buffers &buf, Activity &act) {
  const uint64_t oaccAddr = getField(insn, outq::kOaccAddr);
  const uint64_t pitch = getField(insn, outq::kOaccPitch);
  const uint64_t plane = getField(insn, outq::kOaccPlane);
  const uint64_t outAddr = getField(insn, outq::kOutAddr);
  const uint64_t biasAddr = getField(insn, outq::kBiasAddr);
  const uint64_t nc = getField(insn, outq::kNc);
  const uint64_t oh = getField(insn, outq::kOh);
  const uint64_t ow = getField(insn, outq::kOw);
  const uint64_t y0 = getField(insn, outq::kY0);
  const uint64_t x0 = getField(insn, outq::kX0);
  const uint64_t sy = getField(insn, outq::kSy);
  const uint64_t sx = getField(insn, outq::kSx);
  const unsigned shift = unsigned(getField(insn, outq::kShift));
  const int64_t lo = getField(insn, outq::kClampLo);
  const int64_t hi = getField(insn, outq::kClampHi);
  const bool clear = getField(insn, outq::kClear) != 0;
  const uint64_t keepFrom = getField(insn, outq::kKeepFrom);
  const uint64_t keep = getField(insn, outq::kKeep);
  const bool swap = getField(insn, outq::kKeepSwap) != 0;
  const bool detach = getField(insn, outq::kDetach) != 0;
  const uint64_t half = kCfg.oaccDepth / 2;
OUTQ_CHANNELS:
  for (uint64_t c = 0; c < nc; ++c) {
    int64_t bias = 0;
    if (biasAddr + c < kCfg.biasDepth)
      bias = buf.bias[biasAddr + c];
    else
      ++act.faults;
    for (uint64_t y = 0; y < oh; ++y)
      for (uint64_t x = 0; x < ow; ++x) {
#pragma HLS PIPELINE II = 1
        const uint64_t a =
            oaccAddr + c * plane + (y0 + y * sy) * pitch + x0 + x * sx;
        const uint64_t o = outAddr + (c * oh + y) * ow + x;
        if (a >= kCfg.oaccDepth || o >= kCfg.outDepth) {
          ++act.faults;
          continue;
        }
        const int64_t v = roundShift(int64_t(buf.oacc[a]) + bias, shift);
        buf.out[o] = int16_t(saturate(sat16(v), lo, hi));
      }
    if (clear && swap) {
      // The kept rows go to the other half, then the whole plane clears.
      for (uint64_t i = 0; i < keep * pitch; ++i) {
        const uint64_t from = oaccAddr + c * plane + keepFrom * pitch + i;
        const uint64_t to = oaccAddr + c * plane + i;
        if (from < kCfg.oaccDepth && to < kCfg.oaccDepth)
          buf.oacc[to >= half ? to - half : to + half] = buf.oacc[from];
      }
      for (uint64_t i = 0; i < plane; ++i)
        if (oaccAddr + c * plane + i < kCfg.oaccDepth)
          buf.oacc[oaccAddr + c * plane + i] = 0;
    } else if (clear) {
      for (uint64_t i = 0; i < plane; ++i) {
        const uint64_t a = oaccAddr + c * plane + i;
        // The kept rows move up (the source is never behind the target).
        const uint64_t from = a + keepFrom * pitch;
        const bool moved = i < keep * pitch;
        if (a < kCfg.oaccDepth)
          buf.oacc[a] = moved && from < kCfg.oaccDepth ? buf.oacc[from] : 0;
      }
    }
  }
  const uint64_t lanes = kCfg.vecLanes;
  const uint64_t reads = nc * oh * ow;
  const uint64_t moves = clear ? nc * keep * pitch : 0;
  if (detach) {
    // The kept rows first, then the rest beside the next strip's SCONVs.
    const uint64_t clears = clear ? nc * plane : 0;
    const uint64_t rest = reads > clears ? reads : clears;
    act.release = moves ? (moves + lanes - 1) / lanes + kCfg.vecDepth : 0;
    act.cycles = act.release + (rest + lanes - 1) / lanes + kCfg.vecDepth;
  } else {
    const uint64_t clears = clear ? nc * plane + moves : 0;
    const uint64_t work = reads > clears ? reads : clears;
    act.cycles = (work + lanes - 1) / lanes + kCfg.vecDepth;
  }
  act.engine[kEngOutq] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
