// Compute module: dispatches each compute instruction to its engine.
#include "overlay.h"

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
