// Each engine of the overlay (compiled for the `small` config) against plain
// C++ references, bit for bit; the FFT also against FFTW for accuracy.
#include "References.h"
#include "TestProgram.h"
#include "overlay.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

using namespace spec2;
using namespace spec2::hw_small;
using spec2::test::Insn;

namespace {

struct EngineTest : ::testing::Test {
  std::unique_ptr<Buffers> buf{new Buffers()};
  std::mt19937 rng{1234};
  int16_t randI16(int lo, int hi) {
    return int16_t(std::uniform_int_distribution<int>(lo, hi)(rng));
  }
};

Insn fftInsn(uint64_t inp, uint64_t stride, uint64_t pitch, uint64_t spec,
             uint64_t nc, uint64_t tile, uint64_t shift) {
  using namespace isa::fft;
  return Insn(isa::kFft)
      .set(kInpAddr, inp)
      .set(kInpStride, stride)
      .set(kInpPitch, pitch)
      .set(kSpecAddr, spec)
      .set(kNc, nc)
      .set(kTile, tile)
      .set(kShift, shift);
}

/// Reference half spectrum of one tile, rounded by `shift`, saturated.
std::vector<Cplx16> refHalfSpectrum(const int16_t *tile, unsigned pitch,
                                    unsigned valid, unsigned shift) {
  std::vector<ref::CInt> x(kN * kN);
  for (unsigned y = 0; y < kN; ++y)
    for (unsigned v = 0; v < kN; ++v)
      x[y * kN + v] =
          ref::CInt(y < valid && v < valid ? tile[y * pitch + v] : 0, 0);
  x = ref::fft2d(x, kN, false);
  std::vector<Cplx16> out;
  for (unsigned ky = 0; ky < kN; ++ky)
    for (unsigned kx = 0; kx < kHalf; ++kx) {
      auto c = x[ky * kN + kx];
      out.push_back(
          {int16_t(ref::clamp(ref::roundShift(c.real(), shift), -32768, 32767)),
           int16_t(
               ref::clamp(ref::roundShift(c.imag(), shift), -32768, 32767))});
    }
  return out;
}

} // namespace

TEST_F(EngineTest, FftMatchesFixedPointReferenceBitExactly) {
  // Three channels of 6x6 tiles inside a strip of pitch 20, varied shifts.
  for (unsigned shift : {0u, 3u, 6u}) {
    for (unsigned i = 0; i < 3 * 20 * 8; ++i)
      buf->inp[100 + i] = randI16(-32768, 32767);
    Activity act;
    execFft(fftInsn(100, 20 * 8, 20, 40, 3, 6, shift), *buf, act);
    EXPECT_EQ(act.faults, 0u);
    for (unsigned c = 0; c < 3; ++c) {
      auto want = refHalfSpectrum(&buf->inp[100 + c * 160], 20, 6, shift);
      for (unsigned b = 0; b < kBins; ++b) {
        ASSERT_EQ(buf->spec[40 + c * kBins + b].re, want[b].re)
            << "c=" << c << " bin=" << b;
        ASSERT_EQ(buf->spec[40 + c * kBins + b].im, want[b].im)
            << "c=" << c << " bin=" << b;
      }
    }
    EXPECT_EQ(act.cycles, 2 * fftPassCycles(3) + kCfg.fftDepth);
  }
}

// The FFT units' twiddle ROM holds the Q15 values std::cos and std::sin
// round to.
TEST_F(EngineTest, TwiddleRomIsRoundedCosAndSin) {
  const double pi = 3.14159265358979323846;
  for (uint32_t k = 0; k < kN / 2; ++k) {
    EXPECT_EQ(twiddleQ15(k, false),
              std::llround(std::cos(2 * pi * k / kN) * 32768.0))
        << k;
    EXPECT_EQ(twiddleQ15(k, true),
              std::llround(std::sin(2 * pi * k / kN) * 32768.0))
        << k;
  }
}

TEST_F(EngineTest, FftIsCloseToFftw) {
  // Forward transform of a full tile at shift 6 (= /64) against FFTW in
  // double precision: the fixed-point error is the rounding of the twiddle
  // products plus the final rounding.
  double *in = fftw_alloc_real(kN * kN);
  fftw_complex *out = fftw_alloc_complex(kN * kHalf);
  fftw_plan plan = fftw_plan_dft_r2c_2d(kN, kN, in, out, FFTW_ESTIMATE);
  double worst = 0;
  for (int trial = 0; trial < 200; ++trial) {
    for (unsigned i = 0; i < kN * kN; ++i) {
      buf->inp[i] = randI16(-32768, 32767);
      in[i] = buf->inp[i];
    }
    Activity act;
    execFft(fftInsn(0, kN * kN, kN, 0, 1, kN, 6), *buf, act);
    fftw_execute(plan);
    for (unsigned b = 0; b < kBins; ++b) {
      worst = std::max(worst, std::abs(buf->spec[b].re - out[b][0] / 64.0));
      worst = std::max(worst, std::abs(buf->spec[b].im - out[b][1] / 64.0));
    }
  }
  fftw_destroy_plan(plan);
  fftw_free(in);
  fftw_free(out);
  // Output LSBs; full scale is 32768. Measured 1.0 (see docs/numerics.md).
  EXPECT_LE(worst, 1.5);
  RecordProperty("fft_max_abs_error_lsb", std::to_string(worst));
}

