//===- ProgramBuilder.h - Instruction groups wired by tokens ----*- C++ -*-===//
//
// A program is built as groups of instruction words: the loads that fill
// the on-chip buffers, the compute instructions that use them and the
// stores that write the results back. ProgramBuilder puts them in program
// order and sets their dependency-token bits:
//  - the last load of a group pushes to compute; its first compute pops it;
//  - without stores, the last compute pushes back to load (the buffers may
//    be refilled), and the next group's first load pops that;
//  - with stores, the last compute pushes to store; the last store pushes
//    back to compute, where a NOP (or the final FINISH) pops it and pushes
//    on to load: a layer's loads never overtake the stores of the layer
//    before, whose output they read. (Weight loads into halves an
//    overlapped run has finished with may: InsnGroup::prefetch.)
// The lowering (SpectralToOverlay) and the tiling search's estimate
// (ConvSearch.cpp) both build through it, so the stream the search times
// with the cost model is the stream the program holds.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SCHEDULING_PROGRAMBUILDER_H
#define SPEC2_SCHEDULING_PROGRAMBUILDER_H

#include "spec2/Target/Insn.h"

#include <cstdint>
#include <deque>
#include <list>
#include <vector>

namespace spec2 {

/// Loads, then the computes that use them, then the stores of the results.
/// In an overlapped run, the first `lead` computes may run before the
/// previous group's tail, and the computes from `tailFrom` on (the tail) are
/// the ones that write OUT.
struct InsnGroup {
  std::vector<Insn> loads, computes, stores;
  size_t lead = 0;
  size_t tailFrom = 0;
  /// The first `prefetch` loads read no earlier layer's output (KER, BIAS
  /// into halves the layer before no longer uses): after an overlapped run
  /// they wait only for its computes.
  size_t prefetch = 0;
};

/// One instruction of the program and the layer it implements (reports
/// attribute the program's cost to layers by it).
struct ProgramInsn {
  Insn insn;
  uint32_t layer;
};

class ProgramBuilder {
public:
  ProgramBuilder() = default;
  /// Not copyable: its iterators point into its own lists.
  ProgramBuilder(const ProgramBuilder &) = delete;
  ProgramBuilder &operator=(const ProgramBuilder &) = delete;

  /// Instructions added from now on belong to layer `l`.
  void setLayer(uint32_t l) { layer = l; }

  /// Appends `g` and wires its tokens; `g` is left empty.
  void flush(InsnGroup &g);

  /// Between beginOverlap() and endOverlap(), the loads of a group wait only
  /// for the computes of the group before the previous one, so they run
  /// while the previous group computes; the caller alternates the halves of
  /// the buffers the loads write. Every group of the run has loads and
  /// computes. A store inside the run hands its token back to the compute
  /// module alone: a NOP waits for it before the tail of the next group, or,
  /// with `outHalves` (the caller alternates halves of OUT too), of the group
  /// after that. A group's lead computes go before the previous group's tail
  /// (and its NOPs), so that they run beside that group's last computes.
  void beginOverlap(bool outHalves = false);
  void endOverlap();

  /// Ends the program: FINISH waits for the last store.
  void finish();

  const std::list<ProgramInsn> &program() const { return insns; }
  /// The program's words in order.
  std::vector<isa::Word> words() const;

private:
  using Iter = std::list<ProgramInsn>::iterator;
  Iter none() { return insns.end(); }
  /// Appends a NOP (compute module) and returns it.
  Iter appendNop();
  /// Appends a NOP that takes one store token: the compute module waits for
  /// that store.
  Iter appendStoreWait();
  /// The loads may read what the last store wrote: a NOP takes the store's
  /// token and hands one on to the loads.
  void storeToLoads();
  void flushOverlapped(std::vector<Iter> &loads, std::vector<Iter> &computes,
                       std::vector<Iter> &stores, const InsnGroup &g,
                       size_t ahead);
  void flushInTurn(std::vector<Iter> &loads, std::vector<Iter> &computes,
                   std::vector<Iter> &stores);

  std::list<ProgramInsn> insns;
  /// Where a group's instructions wait until they take their place.
  std::list<ProgramInsn> staged;
  uint32_t layer = 0;
  bool loadMustWait = false;
  bool storePending = false;
  Iter danglingPush = insns.end();
  /// The overlapped run: each group's last compute and whether it stored.
  struct RunGroup {
    Iter compute;
    bool stored;
  };
  bool overlap = false;
  /// In the run: where the last group's tail (or the NOPs before it)
  /// starts, before which the next group's lead computes go.
  Iter tailAt = insns.end();
  /// The last run's computes of group G-2, still pushing a token that the
  /// next group's prefetching loads may take.
  Iter spare = insns.end();
  /// In the run: the groups whose store tokens the compute module has not
  /// taken yet, and how many groups later it takes them.
  std::deque<size_t> storeGroups;
  size_t storeLag = 1;
  std::vector<RunGroup> run;
};

} // namespace spec2

#endif // SPEC2_SCHEDULING_PROGRAMBUILDER_H
