//===- SpatialKer.h - The spatial engine's weight lists ---------*- C++ -*-===//
//
// What the KER lists of a spatial conv hold (docs/isa.md, CONV): per chunk,
// per lane block of conv_pout output channels, the reduction entries the
// block keeps, each with one value per lane. The pruning granularity is one
// reduction index per lane block (docs/decisions.md): the lanes of a block
// walk one list in lockstep and share one operand read a step, so a block
// skips an entry only when all its lanes drop it, and every block of a CONV
// has the same list length nr. The lowering, the tiling search and the cost
// estimates all read list lengths from here, so cycles count only kept
// entries.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_SPATIALKER_H
#define SPEC2_SCHEDULING_SPATIALKER_H

#include "spec2/Scheduling/SpatialSchedule.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace spec2 {

/// The reduction entries a spatial layer keeps: per lane block b (output
/// channels [b*lanes, (b+1)*lanes), lanes = conv_pout) and reduction index
/// r = (ci*kh + ky)*kw + kx < cpg*kh*kw, whether the block's list holds r.
/// Empty `keep`: dense (every entry of every block).
struct SpatialKept {
  int64_t lanes = 0, blocks = 0, reduction = 0;
  std::vector<uint8_t> keep; ///< [block][r], 1 kept

  bool dense() const { return keep.empty(); }
  bool kept(int64_t b, int64_t r) const {
    return keep.empty() || keep[b * reduction + r] != 0;
  }
  /// Kept entries of all blocks (blocks * reduction when dense).
  int64_t count() const;

  /// The entries `weights` ([cout][cpg][kh][kw]) keep: an entry of a block
  /// is kept if any of its lanes' weights is non-zero (exact zero is what
  /// pruning leaves). Dense if every entry is kept.
  static SpatialKept ofWeights(const SpatialGeometry &g, int64_t lanes,
                               llvm::ArrayRef<double> weights);
  /// For estimates before pruning: `keep` entries per block, spread evenly
  /// over the reduction (what the pruning keeps, up to where).
  static SpatialKept uniform(const SpatialGeometry &g, int64_t lanes,
                             int64_t keep);
};

/// Entries a block keeps at `sparsity` of its cpg*kh*kw (at least one): the
/// one count pruning, engine choice and reports use.
int64_t spatialKeptPerBlock(const SpatialGeometry &g, double sparsity);

/// Sets every chunk's list length nr (the longest list of its blocks: a
/// chunk block that straddles two lane blocks of `kept`, which only happens
/// when chunks do not start on a lane block, lists their union; shorter
/// lists are padded with zero-valued entries), the chunks' KER offsets and
/// counts, and whether the lists carry indices (t.indexed). Pruned lists
/// are used only where they save engine steps (conv_pk entries a step in
/// tree mode, one in chain mode) or KER bytes; otherwise the lists stay
/// dense, with the pruned weights as zeros.
void applySpatialKept(const SpatialGeometry &g, const OverlayConfig &cfg,
                      const SpatialKept &kept, SpatialTiling &t);

/// The KER entries of the layer in the order walkSpatialConv loads them:
/// chunk after chunk, block after block, entry j of the block's list, one
/// entry per lane (po fastest): int16 values (dense, kKerFcDense) or
/// {int16 value, uint16 index} (kKerFc) with the chunk-relative reduction
/// index. `q` holds the quantised weights [cout][cpg][kh][kw]; `t` comes
/// from applySpatialKept with the same `kept`. Lanes past a chunk's nco and
/// padding entries hold value 0. This is the one function from layer
/// weights to KER lists (the fused bottleneck lowering calls it too).
std::vector<uint8_t> spatialKerEntries(const SpatialGeometry &g,
                                       const OverlayConfig &cfg,
                                       const SpatialKept &kept,
                                       const SpatialTiling &t,
                                       llvm::ArrayRef<int16_t> q);

} // namespace spec2

#endif // SPEC2_SCHEDULING_SPATIALKER_H