namespace {

Insn sconvInsn(uint64_t ker, uint64_t spec, uint64_t nnz, uint64_t ncig,
               uint64_t ncob, uint64_t nco, uint64_t oacc, int64_t pitch,
               uint64_t plane, int64_t h, int64_t oy, int64_t ox,
               unsigned accShift, unsigned ifftShift) {
  using namespace isa::sconv;
  return Insn(isa::kSconv)
      .set(kKerAddr, ker)
      .set(kSpecAddr, spec)
      .set(kNnz, nnz)
      .set(kNcig, ncig)
      .set(kNcob, ncob)
      .set(kNco, nco)
      .set(kOaccAddr, oacc)
      .set(kOaccPitch, pitch)
      .set(kOaccPlane, plane)
      .set(kOaccH, h)
      .set(kOy, oy)
      .set(kOx, ox)
      .set(kAccShift, accShift)
      .set(kIfftShift, ifftShift);
}

} // namespace

/// A multi-block SCONV with random spectra in [-xMax, xMax] and weights in
/// [wLo, wHi] against a plain reference, run twice (the engine keeps no
/// state between instructions; FastPathTest checks the fast path's memo).
void checkSparseMac(EngineTest &t, int xMax, int wLo, int wHi) {
  Buffers *buf = t.buf.get();
  auto randI16 = [&](int lo, int hi) { return t.randI16(lo, hi); };
  auto &rng = t.rng;
  constexpr unsigned pin = kCfg.pin, pout = kCfg.pout, lanes = pin * pout;
  const unsigned ncig = 3, ncob = 2, nco = 7, nnz = 9;
  const int64_t pitch = 11, h = 10, plane = 120, oy = -2, ox = 5;
  const unsigned accShift = 4, ifftShift = 3;
  // Input spectra of ncig*pin channels, kernels with distinct bins per lane.
  for (unsigned i = 0; i < ncig * pin * kBins; ++i)
    buf->spec[i] = {randI16(-xMax, xMax), randI16(-xMax, xMax)};
  std::vector<unsigned> perm(kBins);
  for (unsigned b = 0; b < ncob; ++b)
    for (unsigned g = 0; g < ncig; ++g)
      for (unsigned l = 0; l < lanes; ++l) {
        for (unsigned k = 0; k < kBins; ++k)
          perm[k] = k;
        std::shuffle(perm.begin(), perm.end(), rng);
        for (unsigned t = 0; t < nnz; ++t) {
          if (wLo == -32768 && t == 0)
            buf->ker[((b * ncig + g) * nnz) * lanes + l] = {
                -32768, -32768, uint16_t(isa::entryIndex(g, perm[0]))};
          if (wLo == -32768 && t == 0)
            continue;
          KerEntry &e = buf->ker[((b * ncig + g) * nnz + t) * lanes + l];
          e = {randI16(wLo, wHi), randI16(wLo, wHi),
               uint16_t(isa::entryIndex(g, perm[t]))};
        }
      }
  // OACC starts with data: overlap-add must add to it.
  for (unsigned i = 0; i < nco * plane; ++i)
    buf->oacc[i] = randI16(-100, 100);
  std::vector<int32_t> want(buf->oacc, buf->oacc + nco * plane);

  for (unsigned co = 0; co < nco; ++co) {
    const unsigned b = co / pout, po = co % pout;
    std::vector<int64_t> sr(kBins, 0), si(kBins, 0);
    for (unsigned g = 0; g < ncig; ++g)
      for (unsigned pi = 0; pi < pin; ++pi)
        for (unsigned t = 0; t < nnz; ++t) {
          const KerEntry &e =
              buf->ker[((b * ncig + g) * nnz + t) * lanes + pi * pout + po];
          const unsigned k = isa::entryBin(e.index);
          const Cplx16 x =
              buf->spec[(isa::entryGroup(e.index) * pin + pi) * kBins + k];
          sr[k] += int64_t(e.re) * x.re - int64_t(e.im) * x.im;
          si[k] += int64_t(e.re) * x.im + int64_t(e.im) * x.re;
        }
    std::vector<ref::CInt> full(kN * kN);
    for (unsigned ky = 0; ky < kN; ++ky)
      for (unsigned kx = 0; kx < kN; ++kx) {
        const bool mirror = kx >= kHalf;
        const unsigned sy = mirror ? (kN - ky) % kN : ky,
                       sx = mirror ? kN - kx : kx;
        const int64_t r = ref::roundShift(sr[sy * kHalf + sx], accShift);
        const int64_t i = ref::roundShift(si[sy * kHalf + sx], accShift);
        full[ky * kN + kx] = ref::CInt(r, mirror ? -i : i);
      }
    full = ref::fft2d(full, kN, true);
    for (unsigned v = 0; v < kN; ++v)
      for (unsigned u = 0; u < kN; ++u) {
        const int64_t y = oy + v, x = ox + u;
        if (y < 0 || y >= h || x < 0 || x >= pitch)
          continue;
        want[co * plane + y * pitch + x] +=
            int32_t(ref::roundShift(full[v * kN + u].real(), ifftShift));
      }
  }
  const std::vector<int32_t> before(buf->oacc, buf->oacc + nco * plane);
  for (int run = 0; run < 2; ++run) {
    std::copy(before.begin(), before.end(), buf->oacc);
    Activity act;
    execSconv(sconvInsn(0, 0, ncig * nnz, ncig, ncob, nco, 0, pitch, plane, h,
                        oy, ox, accShift, ifftShift),
              *buf, act);
    EXPECT_EQ(act.faults, 0u);
    for (unsigned i = 0; i < nco * plane; ++i)
      ASSERT_EQ(buf->oacc[i], want[i]) << "run " << run << " at " << i;
    // Channel 7 (the padding lane of block 1) must be untouched.
    EXPECT_EQ(act.macSteps, uint64_t(ncob) * ncig * nnz);
  }
}

