// Fixed-point radix-2 2-D FFT shared by the FFT and IFFT units, and the FFT
// instruction (real input tiles -> half spectra in SPEC).
//
// Numerics (docs/numerics.md): data are integers held in 64-bit registers
// (at most 2^15 * N^2 for int16 input, so no stage can overflow); twiddles
// are Q15 integers round(cos), round(sin) * 2^15; every twiddle product is
// rounded to nearest (ties up) back to an integer. Multiplications by 1 and
// -i are exact. There is no per-stage scaling inside the transform; the
// instruction's shift scales the result once, rounding to nearest.
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {

/// The twiddle ROM: Q15 integers llround(cos(2*pi*k/16) * 2^15) and
/// llround(sin(2*pi*k/16) * 2^15), k < 8. An N-point transform (N divides
/// 16, the largest fft_size a configuration may have) reads every 16/N-th
/// entry (test/hw/EngineTest checks them against std::cos and std::sin).
constexpr int64_t kCosQ15[8] = {32768, 30274,  23170,  12540,
                                0,     -12540, -23170, -30274};
constexpr int64_t kSinQ15[8] = {0,     12540, 23170, 30274,
                                32768, 30274, 23170, 12540};
static_assert(kN <= 16 && 16 % kN == 0, "the twiddle ROM covers N <= 16");
constexpr uint32_t kTwiddleStride = 16 / kN;

constexpr uint32_t bitReverse(uint32_t v) {
  uint32_t r = 0;
  for (uint32_t b = 0; b < kLog2N; ++b)
    r |= ((v >> b) & 1u) << (kLog2N - 1 - b);
  return r;
}

/// In-place 1-D FFT of N points, stride-addressed. Compile-time direction
/// and stride let the compiler unroll it and drop the trivial twiddles.
template <bool inverse, uint32_t stride> void fft1d(int64_t *re, int64_t *im) {
  // The points are read in bit-reversed order into local registers, which
  // cannot alias (the simulation keeps them out of memory; HLS maps them to
  // registers either way), transformed, and written back in order.
  // (GCC unroll pragmas make the simulation fast; HLS unrolls by its own.)
  int64_t xr[kN], xi[kN];
FFT_BITREV:
#pragma GCC unroll 16
  for (uint32_t i = 0; i < kN; ++i) {
    const uint32_t j = bitReverse(i);
    xr[i] = re[j * stride];
    xi[i] = im[j * stride];
  }
FFT_STAGES:
#pragma GCC unroll 4
  for (uint32_t len = 2; len <= kN; len <<= 1) {
    const uint32_t half = len / 2, step = kN / len;
  FFT_BUTTERFLIES:
#pragma GCC unroll 8
    for (uint32_t i = 0; i < kN; i += len) {
#pragma GCC unroll 8
      for (uint32_t j = 0; j < half; ++j) {
#pragma HLS PIPELINE II = 1
        const uint32_t k = j * step;
        const uint32_t a = i + j, b = i + j + half;
        int64_t tr, ti;
        if (k == 0) {
          // w = 1: the rounded Q15 product is exact.
          tr = xr[b];
          ti = xi[b];
        } else if (4 * k == kN) {
          // w = -i (forward) or +i (inverse): exact as well.
          tr = inverse ? -xi[b] : xi[b];
          ti = inverse ? xr[b] : -xr[b];
        } else {
          // w = exp(-+2*pi*i*k/N) = cos -+ i sin.
          const int64_t wr = kCosQ15[k * kTwiddleStride];
          const int64_t ws = kSinQ15[k * kTwiddleStride];
          const int64_t wi = inverse ? ws : -ws;
          tr = roundShift(xr[b] * wr - xi[b] * wi, 15);
          ti = roundShift(xr[b] * wi + xi[b] * wr, 15);
        }
        xr[b] = xr[a] - tr;
        xi[b] = xi[a] - ti;
        xr[a] = xr[a] + tr;
        xi[a] = xi[a] + ti;
      }
    }
  }
FFT_WRITE:
#pragma GCC unroll 16
  for (uint32_t i = 0; i < kN; ++i) {
    re[i * stride] = xr[i];
    im[i * stride] = xi[i];
  }
}

} // namespace

