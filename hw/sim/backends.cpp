// Lookup of the C-simulation backends compiled into this build, and counter
// arithmetic shared by all of them.
#include "spec2/sim.h"

namespace spec2 {
namespace sim {

Counters &Counters::operator+=(const Counters &o) {
  totalCycles += o.totalCycles;
  for (unsigned e = 0; e < kNumEngines; ++e)
    engineCycles[e] += o.engineCycles[e];
  for (unsigned m = 0; m < 3; ++m) {
    moduleBusy[m] += o.moduleBusy[m];
    tokenWait[m] += o.tokenWait[m];
  }
  ddrWait += o.ddrWait;
  ddrBytesRead += o.ddrBytesRead;
  ddrBytesWritten += o.ddrBytesWritten;
  ddrBeatBytes += o.ddrBeatBytes;
  macSteps += o.macSteps;
  macCycles += o.macCycles;
  bankConflictStalls += o.bankConflictStalls;
  macsIssued += o.macsIssued;
  macsUseful += o.macsUseful;
  macsPadded += o.macsPadded;
  faults += o.faults;
  for (unsigned i = 0; i < isa::kNumOpcodes; ++i)
    insns[i] += o.insns[i];
  saturated += o.saturated;
  if (saturatedByInsn.empty())
    saturatedByInsn = o.saturatedByInsn;
  else if (saturatedByInsn.size() == o.saturatedByInsn.size())
    for (size_t i = 0; i < saturatedByInsn.size(); ++i)
      saturatedByInsn[i] += o.saturatedByInsn[i];
  return *this;
}

const Backend *findBackend(uint64_t configHash) {
  for (const Backend *b : backends())
    if (b->configHash == configHash)
      return b;
  return nullptr;
}

const Backend *findBackend(const std::string &name) {
  for (const Backend *b : backends())
    if (name == b->name)
      return b;
  return nullptr;
}

} // namespace sim
} // namespace spec2
