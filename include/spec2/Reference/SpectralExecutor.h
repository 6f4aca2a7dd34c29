//===- SpectralExecutor.h - Float interpreter of spectral-level IR -*- C++
//-*-===//
//
// Runs a function of spectral ops (after spec2-graph-to-spectral) in floating
// point, with the kernels as they are stored: convolutions as the overlay
// computes them (N x N tiles, the stored bins only, the real part of the
// inverse transform, overlap-and-add), spatial convs directly, no
// quantisation. Pruning uses it to see
// a pruned network's own activations; for dense kernels it agrees with the
// graph-level reference executor up to rounding.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REFERENCE_SPECTRALEXECUTOR_H
#define SPEC2_REFERENCE_SPECTRALEXECUTOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <vector>

namespace spec2 {

class SpectralExecutor {
public:
  ~SpectralExecutor();
  SpectralExecutor(SpectralExecutor &&) noexcept;

  /// Prepares `func` (one argument, one result; weights are read now, so
  /// prepare again after changing them). Fails with a diagnostic at the
  /// first op it does not implement.
  static mlir::FailureOr<SpectralExecutor> create(mlir::func::FuncOp func);

  /// The first op of `func` the executor does not implement, or null.
  static mlir::Operation *firstUnsupported(mlir::func::FuncOp func);

  /// Shown the input values of each op as it is about to run; returning
  /// false stops the run there.
  using Observer =
      llvm::function_ref<bool(mlir::Operation *op, llvm::ArrayRef<float> in)>;

  /// Runs on the function's argument (NCHW, as many values as its type
  /// holds) and returns the result, or nothing if `observe` stopped it.
  /// Thread-safe.
  std::vector<float> run(llvm::ArrayRef<float> input,
                         Observer observe = nullptr) const;

  struct Plan;

private:
  explicit SpectralExecutor(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan;
};

} // namespace spec2

#endif // SPEC2_REFERENCE_SPECTRALEXECUTOR_H
