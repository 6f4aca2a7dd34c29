// The HLS source's engines by opcode, as the simulation driver calls them
// one instruction at a time (on the card the compute dispatcher and its
// units of hw/src/top.cpp do this).
#include "sim_engines.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

void execCompute(const Word &insn, Buffers &buf, Activity &act) {
  switch (unsigned(getField(insn, kOpcode))) {
  case kFft:
    execFft(insn, buf, act);
    break;
  case kSconv:
    execSconv(insn, buf, act);
    break;
  case kOutq:
    execOutq(insn, buf, act);
    break;
  case kGemv:
    execGemv(insn, buf, act);
    break;
  case kVec:
    execVec(insn, buf, act);
    break;
  case kConv:
    execConv(insn, buf, act);
    break;
  case kConvq:
    execConvq(insn, buf, act);
    break;
  case kFinish:
  case kNop:
    act.cycles = 1;
    break;
  default:
    ++act.faults;
    break;
  }
}

} // namespace SPEC2_HW_NS
} // namespace spec2
