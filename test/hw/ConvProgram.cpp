// A hand-assembled spectral convolution program for the tests.
//
// Overlap-and-add for a correlation with kernel w (K x K, padding p): with
// the flipped kernel w'[i][j] = w[K-1-i][K-1-j], an L x L input tile whose
// origin is (ay, ax), L = N - K + 1, contributes its full N x N linear
// convolution with w' to output rows ay + p - (K-1) + v, v < N.
//
// Scales: input q = x * 2^12; FFT shift 3 -> spectrum at 2^9; kernels at
// 2^12 (x N^2 from the unnormalised inverse); accShift 6, ifftShift 6 ->
// OACC at 2^(9 + 12 - 12 + 6) = 2^15; OUTQ shift 5 -> output at 2^10.
#include "ConvProgram.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fftw3.h>
#include <numeric>
#include <random>

namespace spec2 {
namespace test {
using namespace isa;

ConvLayer randomConvLayer(unsigned seed) {
  ConvLayer l;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> in(-1, 1), wt(-0.5, 0.5);
  l.input.resize(l.cin * l.h * l.w);
  for (double &v : l.input)
    v = in(rng);
  l.weights.resize(l.cout * l.cin * l.k * l.k);
  for (double &v : l.weights)
    v = wt(rng);
  l.bias.resize(l.cout);
  for (double &v : l.bias)
    v = wt(rng);
  return l;
}

std::vector<double> referenceConv(const ConvLayer &l) {
  std::vector<double> out(l.cout * l.h * l.w, 0);
  for (unsigned co = 0; co < l.cout; ++co)
    for (unsigned y = 0; y < l.h; ++y)
      for (unsigned x = 0; x < l.w; ++x) {
        double s = l.bias[co];
        for (unsigned ci = 0; ci < l.cin; ++ci)
          for (unsigned i = 0; i < l.k; ++i)
            for (unsigned j = 0; j < l.k; ++j) {
              int yy = int(y + i) - int(l.pad), xx = int(x + j) - int(l.pad);
              if (yy < 0 || yy >= int(l.h) || xx < 0 || xx >= int(l.w))
                continue;
              s += l.input[(ci * l.h + yy) * l.w + xx] *
                   l.weights[((co * l.cin + ci) * l.k + i) * l.k + j];
            }
        out[(co * l.h + y) * l.w + x] = s;
      }
  return out;
}

ConvProgram buildConvProgram(const OverlayConfig &cfg, const ConvLayer &l,
                             unsigned keep) {
  const unsigned n = cfg.fftSize, half = n / 2 + 1, bins = cfg.bins();
  const unsigned pin = cfg.pin, pout = cfg.pout, lanes = pin * pout;
  const unsigned tileL = n - l.k + 1;
  const unsigned tilesY = (l.h + tileL - 1) / tileL,
                 tilesX = (l.w + tileL - 1) / tileL;
  const unsigned ncig = (l.cin + pin - 1) / pin,
                 ncob = (l.cout + pout - 1) / pout;
  const unsigned nnz = std::min(keep, bins);
  const unsigned padH = tilesY * tileL, padW = tilesX * tileL;

  // DRAM: input | kernels | bias | output.
  const uint64_t inAddr = 0;
  const uint64_t kerAddr = inAddr + l.cin * l.h * l.w * 2;
  const uint64_t kerEntries = uint64_t(ncob) * ncig * nnz * lanes;
  const uint64_t biasAddr =
      (kerAddr + kerEntries * kSpectralEntryBytes + 63) / 64 * 64;
  const uint64_t outAddr = biasAddr + l.cout * 4 + 64;
  ConvProgram p;
  p.dram = DramImage(outAddr + l.cout * l.h * l.w * 2 + 64);
  p.outAddr = outAddr;
  for (unsigned i = 0; i < l.input.size(); ++i)
    p.dram.putI16(inAddr + 2 * i,
                  int16_t(std::lround(l.input[i] * (1 << kInFrac))));

  // Kernel spectra of the flipped kernels, quantised; keep the largest bins.
  double *sp = fftw_alloc_real(n * n);
  fftw_complex *spec = fftw_alloc_complex(n * half);
  fftw_plan plan = fftw_plan_dft_r2c_2d(n, n, sp, spec, FFTW_ESTIMATE);
  p.kerBins.assign(kerEntries, 0);
  for (unsigned co = 0; co < ncob * pout; ++co)
    for (unsigned ci = 0; ci < ncig * pin; ++ci) {
      std::vector<int16_t> re(bins, 0), im(bins, 0);
      std::vector<unsigned> order(bins);
      std::iota(order.begin(), order.end(), 0);
      if (co < l.cout && ci < l.cin) {
        std::fill(sp, sp + n * n, 0.0);
        for (unsigned i = 0; i < l.k; ++i)
          for (unsigned j = 0; j < l.k; ++j)
            sp[(l.k - 1 - i) * n + (l.k - 1 - j)] =
                l.weights[((co * l.cin + ci) * l.k + i) * l.k + j];
        fftw_execute(plan);
        for (unsigned b = 0; b < bins; ++b) {
          re[b] = int16_t(std::lround(spec[b][0] * (1 << kWFrac)));
          im[b] = int16_t(std::lround(spec[b][1] * (1 << kWFrac)));
        }
        std::stable_sort(
            order.begin(), order.end(), [&](unsigned a, unsigned b) {
              return std::hypot(re[a], im[a]) > std::hypot(re[b], im[b]);
            });
      }
      const unsigned b = co / pout, po = co % pout, g = ci / pin, pi = ci % pin;
      for (unsigned t = 0; t < nnz; ++t) {
        const uint64_t idx =
            ((uint64_t(b) * ncig + g) * nnz + t) * lanes + pi * pout + po;
        const unsigned bin = order[t];
        const uint16_t index = uint16_t(entryIndex(g, bin));
        p.dram.putSpectral(kerAddr + idx * kSpectralEntryBytes, re[bin],
                           im[bin], index);
        p.kerBins[idx] = index;
      }
    }
  fftw_destroy_plan(plan);
  fftw_free(sp);
  fftw_free(spec);
  // OACC at 2^15; bias likewise.
  for (unsigned co = 0; co < l.cout; ++co)
    p.dram.putI32(biasAddr + 4 * co,
                  int32_t(std::lround(l.bias[co] * (1 << 15))));

  // On-chip layout: INP holds the zero-padded image [cin][padH][padW].
  const uint64_t plane = uint64_t(padH) * padW;
  auto &v = p.insns;
  v.push_back(loadBox(kBufInp, inAddr, 0, l.h, l.w, 0, 0, l.cin, padH, padW,
                      padW, plane));
  v.push_back(loadLinear(kBufKer, kerAddr, 0, kerEntries));
  v.push_back(loadLinear(kBufBias, biasAddr, 0, l.cout).pushNext());
  // Tiles alternate SPEC halves, so each FFT but the first is async: it
  // runs beside the SCONV of the tile before.
  const uint64_t specHalf = cfg.specDepth / 2;
  assert(uint64_t(ncig) * pin * bins <= specHalf);
  bool first = true;
  uint64_t tile = 0;
  for (unsigned ty = 0; ty < tilesY; ++ty)
    for (unsigned tx = 0; tx < tilesX; ++tx, ++tile) {
      const uint64_t specAt = tile % 2 ? specHalf : 0;
      Insn f(kFft);
      f.set(fft::kInpAddr, ty * tileL * padW + tx * tileL)
          .set(fft::kInpStride, plane)
          .set(fft::kInpPitch, padW)
          .set(fft::kSpecAddr, specAt)
          .set(fft::kAsync, !first)
          .set(fft::kNc, ncig * pin > l.cin ? l.cin : ncig * pin)
          .set(fft::kTile, tileL)
          .set(fft::kShift, 3);
      if (first)
        f.popPrev();
      first = false;
      v.push_back(f);
      v.push_back(Insn(kSconv)
                      .set(sconv::kKerAddr, 0)
                      .set(sconv::kSpecAddr, specAt)
                      .set(sconv::kNnz, ncig * nnz)
                      .set(sconv::kNcig, ncig)
                      .set(sconv::kNcob, ncob)
                      .set(sconv::kNco, l.cout)
                      .set(sconv::kOaccAddr, 0)
                      .set(sconv::kOaccPitch, l.w)
                      .set(sconv::kOaccPlane, l.h * l.w)
                      .set(sconv::kOaccH, l.h)
                      .set(sconv::kOy, int64_t(ty * tileL + l.pad) - (l.k - 1))
                      .set(sconv::kOx, int64_t(tx * tileL + l.pad) - (l.k - 1))
                      .set(sconv::kAccShift, 6)
                      .set(sconv::kIfftShift, 6));
    }
  v.push_back(Insn(kOutq)
                  .set(outq::kOaccAddr, 0)
                  .set(outq::kOaccPitch, l.w)
                  .set(outq::kOaccPlane, l.h * l.w)
                  .set(outq::kOutAddr, 0)
                  .set(outq::kBiasAddr, 0)
                  .set(outq::kNc, l.cout)
                  .set(outq::kOh, l.h)
                  .set(outq::kOw, l.w)
                  .set(outq::kSy, 1)
                  .set(outq::kSx, 1)
                  .set(outq::kShift, 5)
                  .set(outq::kClampLo, -32768)
                  .set(outq::kClampHi, 32767)
                  .set(outq::kClear, 1)
                  .pushNext());
  v.push_back(
      storeBox(outAddr, 0, l.h, l.w, 0, 0, l.cout, l.h, l.w, l.w, l.h * l.w)
          .popPrev()
          .pushPrev());
  v.push_back(finish().popNext());
  return p;
}

} // namespace test
} // namespace spec2
