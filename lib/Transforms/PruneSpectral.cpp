//===- PruneSpectral.cpp - Balanced magnitude pruning of spectral kernels -===//
//
// The magnitude baseline of issue #5: per (output, input) channel pair keep
// the same number of half-spectrum bins, those with the largest energy.
//
//===----------------------------------------------------------------------===//
#include "spec2/Transforms/Passes.h"

#include "Spectral/SpectralDialect.h"
#include "spec2/Support/Constants.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#define DEBUG_TYPE "spec2-prune-spectral"

namespace spec2 {
#define GEN_PASS_DEF_PRUNESPECTRAL
#include "spec2/Transforms/Passes.h.inc"
} // namespace spec2

using namespace mlir;

namespace spec2 {
namespace {

struct PruneSpectralPass : impl::PruneSpectralBase<PruneSpectralPass> {
  using PruneSpectralBase::PruneSpectralBase;

  void runOnOperation() override {
    if (!(sparsity >= 0.0 && sparsity < 1.0)) {
      getOperation().emitError("sparsity must be in [0, 1), got ") << sparsity;
      return signalPassFailure();
    }
    WalkResult r = getOperation().walk([&](spectral::Conv2DOp op) {
      return succeeded(prune(op)) ? WalkResult::advance()
                                  : WalkResult::interrupt();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult prune(spectral::Conv2DOp op) {
    const int64_t n = op.getFftSize(), half = n / 2 + 1;
    const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
    const int64_t nnz = op.getNnz();
    auto spectra = readNumbers(op.getSpectra());
    auto bins = readNumbers(op.getBins());
    if (!spectra || !bins)
      return op.emitOpError("kernel spectra are not readable");
    const int64_t keep = std::max<int64_t>(
        1, int64_t(std::llround(double(spectral::halfSpectrumBins(n)) *
                                (1.0 - sparsity))));
    numTotal += uint64_t(cout * cin * spectral::halfSpectrumBins(n));
    if (keep >= nnz) {
      numKept += uint64_t(cout * cin * nnz);
      return success();
    }
    std::vector<float> newSpectra(cout * cin * keep * 2);
    std::vector<int32_t> newBins(cout * cin * keep);
    std::vector<int64_t> order(nnz);
    for (int64_t k = 0; k < cout * cin; ++k) {
      auto energy = [&](int64_t t) {
        const double re = (*spectra)[2 * (k * nnz + t)];
        const double im = (*spectra)[2 * (k * nnz + t) + 1];
        const int64_t kx = int64_t((*bins)[k * nnz + t]) % half;
        const double weight = (kx == 0 || kx == n / 2) ? 1.0 : 2.0;
        return weight * (re * re + im * im);
      };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return energy(a) > energy(b);
      });
      // Keep the strongest, stored in bin order.
      std::sort(order.begin(), order.begin() + keep, [&](int64_t a, int64_t b) {
        return (*bins)[k * nnz + a] < (*bins)[k * nnz + b];
      });
      for (int64_t t = 0; t < keep; ++t) {
        const int64_t src = k * nnz + order[t], dst = k * keep + t;
        newSpectra[2 * dst] = float((*spectra)[2 * src]);
        newSpectra[2 * dst + 1] = float((*spectra)[2 * src + 1]);
        newBins[dst] = int32_t((*bins)[src]);
      }
    }
    numKept += uint64_t(cout * cin * keep);
    MLIRContext *ctx = op.getContext();
    op->setAttr("spectra", makeF32Elements(ctx, {cout, cin, keep, 2},
                                           std::move(newSpectra), "spectra"));
    op->setAttr("bins", makeI32Elements(ctx, {cout, cin, keep},
                                        std::move(newBins), "bins"));
    return success();
  }
};

} // namespace
} // namespace spec2
