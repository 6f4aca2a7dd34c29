//===- MagnitudeMask.cpp - The largest-energy support of conv kernels -----===//
//
// The magnitude method, and the projection ADMM and the per-pair fits use:
// per (output, input) channel pair the same number of canonical bins, those
// of largest energy.
//
//===----------------------------------------------------------------------===//
#include "SpectralMethods.h"

#include "Spectral/SpectralDialect.h"

#include <algorithm>

namespace spec2::prune {

std::vector<uint8_t> balancedMask(const std::vector<Cd> &w, int64_t pairs,
                                  int64_t n, llvm::ArrayRef<int64_t> canonical,
                                  int64_t keep,
                                  const std::vector<double> *power,
                                  int64_t cin,
                                  const std::vector<uint8_t> *allowed) {
  const int64_t bins = spectral::halfSpectrumBins(n);
  std::vector<uint8_t> mask(w.size(), 0);
  std::vector<int64_t> order(canonical.begin(), canonical.end());
  std::vector<double> energy(bins);
  for (int64_t k = 0; k < pairs; ++k) {
    for (int64_t b : canonical)
      energy[b] = spectral::binEnergyWeight(n, b) *
                  (power ? (*power)[(k % cin) * bins + b] : 1.0) *
                  std::norm(w[k * bins + b]);
    // A bin the base drops ranks below every other and is never kept.
    if (allowed)
      for (int64_t b : canonical)
        if (!(*allowed)[k * bins + b])
          energy[b] = -1.0;
    std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                      [&](int64_t a, int64_t b) {
                        return energy[a] != energy[b] ? energy[a] > energy[b]
                                                      : a < b;
                      });
    for (int64_t t = 0; t < keep; ++t)
      if (!allowed || (*allowed)[k * bins + order[t]])
        mask[k * bins + order[t]] = 1;
  }
  return mask;
}

} // namespace spec2::prune
