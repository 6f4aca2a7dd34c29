// The C-simulation of the overlay: one backend per configuration compiled
// into the build (hw/configs/*.json), found by config hash or name. Each
// backend runs an instruction stream against a DRAM image with the very
// HLS source of the overlay and reports the overlay's performance counters.
#ifndef SPEC2_SIM_H
#define SPEC2_SIM_H

#include "spec2/engines.h"
#include "spec2/isa.h"
#include "spec2/overlay_config.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spec2 {
namespace sim {

/// Counters the simulated overlay keeps while it runs a program.
struct Counters {
  uint64_t totalCycles = 0;                ///< FINISH retires at this cycle
  uint64_t engineCycles[kNumEngines] = {}; ///< busy cycles per engine
  uint64_t moduleBusy[3] = {};           ///< per module (load, compute, store)
  uint64_t tokenWait[3] = {};            ///< cycles a module waited for tokens
  uint64_t ddrWait = 0;                  ///< DMA cycles waiting for the DDR
  uint64_t ddrBytesRead = 0;             ///< payload bytes DRAM -> chip
  uint64_t ddrBytesWritten = 0;          ///< payload bytes chip -> DRAM
  uint64_t ddrBeatBytes = 0;             ///< bytes in whole 64-byte beats
  uint64_t macSteps = 0;                 ///< SMAC lockstep steps
  uint64_t macCycles = 0;                ///< SMAC cycles incl. bank stalls
  uint64_t bankConflictStalls = 0;       ///< SMAC cycles lost to conflicts
  uint64_t macsIssued = 0;               ///< lane-steps of SMAC, GEMV, CONV
  uint64_t macsUseful = 0;               ///< of which with a non-zero weight
  uint64_t macsPadded = 0;               ///< CONV taps skipped as padding
  uint64_t faults = 0;                   ///< invalid indices / accesses
  uint64_t insns[isa::kNumOpcodes] = {}; ///< retired instructions per opcode
  /// Output values an output stage (OUTQ, GEMV, VEC, CONVQ) clipped to
  /// int16 before the activation's clamp: a format too narrow for the data.
  uint64_t saturated = 0;
  /// The same per instruction of the stream, in program order (what
  /// per-layer figures are made of); summing two runs adds them when both
  /// ran the same stream.
  std::vector<uint64_t> saturatedByInsn;

  Counters &operator+=(const Counters &o);
};

/// Timing of one instruction as the simulation scheduled it.
struct InsnTrace {
  uint32_t index;      ///< position in the program
  uint64_t start, end; ///< cycles
  uint64_t busy;       ///< cycles the instruction itself takes
  /// Compute: when the SCONVs and FFTs after it may count it as finished
  /// (isa::ComputeIssue); `end` for the other modules.
  uint64_t release;
};

enum class Status { Ok, Deadlock, Fault, BadProgram };

struct RunResult {
  Status status = Status::Ok;
  std::string message; ///< why, when status != Ok
  Counters counters;
  std::vector<InsnTrace> trace; ///< filled when asked for
};

/// Which code runs the instructions. All of them give the same results,
/// and the first two the same counters (tests hold them to it).
enum class Engines {
  /// The SPEC2_SIM environment variable (`fast`, `hls` or `kernels`), or
  /// else Fast: how to check any program, spec2-run included, on the HLS
  /// source itself.
  Default,
  /// The driver with the simulation's fast paths (hw/sim/fast_engines.cpp)
  /// for LOAD and SCONV and the HLS source's engines for the rest.
  Fast,
  /// The driver with the HLS source's engine functions for every
  /// instruction (hw/src: the code Vitis HLS synthesises).
  Hls,
  /// The HLS top kernels (hw/src/top.cpp), each on a thread of its own, as
  /// the card runs them: the compute dispatcher and its units overlap as
  /// they would there. There is no clock: the timing counters
  /// (totalCycles, moduleBusy, tokenWait, ddrWait) stay 0 and no trace is
  /// kept; the others are kept. A deadlock stops the process.
  Kernels,
};

struct RunOptions {
  bool trace = false;
  Engines engines = Engines::Default;
};

/// One simulated overlay instance with its own on-chip memories. Not
/// thread-safe; make one per thread.
class Overlay {
public:
  virtual ~Overlay() = default;
  /// Runs `insns` against `dram` (the program's DRAM image, modified in
  /// place). The program is expected to have passed the loader's checks;
  /// anything it still gets wrong is contained and reported as a fault.
  virtual RunResult run(const isa::Word *insns, size_t count, uint8_t *dram,
                        uint64_t dramBytes, const RunOptions &options) = 0;
};

/// A configuration compiled into this build.
struct Backend {
  const char *name;
  OverlayConfig config;
  uint64_t configHash;
  std::unique_ptr<Overlay> (*create)();
};

/// All backends compiled in, and lookups.
const std::vector<const Backend *> &backends();
const Backend *findBackend(uint64_t configHash);
const Backend *findBackend(const std::string &name);

} // namespace sim
} // namespace spec2

#endif // SPEC2_SIM_H
