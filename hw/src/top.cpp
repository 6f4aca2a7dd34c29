// The HLS top functions: one kernel per module, as in TVM VTA, and inside
// the compute module one kernel per unit, so that the units overlap exactly
// as isa::ComputeIssue (and with it the cost model) says:
//
//   fetch --> load ------------------------------------------------+
//         |     ^ c2l            l2c v                             |
//         +--> compute (dispatcher) --> fft    --+                 | buffers
//         |     ^ s2c    |          --> sconv  --+-- finished --> retire
//         |     |        |          --> spatial--+
//         |     |        |          --> vector --+                 |  | c2l,
//         c2s
//         +--> store <---+---------------------------------------------+
//
// The dispatcher takes the compute instructions in program order, waits for
// what the issue rule makes each wait for (the unit events below) and for
// the tokens it pops, and hands it to its unit; the units run side by side,
// each one instruction at a time, and report kReleased/kFinished back; the
// retire kernel pushes each instruction's tokens once it and every
// instruction before it have finished. Load, store, retire and the units
// take one item per call (auto-restart, or free-running: ap_ctrl_none); the
// dispatcher runs one program per call and returns true on FINISH.
// hw/vitis builds the kernels and the FIFOs between them.
//
// Interfaces:
//   insns, dram   m_axi (AXI master, DDR)       level  s_axilite
//   queues        axis  (AXI stream)            control s_axilite
//   buffers       ap_memory (BRAM/URAM ports shared between the kernels)
#include "top.h"
#include "spatial_conv.h"
#include "spectral_conv.h"

