//===- ConvLayer.cpp - Pruning one spectral conv layer --------------------===//
//
// Reads a layer's kernel spectra, folds them onto the canonical bins (exact:
// see spectral::isCanonicalBin), lets the method choose and refit the kept
// bins, and stores them in bin order, as many slots as the fullest pair
// needs (the others' unused slots absent: bin -1).
//
//===----------------------------------------------------------------------===//
#include "Layers.h"

#include "Spec2/Spec2Dialect.h"
#include "SpectralMethods.h"

#include "spec2/Scheduling/KerLayout.h"
#include "spec2/Support/Constants.h"

using namespace mlir;

namespace spec2::prune {
namespace {

/// The layer's kernels `spectra` ([pair][nnz][re, im]) at `binsV`
/// ([pair][nnz], -1 for an absent slot), folded.
FoldedKernels foldKernels(spectral::Conv2DOp op,
                          const std::vector<double> &spectra,
                          const std::vector<double> &binsV) {
  FoldedKernels k;
  k.n = op.getFftSize();
  k.bins = spectral::halfSpectrumBins(k.n);
  k.cout = op.getOutChannels();
  k.cin = op.getInChannels();
  const int64_t nnz = op.getNnz();
  for (int64_t b = 0; b < k.bins; ++b)
    if (spectral::isCanonicalBin(k.n, b))
      k.canonical.push_back(b);
  k.w.assign(k.pairs() * k.bins, 0);
  for (int64_t p = 0; p < k.pairs(); ++p)
    for (int64_t t = 0; t < nnz; ++t) {
      const int64_t b = int64_t(binsV[p * nnz + t]);
      if (b < 0)
        continue; // an absent slot
      const Cd v(spectra[2 * (p * nnz + t)], spectra[2 * (p * nnz + t) + 1]);
      k.w[p * k.bins + spectral::canonicalBin(k.n, b)] +=
          spectral::isCanonicalBin(k.n, b) ? v : std::conj(v);
    }
  return k;
}

/// Stores the bins of `mask` with `values` in `op`; returns how many.
int64_t storeKernels(spectral::Conv2DOp op, const FoldedKernels &k,
                     const std::vector<uint8_t> &mask,
                     const std::vector<Cd> &values) {
  const int64_t pairs = k.pairs(), bins = k.bins;
  int64_t slots = 1, kept = 0;
  for (int64_t p = 0; p < pairs; ++p) {
    int64_t c = 0;
    for (int64_t b : k.canonical)
      c += mask[p * bins + b];
    slots = std::max(slots, c);
    kept += c;
  }
  std::vector<float> newSpectra(pairs * slots * 2, 0.0f);
  std::vector<int32_t> newBins(pairs * slots, -1);
  for (int64_t p = 0; p < pairs; ++p) {
    int64_t t = 0;
    for (int64_t b : k.canonical)
      if (mask[p * bins + b]) {
        newSpectra[2 * (p * slots + t)] = float(values[p * bins + b].real());
        newSpectra[2 * (p * slots + t) + 1] =
            float(values[p * bins + b].imag());
        newBins[p * slots + t] = int32_t(b);
        ++t;
      }
  }
  MLIRContext *ctx = op.getContext();
  op->setAttr("spectra", makeF32Elements(ctx, {k.cout, k.cin, slots, 2},
                                         std::move(newSpectra), "spectra"));
  op->setAttr("bins", makeI32Elements(ctx, {k.cout, k.cin, slots},
                                      std::move(newBins), "bins"));
  return kept;
}

} // namespace

FailureOr<std::optional<BaseMask>> convBaseMask(spectral::Conv2DOp op) {
  auto attr = op->getAttrOfType<ElementsAttr>(attr::kLevelBase);
  if (!attr)
    return std::optional<BaseMask>();
  auto shape = cast<ShapedType>(attr.getType()).getShape();
  auto bins = readNumbers(attr);
  const int64_t n = op.getFftSize(), half = spectral::halfSpectrumBins(n);
  const int64_t pairs = op.getOutChannels() * op.getInChannels();
  if (!bins || shape.size() != 3 || shape[0] * shape[1] != pairs)
    return op.emitOpError("spec2.level_base is not the bins of a layer with ")
           << op.getOutChannels() << "x" << op.getInChannels()
           << " channel pairs";
  const int64_t slots = shape[2];
  BaseMask mask(pairs * half, 0);
  for (int64_t p = 0; p < pairs; ++p)
    for (int64_t t = 0; t < slots; ++t) {
      const int64_t b = int64_t((*bins)[p * slots + t]);
      if (b < 0)
        continue; // an absent slot
      if (b >= half)
        return op.emitOpError("spec2.level_base has bin ")
               << b << ", beyond the " << half << " half-spectrum bins";
      mask[p * half + spectral::canonicalBin(n, b)] = 1;
    }
  return std::optional<BaseMask>(std::move(mask));
}

FailureOr<LayerCounts> pruneConv(const Settings &s, spectral::Conv2DOp op,
                                 int64_t perCo, const LayerStatistics *stats,
                                 const PatchStatistics *patch,
                                 const BaseMask *base) {
  const int64_t cout = op.getOutChannels(), cin = op.getInChannels();
  const int64_t pairs = cout * cin, nnz = op.getNnz();
  const int64_t indep = spectral::independentBins(op.getFftSize());
  auto spectra = readNumbers(op.getSpectra());
  auto binsV = readNumbers(op.getBins());
  if (!spectra || !binsV)
    return op.emitOpError("kernel spectra are not readable");
  LayerCounts counts{uint64_t(pairs * indep), 0};
  const FoldedKernels k = foldKernels(op, *spectra, *binsV);
  // A base that keeps every canonical bin constrains nothing.
  if (base && llvm::all_of(k.canonical, [&](int64_t b) {
        for (int64_t p = 0; p < pairs; ++p)
          if (!(*base)[p * k.bins + b])
            return false;
        return true;
      }))
    base = nullptr;
  if (perCo >= cin * nnz && PairCounts(*binsV, cout, cin, nnz).uniform() &&
      !stats && !base) {
    counts.kept = uint64_t(pairs * nnz);
    return counts;
  }
  perCo = std::min(perCo, cin * indep);
  const int64_t keep = perCo / cin; // per pair, for the per-pair methods
  const Quota quota = laneBalanced(s, op)
                          ? Quota::perLane(cin, s.lanes, indep, perCo)
                          : Quota::perPair(cin, keep);
  // With a base, the methods choose (their quota holds what the base
  // leaves, so they only drop its zeros).
  const bool everyBin = perCo >= cin * indep && !base;
  std::vector<uint8_t> mask;
  std::vector<Cd> values = k.w;
  if (everyBin && !stats) {
    // Nothing to choose: folding alone (every canonical bin stays).
    mask = k.everyCanonicalBin();
  } else if (patch) {
    if (failed(pruneJoint(k, quota, *patch, mask, values, base)))
      op.emitWarning("the joint fit's input moments are not positive "
                     "definite; pruned by magnitude");
  } else if (s.method != Method::Magnitude &&
             failed(fitKernels(s, op, k, keep, quota, everyBin, stats, mask,
                               values, base))) {
    op.emitWarning("no calibration covariance for ")
        << (s.method == Method::Obs ? "obs" : "admm")
        << " (run spec2-calibrate with tile-covariance); pruned by "
           "magnitude";
  }
  if (mask.empty())
    mask = balancedMask(k.w, pairs, k.n, k.canonical,
                        std::max<int64_t>(1, keep), nullptr, 1, base);
  counts.kept = uint64_t(storeKernels(op, k, mask, values));
  op->removeAttr(attr::kTileCovariance);
  return counts;
}

} // namespace spec2::prune
