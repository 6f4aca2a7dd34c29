//===- KerLayout.h - Which bin each MAC lane reads --------------*- C++ -*-===//
//
// The SCONV engine's lane (pi, po) of block (b, g) works on the channel pair
// co = b * pout + po, ci = g * pin + pi, and at step t reads entry t of that
// pair's kernel. Layers whose channel counts are not multiples of the lane
// counts leave padding lanes with zero weights; what bin they read still
// matters for bank conflicts. One rule, used by the lowering that lays out
// KER and by the bank scheduler that predicts the conflicts.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_CONVERSION_KERLAYOUT_H
#define SPEC2_CONVERSION_KERLAYOUT_H

#include <cstdint>
#include <vector>

namespace spec2 {

/// The bin lane (co, ci) reads at step t, with `bins` the layer's
/// [cout][cin][nnz] kernel bins: a real pair's own entry; a padding output
/// channel (co >= cout) reads what output lane po = 0 of the same block reads
/// from the same input channel (a shared read: no extra bank access); a
/// padding input channel (ci >= cin) reads bin 0 on every lane (shared too).
inline int64_t laneBin(const std::vector<double> &bins, int64_t cout,
                       int64_t cin, int64_t nnz, int64_t pout, int64_t co,
                       int64_t ci, int64_t t) {
  if (ci >= cin)
    return 0;
  if (co >= cout)
    co -= co % pout;
  return int64_t(bins[(co * cin + ci) * nnz + t]);
}

} // namespace spec2

#endif // SPEC2_CONVERSION_KERLAYOUT_H
