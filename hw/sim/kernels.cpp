// The HLS top kernels of hw/src/top.cpp run as the card runs them: fetch
// fills the three module queues, then load, store, the compute dispatcher,
// the retire kernel and the three compute units each run on a thread of
// their own, called as often as the program gives them work (the card
// restarts them by itself), talking only through hls::stream FIFOs and the
// shared buffers. Blocking stream reads between the threads come from the
// shim (hw/shim/hls_stream.h).
#include "sim_engines.h"
#include "top.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

sim::RunResult runTopKernels(const Word *insns, size_t count, Dram dram,
                             Buffers &buf) {
  sim::RunResult result;
  // The dispatcher runs until FINISH: a program must end in its only one.
  unsigned calls[kNumUnits] = {0, 0, 0, 0, 0}; // per ComputeUnit
  unsigned loads = 0, stores = 0, computes = 0, finishes = 0;
  // Each unit runs its instructions in program order: its k-th call is
  // the k-th of these (what per-instruction counters are attributed by).
  std::vector<uint32_t> unitInsns[kNumUnits];
  for (size_t i = 0; i < count; ++i) {
    const unsigned op = unsigned(getField(insns[i], kOpcode));
    loads += op == kLoad;
    stores += op == kStore;
    if (moduleOf(op) == kComputeModule) {
      ++computes;
      ++calls[unitOf(op)];
      unitInsns[unitOf(op)].push_back(uint32_t(i));
    }
    finishes += op == kFinish;
  }
  if (finishes != 1 || getField(insns[count - 1], kOpcode) != kFinish) {
    finishStatus(result, false);
    return result;
  }

  hls::stream<Word> loadQ, computeQ, storeQ, fftQ, sconvQ, vectorQ, spatialQ;
  hls::stream<bool> l2c, c2l, c2s, s2c;
  hls::stream<bool> fftFinished, fftFinishedRetire, sconvReleased,
      sconvFinished, sconvFinishedRetire, vectorFinishedRetire,
      spatialFinished, spatialFinishedRetire;
  hls::stream<uint8_t> vectorEvents;
  hls::stream<RetireRecord> retireQ;
  // The fetch kernel reads an instruction image (isa.h, Runtime levels):
  // this stream as the only level of one.
  std::vector<Word> image(count + 1);
  image[0] = levelEntry(1, uint32_t(count));
  std::copy(insns, insns + count, image.begin() + 1);
  spec2_fetch(0, image.data(), loadQ, computeQ, storeQ);

  std::mutex lock; // guards the counters
  sim::Counters &ctr = result.counters;
  ctr.saturatedByInsn.assign(count, 0);
  unsigned unitCalls[kNumUnits] = {};
  auto count1 = [&](const Activity &act, unsigned module, unsigned opcode) {
    std::lock_guard<std::mutex> g(lock);
    countActivity(ctr, act, module, opcode);
  };
  // A compute unit's call, attributed to its instruction.
  auto countUnit = [&](const Activity &act, unsigned unit, unsigned opcode) {
    count1(act, kComputeModule, opcode);
    std::lock_guard<std::mutex> g(lock);
    const unsigned k = unitCalls[unit]++;
    if (k < unitInsns[unit].size())
      ctr.saturatedByInsn[unitInsns[unit][k]] = act.saturated;
  };
  auto repeat = [](unsigned n, auto call) {
    return [n, call] {
      for (unsigned i = 0; i < n; ++i)
        call();
    };
  };
  hls::sim::runConcurrently({
      repeat(loads,
             [&] {
               Activity act;
               spec2_load(dram.bytes, dram.size, loadQ, c2l, l2c, buf, act);
               count1(act, kLoadModule, kLoad);
             }),
      repeat(stores,
             [&] {
               Activity act;
               spec2_store(dram.bytes, dram.size, storeQ, c2s, s2c, buf, act);
               count1(act, kStoreModule, kStore);
             }),
      [&] {
        spec2_compute(computeQ, l2c, s2c, fftQ, sconvQ, vectorQ, spatialQ,
                      fftFinished, sconvReleased, sconvFinished, vectorEvents,
                      spatialFinished, retireQ);
      },
      repeat(computes,
             [&] {
               spec2_retire(retireQ, fftFinishedRetire, sconvFinishedRetire,
                            vectorFinishedRetire, spatialFinishedRetire, c2l,
                            c2s);
             }),
      repeat(calls[kUnitFft],
             [&] {
               Activity act;
               spec2_fft(fftQ, fftFinished, fftFinishedRetire, buf, act);
               countUnit(act, kUnitFft, kFft);
             }),
      repeat(calls[kUnitSconv],
             [&] {
               Activity act;
               spec2_sconv(sconvQ, sconvReleased, sconvFinished,
                           sconvFinishedRetire, buf, act);
               countUnit(act, kUnitSconv, kSconv);
             }),
      repeat(calls[kUnitSpatial],
             [&] {
               Activity act;
               spec2_spatial(spatialQ, spatialFinished, spatialFinishedRetire,
                             buf, act);
               countUnit(act, kUnitSpatial, kConv);
             }),
      repeat(calls[kUnitVector],
             [&] {
               Activity act;
               spec2_vector(vectorQ, vectorEvents, vectorFinishedRetire, buf,
                            act);
               // (OUTQ, GEMV, VEC and CONVQ are told apart below.)
               countUnit(act, kUnitVector, kNumOpcodes);
             }),
  });
  // Retired instructions per opcode: all of them (the program ran to its
  // FINISH), counted from the program as the vector unit mixes three.
  for (uint64_t &n : ctr.insns)
    n = 0;
  for (size_t i = 0; i < count; ++i) {
    const unsigned op = unsigned(getField(insns[i], kOpcode));
    if (op < kNumOpcodes)
      ++ctr.insns[op];
  }
  finishStatus(result, true);
  return result;
}

} // namespace SPEC2_HW_NS
} // namespace spec2