TEST_F(EngineTest, SparseMacIfftOverlapAddMatchesReference) {
  checkSparseMac(*this, 3000, -2000, 2000);
}

// Full-range int16 weights and spectra, including -32768 (whose negation
// the decoded path's int16 pairs cannot hold).
TEST_F(EngineTest, SparseMacFullRangeMatchesReference) {
  checkSparseMac(*this, 32767, -32768, 32767);
}

// Several tiles along x in one FFT and one SCONV compute exactly what one
// instruction per tile does; the SCONV's blocks of all tiles form one
// pipeline, so it takes fewer cycles than the tiles one at a time.
TEST_F(EngineTest, SeveralTilesAlongXEqualOneTileAtATime) {
  constexpr unsigned pin = kCfg.pin, pout = kCfg.pout, lanes = pin * pout;
  const unsigned ntx = 3, nc = pin, tile = 6, pitch = 20, ncob = 2, nnz = 5;
  const unsigned specTile = nc * kBins, plane = 200, oaccPitch = 20, h = 10;
  for (unsigned i = 0; i < nc * 8 * pitch; ++i)
    buf->inp[i] = randI16(-3000, 3000);
  for (unsigned i = 0; i < ncob * nnz * lanes; ++i)
    buf->ker[i] = {randI16(-2000, 2000), randI16(-2000, 2000),
                   uint16_t(isa::entryIndex(0, randI16(0, kBins - 1)))};
  auto fft = [&](uint64_t inp, uint64_t spec, uint64_t n) {
    return fftInsn(inp, 8 * pitch, pitch, spec, nc, tile, 4)
        .set(isa::fft::kNtx, n)
        .set(isa::fft::kSpecTile, specTile);
  };
  auto sconv = [&](uint64_t spec, int64_t ox, uint64_t n) {
    return sconvInsn(0, spec, nnz, 1, ncob, ncob * pout, 0, oaccPitch, plane, h,
                     -1, ox, 2, 3)
        .set(isa::sconv::kNtx, n)
        .set(isa::sconv::kTxStep, tile);
  };
  // One tile at a time.
  Activity one;
  for (unsigned x = 0; x < ntx; ++x)
    execFft(fft(x * tile, x * specTile, 1), *buf, one);
  const std::vector<Cplx16> specOne(buf->spec, buf->spec + ntx * specTile);
  for (unsigned x = 0; x < ntx; ++x) {
    Activity a;
    execSconv(sconv(x * specTile, -1 + int64_t(x * tile), 1), *buf, a);
    one.cycles += a.cycles;
    one.macSteps += a.macSteps;
  }
  const std::vector<int32_t> oaccOne(buf->oacc,
                                     buf->oacc + ncob * pout * plane);
  // All tiles at once.
  std::fill(buf->spec, buf->spec + ntx * specTile, Cplx16{});
  std::fill(buf->oacc, buf->oacc + ncob * pout * plane, 0);
  Activity all;
  execFft(fft(0, 0, ntx), *buf, all);
  for (unsigned i = 0; i < ntx * specTile; ++i)
    ASSERT_TRUE(buf->spec[i].re == specOne[i].re &&
                buf->spec[i].im == specOne[i].im)
        << "SPEC " << i;
  Activity a;
  execSconv(sconv(0, -1, ntx), *buf, a);
  for (unsigned i = 0; i < ncob * pout * plane; ++i)
    ASSERT_EQ(buf->oacc[i], oaccOne[i]) << "OACC " << i;
  EXPECT_EQ(a.faults + all.faults + one.faults, 0u);
  EXPECT_EQ(a.macSteps, one.macSteps);
  EXPECT_LT(a.cycles, one.cycles);
}

