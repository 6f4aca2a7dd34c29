// The HLS top functions: one kernel per module, as in TVM VTA. Each call
// takes one instruction from its queue, waits for the dependency tokens it
// pops, executes it on the module's engines and pushes its tokens. The four
// kernels are connected by AXI streams (instruction and token queues) and
// share the on-chip buffers (ap_memory ports); hw/vitis builds them.
//
// Interfaces:
//   insns, dram   m_axi (AXI master, DDR)       count  s_axilite
//   queues        axis  (AXI stream)            control s_axilite
//   buffers       ap_memory (BRAM/URAM ports shared between the kernels)
#include "top.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {
// Partition factors for the pragmas below (compile-time constants).
constexpr uint32_t kMacLanes = kCfg.pin * kCfg.pout;
constexpr uint32_t kSpecPartitions = kCfg.pin * kCfg.specBanks;
constexpr uint32_t kFftPoints = kCfg.fftPointsPerCycle;
constexpr uint32_t kIfftPoints = kCfg.ifftPointsPerCycle;
constexpr uint32_t kVecLanes = kCfg.vecLanes;
constexpr uint32_t kFcLanes = kCfg.fcLanes;
} // namespace

/// Fetch: reads `count` instruction words and dispatches them in order.
void spec2_fetch(uint32_t count, const Word *insns, hls::stream<Word> &loadQ,
                 hls::stream<Word> &computeQ, hls::stream<Word> &storeQ) {
#pragma HLS INTERFACE s_axilite port = count bundle = control
#pragma HLS INTERFACE m_axi port = insns offset = slave bundle = ins_port
#pragma HLS INTERFACE axis port = loadQ
#pragma HLS INTERFACE axis port = computeQ
#pragma HLS INTERFACE axis port = storeQ
#pragma HLS INTERFACE s_axilite port = return bundle = control
FETCH:
  for (uint32_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
    const Word w = insns[i];
    switch (moduleOf(unsigned(getField(w, kOpcode)))) {
    case kLoadModule:
      loadQ.write(w);
      break;
    case kStoreModule:
      storeQ.write(w);
      break;
    default:
      computeQ.write(w);
      break;
    }
  }
}

/// Load: one instruction per call.
void spec2_load(uint8_t *dram, uint64_t dramBytes, hls::stream<Word> &queue,
                hls::stream<bool> &c2l, hls::stream<bool> &l2c, Buffers &buf,
                Activity &act) {
#pragma HLS INTERFACE m_axi port = dram offset = slave bundle = data_port
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = c2l
#pragma HLS INTERFACE axis port = l2c
#pragma HLS INTERFACE s_axilite port = return bundle = control
  const Word w = queue.read();
  if (getField(w, kPopNext))
    (void)c2l.read();
  execLoad(w, Dram{dram, dramBytes}, buf, act);
  if (getField(w, kPushNext))
    l2c.write(true);
}

/// Compute: one instruction per call; returns true on FINISH. Instructions
/// run one after another here, async FFTs, chained SCONVs and detached OUTQs
/// included (same results); overlapping them, as the cost model and the
/// C-simulation time them (isa::ComputeIssue), needs the FFT unit and the
/// output stage as kernels of their own (a known gap, docs/isa.md section
/// 13).
bool spec2_compute(hls::stream<Word> &queue, hls::stream<bool> &l2c,
                   hls::stream<bool> &s2c, hls::stream<bool> &c2l,
                   hls::stream<bool> &c2s, Buffers &buf, Activity &act) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = l2c
#pragma HLS INTERFACE axis port = s2c
#pragma HLS INTERFACE axis port = c2l
#pragma HLS INTERFACE axis port = c2s
#pragma HLS INTERFACE s_axilite port = return bundle = control
#pragma HLS INTERFACE s_axilite port = act bundle = control
  // Banking the resource model (lib/CostModel/ResourceModel.cpp) assumes:
  // one KER bank per MAC lane, SPEC cyclic over bins per input-channel lane,
  // per-lane accumulators fully split by lane, OACC/INP/OUT banked by the
  // FFT and vector widths. (Unverified: no Vitis on our machines.)
#pragma HLS ARRAY_PARTITION variable = buf.ker cyclic factor = kMacLanes
#pragma HLS ARRAY_PARTITION variable = buf.spec cyclic factor = kSpecPartitions
#pragma HLS ARRAY_PARTITION variable = buf.accRe complete dim = 1
#pragma HLS ARRAY_PARTITION variable = buf.accRe complete dim = 2
#pragma HLS ARRAY_PARTITION variable = buf.accIm complete dim = 1
#pragma HLS ARRAY_PARTITION variable = buf.accIm complete dim = 2
#pragma HLS ARRAY_PARTITION variable = buf.oacc cyclic factor = kIfftPoints
#pragma HLS ARRAY_PARTITION variable = buf.inp cyclic factor = kFftPoints
#pragma HLS ARRAY_PARTITION variable = buf.out cyclic factor = kVecLanes
#pragma HLS ARRAY_PARTITION variable = buf.facc cyclic factor = kFcLanes
  const Word w = queue.read();
  if (getField(w, kPopPrev))
    (void)l2c.read();
  if (getField(w, kPopNext))
    (void)s2c.read();
  execCompute(w, buf, act);
  if (getField(w, kPushPrev))
    c2l.write(true);
  if (getField(w, kPushNext))
    c2s.write(true);
  return getField(w, kOpcode) == kFinish;
}

/// Store: one instruction per call.
void spec2_store(uint8_t *dram, uint64_t dramBytes, hls::stream<Word> &queue,
                 hls::stream<bool> &c2s, hls::stream<bool> &s2c, Buffers &buf,
                 Activity &act) {
#pragma HLS INTERFACE m_axi port = dram offset = slave bundle = data_port
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = c2s
#pragma HLS INTERFACE axis port = s2c
#pragma HLS INTERFACE s_axilite port = return bundle = control
  const Word w = queue.read();
  if (getField(w, kPopPrev))
    (void)c2s.read();
  execStore(w, Dram{dram, dramBytes}, buf, act);
  if (getField(w, kPushPrev))
    s2c.write(true);
}

} // namespace SPEC2_HW_NS
} // namespace spec2
