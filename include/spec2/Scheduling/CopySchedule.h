//===- CopySchedule.h - Tensors copied through the vector unit -*- C++ -*-===//
//
// Copies of dense int16 planes from one DRAM tensor into another: a
// concatenation's input the lowering could not place in the result, and
// the runs of a channel permutation (ShuffleNet's shuffle), whose
// destination planes are a fixed stride apart. Each group loads planes
// (or rows of one plane when a plane does not fit) into INP, requantises
// them into OUT on the vector unit and stores them at their destination.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_COPYSCHEDULE_H
#define SPEC2_SCHEDULING_COPYSCHEDULE_H

#include "spec2/Scheduling/ProgramBuilder.h"
#include "spec2/overlay_config.h"

#include <functional>
#include <optional>
#include <string>

namespace spec2 {

/// `planes` planes of `h` x `w` int16 values, dense at DRAM byte `src`,
/// go to planes `first`, `first + stride`, ... of the tensor of `dstPlanes`
/// planes of h x w at byte `dst`.
struct PlaneCopy {
  int64_t planes, h, w;
  int64_t src, dst;
  int64_t first = 0, stride = 1, dstPlanes = 0;
};

/// Why `copy` cannot run on `cfg` (a row wider than the buffers or a DMA
/// row), or nullopt.
std::optional<std::string> copyMisfit(const PlaneCopy &copy,
                                      const OverlayConfig &cfg);

/// The groups of `copy`; `vec` is the requantising VEC (kVecReq with its
/// shifts and clamp), the walk sets its extent and addresses.
void walkPlaneCopy(const PlaneCopy &copy, const OverlayConfig &cfg,
                   const Insn &vec,
                   const std::function<void(InsnGroup &)> &emit);

} // namespace spec2

#endif // SPEC2_SCHEDULING_COPYSCHEDULE_H
