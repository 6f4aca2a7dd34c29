//===- SpatialSchedule.h - How a direct conv runs on the spatial engine -*- C++ -*-===//
//
// A spectral.spatial_conv2d cut for the spatial conv engine (CONV / CONVQ,
// hw/include/spec2/isa.h): strips of output rows x chunks of output
// channels (x chunks of input channels when one group's inputs do not fit
// INP), sized to INP, KER, BIAS, OACC and OUT. A strip loads the input rows
// its taps reach, halo rows included, and no padded row or column: padding
// is made by the engine (vh/vw/y0/x0). The lowering and the cost estimate
// walk the same groups.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_SPATIALSCHEDULE_H
#define SPEC2_SCHEDULING_SPATIALSCHEDULE_H

#include "Spectral/SpectralDialect.h"
#include "spec2/Scheduling/ConvSchedule.h"
#include "spec2/Scheduling/ProgramBuilder.h"
#include "spec2/overlay_config.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace spec2 {

/// A direct conv's shape (NCHW, batch 1).
struct SpatialGeometry {
  int64_t cin, h, w, cout, ho, wo, kh, kw, sy, sx, dy, dx, pt, pl, group;
  int64_t cpg() const { return cin / group; }
  int64_t opg() const { return cout / group; }
  /// Input rows a strip of `rows` output rows loads at most (halo included).
  int64_t stripRows(int64_t rows) const {
    return std::min(h, (rows - 1) * sy + (kh - 1) * dy + 1);
  }
  /// Input rows the taps of output rows [oy, oy + n) reach, unclipped.
  int64_t firstRow(int64_t oy) const { return oy * sy - pt; }
  int64_t lastRow(int64_t oy, int64_t n) const {
    return (oy + n - 1) * sy - pt + (kh - 1) * dy;
  }

  /// Multiply-accumulates of the dense layer: every tap of every output,
  /// padded ones included (`validMacs` leaves out the taps that fall on
  /// padding, which the engine skips).
  int64_t macs() const { return cout * cpg() * kh * kw * ho * wo; }
  int64_t validMacs() const;

  static SpatialGeometry of(spectral::SpatialConv2DOp op);
};

/// One group of work: output channels [co0, co0 + nco) of output rows
/// [oy0, oy0 + rows), reducing over channels [ci0, ci0 + nci) of each
/// output channel's group. The CONV reads input channels [inCh0, inCh0 +
/// nInCh); `opg`/`cpg` are its fields (per-instruction groups).
struct SpatialChunk {
  int64_t co0, nco, ci0, nci, inCh0, nInCh, opg, cpg;
  /// KER entries of the chunk in the layer's weight list, and their count.
  int64_t kerOffset, kerCount;
  /// Entries of each lane block's list (CONV's nr): nci*kh*kw when dense,
  /// fewer when pruned (applySpatialKept, SpatialKer.h).
  int64_t nr;
};

/// The cut of a layer: output rows per strip and its channel chunks (the
/// same for every strip).
struct SpatialTiling {
  int64_t rows;
  std::vector<SpatialChunk> chunks;
  /// Chain mode: the depthwise schedule (isa.md, CONV).
  bool chain = false;
  /// INP, KER, BIAS and OUT in halves: each group's loads run while the
  /// group before computes, its store while the next computes (the caller
  /// wires the groups as an overlapped run, ProgramBuilder::beginOverlap
  /// with OUT halves).
  bool doubleBuffered = false;
  /// The KER lists carry reduction indices (kKerFc, 4 bytes an entry):
  /// some list is pruned. Dense lists store values only (kKerFcDense).
  bool indexed = false;
};

struct SpatialKept;