TEST_F(EngineTest, SparseMacCountsBankConflictsAndFaults) {
  constexpr unsigned pin = kCfg.pin, pout = kCfg.pout, lanes = pin * pout;
  // One step: every lane of input group 0 reads a different bin of bank 0
  // (bins 0, banks, 2*banks, ...): pout distinct reads of one bank.
  for (unsigned l = 0; l < lanes; ++l)
    buf->ker[l] = {1, 0, uint16_t((l % pout) * kCfg.specBanks)};
  Activity act;
  execSconv(sconvInsn(0, 0, 1, 1, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf, act);
  const uint64_t expect = (pout + kCfg.specPorts - 1) / kCfg.specPorts - 1;
  EXPECT_EQ(act.bankStalls, expect);
  EXPECT_EQ(act.faults, 0u);
  // Same bin in every lane: a broadcast, no conflict.
  for (unsigned l = 0; l < lanes; ++l)
    buf->ker[l] = {1, 0, 5};
  Activity act2;
  execSconv(sconvInsn(0, 0, 1, 1, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf,
            act2);
  EXPECT_EQ(act2.bankStalls, 0u);
  // A bin past the half spectrum is a fault and reads nothing.
  buf->ker[0] = {1, 0, uint16_t(kBins)};
  Activity act3;
  execSconv(sconvInsn(0, 0, 1, 1, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf,
            act3);
  EXPECT_EQ(act3.faults, 1u);
  // One bin of two input-channel groups: two addresses of one bank.
  for (unsigned l = 0; l < lanes; ++l)
    buf->ker[l] = {1, 0, uint16_t(isa::entryIndex((l % pout) % 2, 5))};
  Activity act4;
  execSconv(sconvInsn(0, 0, 1, 2, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf,
            act4);
  EXPECT_EQ(act4.bankStalls, (2 + kCfg.specPorts - 1) / kCfg.specPorts - 1);
  EXPECT_EQ(act4.faults, 0u);
  // ... a group the SCONV does not address is a fault; padding reads
  // nothing and is no fault.
  Activity act5;
  execSconv(sconvInsn(0, 0, 1, 1, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf,
            act5);
  EXPECT_EQ(act5.faults, uint64_t(lanes / 2));
  for (unsigned l = 0; l < lanes; ++l)
    buf->ker[l] = {0, 0, uint16_t(isa::kEntryNoRead)};
  Activity act6;
  execSconv(sconvInsn(0, 0, 1, 1, 1, pout, 0, 8, 64, 8, 0, 0, 0, 0), *buf,
            act6);
  EXPECT_EQ(act6.faults, 0u);
  EXPECT_EQ(act6.bankStalls, 0u);
  EXPECT_EQ(act6.macsUseful, 0u);
}

namespace {
/// An OUTQ of `nc` planes of 4 rows of `pitch` that clears them, keeping
/// `keep` rows from `keepFrom`.
Insn clearingOutq(unsigned nc, unsigned pitch, unsigned plane,
                  unsigned keepFrom, unsigned keep) {
  using namespace isa::outq;
  return Insn(isa::kOutq)
      .set(kOaccPitch, pitch)
      .set(kOaccPlane, plane)
      .set(kNc, nc)
      .set(kOh, 4)
      .set(kOw, pitch)
      .set(kSy, 1)
      .set(kSx, 1)
      .set(kClampLo, -32768)
      .set(kClampHi, 32767)
      .set(kClear, 1)
      .set(kKeepFrom, keepFrom)
      .set(kKeep, keep);
}
} // namespace

// OUTQ with keep: after the output, rows [keep_from, keep_from + keep) of
// each plane move to its top and the rest is cleared (the carried
// overlap-and-add rows of a strip); the moves cost cycles.
TEST_F(EngineTest, OutqKeepMovesRowsToThePlaneTop) {
  using namespace isa::outq;
  const unsigned nc = 2, pitch = 5, plane = 40, keepFrom = 4, keep = 3;
  for (unsigned i = 0; i < nc * plane; ++i)
    buf->oacc[i] = int32_t(i) + 1;
  auto outq = [&](unsigned k) {
    return clearingOutq(nc, pitch, plane, k ? keepFrom : 0, k);
  };
  Activity act;
  execOutq(outq(keep), *buf, act);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned i = 0; i < plane; ++i)
      ASSERT_EQ(buf->oacc[c * plane + i],
                i < keep * pitch ? int32_t(c * plane + keepFrom * pitch + i) + 1
                                 : 0)
          << "channel " << c << " element " << i;
  Activity plain;
  execOutq(outq(0), *buf, plain);
  EXPECT_EQ(act.cycles - plain.cycles,
            (nc * (plane + keep * pitch) + kCfg.vecLanes - 1) / kCfg.vecLanes -
                (nc * plane + kCfg.vecLanes - 1) / kCfg.vecLanes);
  EXPECT_EQ(act.faults + plain.faults, 0u);
}

TEST_F(EngineTest, PackedKernelEntriesLoadAsTheirSixByteForm) {
  // The same entries (padding and every group and bin a packed index can
  // name) in both DRAM formats give the same KER contents; the packed load
  // moves 5 bytes an entry.
  const unsigned count = 300;
  test::DramImage dram(4096);
  const uint64_t wide = 0, packed = 2048;
  for (unsigned i = 0; i < count; ++i) {
    const int16_t re = randI16(-32768, 32767), im = randI16(-32768, 32767);
    const unsigned group = i % isa::kPackedMaxGroups,
                   bin = (i / 4) % isa::kPackedMaxBins;
    const uint16_t index =
        i % 7 == 0 ? uint16_t(isa::kEntryNoRead) : isa::entryIndex(group, bin);
    dram.putSpectral(wide + 6 * i, re, im, index);
    dram.putI16(packed + 5 * i, re);
    dram.putI16(packed + 5 * i + 2, im);
    dram.bytes[packed + 5 * i + 4] = isa::packIndex(index);
  }
  const Dram d{dram.bytes.data(), dram.bytes.size()};
  Activity a6, a5;
  execLoad(test::loadLinear(isa::kBufKer, wide, 0, count), d, *buf, a6);
  std::vector<KerEntry> want(buf->ker, buf->ker + count);
  execLoad(
      test::loadLinear(isa::kBufKer, packed, 0, count, isa::kKerSpectralPacked),
      d, *buf, a5);
  for (unsigned i = 0; i < count; ++i) {
    ASSERT_EQ(buf->ker[i].re, want[i].re) << i;
    ASSERT_EQ(buf->ker[i].im, want[i].im) << i;
    ASSERT_EQ(buf->ker[i].index, want[i].index) << i;
  }
  EXPECT_EQ(a6.ddrPayload, 6u * count);
  EXPECT_EQ(a5.ddrPayload, 5u * count);
  EXPECT_EQ(a5.faults + a6.faults, 0u);
}

TEST_F(EngineTest, OutqKeepSwapMovesRowsToTheOtherHalf) {
  // Planes in the upper half: the kept rows land at the same place in the
  // lower half, the whole source plane clears, and the detached form takes
  // as long in all but releases what follows after the kept rows.
  using namespace isa::outq;
  const unsigned nc = 2, pitch = 5, plane = 40, keepFrom = 4, keep = 3;
  const unsigned half = kCfg.oaccDepth / 2, at = half + 100;
  for (unsigned i = 0; i < kCfg.oaccDepth; ++i)
    buf->oacc[i] = int32_t(i % 1000) + 1;
  auto outq = [&](unsigned detach) {
    return clearingOutq(nc, pitch, plane, keepFrom, keep)
        .set(kOaccAddr, at)
        .set(kKeepSwap, 1)
        .set(kDetach, detach);
  };
  std::vector<int32_t> before(buf->oacc, buf->oacc + kCfg.oaccDepth);
  Activity act;
  execOutq(outq(1), *buf, act);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned i = 0; i < plane; ++i) {
      const unsigned a = at + c * plane + i, mirror = a - half;
      ASSERT_EQ(buf->oacc[a], 0) << "channel " << c << " element " << i;
      ASSERT_EQ(buf->oacc[mirror], i < keep * pitch
                                       ? before[a + keepFrom * pitch]
                                       : before[mirror])
          << "channel " << c << " element " << i;
    }
  const uint64_t moves =
      (nc * keep * pitch + kCfg.vecLanes - 1) / kCfg.vecLanes;
  EXPECT_EQ(act.release, moves + kCfg.vecDepth);
  EXPECT_EQ(act.cycles, act.release +
                            (nc * plane + kCfg.vecLanes - 1) / kCfg.vecLanes +
                            kCfg.vecDepth);
  Activity attached;
  execOutq(outq(0), *buf, attached);
  EXPECT_EQ(attached.release, Activity::kSameAsCycles);
  EXPECT_EQ(act.faults + attached.faults, 0u);
}

TEST_F(EngineTest, OutqBiasRequantClampStrideClear) {
  using namespace isa::outq;
  const unsigned nc = 3, pitch = 9, plane = 81, oh = 4, ow = 4, y0 = 1, x0 = 0;
  for (unsigned i = 0; i < nc * plane; ++i)
    buf->oacc[i] =
        std::uniform_int_distribution<int32_t>(-3000000, 3000000)(rng);
  buf->oacc[plane + 1 * pitch + 0] = INT32_MAX; // saturates
  for (unsigned c = 0; c < nc; ++c)
    buf->bias[10 + c] =
        std::uniform_int_distribution<int32_t>(-5000, 5000)(rng);
  std::vector<int32_t> before(buf->oacc, buf->oacc + nc * plane);
  Activity act;
  execOutq(Insn(isa::kOutq)
               .set(kOaccAddr, 0)
               .set(kOaccPitch, pitch)
               .set(kOaccPlane, plane)
               .set(kOutAddr, 50)
               .set(kBiasAddr, 10)
               .set(kNc, nc)
               .set(kOh, oh)
               .set(kOw, ow)
               .set(kY0, y0)
               .set(kX0, x0)
               .set(kSy, 2)
               .set(kSx, 2)
               .set(kShift, 7)
               .set(kClampLo, 0)
               .set(kClampHi, 20000)
               .set(kClear, 1),
           *buf, act);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned y = 0; y < oh; ++y)
      for (unsigned x = 0; x < ow; ++x) {
        int64_t v =
            int64_t(before[c * plane + (y0 + 2 * y) * pitch + x0 + 2 * x]) +
            buf->bias[10 + c];
        v = ref::clamp(ref::clamp(ref::roundShift(v, 7), -32768, 32767), 0,
                       20000);
        ASSERT_EQ(buf->out[50 + (c * oh + y) * ow + x], v);
      }
  for (unsigned i = 0; i < nc * plane; ++i)
    ASSERT_EQ(buf->oacc[i], 0);
}

TEST_F(EngineTest, GemvRowBalancedSparseMatchesReference) {
  using namespace isa::gemv;
  constexpr unsigned L = kCfg.fcLanes;
  const unsigned nrows = 10, nnz = 5, cols = 40, groups = (nrows + L - 1) / L;
  for (unsigned i = 0; i < cols; ++i)
    buf->fcx[7 + i] = randI16(-32768, 32767);
  for (unsigned i = 0; i < groups * nnz * L; ++i)
    buf->ker[i] = {randI16(-32768, 32767), 0, uint16_t(rng() % cols)};
  for (unsigned r = 0; r < nrows; ++r)
    buf->bias[r] = std::uniform_int_distribution<int32_t>(-100000, 100000)(rng);
  // Two chunks accumulate (first, then last), as a K-tiled layer would.
  Activity a1, a2;
  execGemv(Insn(isa::kGemv)
               .set(kKerAddr, 0)
               .set(kXAddr, 7)
               .set(kNrows, nrows)
               .set(kNnz, nnz)
               .set(kAccAddr, 3)
               .set(kFirst, 1),
           *buf, a1);
  execGemv(Insn(isa::kGemv)
               .set(kKerAddr, 0)
               .set(kXAddr, 7)
               .set(kNrows, nrows)
               .set(kNnz, nnz)
               .set(kAccAddr, 3)
               .set(kLast, 1)
               .set(kOutAddr, 20)
               .set(kBiasAddr, 0)
               .set(kShift, 12)
               .set(kClampLo, -32768)
               .set(kClampHi, 32767),
           *buf, a2);
  for (unsigned r = 0; r < nrows; ++r) {
    int64_t acc = 0;
    for (unsigned t = 0; t < nnz; ++t) {
      const KerEntry &e = buf->ker[((r / L) * nnz + t) * L + r % L];
      acc += int64_t(e.re) * buf->fcx[7 + e.index];
    }
    acc *= 2;
    const int64_t want =
        ref::clamp(ref::roundShift(acc + buf->bias[r], 12), -32768, 32767);
    ASSERT_EQ(buf->out[20 + r], want) << "row " << r;
  }
  EXPECT_EQ(a2.cycles, groups * nnz + groups + kCfg.fcDepth);
}

namespace {
Insn vecInsn(unsigned op, unsigned a, unsigned b, unsigned out, unsigned nc,
             unsigned h, unsigned w) {
  using namespace isa::vec;
  return Insn(isa::kVec)
      .set(kOp, op)
      .set(kAAddr, a)
      .set(kBAddr, b)
      .set(kOutAddr, out)
      .set(kNc, nc)
      .set(kH, h)
      .set(kW, w)
      .set(kClampLo, -32768)
      .set(kClampHi, 32767);
}
} // namespace

TEST_F(EngineTest, VectorPoolsMatchReference) {
  using namespace isa::vec;
  const unsigned nc = 2, h = 7, w = 6;
  for (unsigned i = 0; i < nc * h * w; ++i)
    buf->inp[i] = randI16(-30000, 30000);
  struct Case {
    unsigned op, kh, kw, sy, sx, pt, pl, oh, ow;
    bool includePad;
  };
  const Case cases[] = {
      {isa::kVecMaxPool, 2, 2, 2, 2, 0, 0, 3, 3, false},
      {isa::kVecMaxPool, 3, 3, 2, 2, 1, 1, 4, 3, false},
      {isa::kVecAvgPool, 3, 3, 1, 1, 1, 1, 7, 6, false},
      {isa::kVecAvgPool, 3, 3, 1, 1, 1, 1, 7, 6, true},
      {isa::kVecAvgPool, 7, 6, 1, 1, 0, 0, 1, 1, false}, // global
  };
  for (const Case &k : cases) {
    Activity act;
    execVec(vecInsn(k.op, 0, 0, 100, nc, h, w)
                .set(kKh, k.kh)
                .set(kKw, k.kw)
                .set(kSy, k.sy)
                .set(kSx, k.sx)
                .set(kPt, k.pt)
                .set(kPl, k.pl)
                .set(kOh, k.oh)
                .set(kOw, k.ow)
                .set(kIncludePad, k.includePad),
            *buf, act);
    EXPECT_EQ(act.faults, 0u);
    for (unsigned c = 0; c < nc; ++c)
      for (unsigned oy = 0; oy < k.oh; ++oy)
        for (unsigned ox = 0; ox < k.ow; ++ox) {
          int64_t acc = k.op == isa::kVecMaxPool ? INT64_MIN : 0, n = 0;
          for (unsigned i = 0; i < k.kh; ++i)
            for (unsigned j = 0; j < k.kw; ++j) {
              int y = int(oy * k.sy + i) - int(k.pt),
                  x = int(ox * k.sx + j) - int(k.pl);
              if (y < 0 || y >= int(h) || x < 0 || x >= int(w))
                continue;
              int64_t v = buf->inp[(c * h + y) * w + x];
              acc = k.op == isa::kVecMaxPool ? std::max(acc, v) : acc + v;
              ++n;
            }
          if (k.op == isa::kVecAvgPool) {
            const int64_t cnt = k.includePad ? k.kh * k.kw : n;
            const int64_t recip = ((int64_t(1) << 24) + cnt / 2) / cnt;
            const double exact = double(acc) / double(cnt);
            acc = ref::roundShift(acc * recip, 24);
            // The Q24 reciprocal stays within one LSB of true division.
            EXPECT_LE(std::abs(double(acc) - exact), 1.0);
          }
          ASSERT_EQ(buf->out[100 + (c * k.oh + oy) * k.ow + ox], acc)
              << "op " << k.op << " c" << c << " " << oy << "," << ox;
        }
  }
}

TEST_F(EngineTest, VectorAddAndRequantSaturate) {
  using namespace isa::vec;
  const unsigned n = 50;
  for (unsigned i = 0; i < 2 * n; ++i)
    buf->inp[i] = randI16(-32768, 32767);
  Activity act;
  execVec(vecInsn(isa::kVecAdd, 0, n, 200, 1, 5, 10)
              .set(kOh, 5)
              .set(kOw, 10)
              .set(kShiftA, 2)
              .set(kShiftB, 0)
              .set(kShiftOut, 3)
              .set(kClampLo, 0),
          *buf, act);
  for (unsigned i = 0; i < n; ++i) {
    int64_t v = int64_t(buf->inp[i]) * 4 + buf->inp[n + i];
    v = ref::clamp(ref::clamp(ref::roundShift(v, 3), -32768, 32767), 0, 32767);
    ASSERT_EQ(buf->out[200 + i], v);
  }
  Activity act2;
  execVec(vecInsn(isa::kVecReq, 0, 0, 300, 1, 1, n)
              .set(kOh, 1)
              .set(kOw, n)
              .set(kShiftA, 5)
              .set(kClampLo, -600)
              .set(kClampHi, 600),
          *buf, act2);
  for (unsigned i = 0; i < n; ++i)
    ASSERT_EQ(buf->out[300 + i],
              ref::clamp(int64_t(buf->inp[i]) * 32, -600, 600));
}

TEST_F(EngineTest, VectorAffineScalesAndShiftsEachPlane) {
  using namespace isa::vec;
  // Three planes of 4x5, full-scale operands and extreme pairs: the product
  // and its shift must be exact before the rounding stage.
  const unsigned nc = 3, plane = 20;
  for (unsigned i = 0; i < nc * plane; ++i)
    buf->inp[10 + i] = randI16(-32768, 32767);
  buf->inp[10] = -32768;
  const int32_t pairs[nc][2] = {
      {-32768, 2147483647}, {32767, -2147483647 - 1}, {12345, -77}};
  for (unsigned c = 0; c < nc; ++c) {
    // The scale's upper half is not part of it.
    buf->bias[40 + 2 * c] = int32_t(uint32_t(0xabcd0000u) |
                                    uint16_t(int16_t(pairs[c][0])));
    buf->bias[40 + 2 * c + 1] = pairs[c][1];
  }
  Activity act;
  execVec(vecInsn(isa::kVecAffine, 10, 40, 100, nc, 4, 5)
              .set(kOh, 4)
              .set(kOw, 5)
              .set(kShiftA, 15)
              .set(kShiftOut, 33)
              .set(kClampLo, -30000),
          *buf, act);
  EXPECT_EQ(act.faults, 0u);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned i = 0; i < plane; ++i) {
      const int64_t a = buf->inp[10 + c * plane + i];
      const int64_t v = (a * pairs[c][0] + pairs[c][1]) * (int64_t(1) << 15);
      const int64_t want =
          ref::clamp(ref::clamp(ref::roundShift(v, 33), -32768, 32767),
                     -30000, 32767);
      ASSERT_EQ(buf->out[100 + c * plane + i], want) << "c" << c << " " << i;
    }
  EXPECT_EQ(act.cycles,
            (nc * plane + kCfg.vecLanes - 1) / kCfg.vecLanes + kCfg.vecDepth);
}

TEST_F(EngineTest, VectorMulGatesEachPlaneByItsFactor) {
  using namespace isa::vec;
  const unsigned nc = 4, plane = 9;
  for (unsigned i = 0; i < nc * plane; ++i)
    buf->inp[i] = randI16(-32768, 32767);
  // The run-time factors sit after the planes, one per plane.
  const int16_t factors[nc] = {-32768, 32767, 0, 4096};
  for (unsigned c = 0; c < nc; ++c)
    buf->inp[nc * plane + c] = factors[c];
  Activity act;
  execVec(vecInsn(isa::kVecMul, 0, nc * plane, 200, nc, 3, 3)
              .set(kOh, 3)
              .set(kOw, 3)
              .set(kShiftA, 1)
              .set(kShiftOut, 16)
              .set(kClampHi, 20000),
          *buf, act);
  EXPECT_EQ(act.faults, 0u);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned i = 0; i < plane; ++i) {
      const int64_t v = int64_t(buf->inp[c * plane + i]) * factors[c] * 2;
      ASSERT_EQ(buf->out[200 + c * plane + i],
                ref::clamp(ref::clamp(ref::roundShift(v, 16), -32768, 32767),
                           -32768, 20000))
          << "c" << c << " " << i;
    }
}

