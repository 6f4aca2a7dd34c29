//===- SpectralDialect.h - The spectral-sparse layer dialect ----*- C++ -*-===//
#ifndef SPEC2_DIALECTS_SPECTRAL_SPECTRALDIALECT_H
#define SPEC2_DIALECTS_SPECTRAL_SPECTRALDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Spectral/SpectralOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "Spectral/SpectralOps.h.inc"

namespace spec2 {
namespace spectral {
/// The FFT sizes the spectral IR accepts: powers of two in [kMinIrFftSize,
/// kMaxIrFftSize]. This is the layer IR's own limit, not an overlay's: the
/// hardware's range (spec2::kMinFftSize..kMaxFftSize in
/// hw/include/spec2/overlay_config.h) is checked where the target is known,
/// when a config is read and when a conv is lowered for a target, which must
/// have the conv's fft_size.
constexpr int64_t kMinIrFftSize = 4;
constexpr int64_t kMaxIrFftSize = 64;
inline bool isValidIrFftSize(int64_t n) {
  return n >= kMinIrFftSize && n <= kMaxIrFftSize && (n & (n - 1)) == 0;
}

/// Bins of the half spectrum of an N x N real tile, `ky * (N/2+1) + kx` with
/// kx <= N/2: the layout of kernel bins and of the MAC lanes' accumulators.
inline int64_t halfSpectrumBins(int64_t n) { return n * (n / 2 + 1); }

/// Columns kx = 0 and kx = N/2 of the half spectrum hold conjugate pairs
/// (ky, kx) and (N-ky, kx). The overlay keeps the real part of the inverse
/// transform, so a weight w2 at the mirror (N-ky, kx), ky in [1, N/2), acts
/// exactly as conj(w2) at (ky, kx): kernels store their weight there, at the
/// canonical bin, and the mirror stays empty (a real kernel's canonical weight
/// is then twice its spectrum's value).
inline bool isCanonicalBin(int64_t n, int64_t bin) {
  const int64_t half = n / 2 + 1, ky = bin / half, kx = bin % half;
  return (kx != 0 && kx != n / 2) || ky <= n / 2;
}

/// A canonical bin whose mirror folds onto it: kx = 0 or N/2, 0 < ky < N/2.
inline bool isFoldedBin(int64_t n, int64_t bin) {
  const int64_t half = n / 2 + 1, ky = bin / half, kx = bin % half;
  return (kx == 0 || kx == n / 2) && ky > 0 && ky < n / 2;
}

/// The canonical bin a weight at `bin` folds onto (itself if canonical).
inline int64_t canonicalBin(int64_t n, int64_t bin) {
  const int64_t half = n / 2 + 1;
  return isCanonicalBin(n, bin) ? bin : (n - bin / half) * half + bin % half;
}

/// Independent spectral weights of one (output, input) channel pair: the
/// canonical bins, N*N/2 + 2 (34 for N = 8), as many as the real N*N tile
/// has degrees of freedom. Sparsity is counted against this number.
inline int64_t independentBins(int64_t n) { return n * n / 2 + 2; }

/// Output energy of a unit weight at canonical `bin` relative to a
/// self-conjugate bin: 2 off the kx = 0 and N/2 columns (the bin and its
/// conjugate), 1/2 for a folded bin of those columns (it stores twice the
/// spectrum's value), 1 for the four self-conjugate bins.
inline double binEnergyWeight(int64_t n, int64_t bin) {
  const int64_t kx = bin % (n / 2 + 1);
  if (kx != 0 && kx != n / 2)
    return 2.0;
  return isFoldedBin(n, bin) ? 0.5 : 1.0;
}
} // namespace spectral
} // namespace spec2

#endif
