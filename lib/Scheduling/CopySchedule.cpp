//===- CopySchedule.cpp - Tensors copied through the vector unit ----------===//
#include "spec2/Scheduling/CopySchedule.h"

#include <algorithm>

namespace spec2 {

namespace {

/// Elements a copy group moves at most: INP and OUT hold it.
int64_t groupElements(const OverlayConfig &cfg) {
  return std::min<int64_t>(cfg.inpDepth, cfg.outDepth);
}

constexpr int64_t kMaxDim = (int64_t(1) << isa::kDimBits) - 1;

} // namespace

std::optional<std::string> copyMisfit(const PlaneCopy &copy,
                                      const OverlayConfig &cfg) {
  if (copy.w > groupElements(cfg))
    return "a row of " + std::to_string(copy.w) +
           " elements does not fit INP and OUT";
  if (copy.w > kMaxDim || copy.h > kMaxDim || copy.planes > kMaxDim)
    return "a plane of " + std::to_string(copy.h) + " x " +
           std::to_string(copy.w) + " exceeds the DMA's 16-bit dimensions";
  return std::nullopt;
}

void walkPlaneCopy(const PlaneCopy &copy, const OverlayConfig &cfg,
                   const Insn &vecInsn,
                   const std::function<void(InsnGroup &)> &emit) {
  namespace vec = isa::vec;
  const int64_t h = copy.h, w = copy.w, plane = h * w;
  const int64_t room = groupElements(cfg);
  // Whole planes per group when one fits, else rows of one plane.
  const int64_t planesPer =
      std::clamp<int64_t>(room / plane, 1, std::min(copy.planes, kMaxDim));
  const int64_t rowsPer =
      plane <= room ? h : std::max<int64_t>(1, room / w);
  // Destination planes `stride` apart: the tensor seen as planes of
  // stride * h rows, the run's rows at an offset in each, when a DMA
  // dimension holds that many and the last such plane is in the tensor.
  const int64_t d = copy.stride, group0 = copy.first / d,
                row0 = (copy.first % d) * h;
  const bool strided = d > 1 && d * h <= kMaxDim &&
                       (group0 + copy.planes) * d <= copy.dstPlanes;
  for (int64_t p0 = 0; p0 < copy.planes; p0 += planesPer) {
    const int64_t pn = std::min(planesPer, copy.planes - p0);
    for (int64_t y0 = 0; y0 < h; y0 += rowsPer) {
      const int64_t yn = std::min(rowsPer, h - y0), n = pn * yn * w;
      InsnGroup group;
      group.loads.push_back(loadBox(isa::kBufInp, copy.src + p0 * plane * 2,
                                    0, DramBox{h, w, y0, 0, pn, yn, w}));
      group.computes.push_back(Insn(vecInsn)
                                   .set(vec::kAAddr, 0)
                                   .set(vec::kOutAddr, 0)
                                   .set(vec::kNc, 1)
                                   .set(vec::kH, n / w)
                                   .set(vec::kW, w)
                                   .set(vec::kOh, n / w)
                                   .set(vec::kOw, w));
      if (d == 1)
        group.stores.push_back(
            storeBox(copy.dst + (copy.first + p0) * plane * 2, 0,
                     DramBox{h, w, y0, 0, pn, yn, w}));
      else if (strided)
        group.stores.push_back(
            storeBox(copy.dst + (group0 + p0) * d * plane * 2, 0,
                     DramBox{d * h, w, row0 + y0, 0, pn, yn, w}));
      else
        for (int64_t k = 0; k < pn; ++k)
          group.stores.push_back(storeBox(
              copy.dst + (copy.first + (p0 + k) * d) * plane * 2, k * yn * w,
              DramBox{h, w, y0, 0, 1, yn, w}));
      emit(group);
    }
  }
}

} // namespace spec2
