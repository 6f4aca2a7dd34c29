//===- LayerStatistics.h - A layer's input moments on calibration data ----===//
//
// What a layer must reproduce when the layers before it have been pruned: the
// second moments of its input as the pruned network computes it (p), and the
// cross moments with the input the original network computes (o). Fitting
// W to minimise E|W x_p - W0 x_o|^2 gives W C_pp = W0 C_op.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_LAYERSTATISTICS_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_LAYERSTATISTICS_H

#include "spec2/Reference/SpectralExecutor.h"

#include <complex>
#include <vector>

namespace spec2 {

struct LayerStatistics {
  /// Conv layers: per half-spectrum bin of the input tiles, cin x cin,
  /// [bin][i][j] = sum over tiles of X_i conj(Y_j); fully-connected layers:
  /// k x k, [i][j] = sum x_i y_j. pp: X = Y = pruned input; op: X =
  /// original input, Y = pruned input.
  std::vector<std::complex<double>> pp, op;
};

/// Runs `original` up to `originalLayer` and `pruned` up to `prunedLayer` on
/// every input (in parallel) and accumulates the statistics of the layer's
/// input: tile spectra for a spectral.conv2d, the flattened vector for a
/// spectral.fully_connected.
LayerStatistics gatherLayerStatistics(
    const SpectralExecutor &original, mlir::Operation *originalLayer,
    const SpectralExecutor &pruned, mlir::Operation *prunedLayer,
    llvm::ArrayRef<std::vector<float>> inputs);

/// The same for a conv layer in the spatial domain, exact for overlap-and-add:
/// output pixel p of the layer (before bias) is sum over (ci, r) of
/// a_p[ci][r] k_ci[r], where k_ci is the N x N spatial kernel the stored
/// spectrum stands for and a_p gathers the input pixels of the tiles that
/// reach p (wrap-around included). pp = sum over the sampled output pixels of
/// a_p a_p^T on the pruned input, po = a_p(pruned) a_p(original)^T; both
/// (cin N^2)^2, row-major.
struct PatchStatistics {
  int64_t dim = 0; ///< cin * N * N
  std::vector<double> pp, po;
};

PatchStatistics gatherPatchStatistics(
    const SpectralExecutor &original, mlir::Operation *originalLayer,
    const SpectralExecutor &pruned, mlir::Operation *prunedLayer,
    llvm::ArrayRef<std::vector<float>> inputs);

/// The same for a spectral.spatial_conv2d, in its own terms: output pixel p
/// of output channel co (before bias) is w_co . a_p[g], a_p[g] the
/// cpg*kh*kw input values (zero on padding) the taps of p read in co's
/// group g. Per group, pp = sum over the sampled pixels of a_p a_p^T on the
/// pruned input, op[i][j] = sum a_p,i(original) a_p,j(pruned), as
/// LayerStatistics' (W C_pp = W0 C_op); [group][dim][dim], row-major.
struct SpatialStatistics {
  int64_t groups = 0, dim = 0;
  std::vector<double> pp, op;
};

/// Multiply-adds gatherSpatialStatistics may spend; beyond it, output
/// pixels are sampled with a stride.
constexpr double kSpatialStatisticsBudget = 4e10;

SpatialStatistics gatherSpatialStatistics(
    const SpectralExecutor &original, mlir::Operation *originalLayer,
    const SpectralExecutor &pruned, mlir::Operation *prunedLayer,
    llvm::ArrayRef<std::vector<float>> inputs);

} // namespace spec2

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_LAYERSTATISTICS_H
