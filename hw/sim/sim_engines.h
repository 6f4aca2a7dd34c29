// What the C-simulation driver (simulator.cpp) runs instructions with,
// besides the HLS source's engine functions: the fast paths (not hardware)
// and the HLS top kernels run concurrently. Internal to hw/sim.
#ifndef SPEC2_HW_SIM_ENGINES_H
#define SPEC2_HW_SIM_ENGINES_H

#include "overlay.h"
#include "spec2/sim.h"

#include <memory>

namespace spec2 {
namespace SPEC2_HW_NS {

/// Runs a compute-module instruction on the HLS source's engine for it
/// (FINISH and NOP take a cycle; an unknown opcode is a fault).
void execCompute(const isa::Word &insn, Buffers &buf, Activity &act);

/// The simulation's fast paths: LOAD with whole-row copies, SCONV over a
/// memo of decoded kernel blocks and CONV over its lists (fastConv); every other instruction runs the HLS
/// source's engine. Same results and same counters as the HLS source, bit
/// for bit (test/hw/FastPathTest.cpp). One per simulated overlay: the memo
/// belongs to its buffers.
class FastEngines {
public:
  FastEngines();
  ~FastEngines();
  /// Executes one instruction of any module.
  void exec(const isa::Word &insn, Dram dram, Buffers &buf, Activity &act);

private:
  void sconv(const isa::Word &insn, Buffers &buf, Activity &act);
  struct State;
  std::unique_ptr<State> state;
};

/// CONV's fast path (fast_conv.cpp): the HLS engine's results and counters
/// from the weight lists run pixel by pixel.
void fastConv(const isa::Word &insn, Buffers &buf, Activity &act);

/// Runs a program on the HLS top kernels of hw/src/top.cpp (fetch, load,
/// the compute dispatcher, its units and the retire kernel, store), each on
/// a thread of its own as on the card, through hls::stream FIFOs; see
/// sim::Engines::Kernels for what it reports. The program must end in its
/// only FINISH (the loader's rule); a deadlock stops the process.
sim::RunResult runTopKernels(const isa::Word *insns, size_t count, Dram dram,
                             Buffers &buf);

/// Adds what one instruction (of `opcode`, on `module`) did to the
/// program's counters, all but the timing ones.
void countActivity(sim::Counters &ctr, const Activity &act, unsigned module,
                   unsigned opcode);
/// The status of a run that did not deadlock: BadProgram without FINISH,
/// Fault if anything faulted.
void finishStatus(sim::RunResult &result, bool finished);

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_SIM_ENGINES_H
