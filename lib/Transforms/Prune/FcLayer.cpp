//===- FcLayer.cpp - Row-balanced pruning of a fully-connected layer ------===//
//
// Every row keeps the same number of weights (as BRDS): by magnitude, or by
// the output energy they carry (w^2 times the input's second moment), then
// refitted by least squares to the row's original outputs,
// W_S (C_pp,SS + ridge) = (W0 C_op)_S + ridge W0_S.
//
//===----------------------------------------------------------------------===//
#include "Budget.h"

#include "Spec2/Spec2Dialect.h"
#include "Layers.h"
#include "LinearAlgebra.h"

#include "spec2/Support/Constants.h"
#include "spec2/Support/LayerName.h"

#include <algorithm>
#include <numeric>

using namespace mlir;

namespace spec2::prune {
namespace {

/// The refit's moments of a dense k-input layer: cov = C_pp, cross = C_op
/// (the same without the sequential fit).
struct FcMoments {
  std::vector<double> cov, cross;
};

/// The moments from `stats`, or from the layer's spec2.input_covariance;
/// nullopt if neither is there (or of the wrong size).
std::optional<FcMoments> fcMoments(spectral::FullyConnectedOp op, int64_t k,
                                   const LayerStatistics *stats) {
  FcMoments m;
  if (stats) {
    m.cov.resize(k * k);
    m.cross.resize(k * k);
    for (int64_t i = 0; i < k * k; ++i) {
      m.cov[i] = stats->pp[i].real();
      m.cross[i] = stats->op[i].real();
    }
  } else if (auto attr =
                 op->getAttrOfType<ElementsAttr>(attr::kInputCovariance)) {
    auto cov = readNumbers(attr);
    if (!cov)
      return std::nullopt;
    m.cov = std::move(*cov);
    m.cross = m.cov;
  } else {
    return std::nullopt;
  }
  if (int64_t(m.cov.size()) != k * k)
    return std::nullopt;
  return m;
}

/// A layer's rows pruned to `keep` weights each and refitted on `moments`.
struct RowRefit {
  int64_t k, keep;
  const FcMoments *moments; ///< null: kept weights keep their values
  double ridgeScale;        ///< the ridge, relative to the mean input power
  /// A dense refit shares one factor across the rows.
  Cholesky<double> dense;
  bool denseOk = false;
  double denseRidge = 0;

  RowRefit(int64_t k, int64_t keep, const FcMoments *moments, double ridgeScale)
      : k(k), keep(keep), moments(moments), ridgeScale(ridgeScale) {
    if (!moments || keep != k)
      return;
    double trace = 0;
    for (int64_t i = 0; i < k; ++i)
      trace += moments->cov[i * (k + 1)];
    denseRidge = ridgeOf(trace / double(k));
    std::vector<double> a = moments->cov;
    for (int64_t i = 0; i < k; ++i)
      a[i * (k + 1)] += denseRidge;
    denseOk = dense.factor(a, k);
  }

  double ridgeOf(double meanDiag) const {
    return ridgeScale * meanDiag + 1e-30;
  }

  /// The row's weights `w` at its first `keep` entries of `order`, refitted.
  std::vector<double> refit(const double *w,
                            const std::vector<int64_t> &order) const {
    std::vector<double> kept(keep);
    for (int64_t t = 0; t < keep; ++t)
      kept[t] = w[order[t]];
    if (!moments)
      return kept;
    const std::vector<double> &c = moments->cov, &x = moments->cross;
    std::vector<double> rhs(keep);
    for (int64_t i = 0; i < keep; ++i) {
      const int64_t ci = order[i];
      double s = 0;
      for (int64_t j = 0; j < k; ++j)
        s += w[j] * x[j * k + ci];
      rhs[i] = s;
    }
    if (keep == k) {
      if (!denseOk)
        return kept;
      for (int64_t i = 0; i < keep; ++i)
        rhs[i] += denseRidge * w[order[i]];
      dense.solveInPlace(rhs);
      return rhs;
    }
    std::vector<double> a(keep * keep);
    double trace = 0;
    for (int64_t i = 0; i < keep; ++i)
      trace += c[order[i] * (k + 1)];
    const double ridge = ridgeOf(trace / double(keep));
    for (int64_t i = 0; i < keep; ++i)
      for (int64_t j = 0; j < keep; ++j)
        a[i * keep + j] = c[order[i] * k + order[j]] + (i == j ? ridge : 0.0);
    if (choleskySolve<double>(a, keep, rhs))
      return rhs;
    return kept;
  }
};

} // namespace

FailureOr<std::optional<BaseMask>> fcBaseMask(spectral::FullyConnectedOp op) {
  auto attr = op->getAttrOfType<ElementsAttr>(attr::kLevelBase);
  if (!attr)
    return std::optional<BaseMask>();
  const int64_t m = cast<ShapedType>(op.getValues().getType()).getShape()[0];
  const int64_t k = cast<ShapedType>(op.getInput().getType()).getNumElements();
  auto shape = cast<ShapedType>(attr.getType()).getShape();
  auto columns = readNumbers(attr);
  if (!columns || shape.size() != 2 || shape[0] != m)
    return op.emitOpError("spec2.level_base is not the columns of a layer "
                          "with ")
           << m << " rows";
  BaseMask mask(m * k, 0);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t t = 0; t < shape[1]; ++t) {
      const int64_t c = int64_t((*columns)[row * shape[1] + t]);
      if (c < 0 || c >= k)
        return op.emitOpError("spec2.level_base has column ")
               << c << ", beyond the layer's " << k << " inputs";
      mask[row * k + c] = 1;
    }
  return std::optional<BaseMask>(std::move(mask));
}

