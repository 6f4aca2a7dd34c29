// Load module: DMA from DRAM into INP, KER, BIAS and FCX (the engine is in
// load.h, shared with the C-simulation's fast path).
#include "load.h"

namespace spec2 {
namespace SPEC2_HW_NS {

void execLoad(const isa::Word &insn, Dram dram, Buffers &buf, Activity &act) {
  loadWith<HlsCopy>(insn, dram, buf, act);
}

} // namespace SPEC2_HW_NS
} // namespace spec2
