//===- ProgramBuilder.cpp - Instruction groups wired by tokens ------------===//
#include "spec2/Scheduling/ProgramBuilder.h"

#include <algorithm>
#include <cassert>

namespace spec2 {

using isa::kPopNext;
using isa::kPopPrev;
using isa::kPushNext;
using isa::kPushPrev;

ProgramBuilder::Iter ProgramBuilder::appendNop() {
  return insns.insert(insns.end(), ProgramInsn{Insn(isa::kNop), layer});
}

ProgramBuilder::Iter ProgramBuilder::appendStoreWait() {
  Iter nop = appendNop();
  nop->insn.flag(kPopNext);
  return nop;
}

void ProgramBuilder::storeToLoads() {
  Iter nop = appendNop();
  nop->insn.flag(kPopNext);
  nop->insn.flag(kPushPrev);
  loadMustWait = true;
  storePending = false;
}

void ProgramBuilder::beginOverlap(bool outHalves) {
  overlap = true;
  storeLag = outHalves ? 2 : 1;
  run.clear();
  tailAt = none();
}

void ProgramBuilder::endOverlap() {
  overlap = false;
  if (run.empty())
    return;
  // Loads 2.. popped the tokens of computes ..G-3; the last two push nothing
  // more to the run, the very last hands on as after an ordinary group. The
  // token of computes G-2 is kept for a next group whose first loads only
  // need the buffer halves the run no longer uses (prefetch).
  if (run.size() >= 2)
    spare = run[run.size() - 2].compute;
  // Store tokens still queued: all but the last group's are taken here;
  // that one is left to the next group or FINISH, as after flushInTurn.
  while (storeGroups.size() > (run.back().stored ? 1u : 0u)) {
    appendStoreWait();
    storeGroups.pop_front();
  }
  storeGroups.clear();
  if (run.back().stored) {
    run.back().compute->insn.flag(kPushPrev, false);
    storePending = true;
  } else {
    danglingPush = run.back().compute;
    loadMustWait = true;
  }
  run.clear();
}

void ProgramBuilder::flush(InsnGroup &g) {
  // Stage the group's instructions; they take their places by splicing, so
  // the iterators stay valid.
  auto stage = [&](std::vector<Insn> &from) {
    std::vector<Iter> out;
    for (Insn &i : from)
      out.push_back(staged.insert(staged.end(), ProgramInsn{i, layer}));
    return out;
  };
  std::vector<Iter> loads = stage(g.loads), computes = stage(g.computes),
                    stores = stage(g.stores);
  // Loads ahead of the stores they do not depend on take the spare token of
  // the run before; otherwise nobody does.
  const size_t ahead =
      spare != none() && g.prefetch < loads.size() ? g.prefetch : 0;
  if (ahead)
    loads.front()->insn.flag(kPopNext);
  else if (spare != none())
    spare->insn.flag(kPushPrev, false);
  spare = none();
  if (overlap)
    flushOverlapped(loads, computes, stores, g, ahead);
  else
    flushInTurn(loads, computes, stores);
  assert(staged.empty() && "every staged instruction has its place");
  g = InsnGroup();
}

void ProgramBuilder::flushOverlapped(std::vector<Iter> &loads,
                                     std::vector<Iter> &computes,
                                     std::vector<Iter> &stores,
                                     const InsnGroup &g, size_t ahead) {
  assert(!loads.empty() && !computes.empty() &&
         "an overlapped group loads and computes");
  auto append = [&](Iter i) { insns.splice(insns.end(), staged, i); };
  const size_t i = run.size();
  if (i == 0) {
    if (storePending)
      storeToLoads();
    if (loadMustWait)
      loads[ahead]->insn.flag(kPopNext);
    loadMustWait = false;
    danglingPush = none();
  } else if (i >= 2) {
    loads.front()->insn.flag(kPopNext);
  }
  loads.back()->insn.flag(kPushNext);
  for (Iter l : loads)
    append(l);
  computes.front()->insn.flag(kPopPrev);
  computes.back()->insn.flag(kPushPrev);
  const size_t n = computes.size();
  const size_t lead = i > 0 && tailAt != none() ? std::min(g.lead, n - 1) : 0;
  const size_t tailFrom = std::max(lead, std::min(g.tailFrom, n));
  for (size_t k = 0; k < lead; ++k)
    insns.splice(tailAt, staged, computes[k]);
  for (size_t k = lead; k < tailFrom; ++k)
    append(computes[k]);
  // The stores whose OUT half this group's tail may overwrite.
  tailAt = none();
  while (!storeGroups.empty() && storeGroups.front() + storeLag <= i) {
    Iter nop = appendStoreWait();
    tailAt = tailAt != none() ? tailAt : nop;
    storeGroups.pop_front();
  }
  if (tailAt == none() && tailFrom < n)
    tailAt = computes[tailFrom];
  for (size_t k = tailFrom; k < n; ++k)
    append(computes[k]);
  if (!stores.empty()) {
    computes.back()->insn.flag(kPushNext);
    stores.front()->insn.flag(kPopPrev);
    stores.back()->insn.flag(kPushPrev);
    storeGroups.push_back(i);
  }
  for (Iter s : stores)
    append(s);
  run.push_back({computes.back(), !stores.empty()});
}

void ProgramBuilder::flushInTurn(std::vector<Iter> &loads,
                                 std::vector<Iter> &computes,
                                 std::vector<Iter> &stores) {
  if (storePending) {
    if (!loads.empty())
      storeToLoads();
    else if (!computes.empty())
      computes.front()->insn.flag(kPopNext);
    storePending = false;
  }
  if (!loads.empty()) {
    if (loadMustWait)
      loads.front()->insn.flag(kPopNext);
    loadMustWait = false;
    loads.back()->insn.flag(kPushNext);
    if (!computes.empty())
      computes.front()->insn.flag(kPopPrev);
  }
  // Computes that did not need a load leave the earlier token to the next
  // load: one token per load group.
  if (loads.empty() && danglingPush != none() && !computes.empty())
    danglingPush->insn.flag(kPushPrev, false);
  danglingPush = none();
  if (stores.empty()) {
    if (!computes.empty()) {
      computes.back()->insn.flag(kPushPrev);
      danglingPush = computes.back();
      loadMustWait = true;
    }
  } else {
    computes.back()->insn.flag(kPushNext);
    stores.front()->insn.flag(kPopPrev);
    stores.back()->insn.flag(kPushPrev);
    storePending = true;
  }
  for (auto *list : {&loads, &computes, &stores})
    for (Iter it : *list)
      insns.splice(insns.end(), staged, it);
}

void ProgramBuilder::finish() {
  if (spare != none())
    spare->insn.flag(kPushPrev, false);
  spare = none();
  Iter f = insns.insert(insns.end(), ProgramInsn{Insn(isa::kFinish), layer});
  if (storePending)
    f->insn.flag(kPopNext);
  // A token pushed to the load module that nobody pops would outlive the
  // program in the hardware FIFO.
  if (danglingPush != none())
    danglingPush->insn.flag(kPushPrev, false);
}

std::vector<isa::Word> ProgramBuilder::words() const {
  std::vector<isa::Word> out;
  out.reserve(insns.size());
  for (const ProgramInsn &p : insns)
    out.push_back(p.insn.word());
  return out;
}

} // namespace spec2