FailureOr<LayerCounts> pruneFc(const Settings &s, spectral::FullyConnectedOp op,
                               double frac, const LayerStatistics *stats,
                               const BaseMask *base) {
  auto values = readNumbers(op.getValues());
  auto columns = readNumbers(op.getColumns());
  if (!values || !columns)
    return op.emitOpError("weights are not readable");
  auto shape = cast<ShapedType>(op.getValues().getType()).getShape();
  const int64_t m = shape[0], nnz = shape[1];
  const int64_t k = cast<ShapedType>(op.getInput().getType()).getNumElements();
  LayerCounts counts{uint64_t(m * nnz), 0};
  int64_t keep = frac <= 0 ? nnz : std::min(nnz, keptOf(k, frac));
  // A row keeps no weight its base drops (rows are balanced, so the base's
  // rows keep the same count).
  if (base) {
    int64_t allowed = 0;
    for (int64_t c = 0; c < k; ++c)
      allowed += (*base)[c];
    if (allowed >= k)
      base = nullptr;
    else
      keep = std::min(keep, allowed);
  }
  bool dense = nnz == k;
  for (int64_t t = 0; dense && t < k; ++t)
    dense = int64_t((*columns)[t]) == t;
  if (keep >= nnz && !(stats && dense) && !base) {
    counts.kept = uint64_t(m * nnz);
    return counts;
  }
  // The least-squares refit needs the dense layout and the covariances.
  std::optional<FcMoments> moments;
  if (s.method != Method::Magnitude) {
    if (dense)
      moments = fcMoments(op, k, stats);
    if (!moments)
      op.emitWarning("no calibration covariance for the refit (run "
                     "spec2-calibrate with fc-covariance); pruned by "
                     "magnitude");
  }
  // Ridge: toward the original weights when a dense layer is refitted on
  // other inputs (it has as many unknowns as inputs and would overfit the
  // calibration set), else a negligible one for inputs the calibration
  // never drives (a pruned row must be free to take over what its dropped
  // weights carried).
  const RowRefit refit(k, keep, moments ? &*moments : nullptr,
                       stats && keep == k ? s.refitRidge : 1e-6);
  std::vector<float> newValues(m * keep);
  std::vector<int32_t> newColumns(m * keep);
  std::vector<int64_t> order(nnz);
  for (int64_t row = 0; row < m; ++row) {
    const double *w = &(*values)[row * nnz];
    const double *col = &(*columns)[row * nnz];
    auto score = [&](int64_t t) {
      if (base && !(*base)[row * k + int64_t(col[t])])
        return -1.0; // below every weight the base keeps
      const double second =
          moments ? moments->cov[int64_t(col[t]) * (k + 1)] : 1.0;
      return w[t] * w[t] * second;
    };
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return score(a) > score(b); });
    std::sort(order.begin(), order.begin() + keep,
              [&](int64_t a, int64_t b) { return col[a] < col[b]; });
    const std::vector<double> kept = refit.refit(w, order);
    for (int64_t t = 0; t < keep; ++t) {
      newValues[row * keep + t] = float(kept[t]);
      newColumns[row * keep + t] = int32_t(col[order[t]]);
    }
  }
  counts.kept = uint64_t(m * keep);
  MLIRContext *ctx = op.getContext();
  const std::string name = layerName(op);
  op->setAttr("values", makeF32Elements(ctx, {m, keep}, std::move(newValues),
                                        name + ".values"));
  op->setAttr("columns", makeI32Elements(ctx, {m, keep}, std::move(newColumns),
                                         name + ".columns"));
  return counts;
}

} // namespace spec2::prune