namespace spec2 {
namespace SPEC2_HW_NS {
using namespace isa;

namespace {
// Partition factors for the pragmas below (compile-time constants): the
// banking the resource model (lib/CostModel/ResourceModel.cpp) assumes: one
// KER bank per MAC lane, SPEC cyclic over bins per input-channel lane,
// OACC/INP/OUT banked by the FFT and vector widths. (Unverified: no Vitis
// on our machines.)
constexpr uint32_t kKerBanks = kCfg.pin * kCfg.pout;
constexpr uint32_t kSpecPartitions = kCfg.pin * kCfg.specBanks;
constexpr uint32_t kFftPoints = kCfg.fftPointsPerCycle;
constexpr uint32_t kIfftPoints = kCfg.ifftPointsPerCycle;
constexpr uint32_t kVecLanes = kCfg.vecLanes;
constexpr uint32_t kFcLanes = kCfg.fcLanes;
// The spatial engine reads conv_pk entries of each of its conv_pout lanes a
// step (P*pk consecutive KER entries), and conv_pk*conv_px source elements
// broadcast over the lanes (docs/isa.md, CONV).
constexpr uint32_t kConvKerBanks = kCfg.convPout * kCfg.convPk;
constexpr uint32_t kConvSrcBanks = kCfg.convPk * kCfg.convPx;
} // namespace

/// Fetch: reads the level-table word `level` of the instruction image
/// `insns` (isa.h, Runtime levels), then that level's instruction words, and
/// dispatches them in order. `level` is the LEVEL register the host writes
/// before each run: choosing a pruning level costs one table read.
void spec2_fetch(uint32_t level, const Word *insns, hls::stream<Word> &loadQ,
                 hls::stream<Word> &computeQ, hls::stream<Word> &storeQ) {
#pragma HLS INTERFACE s_axilite port = level bundle = control
#pragma HLS INTERFACE m_axi port = insns offset = slave bundle = ins_port
#pragma HLS INTERFACE axis port = loadQ
#pragma HLS INTERFACE axis port = computeQ
#pragma HLS INTERFACE axis port = storeQ
#pragma HLS INTERFACE s_axilite port = return bundle = control
  const Word entry = insns[level];
  const uint32_t first = levelFirst(entry), count = levelCount(entry);
FETCH:
  for (uint32_t i = 0; i < count; ++i) {
#pragma HLS PIPELINE II = 1
    const Word w = insns[first + i];
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

ComputeUnit unitOf(unsigned opcode) {
  switch (opcode) {
  case kFft:
    return kUnitFft;
  case kSconv:
    return kUnitSconv;
  case kOutq:
  case kGemv:
  case kVec:
  case kConvq:
    return kUnitVector;
  case kConv:
    return kUnitSpatial;
  default:
    return kUnitNone;
  }
}

namespace {

/// The dispatcher's view of the units: instructions handed to each, and how
/// many of them it has reported released and finished (units finish in
/// order, so counts say which).
struct UnitCounts {
  uint32_t sent[kNumUnits] = {0, 0, 0, 0, 0};
  uint32_t released[kNumUnits] = {0, 0, 0, 0, 0};
  uint32_t finished[kNumUnits] = {0, 0, 0, 0, 0};

  void takeVectorEvent(uint8_t e) {
    if (e == kReleased) {
      ++released[kUnitVector];
    } else {
      ++finished[kUnitVector];
      if (released[kUnitVector] < finished[kUnitVector])
        released[kUnitVector] = finished[kUnitVector];
    }
  }
};

} // namespace

/// Compute: the dispatcher. One call runs one program's compute
/// instructions and returns true once FINISH has issued (everything before
/// it has finished by then; its tokens follow from the retire kernel).
bool spec2_compute(hls::stream<Word> &queue, hls::stream<bool> &l2c,
                   hls::stream<bool> &s2c, hls::stream<Word> &fftQ,
                   hls::stream<Word> &sconvQ, hls::stream<Word> &vectorQ,
                   hls::stream<Word> &spatialQ,
                   hls::stream<bool> &fftFinished,
                   hls::stream<bool> &sconvReleased,
                   hls::stream<bool> &sconvFinished,
                   hls::stream<uint8_t> &vectorEvents,
                   hls::stream<bool> &spatialFinished,
                   hls::stream<RetireRecord> &retireQ) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = l2c
#pragma HLS INTERFACE axis port = s2c
#pragma HLS INTERFACE axis port = fftQ
#pragma HLS INTERFACE axis port = sconvQ
#pragma HLS INTERFACE axis port = vectorQ
#pragma HLS INTERFACE axis port = spatialQ
#pragma HLS INTERFACE axis port = fftFinished
#pragma HLS INTERFACE axis port = sconvReleased
#pragma HLS INTERFACE axis port = sconvFinished
#pragma HLS INTERFACE axis port = vectorEvents
#pragma HLS INTERFACE axis port = spatialFinished
#pragma HLS INTERFACE axis port = retireQ
#pragma HLS INTERFACE s_axilite port = return bundle = control
  UnitCounts u;
  bool finish = false;
DISPATCH:
  while (!finish) {
    const Word w = queue.read();
    const unsigned op = unsigned(getField(w, kOpcode));
    const ComputeUnit unit = unitOf(op);
    // Finished SCONVs nobody waits for yet are taken in passing, so that
    // the unit never blocks on a full event FIFO.
  DRAIN:
    while (!sconvFinished.empty()) {
      (void)sconvFinished.read();
      ++u.finished[kUnitSconv];
    }
    // The issue rule (isa::ComputeIssue): an async FFT waits for the FFT
    // unit only; an FFT, SCONV, CONV or NOP for the releases of everything
    // before it; anything else for everything before it to finish. (An
    // FFT's release is its end, and so is a CONV's.)
    const bool async = ComputeIssue::isAsync(w);
    const bool all = !async && !ComputeIssue::followsReleases(w);
  WAIT_FFT:
    while (u.finished[kUnitFft] < u.sent[kUnitFft]) {
      (void)fftFinished.read();
      ++u.finished[kUnitFft];
    }
  WAIT_SCONV:
    while (!async && u.released[kUnitSconv] < u.sent[kUnitSconv]) {
      (void)sconvReleased.read();
      ++u.released[kUnitSconv];
    }
  WAIT_SCONV_END:
    while (all && u.finished[kUnitSconv] < u.sent[kUnitSconv]) {
      (void)sconvFinished.read();
      ++u.finished[kUnitSconv];
    }
  WAIT_SPATIAL:
    while (!async && u.finished[kUnitSpatial] < u.sent[kUnitSpatial]) {
      (void)spatialFinished.read();
      ++u.finished[kUnitSpatial];
    }
  WAIT_VECTOR:
    while (!async && (u.released[kUnitVector] < u.sent[kUnitVector] ||
                      (all && u.finished[kUnitVector] < u.sent[kUnitVector])))
      u.takeVectorEvent(vectorEvents.read());
    // The tokens it pops.
    if (getField(w, kPopPrev))
      (void)l2c.read();
    if (getField(w, kPopNext))
      (void)s2c.read();
    // Issue: the unit starts it now (it is free: the rule waited for that).
    if (unit == kUnitFft)
      fftQ.write(w);
    else if (unit == kUnitSconv)
      sconvQ.write(w);
    else if (unit == kUnitVector)
      vectorQ.write(w);
    else if (unit == kUnitSpatial)
      spatialQ.write(w);
    ++u.sent[unit];
    retireQ.write(RetireRecord{uint8_t(unit), getField(w, kPushPrev) != 0,
                               getField(w, kPushNext) != 0});
    finish = op == kFinish;
  }
  return true;
}

/// Retire: one compute instruction per call, in program order. Pushes its
/// tokens once its unit reports it finished; the ones before it have
/// finished by then, so a token still covers everything before it.
void spec2_retire(hls::stream<RetireRecord> &retireQ,
                  hls::stream<bool> &fftFinished,
                  hls::stream<bool> &sconvFinished,
                  hls::stream<bool> &vectorFinished,
                  hls::stream<bool> &spatialFinished, hls::stream<bool> &c2l,
                  hls::stream<bool> &c2s) {
#pragma HLS INTERFACE axis port = retireQ
#pragma HLS INTERFACE axis port = fftFinished
#pragma HLS INTERFACE axis port = sconvFinished
#pragma HLS INTERFACE axis port = vectorFinished
#pragma HLS INTERFACE axis port = spatialFinished
#pragma HLS INTERFACE axis port = c2l
#pragma HLS INTERFACE axis port = c2s
#pragma HLS INTERFACE ap_ctrl_none port = return
  const RetireRecord r = retireQ.read();
  if (r.unit == kUnitFft)
    (void)fftFinished.read();
  else if (r.unit == kUnitSconv)
    (void)sconvFinished.read();
  else if (r.unit == kUnitVector)
    (void)vectorFinished.read();
  else if (r.unit == kUnitSpatial)
    (void)spatialFinished.read();
  if (r.pushPrev)
    c2l.write(true);
  if (r.pushNext)
    c2s.write(true);
}

/// The FFT unit: one FFT per call.
void spec2_fft(hls::stream<Word> &queue, hls::stream<bool> &finished,
               hls::stream<bool> &finishedRetire, Buffers &buf, Activity &act) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = finished
#pragma HLS INTERFACE axis port = finishedRetire
#pragma HLS INTERFACE s_axilite port = act bundle = control
#pragma HLS INTERFACE ap_ctrl_none port = return
#pragma HLS ARRAY_PARTITION variable = buf.inp cyclic factor = kFftPoints
  const Word w = queue.read();
  execFft(w, buf, act);
  finished.write(true);
  finishedRetire.write(true);
}

/// The MAC/IFFT pipeline: one SCONV per call through three processes. The
/// IFFT stage reports the SCONV released when its last IFFT is done, while
/// the overlap-and-add stage still drains (and, with ap_ctrl_chain, the MAC
/// stage may already take the next SCONV); the overlap-and-add stage reports
/// it finished.
void spec2_sconv(hls::stream<Word> &queue, hls::stream<bool> &released,
                 hls::stream<bool> &finished, hls::stream<bool> &finishedRetire,
                 Buffers &buf, Activity &act) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = released
#pragma HLS INTERFACE axis port = finished
#pragma HLS INTERFACE axis port = finishedRetire
#pragma HLS INTERFACE s_axilite port = act bundle = control
#pragma HLS INTERFACE ap_ctrl_none port = return
#pragma HLS ARRAY_PARTITION variable = buf.ker cyclic factor = kKerBanks
#pragma HLS ARRAY_PARTITION variable = buf.spec cyclic factor = kSpecPartitions
#pragma HLS ARRAY_PARTITION variable = buf.oacc cyclic factor = kIfftPoints
#pragma HLS DATAFLOW
  hls::stream<SconvBlock> toIfft, toOverlapAdd;
  SconvAccs accs; // two blocks of lane accumulators (spectral_conv.h)
  hls::stream<SconvTile> tiles;
  // A header or two ahead, one tile towards the overlap-and-add process,
  // which drains behind the IFFT.
#pragma HLS STREAM variable = toIfft depth = 2
#pragma HLS STREAM variable = toOverlapAdd depth = 2
#pragma HLS STREAM variable = tiles depth = 2
  sconvMacStage(queue, buf.ker, buf.spec, toIfft, accs);
  sconvIfftStage(toIfft, accs, toOverlapAdd, tiles, released);
  sconvOverlapAddStage(toOverlapAdd, tiles, buf.oacc, act, finished,
                       finishedRetire);
}

/// The spatial conv engine's MAC lanes: one CONV per call. A CONV waits for
/// everything before it and everything after it waits for its end
/// (isa::ComputeIssue), so it reports only that.
void spec2_spatial(hls::stream<Word> &queue, hls::stream<bool> &finished,
                   hls::stream<bool> &finishedRetire, Buffers &buf,
                   Activity &act) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = finished
#pragma HLS INTERFACE axis port = finishedRetire
#pragma HLS INTERFACE s_axilite port = act bundle = control
#pragma HLS INTERFACE ap_ctrl_none port = return
#pragma HLS ARRAY_PARTITION variable = buf.ker cyclic factor = kConvKerBanks
#pragma HLS ARRAY_PARTITION variable = buf.inp cyclic factor = kConvSrcBanks
#pragma HLS ARRAY_PARTITION variable = buf.mid cyclic factor = kConvSrcBanks
  const Word w = queue.read();
  execConv(w, buf, act);
  finished.write(true);
  finishedRetire.write(true);
}

