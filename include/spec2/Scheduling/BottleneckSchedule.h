//===- BottleneckSchedule.h - A fused inverted-residual block ----*- C++
//-*-===//
//
// An inverted-residual bottleneck (1x1 expand -> depthwise -> 1x1 project,
// with or without the residual add; or depthwise -> project) run fused on
// the spatial engine: strips of output rows; per strip the block input's
// rows (those the depthwise taps reach, halo included) load into INP, the
// expand CONVs write the expanded strip into MID through CONVQ, the
// depthwise CONVs read it from MID and write their strip into MID, and the
// project CONVs read that, their CONVQ adding the residual from the INP
// strip and writing OUT, which is stored. The expanded and depthwise
// tensors never go to DRAM; the halo rows of the expanded tensor are
// recomputed by the neighbouring strip (docs/decisions.md). The lowering
// and the cost estimate walk the same groups.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_BOTTLENECKSCHEDULE_H
#define SPEC2_SCHEDULING_BOTTLENECKSCHEDULE_H

#include "spec2/Scheduling/SpatialSchedule.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace spec2 {

/// The layers of a block. `expand` is absent for a block without expansion;
/// `residual`: the project's output is added to the block input.
struct BottleneckGeometry {
  std::optional<SpatialGeometry> expand;
  SpatialGeometry dw, project;
  bool residual = false;

  /// Whether the three (two) layers chain into one block: the expand is
  /// 1x1 stride 1 unpadded, the depthwise is depthwise, the project 1x1
  /// stride 1 unpadded, the shapes follow on, and a residual adds tensors of
  /// one shape.
  bool wellFormed() const;
  /// The block input's channels.
  int64_t cin() const { return expand ? expand->cin : dw.cin; }
};

/// The ops of a block in a spectral module: `expand` and `add` may be null.
struct BottleneckOps {
  spectral::SpatialConv2DOp expand, dw, project;
  spectral::AddOp add;
  BottleneckGeometry geometry();
  /// The block's ops in program order.
  llvm::SmallVector<mlir::Operation *, 4> ops();
  /// The value the block produces.
  mlir::Value result() { return add ? add.getOutput() : project.getOutput(); }
};
/// The block `head` starts: a pointwise conv whose one user is a depthwise
/// conv (or that depthwise conv itself), whose one user is a pointwise
/// conv, then, if that conv's one user adds it to the block input and the
/// conv has no clamp of its own, the add. Nothing if the shapes do not
/// form a block (BottleneckGeometry::wellFormed).
std::optional<BottleneckOps> matchBottleneck(spectral::SpatialConv2DOp head);

/// How a fused block runs: strips of `rows` output rows, each stage's
/// channel chunks, double buffering of INP, KER, BIAS and OUT, and whether
/// all weights stay in KER for the whole block (loaded with the first
/// strip) or load chunk by chunk, and in how many chunks `split` each
/// stage's channels are cut at least (so that a chunk's CONVQ, detached,
/// runs beside the next chunk's CONVs, in the other half of OACC). Each
/// CONV runs in the schedule (tree or chain) with fewer steps.
struct BottleneckTiling {
  int64_t rows = 1;
  bool doubleBuffered = false, resident = false;
  int64_t split = 1;
  std::vector<SpatialChunk> expand, dw, project;
};

/// spec2.fused's form of `t`: [rows, double_buffered, resident, split].
std::vector<int64_t> bottleneckTilingArray(const BottleneckTiling &t);
/// The tiling `a` names (its chunks recomputed), or nullopt if it is
/// malformed or does not fit `cfg`.
std::optional<BottleneckTiling>
bottleneckTilingFrom(const BottleneckGeometry &g, const OverlayConfig &cfg,
                     llvm::ArrayRef<int64_t> a);

/// Where a stage's weights and biases are in DRAM (bytes), and its fixed
/// point; the block input and output tensors.
struct BottleneckAddrs {
  int64_t in = 0, out = 0;
  SpatialAddrs expand{}, dw{}, project{};
};
struct BottleneckShifts {
  SpatialShifts expand{0, 0, -32768, 32767}, dw{0, 0, -32768, 32767},
      project{0, 0, -32768, 32767};
  /// The residual's left shift to the project's accumulator format.
  int64_t residual = 0;
};

/// The instruction groups of the block, strip by strip, to `emit` (through
/// an overlapped run of a ProgramBuilder when `t.doubleBuffered`), each
/// with the stage (0 expand, 1 depthwise, 2 project) of the chunk that
/// opens it. A group starts with its loads; the chunks after it that load
/// nothing add their instructions to it.
void walkBottleneck(const BottleneckGeometry &g, const OverlayConfig &cfg,
                    const BottleneckTiling &t, const BottleneckAddrs &addrs,
                    const BottleneckShifts &shifts,
                    const std::function<void(InsnGroup &, int stage)> &emit);

/// The block's modeled cost under `t`, its groups built into a program and
/// timed by the cost model.
ConvCost estimateBottleneck(const BottleneckGeometry &g,
                            const OverlayConfig &cfg,
                            const BottleneckTiling &t);

/// The fitting tiling with the fewest modeled cycles (then DDR bytes), and
/// its cost; nullopt if none fits.
std::optional<std::pair<BottleneckTiling, ConvCost>>
chooseBottleneckTiling(const BottleneckGeometry &g, const OverlayConfig &cfg);

/// The modeled cost of the VEC add of two tensors of `elements` int16
/// values laid out as rows of `width`, as the lowering runs it.
ConvCost estimateElementwiseAdd(int64_t elements, int64_t width,
                                const OverlayConfig &cfg);

/// The groups of an element-wise VEC operation over rows of `width` (two
/// operands when `binary`, a LUT when `table`): the rows cut into chunks
/// that fit INP and OUT, one group of loads, one VEC and one store each.
/// `vecOf(rows)` makes the chunk's VEC (fields other than its extent); the
/// operands are at DRAM `a`, `b`, the result at `out`, the table at `lut`.
void walkElementwise(int64_t elements, int64_t width, bool binary, bool table,
                     const OverlayConfig &cfg, int64_t a, int64_t b,
                     int64_t out, int64_t lut,
                     const std::function<Insn(int64_t rows)> &vecOf,
                     const std::function<void(InsnGroup &)> &emit);

} // namespace spec2

#endif // SPEC2_SCHEDULING_BOTTLENECKSCHEDULE_H
