// The C-simulation driver for one configuration: dispatches the instruction
// stream to the load, compute and store modules, lets them run concurrently
// as the dependency tokens allow, and times them. Like TVM VTA's simulation
// wrapper, it interleaves the modules in software; unlike it, it keeps a
// clock per module, so the order in which it executes instructions is the
// order in which the hardware would (earliest start first).
#include "sim_engines.h"

#include <cstdlib>
#include <cstring>
#include <deque>

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

void countActivity(sim::Counters &ctr, const Activity &act, unsigned module,
                   unsigned opcode) {
  if (module == kLoadModule)
    ctr.ddrBytesRead += act.ddrPayload;
  else if (module == kStoreModule)
    ctr.ddrBytesWritten += act.ddrPayload;
  ctr.ddrBeatBytes += act.ddrBeatBytes;
  for (unsigned e = 0; e < kNumEngines; ++e)
    ctr.engineCycles[e] += act.engine[e];
  ctr.macSteps += act.macSteps;
  ctr.macCycles += module == kComputeModule && opcode == kSconv
                       ? act.macSteps + act.bankStalls
                       : 0;
  ctr.bankConflictStalls += act.bankStalls;
  ctr.macsIssued += act.macsIssued;
  ctr.macsUseful += act.macsUseful;
  ctr.macsPadded += act.macsPadded;
  ctr.faults += act.faults;
  ctr.saturated += act.saturated;
  if (opcode < kNumOpcodes)
    ++ctr.insns[opcode];
}

/// The status of a run that ended without deadlock.
void finishStatus(sim::RunResult &result, bool finished) {
  if (result.status == sim::Status::Ok && !finished) {
    result.status = sim::Status::BadProgram;
    result.message = "the program ended without a FINISH instruction";
  } else if (result.status == sim::Status::Ok && result.counters.faults) {
    result.status = sim::Status::Fault;
    result.message =
        std::to_string(result.counters.faults) +
        " faults: kernel indices or addresses outside their buffers";
  }
}

namespace {

/// The four token queues between neighbouring modules; each token carries
/// the cycle at which it was pushed.
struct TokenQueues {
  std::deque<uint64_t> l2c, c2l, c2s, s2c;
};

class SimOverlay final : public sim::Overlay {
public:
  SimOverlay() : buf(new Buffers()) {}

  sim::RunResult run(const Word *insns, size_t count, uint8_t *dramBytes,
                     uint64_t dramSize,
                     const sim::RunOptions &options) override;

private:
  /// Runs one load, store or compute instruction on the chosen engines.
  void exec(bool fast, const Word &w, Dram dram, Activity &act);

