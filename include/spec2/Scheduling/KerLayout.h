//===- KerLayout.h - What each SCONV lane reads -----------------*- C++ -*-===//
//
// A conv layer's kernels are stored per (cout, cin) pair in `nnz` slots; a
// slot with a negative bin is absent (a pair pruned to fewer non-zeros than
// others). An SCONV on a kernel chunk (output channels from co0, input
// channels from ci0, ncig groups of pin) gives output lane po of block b the
// output channel co = co0 + b * pout + po and input lane pi the channels
// ci0 + g * pin + pi: lane (pi, po) walks the present slots of those pairs,
// group after group and each pair's in stored order, then reads nothing
// (isa::kEntryNoRead) up to the SCONV's step count, the longest lane. So a
// lane's work is what its pairs hold together, not each pair's own count.
// The bank scheduler may rank the slots (`spec2.lane_order`, one number per
// slot): a lane then walks its entries by rank instead.
// One rule, used by the schedule that sizes the chunks, the lowering that
// lays out KER and the bank scheduler that predicts the conflicts.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_KERLAYOUT_H
#define SPEC2_SCHEDULING_KERLAYOUT_H

#include "spec2/isa.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace spec2 {

/// How many slots of each kernel pair are present.
class PairCounts {
public:
  /// `bins`: the layer's [cout][cin][nnz] kernel bins.
  PairCounts(const std::vector<double> &bins, int64_t cout, int64_t cin,
             int64_t nnz)
      : cout(cout), cin(cin), nnz(nnz), counts(cout * cin, 0) {
    for (int64_t k = 0; k < cout * cin; ++k)
      for (int64_t t = 0; t < nnz; ++t)
        counts[k] += bins[k * nnz + t] >= 0;
    full = std::all_of(counts.begin(), counts.end(),
                       [&](int32_t c) { return c == nnz; });
  }
  /// Every pair holds all nnz slots.
  bool uniform() const { return full; }
  int64_t of(int64_t co, int64_t ci) const { return counts[co * cin + ci]; }
  /// Steps of an SCONV on output channels [co0, co0 + coN) and the ncig
  /// groups of pin input channels from ci0: its longest lane. A uniform
  /// layer takes ncig * nnz (padding channels included, as they read
  /// nothing).
  int64_t steps(int64_t co0, int64_t coN, int64_t ci0, int64_t ncig,
                int64_t pin) const {
    if (full)
      return ncig * nnz;
    int64_t longest = 0;
    for (int64_t co = co0; co < std::min(cout, co0 + coN); ++co)
      for (int64_t pi = 0; pi < pin; ++pi) {
        int64_t n = 0;
        for (int64_t g = 0; g < ncig; ++g) {
          const int64_t ci = ci0 + g * pin + pi;
          if (ci < cin)
            n += of(co, ci);
        }
        longest = std::max(longest, n);
      }
    return longest;
  }

private:
  int64_t cout = 0, cin = 0, nnz = 0;
  std::vector<int32_t> counts;
  bool full = true;
};

/// One step of a lane: the slot it reads ((co * cin + ci) * nnz + t) and the
/// KER entry index (group and bin), or slot -1 and kEntryNoRead.
struct LaneStep {
  int64_t slot;
  uint16_t index;
};

/// Appends the steps of lane (pi, po) for output channel `co` of a chunk
/// from input channel ci0 with ncig groups (co >= cout: a padding lane,
/// nothing), without the trailing padding; by `rank` if given.
inline void laneSteps(const std::vector<double> &bins, int64_t cout,
                      int64_t cin, int64_t nnz, int64_t pin, int64_t co,
                      int64_t ci0, int64_t ncig, int64_t pi,
                      std::vector<LaneStep> &out,
                      const std::vector<double> *rank = nullptr) {
  if (co >= cout)
    return;
  const size_t first = out.size();
  for (int64_t g = 0; g < ncig; ++g) {
    const int64_t ci = ci0 + g * pin + pi;
    if (ci >= cin)
      break;
    for (int64_t t = 0; t < nnz; ++t) {
      const int64_t slot = (co * cin + ci) * nnz + t;
      if (bins[slot] < 0)
        continue;
      out.push_back(
          {slot, uint16_t(isa::entryIndex(unsigned(g), unsigned(bins[slot])))});
    }
  }
  if (rank)
    std::stable_sort(out.begin() + first, out.end(),
                     [&](const LaneStep &a, const LaneStep &b) {
                       return (*rank)[a.slot] < (*rank)[b.slot];
                     });
}

} // namespace spec2

#endif // SPEC2_SCHEDULING_KERLAYOUT_H
