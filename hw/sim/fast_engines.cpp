// The C-simulation's fast paths (simulation only, never synthesised): LOAD
// with whole-row copies, and SCONV over a memo of the kernel blocks it has
// seen, whose multiply-accumulates it lists once and then runs as dense
// pairwise multiply-adds. Everything else about an instruction (addressing,
// bank timing, IFFT, overlap-and-add, counters) is the HLS source's own code
// (hw/src/load.h, hw/src/spectral_conv.h); test/hw/FastPathTest.cpp holds
// the results and counters equal to the HLS engines'.
#include "load.h"
#include "sim_engines.h"
#include "spectral_conv.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

/// Box rows and spectral KER runs by memcpy where the HLS loop would copy
/// the same bytes without a fault; the HLS loops otherwise.
struct FastCopy {
  static void row(Dram dram, const BoxRow &r, int16_t *dst, uint32_t depth,
                  Activity &act) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (r.at + uint64_t(r.nx) <= depth) {
      int16_t *row = dst + r.at;
      std::fill(row, row + r.lo, int16_t(0));
      if (r.hi > r.lo)
        std::memcpy(row + r.lo, dram.bytes + r.src + uint64_t(r.lo) * 2,
                    size_t(r.hi - r.lo) * 2);
      std::fill(row + r.hi, row + r.nx, int16_t(0));
      return;
    }
#endif
    HlsCopy::row(dram, r, dst, depth, act);
  }
  static void ker(Dram dram, unsigned format, uint64_t base, uint64_t count,
                  KerEntry *ker) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // DRAM spectral entries have KerEntry's layout.
    static_assert(sizeof(KerEntry) == kSpectralEntryBytes,
                  "KerEntry must be the 6-byte DRAM entry");
    if (format == kKerSpectral) {
      std::memcpy(ker, dram.bytes + base, count * kSpectralEntryBytes);
      return;
    }
#endif
    HlsCopy::ker(dram, format, base, count, ker);
  }
};

inline uint32_t int16Pair(int32_t lo, int32_t hi) {
  return uint32_t(uint16_t(lo)) | uint32_t(uint16_t(hi)) << 16;
}

/// What the memo knows of one block of kernels read with some number of
/// input-channel groups: its bank-conflict cycles (sconvStepCycles) and,
/// for blocks whose every index is a valid bin (`indicesOk`), its
/// multiply-accumulates: the non-zero entries of all input lanes grouped by
/// the (output lane, bin) sum they feed, group po * kBins + k ending at
/// `groupEnd[po * kBins + k]`, each group padded with zero weights to a
/// multiple of 4. Per entry: the SPEC word it reads (relative to spec_addr)
/// and the weight as two int16 pairs, (re, -im) and (im, re), so that one
/// pairwise multiply-add with the (re, im) input gives the real or the
/// imaginary product; `pairsOk` unless some im is -32768 (whose negation
/// does not fit).
struct BlockEntry {
  bool valid = false;
  uint64_t cycles = 0;
  std::vector<KerEntry> ker;
  bool indicesOk = false, pairsOk = false;
  uint64_t useful = 0;
  std::vector<uint32_t> specOffset, wRe, wIm, groupEnd;
};

/// The memo: per (KER address, entries, groups), the last few contents seen
/// there (layers take turns in KER), most recent first.
struct BlockCache {
  static constexpr size_t kVariants = 8;
  std::map<std::array<uint64_t, 3>, std::vector<BlockEntry>> entries;

  /// The entry whose kernels equal `ker[0, n)` read with `ncig` groups,
  /// moved to the front; or a fresh invalid entry at the front (evicting the
  /// oldest).
  BlockEntry &find(uint64_t base, const KerEntry *ker, uint64_t n,
                   uint64_t ncig) {
    std::vector<BlockEntry> &seen = entries[{base, n, ncig}];
    for (size_t i = 0; i < seen.size(); ++i)
      if (seen[i].valid &&
          std::memcmp(seen[i].ker.data(), ker, n * sizeof(KerEntry)) == 0) {
        if (i)
          std::rotate(seen.begin(), seen.begin() + i, seen.begin() + i + 1);
        return seen.front();
      }
    if (seen.size() == kVariants)
      seen.pop_back();
    seen.insert(seen.begin(), BlockEntry());
    return seen.front();
  }
};

