// Fully-connected engine: row-balanced sparse matrix-vector product. Every
// row has the same number of non-zeros, so the fc_lanes rows processed
// together finish together; each lane reads its own copy of FCX.
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

void execGemv(const Word &insn, Buffers &buf, Activity &act) {
  constexpr uint64_t kLanes = kCfg.fcLanes;
  const uint64_t kerAddr = getField(insn, gemv::kKerAddr);
  const uint64_t xAddr = getField(insn, gemv::kXAddr);
  const uint64_t nrows = getField(insn, gemv::kNrows);
  const uint64_t nnz = getField(insn, gemv::kNnz);
  const uint64_t accAddr = getField(insn, gemv::kAccAddr);
  const bool first = getField(insn, gemv::kFirst) != 0;
  const bool last = getField(insn, gemv::kLast) != 0;
  const uint64_t outAddr = getField(insn, gemv::kOutAddr);
  const uint64_t biasAddr = getField(insn, gemv::kBiasAddr);
  const unsigned shift = unsigned(getField(insn, gemv::kShift));
  const int64_t lo = getField(insn, gemv::kClampLo);
  const int64_t hi = getField(insn, gemv::kClampHi);
  const uint64_t groups = (nrows + kLanes - 1) / kLanes;
GEMV_GROUPS:
  for (uint64_t grp = 0; grp < groups; ++grp) {
    // The lanes' accumulators; a lane whose row is past nrows or whose FACC
    // slot is out of range sits the group out.
    int64_t acc[kLanes];
    bool live[kLanes], exact[kLanes];
    for (uint64_t l = 0; l < kLanes; ++l) {
#pragma HLS UNROLL
      const uint64_t r = grp * kLanes + l, fa = accAddr + r;
      live[l] = r < nrows && fa < kCfg.faccDepth;
      if (r < nrows && !live[l])
        ++act.faults;
      acc[l] = live[l] && !first ? buf.facc[fa] : 0;
      // Products are below 2^30 in magnitude: fewer than 2^16 of them
      // cannot reach the 48-bit saturation bound, so the clamp can be
      // skipped.
      exact[l] = nnz < (uint64_t(1) << 16) && acc[l] > -(int64_t(1) << 46) &&
                 acc[l] < (int64_t(1) << 46);
    }
    uint64_t faults = 0, useful = 0; // kept in registers, added once
    // Step t feeds every lane its t-th entry; each lane adds its products in
    // t order, as the lanes do in lockstep on the hardware.
  GEMV_NNZ:
    for (uint64_t t = 0; t < nnz; ++t) {
#pragma HLS PIPELINE II = 1
      const uint64_t base = kerAddr + (grp * nnz + t) * kLanes;
      for (uint64_t l = 0; l < kLanes; ++l) {
#pragma HLS UNROLL
        if (!live[l])
          continue;
        const uint64_t ka = base + l;
        if (ka >= kCfg.kerDepth) {
          ++faults;
          continue;
        }
        const KerEntry e = buf.ker[ka];
        const uint64_t xa =
            xAddr + (e.index == kFcStepColumn ? t : uint64_t(e.index));
        if (xa >= kCfg.fcxDepth) {
          ++faults;
          continue;
        }
        useful += e.re != 0;
        const int64_t p = int32_t(e.re) * int32_t(buf.fcx[xa]);
        acc[l] = exact[l] ? acc[l] + p : satAcc(acc[l] + p);
      }
    }
    act.faults += faults;
    act.macsUseful += useful;
  GEMV_LANES:
    for (uint64_t l = 0; l < kLanes; ++l) {
#pragma HLS UNROLL
      if (!live[l])
        continue;
      const uint64_t r = grp * kLanes + l;
      buf.facc[accAddr + r] = acc[l];
      if (last) {
        const uint64_t o = outAddr + r, ba = biasAddr + r;
        if (o >= kCfg.outDepth || ba >= kCfg.biasDepth) {
          ++act.faults;
          continue;
        }
        const int64_t v = roundShift(acc[l] + buf.bias[ba], shift);
        buf.out[o] = int16_t(saturate(sat16Counted(v, act), lo, hi));
      }
    }
  }
  act.macsIssued += groups * nnz * kLanes;
  act.cycles = groups * nnz + (last ? groups : 0) + kCfg.fcDepth;
  act.engine[kEngGemv] += act.cycles;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