/// The conv output stages (OUTQ, CONVQ), the FC engine and the vector unit:
/// one instruction per call. None of them ever overlaps another (each waits
/// for everything before it), so they share a unit. A detached OUTQ reports
/// itself released after its kept rows have moved, a detached CONVQ as it
/// starts.
void spec2_vector(hls::stream<Word> &queue, hls::stream<uint8_t> &events,
                  hls::stream<bool> &finishedRetire, Buffers &buf,
                  Activity &act) {
#pragma HLS INTERFACE axis port = queue
#pragma HLS INTERFACE axis port = events
#pragma HLS INTERFACE axis port = finishedRetire
#pragma HLS INTERFACE s_axilite port = act bundle = control
#pragma HLS INTERFACE ap_ctrl_none port = return
#pragma HLS ARRAY_PARTITION variable = buf.out cyclic factor = kVecLanes
#pragma HLS ARRAY_PARTITION variable = buf.facc cyclic factor = kFcLanes
  const Word w = queue.read();
  const unsigned op = unsigned(getField(w, kOpcode));
  if (op == kOutq) {
    const OutqFields f = decodeOutq(w);
    outqMoveKept(f, buf.oacc);
    if (f.detach)
      events.write(kReleased);
    outqPlanes(f, buf.bias, buf.oacc, buf.out, act);
    outqTiming(f, act);
  } else if (op == kConvq) {
    // A detached CONVQ lets the next CONV start on the spatial engine
    // beside it (isa::ComputeIssue).
    if (getField(w, convq::kDetach))
      events.write(kReleased);
    execConvq(w, buf, act);
  } else if (op == kGemv) {
    execGemv(w, buf, act);
  } else {
    execVec(w, buf, act);
  }
  events.write(kFinished);
  finishedRetire.write(true);
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