int64_t twiddleQ15(uint32_t k, bool sine) {
  return sine ? kSinQ15[k * kTwiddleStride] : kCosQ15[k * kTwiddleStride];
}

void fft2d(int64_t re[kN][kN], int64_t im[kN][kN], bool inverse) {
FFT_ROWS:
  for (uint32_t r = 0; r < kN; ++r)
    inverse ? fft1d<true, 1>(&re[r][0], &im[r][0])
            : fft1d<false, 1>(&re[r][0], &im[r][0]);
FFT_COLS:
  for (uint32_t c = 0; c < kN; ++c)
    inverse ? fft1d<true, kN>(&re[0][c], &im[0][c])
            : fft1d<false, kN>(&re[0][c], &im[0][c]);
}

void fft2dForwardHalf(int64_t re[kN][kN], int64_t im[kN][kN],
                      uint32_t nonzeroRows) {
  // Rows past the tile are zero and transform to zero; the columns past N/2
  // are the redundant half and are never read.
FFT_ROWS:
  for (uint32_t r = 0; r < nonzeroRows; ++r)
    fft1d<false, 1>(&re[r][0], &im[r][0]);
FFT_COLS:
  for (uint32_t c = 0; c < kHalf; ++c)
    fft1d<false, kN>(&re[0][c], &im[0][c]);
}

void execFft(const Word &insn, Buffers &buf, Activity &act) {
  const uint64_t inpAddr = getField(insn, fft::kInpAddr);
  const uint64_t stride = getField(insn, fft::kInpStride);
  const uint64_t pitch = getField(insn, fft::kInpPitch);
  const uint64_t specAddr = getField(insn, fft::kSpecAddr);
  const uint64_t nc = getField(insn, fft::kNc);
  const uint32_t tile = uint32_t(getField(insn, fft::kTile));
  const unsigned shift = unsigned(getField(insn, fft::kShift));
  const uint64_t ntx = tilesAlongX(getField(insn, fft::kNtx));
  const uint64_t specTile = getField(insn, fft::kSpecTile);
  int64_t re[kN][kN], im[kN][kN];
  // Tile-major: the channels of tile 0, then of tile 1, ...
FFT_CHANNELS:
  for (uint64_t k = 0; k < ntx * nc; ++k) {
    const uint64_t tx = k / nc, c = k % nc;
    for (uint32_t y = 0; y < kN; ++y)
      for (uint32_t x = 0; x < kN; ++x) {
        int64_t v = 0;
        if (y < tile && x < tile) {
          const uint64_t a = inpAddr + tx * tile + c * stride + y * pitch + x;
          if (a < kCfg.inpDepth)
            v = buf.inp[a];
          else
            ++act.faults;
        }
        re[y][x] = v;
        im[y][x] = 0;
      }
    fft2dForwardHalf(re, im, tile < kN ? tile : kN);
    for (uint32_t ky = 0; ky < kN; ++ky)
      for (uint32_t kx = 0; kx < kHalf; ++kx) {
        const uint64_t a =
            specAddr + tx * specTile + c * kBins + ky * kHalf + kx;
        if (a >= kCfg.specDepth) {
          ++act.faults;
          continue;
        }
        buf.spec[a].re = sat16(roundShift(re[ky][kx], shift));
        buf.spec[a].im = sat16(roundShift(im[ky][kx], shift));
      }
  }
  // Row pass and column pass, fftPointsPerCycle points a cycle each.
  act.cycles = 2 * fftPassCycles(ntx * nc) + kCfg.fftDepth;
  act.engine[kEngFft] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