/// spec2.spatial_tiling's form of `t`: [rows, double_buffered, chain].
std::vector<int64_t> spatialTilingArray(const SpatialTiling &t);
/// The tiling of `g` that array names (its chunks recomputed, their lists
/// holding the entries of `kept`, dense if null), or nullopt if it is
/// malformed or does not fit `cfg`.
std::optional<SpatialTiling> spatialTilingFrom(const SpatialGeometry &g,
                                               const OverlayConfig &cfg,
                                               llvm::ArrayRef<int64_t> a,
                                               const SpatialKept *kept = nullptr);

/// The channel chunks of strips of `rows` output rows in the buffers of
/// `cfg` (their halves if `doubleBuffered`), or nullopt if none fits. KER is
/// sized for dense lists (a pruned list is never longer), and chunks of
/// whole groups hold whole lane blocks where the groups allow, so that a
/// chunk's blocks are the layer's lane blocks (SpatialKer.h).
/// Whole groups per chunk when one does (depthwise, small groups);
/// otherwise chunks of one group's outputs and, if its inputs do not fit
/// INP or its weights KER, of its inputs too.
std::optional<std::vector<SpatialChunk>>
spatialChunks(const SpatialGeometry &g, const OverlayConfig &cfg, int64_t rows,
              bool doubleBuffered);

/// Modeled cost of `g` under tiling `t`: its groups built into a program
/// (an overlapped run if double-buffered) and timed by the cost model, as
/// estimateConv does for spectral convs.
ConvCost estimateSpatialConv(const SpatialGeometry &g, const OverlayConfig &cfg,
                             const SpatialTiling &t);

/// Whether any tiling of `g` fits `cfg` (one output row of one lane block,
/// single-buffered, is the smallest), without searching.
bool spatialFits(const SpatialGeometry &g, const OverlayConfig &cfg);

/// The fitting tiling of `g` with the fewest modeled cycles (then DDR
/// bytes), and its cost, its lists holding the entries of `kept` (dense if
/// null); nullopt if not even one output row of one output lane block fits
/// (SpatialSearch.cpp).
std::optional<std::pair<SpatialTiling, ConvCost>>
chooseSpatialTiling(const SpatialGeometry &g, const OverlayConfig &cfg,
                    const SpatialKept *kept = nullptr);

/// A CONV with `first` whose one tap is padding for every output pixel (a
/// one-row tile that starts below every tap): writes zeros to OACC
/// [0, nco * oh * ow) without reading anything, in the chain schedule
/// (conv_pk x conv_px pixels a step). Programs keep OACC zero
/// between layers (the spectral engine's SCONV adds to it; docs/isa.md,
/// reset rule) and CONVQ, unlike OUTQ, has no `clear`; nor may a CONV have
/// nr = 0. Its one KER entry is read at `kerAddr`: with indexed (pruned)
/// lists, an entry whose index is below `reduction`.
Insn spatialZeroOacc(int64_t nco, int64_t oh, int64_t ow,
                     int64_t reduction = 1, int64_t kerAddr = 0);

/// Where a spatial conv's data is in DRAM (bytes) and its fixed point.
struct SpatialAddrs {
  int64_t in, out, ker, bias;
};
struct SpatialShifts {
  int64_t acc, outq, clampLo, clampHi;
};

/// The instruction groups of the layer, strip by strip, chunk by chunk, to
/// `emit` (through an overlapped run of a ProgramBuilder when
/// `t.doubleBuffered`). With `halves`: in, the KER and BIAS halves of the
/// layer before (walkConv's WeightHalves); out, this layer's. KER entries
/// (spatialKerEntries: kKerFcDense, or kKerFc if `t.indexed`) from
/// `addrs.ker`, chunk after chunk; the int32 biases at `addrs.bias`.
void walkSpatialConv(const SpatialGeometry &g, const OverlayConfig &cfg,
                     const SpatialTiling &t, const SpatialAddrs &addrs,
                     const SpatialShifts &shifts,
                     const std::function<void(InsnGroup &)> &emit,
                     WeightHalves *halves = nullptr);

} // namespace spec2

#endif // SPEC2_SCHEDULING_SPATIALSCHEDULE_H
