//===- SpectralMethods.h - Choosing and refitting spectral conv weights ---===//
//
// The methods that prune a conv layer's spectral kernels, over the kernels
// folded onto the canonical bins (spectral::isCanonicalBin): magnitude (the
// largest energy per pair), per-bin OBS and ADMM against the calibration
// tiles' covariance (each bin is an independent complex linear map from
// input to output channels, so the output error is a quadratic form per
// bin), each followed by a least-squares refit of the kept values, and the
// joint OBS over all bins of an output channel against spatial patch
// moments.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_SPECTRALMETHODS_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_SPECTRALMETHODS_H

#include "Budget.h"
#include "LinearAlgebra.h"
#include "Settings.h"

#include "LayerStatistics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace spec2::prune {

/// A conv layer's kernels as dense half spectra folded onto the canonical
/// bins: w[(co * cin + ci) * bins + b], zero off the canonical bins.
struct FoldedKernels {
  int64_t n = 0;    ///< FFT size
  int64_t bins = 0; ///< half-spectrum bins, spectral::halfSpectrumBins(n)
  int64_t cout = 0, cin = 0;
  llvm::SmallVector<int64_t> canonical; ///< the canonical bins, ascending
  std::vector<Cd> w;

  int64_t pairs() const { return cout * cin; }
  int64_t at(int64_t co, int64_t ci, int64_t b) const {
    return (co * cin + ci) * bins + b;
  }
  /// A mask that keeps every canonical bin of every pair.
  std::vector<uint8_t> everyCanonicalBin() const;
};

/// The per-bin second moments the per-bin methods fit against: the pruned
/// input's covariance C_pp and its cross covariance with the original
/// input C_op (the same matrix without the sequential fit), [bin][i][j].
struct BinCovariance {
  int64_t cin = 0;
  const std::vector<Cd> *pp = nullptr, *cross = nullptr;

  Cd pruned(int64_t b, int64_t i, int64_t j) const {
    return (*pp)[(b * cin + i) * cin + j];
  }
  Cd crossed(int64_t b, int64_t i, int64_t j) const {
    return (*cross)[(b * cin + i) * cin + j];
  }
  /// The trace of C_pp in bin b.
  double trace(int64_t b) const;
};

/// Keeps, per (co, ci), the `keep` canonical bins of largest output energy
/// of `w` ([cout][cin][half-spectrum bins], folded); returns the mask. With
/// the input's power per (channel, bin) the energy a weight adds to the
/// output, without it the weight's own; ties go to the lower bin. Only bins
/// `allowed` keeps (all without it) are kept.
std::vector<uint8_t> balancedMask(const std::vector<Cd> &w, int64_t pairs,
                                  int64_t n, llvm::ArrayRef<int64_t> canonical,
                                  int64_t keep,
                                  const std::vector<double> *power = nullptr,
                                  int64_t cin = 1,
                                  const std::vector<uint8_t> *allowed = nullptr);

/// Per-bin OBS support (per output channel, drop the weight whose removal
/// raises the output error least once the other weights of its bin are
/// re-solved), starting from the unconstrained fit w0 C_op C_pp^-1 given
/// `w0C` = w0 C_op; the weights `base` drops go first. Fails if a bin's
/// covariance is singular.
mlir::FailureOr<std::vector<uint8_t>>
obsSupport(const FoldedKernels &k, const BinCovariance &cov,
           const std::vector<Cd> &w0C, const Quota &quota,
           const std::vector<uint8_t> *base = nullptr);

/// ADMM support with `keep` bins per pair: alternates the per-bin weight
/// update, the balanced projection (weights by the input `power`
/// [ci][bin], onto the bins `base` keeps) and the dual update. Sets `z` to
/// the projected weights of the last iteration; fails if a bin's penalised
/// covariance is singular.
mlir::FailureOr<std::vector<uint8_t>>
admmSupport(const Settings &s, const FoldedKernels &k, const BinCovariance &cov,
            const std::vector<Cd> &w0C, const std::vector<double> &power,
            int64_t keep, std::vector<Cd> &z,
            const std::vector<uint8_t> *base = nullptr);

/// Least-squares refit of the kept values: per (co, b), w_S C_SS = (w0C)_S
/// on the support S of `mask`; a (co, b) whose C_SS is not positive definite
/// keeps `z`. Returns the values, [pair][half-spectrum bin].
std::vector<Cd> refitSupport(const FoldedKernels &k, const BinCovariance &cov,
                             const std::vector<Cd> &w0C,
                             const std::vector<uint8_t> &mask,
                             const std::vector<Cd> &z);

/// Chooses the support of `k` by OBS or ADMM (every canonical bin if
/// `everyBin`) against the covariance `stats` (from the sequential fit) or
/// the layer's spec2.tile_covariance, then refits the kept values: sets
/// `mask` and `fit` (within `base`, if given); fails without a covariance.
mlir::LogicalResult fitKernels(const Settings &s, spectral::Conv2DOp op,
                               const FoldedKernels &k, int64_t keep,
                               const Quota &quota, bool everyBin,
                               const LayerStatistics *stats,
                               std::vector<uint8_t> &mask, std::vector<Cd> &fit,
                               const std::vector<uint8_t> *base = nullptr);

/// OBS over all bins of an output channel at once, against the layer's
/// exact output error from the spatial patch moments `ps`: sets `mask` and
/// `fit` (the weights `base` drops go first); fails if the moments are not
/// positive definite.
mlir::LogicalResult pruneJoint(const FoldedKernels &k, const Quota &quota,
                               const PatchStatistics &ps,
                               std::vector<uint8_t> &mask, std::vector<Cd> &fit,
                               const std::vector<uint8_t> *base = nullptr);

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_SPECTRALMETHODS_H