TEST_F(EngineTest, VectorLutInterpolatesTheTable) {
  using namespace isa::vec;
  // A table of tanh-like values; every input code is checked.
  for (unsigned t = 0; t < isa::kLutEntries; ++t)
    buf->bias[100 + t] = int32_t(
        std::lround(16000 * std::tanh((int(t) * 256 - 32768) / 4096.0)));
  const unsigned n = 4096;
  for (unsigned i = 0; i < n; ++i)
    buf->inp[i] = int16_t(int(i) * 16 - 32768);
  Activity act;
  execVec(vecInsn(isa::kVecLut, 0, 100, 0, 1, 1, n)
              .set(kOh, 1)
              .set(kOw, n)
              .set(kClampLo, -15000),
          *buf, act);
  EXPECT_EQ(act.faults, 0u);
  for (unsigned i = 0; i < n; ++i) {
    const int64_t u = int64_t(buf->inp[i]) + 32768, k = u >> 8, f = u & 255;
    const int64_t t0 = buf->bias[100 + k], t1 = buf->bias[100 + k + 1];
    const int64_t v = t0 + ref::roundShift((t1 - t0) * f, 8);
    ASSERT_EQ(buf->out[i], ref::clamp(v, -15000, 32767))
        << "input " << buf->inp[i];
  }
}