/// Lists the multiply-accumulates of the block of kernels at `ker` in `e`.
void decodeBlock(const KerEntry *ker, uint64_t ncig, uint64_t nnz,
                 BlockEntry &e) {
  constexpr uint32_t kGroups = kPout * kBins;
  auto entry = [&](uint32_t pi, uint32_t po, uint64_t t) {
    return ker[t * kMacLanes + pi * kPout + po];
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

/// The sums of a decoded block, what the adder tree hands the IFFT. Exact
/// integer additions may be reordered, and without saturation (exact()) the
/// lanes' accumulators never clamp, so each (po, bin) sum is formed at once
/// over all its input lanes: the same sums as the MAC lanes and the adder
/// tree of the HLS source.
void macDecoded(const Cplx16 *x, const BlockEntry &e,
                Cplx64 sums[kPout][kBins]) {
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
      sums[po][k] = Cplx64{sr, si};
    }
}

} // namespace

struct FastEngines::State {
  BlockCache cache;
  SconvAcc acc; // for blocks the memo cannot serve
  Cplx64 sums[kPout][kBins];
};

FastEngines::FastEngines() : state(new State()) {}
FastEngines::~FastEngines() = default;

void FastEngines::exec(const Word &insn, Dram dram, Buffers &buf,
                       Activity &act) {
  switch (unsigned(getField(insn, kOpcode))) {
  case kLoad:
    loadWith<FastCopy>(insn, dram, buf, act);
    break;
  case kStore:
    execStore(insn, dram, buf, act);
    break;
  case kSconv:
    sconv(insn, buf, act);
    break;
  case kConv:
    fastConv(insn, buf, act);
    break;
  default:
    execCompute(insn, buf, act);
    break;
  }
}

/// SCONV block by block, as the MAC/IFFT pipeline of spectral_conv.cpp
/// does, with the MACs of a block the memo knows (which is every in-bounds
/// block from its first visit on) from its list.
void FastEngines::sconv(const Word &insn, Buffers &buf, Activity &act) {
  State &s = *state;
  const SconvFields f = decodeSconv(insn);
  const uint64_t n = f.blocks();
  SconvClock clock;
  for (uint64_t k = 0; k < (n ? n : 1); ++k) {
    SconvBlock h = sconvBlockHeader(f, k, n == 0);
    if (n) {
      const uint64_t base = f.blockBase(k), entries = f.nnz * kMacLanes;
      const uint64_t specAddr = f.specAddr(k);
      BlockEntry *e = nullptr;
      if (base + entries <= kCfg.kerDepth) {
        e = &s.cache.find(base, &buf.ker[base], entries, f.ncig);
        if (!e->valid) {
          e->ker.assign(&buf.ker[base], &buf.ker[base] + entries);
          e->cycles = sconvStepCycles(f, k, buf.ker);
          decodeBlock(&buf.ker[base], f.ncig, f.nnz, *e);
          e->valid = true;
        }
      }
      h.steps = f.nnz;
      h.smac = e ? e->cycles : sconvStepCycles(f, k, buf.ker);
      const bool specOk = specAddr + f.ncig * kPin * kBins <= kCfg.specDepth;
      if (e && e->indicesOk && f.exact() && specOk) {
        macDecoded(&buf.spec[specAddr], *e, s.sums);
        h.useful += e->useful;
      } else {
        sconvMac(f, k, buf.ker, buf.spec, s.acc, h);
        for (uint32_t po = 0; po < h.live; ++po)
          sconvAdderTree(s.acc, po, s.sums[po]);
      }
    }
    h.ifft = 2 * ifftPassCycles(h.live);
    clock.block(h.smac, h.ifft);
    for (uint32_t po = 0; po < h.live; ++po) {
      SconvTile tile;
      sconvIfft(s.sums[po], h.accShift, h.ifftShift, tile);
      sconvOverlapAdd(h, po, tile, buf.oacc, h.faults);
    }
    addSconvBlock(h, act);
  }
  act.release = clock.release();
  act.cycles = clock.cycles();
}

} // namespace SPEC2_HW_NS
} // namespace spec2