  std::unique_ptr<Buffers> buf;
  FastEngines fast;
};

/// The engines a run uses: the option, else SPEC2_SIM (fast, hls or
/// kernels), else the fast paths.
sim::Engines enginesOf(const sim::RunOptions &options) {
  if (options.engines != sim::Engines::Default)
    return options.engines;
  const char *env = std::getenv("SPEC2_SIM");
  if (env && std::strcmp(env, "hls") == 0)
    return sim::Engines::Hls;
  if (env && std::strcmp(env, "kernels") == 0)
    return sim::Engines::Kernels;
  return sim::Engines::Fast;
}

void SimOverlay::exec(bool fast, const Word &w, Dram dram, Activity &act) {
  const unsigned opcode = unsigned(getField(w, kOpcode));
  if (fast)
    this->fast.exec(w, dram, *buf, act);
  else if (opcode == kLoad)
    execLoad(w, dram, *buf, act);
  else if (opcode == kStore)
    execStore(w, dram, *buf, act);
  else
    execCompute(w, *buf, act);
}

/// Queues an instruction of `module` pops from / pushes to.
struct Ports {
  std::deque<uint64_t> *popPrev = nullptr, *popNext = nullptr;
  std::deque<uint64_t> *pushPrev = nullptr, *pushNext = nullptr;
};

Ports portsOf(unsigned module, TokenQueues &q) {
  Ports p;
  switch (module) {
  case kLoadModule:
    p.popNext = &q.c2l;
    p.pushNext = &q.l2c;
    break;
  case kComputeModule:
    p.popPrev = &q.l2c;
    p.pushPrev = &q.c2l;
    p.popNext = &q.s2c;
    p.pushNext = &q.c2s;
    break;
  default:
    p.popPrev = &q.c2s;
    p.pushPrev = &q.s2c;
    break;
  }
  return p;
}

const char *moduleName(unsigned m) {
  return m == kLoadModule ? "load" : m == kComputeModule ? "compute" : "store";
}

sim::RunResult SimOverlay::run(const Word *insns, size_t count,
                               uint8_t *dramBytes, uint64_t dramSize,
                               const sim::RunOptions &options) {
  sim::RunResult result;
  sim::Counters &ctr = result.counters;
  const Dram dram{dramBytes, dramSize};
  // Reset: the runtime resets the overlay before each program, which clears
  // the output accumulators (OACC); everything else a program must write
  // before it reads.
  std::memset(buf->oacc, 0, sizeof(buf->oacc));
  const sim::Engines engines = enginesOf(options);
  if (engines == sim::Engines::Kernels)
    return runTopKernels(insns, count, dram, *buf);
  const bool fastPaths = engines == sim::Engines::Fast;
  ctr.saturatedByInsn.assign(count, 0);

  // Fetch: split the stream into the three module queues, in program order.
  std::vector<uint32_t> queue[3];
  for (size_t i = 0; i < count; ++i)
    queue[moduleOf(unsigned(getField(insns[i], kOpcode)))].push_back(
        uint32_t(i));

  TokenQueues tokens;
  size_t head[3] = {0, 0, 0};
  uint64_t clock[3] = {0, 0, 0};
  uint64_t ddrFree = 0;
  ComputeIssue issue;
  bool finished = false;
  for (;;) {
    int best = -1;
    uint64_t bestStart = 0;
    for (unsigned m = 0; m < 3; ++m) {
      if (head[m] == queue[m].size())
        continue;
      const Word &w = insns[queue[m][head[m]]];
      Ports p = portsOf(m, tokens);
      uint64_t start = m == kComputeModule ? issue.ready(w) : clock[m];
      bool ready = true;
      if (getField(w, kPopPrev)) {
        if (!p.popPrev || p.popPrev->empty())
          ready = false;
        else if (p.popPrev->front() > start)
          start = p.popPrev->front();
      }
      if (getField(w, kPopNext)) {
        if (!p.popNext || p.popNext->empty())
          ready = false;
        else if (p.popNext->front() > start)
          start = p.popNext->front();
      }
      if (ready && (best < 0 || start < bestStart)) {
        best = int(m);
        bestStart = start;
      }
    }
    if (best < 0) {
      bool done = true;
      std::string stuck;
      for (unsigned m = 0; m < 3; ++m)
        if (head[m] != queue[m].size()) {
          done = false;
          stuck += std::string(stuck.empty() ? "" : ", ") + moduleName(m) +
                   " at instruction " + std::to_string(queue[m][head[m]]);
        }
      if (!done) {
        result.status = sim::Status::Deadlock;
        result.message =
            "deadlock: every module waits for a token (" + stuck + ")";
      }
      break;
    }

    const unsigned m = unsigned(best);
    const uint32_t index = queue[m][head[m]++];
    const Word &w = insns[index];
    const unsigned opcode = unsigned(getField(w, kOpcode));
    Ports p = portsOf(m, tokens);
    if (getField(w, kPopPrev))
      p.popPrev->pop_front();
    if (getField(w, kPopNext))
      p.popNext->pop_front();

    Activity act;
    uint64_t end, pushed, moduleFree, released;
    if (m == kLoadModule || m == kStoreModule) {
      exec(fastPaths, w, dram, act);
      // The DDR serves one transfer at a time; the request latency overlaps.
      const uint64_t ready = bestStart + kCfg.dmaLatency;
      const uint64_t xfer = ready > ddrFree ? ready : ddrFree;
      ctr.ddrWait += xfer - ready;
      end = xfer + act.ddrCycles;
      pushed = end;
      released = end;
      moduleFree = clock[m];
      ddrFree = end;
    } else {
      if (opcode < kNumOpcodes)
        exec(fastPaths, w, dram, act);
      else
        ++act.faults;
      end = bestStart + act.cycles;
      moduleFree = issue.ready(w);
      const uint64_t release =
          act.release == Activity::kSameAsCycles ? act.cycles : act.release;
      released = bestStart + release;
      pushed = issue.record(w, bestStart, end, released);
      if (opcode == kFinish)
        finished = true;
    }
    ctr.tokenWait[m] += bestStart - moduleFree;
    ctr.moduleBusy[m] += end - bestStart;
    clock[m] = end;
    if (end > ctr.totalCycles)
      ctr.totalCycles = end;
    countActivity(ctr, act, m, opcode);
    ctr.saturatedByInsn[index] = act.saturated;
    if (options.trace)
      result.trace.push_back({index, bestStart, end, act.cycles, released});
    if (getField(w, kPushPrev) && p.pushPrev)
      p.pushPrev->push_back(pushed);
    if (getField(w, kPushNext) && p.pushNext)
      p.pushNext->push_back(pushed);
  }

  finishStatus(result, finished);
  return result;
}

std::unique_ptr<sim::Overlay> create() {
  return std::make_unique<SimOverlay>();
}

} // namespace

const sim::Backend &backend() {
  static const sim::Backend b{hwcfg::kConfigName, kCfg, hwcfg::kConfigHash,
                              &create};
  return b;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
