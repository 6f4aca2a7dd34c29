//===- ConvSchedule.cpp - Tilings and the walk of a conv layer ------------===//
//
// The estimate of a walk and the search over tilings and dataflows are in
// ConvSearch.cpp.
//
//===----------------------------------------------------------------------===//
#include "spec2/Scheduling/ConvSchedule.h"

#include "spec2/Support/Constants.h"

#include <algorithm>

namespace spec2 {
namespace load = isa::load;
namespace fft = isa::fft;
namespace sconv = isa::sconv;
namespace outq = isa::outq;
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
/// The most tiles one FFT or SCONV can take (their 8-bit ntx fields).
constexpr int64_t kMaxTilesAlongX = (int64_t(1) << isa::fft::kNtx.width) - 1;
static_assert(isa::fft::kNtx.width == isa::sconv::kNtx.width);

} // namespace

std::vector<int64_t> tilingArray(const ConvTiling &t) {
  return {t.rows,
          t.coBlock,
          t.ciBlock,
          int64_t(t.doubleBuffered),
          int64_t(t.carry),
          int64_t(t.oaccHalves),
          int64_t(t.wholeInput)};
}

std::optional<ConvTiling> tilingFromArray(llvm::ArrayRef<int64_t> a) {
  if (a.size() < 3 || a.size() > 7)
    return std::nullopt;
  auto flag = [&](size_t i) { return a.size() > i && a[i] != 0; };
  return ConvTiling{a[0], a[1], a[2], flag(3), flag(4), flag(5), flag(6)};
}

mlir::DenseI64ArrayAttr tilingAttr(mlir::Builder &b, const ConvTiling &t) {
  return b.getDenseI64ArrayAttr(tilingArray(t));
}

ConvGeometry ConvGeometry::of(spectral::Conv2DOp op, const OverlayConfig &cfg) {
  auto inT = op.getInput().getType(), outT = op.getOutput().getType();
  ConvGeometry g;
  g.cin = inT.getDimSize(1);
  g.h = inT.getDimSize(2);
  g.w = inT.getDimSize(3);
  g.cout = outT.getDimSize(1);
  g.ho = outT.getDimSize(2);
  g.wo = outT.getDimSize(3);
  g.kh = op.getKernel()[0];
  g.kw = op.getKernel()[1];
  g.pt = op.getPad()[0];
  g.pl = op.getPad()[1];
  g.sy = op.getStride()[0];
  g.sx = op.getStride()[1];
  g.n = cfg.fftSize;
  g.tile = op.getTileSize();
  g.nnz = op.getNnz();
  if (auto bins = readNumbers(op.getBins())) {
    auto counts = std::make_shared<PairCounts>(*bins, g.cout, g.cin, g.nnz);
    if (!counts->uniform())
      g.counts = std::move(counts);
  }
  g.bins = cfg.bins();
  g.pin = cfg.pin;
  g.pout = cfg.pout;
  return g;
}

namespace {

/// Output rows [o0, o1) of a strip, the full-resolution rows [r0, r1) they
/// come from, the input tile rows [ty0, ty1] it transforms, and its OACC
/// plane: `planeRows` rows from r0 on, of which `keep` rows from `keepFrom`
/// on go on to the next strip (carried strips only).
struct Strip {
  int64_t o0, o1, r0, r1, ty0, ty1;
  int64_t planeRows = 0, keepFrom = 0, keep = 0;
  int64_t inRows(const ConvGeometry &g) const {
    return (ty1 - ty0 + 1) * g.tile;
  }
};

/// Full-resolution row of the top of input tile row ty's IFFT output.
int64_t tileTop(const ConvGeometry &g, int64_t ty) {
  return ty * g.tile + g.pt - (g.kh - 1);
}

/// The strips of `rows` output rows. Without carry, a strip transforms every
/// tile row that reaches its rows (the border tile rows of neighbouring
/// strips are transformed twice) and its plane holds its own rows. With
/// carry, each tile row is transformed once, by the first strip it reaches;
/// the rows its overlap-and-add spills below that strip stay in OACC and
/// move up to start the next strip's plane (OUTQ keep). A strip left with no
/// tile row of its own joins the one before.
std::vector<Strip> strips(const ConvGeometry &g, int64_t rows, bool carry) {
  std::vector<Strip> out;
  const int64_t rLast = (g.ho - 1) * g.sy; // the last full-res row needed
  for (int64_t o0 = 0; o0 < g.ho; o0 += rows) {
    Strip s;
    s.o0 = o0;
    s.o1 = std::min(g.ho, o0 + rows);
    s.r0 = o0 * g.sy;
    s.r1 = (s.o1 - 1) * g.sy + 1;
    s.ty0 = g.tilesY();
    s.ty1 = -1;
    for (int64_t ty = 0; ty < g.tilesY(); ++ty) {
      const int64_t top = tileTop(g, ty);
      if (top < s.r1 && top + g.n > s.r0) {
        s.ty0 = std::min(s.ty0, ty);
        s.ty1 = std::max(s.ty1, ty);
      }
    }
    if (carry && !out.empty()) {
      s.ty0 = out.back().ty1 + 1;
      if (s.ty0 > s.ty1) { // nothing new to transform: extend the last strip
        Strip &prev = out.back();
        prev.o1 = s.o1;
        prev.r1 = s.r1;
        continue;
      }
    }
    out.push_back(s);
  }
  if (!carry) {
    for (Strip &s : out)
      s.planeRows = s.r1 - s.r0;
    return out;
  }
  // Planes: every row a strip's tiles reach (up to the last needed row), the
  // rows carried in, and its own rows; one height for all strips.
  int64_t plane = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    Strip &s = out[i];
    const int64_t reach = std::min(tileTop(g, s.ty1) + g.n, rLast + 1);
    if (i + 1 < out.size()) {
      s.keepFrom = out[i + 1].r0 - s.r0;
      s.keep = std::max<int64_t>(0, reach - out[i + 1].r0);
    }
    plane = std::max({plane, s.r1 - s.r0, reach - s.r0});
  }
  for (Strip &s : out)
    s.planeRows = plane;
  return out;
}

} // namespace

bool fits(const ConvGeometry &g, const OverlayConfig &cfg, const ConvTiling &t,
          Dataflow flow) {
  // The input rows of the tallest strip's tiles, the tallest plane.
  int64_t inRows = 0, planeRows = 0, outRows = 0, keep = 0;
  for (const Strip &s : strips(g, t.rows, t.carry)) {
    inRows = std::max(inRows, s.inRows(g));
    planeRows = std::max(planeRows, s.planeRows);
    outRows = std::max(outRows, s.o1 - s.o0);
    keep = std::max(keep, s.keep);
  }
  // Carried rows wait in OACC for the strip's next turn: with activation
  // reuse, the other output-channel chunks come in between.
  const int64_t slots = t.carry && flow == Dataflow::ActivationReuse
                            ? ceilDiv(g.cout, t.coBlock)
                            : 1;
  if (keep >= int64_t(1) << isa::outq::kKeep.width)
    return false;
  int64_t kerEntries = 0;
  for (int64_t coi = 0; coi * t.coBlock < g.cout; ++coi)
    for (int64_t cii = 0; cii * t.ciBlock < g.cin; ++cii) {
      kerEntries = std::max(kerEntries, kerChunkEntries(g, t, coi, cii));
      if (!g.counts)
        break; // every chunk the same
    }
  // Double-buffered, INP, KER and BIAS hold two of everything; OACC in
  // halves, two of its planes.
  const int64_t copies = t.doubleBuffered ? 2 : 1;
  const int64_t oaccCopies = t.oaccHalves ? 2 : 1;
  const int64_t inChannels = t.wholeInput ? g.cin : t.ciBlock;
  return t.ciBlock / g.pin <= int64_t(isa::kMaxSconvGroups) &&
         t.ciBlock * g.bins <= int64_t(cfg.specDepth / 2) &&
         inChannels * inRows * g.pitch() <= int64_t(cfg.inpDepth) / copies &&
         kerEntries <= int64_t(cfg.kerDepth) / copies &&
         slots * t.coBlock * planeRows * g.wFull() <=
             int64_t(cfg.oaccDepth) / oaccCopies &&
         t.coBlock * outRows * g.wo <= int64_t(cfg.outDepth) / copies &&
         t.coBlock <= int64_t(cfg.biasDepth) / copies;
}

int64_t chunkSteps(const ConvGeometry &g, const ConvTiling &t, int64_t coi,
                   int64_t cii) {
  const int64_t ncig = t.ciBlock / g.pin;
  if (!g.counts)
    return ncig * g.nnz;
  // At least one step (of padding) for a chunk whose kernels are all gone.
  return std::max<int64_t>(1, g.counts->steps(coi * t.coBlock, t.coBlock,
                                              cii * t.ciBlock, ncig, g.pin));
}

int64_t kerChunkEntries(const ConvGeometry &g, const ConvTiling &t, int64_t coi,
                        int64_t cii) {
  return (t.coBlock / g.pout) * chunkSteps(g, t, coi, cii) * g.pin * g.pout;
}

unsigned kerFormat(const ConvGeometry &g, const ConvTiling &t) {
  return g.bins <= int64_t(isa::kPackedMaxBins) &&
                 t.ciBlock / g.pin <= int64_t(isa::kPackedMaxGroups)
             ? isa::kKerSpectralPacked
             : isa::kKerSpectral;
}

namespace {

/// The walk of one conv layer: the state of its buffers as the groups go by
/// (what each holds, which half is in use), one function per part of a
/// group.
class ConvWalk {
public:
  ConvWalk(const ConvGeometry &g, const OverlayConfig &cfg, const ConvTiling &t,
           Dataflow flow, const ConvAddrs &addrs, const ConvShifts &shifts,
           const WeightHalves *before);

  /// The group of output group (strip si, co chunk coi) and ci chunk cii.
  InsnGroup group(size_t si, int64_t coi, int64_t cii);
  /// Calls `emit` with every group, in the dataflow's loop order.
  void run(const std::function<void(InsnGroup &)> &emit);
  /// The KER and BIAS halves the layer ends on.
  WeightHalves halves() const {
    return WeightHalves{t.doubleBuffered, kerAt != 0, biasAt != 0};
  }

private:
  /// The loads of the group whose buffers do not hold its data yet.
  void addLoads(InsnGroup &grp, size_t si, int64_t coi, int64_t cii);
  /// One FFT and one SCONV per batch of a row of tiles.
  void addTransforms(InsnGroup &grp, size_t si, int64_t coi, int64_t cii);
  /// The OUTQ and store of an output group's last ci chunk.
  void addOutput(InsnGroup &grp, size_t si, int64_t coi);

  /// The next half of a double-buffered buffer (the first load uses the
  /// half it starts on).
  void nextHalf(int64_t &at, uint32_t depth, bool first) const {
    if (t.doubleBuffered && !first)
      at = at ? 0 : int64_t(depth / 2);
  }
  /// Output group (strip, co chunk) in the order the loops visit them.
  int64_t visit(int64_t si, int64_t coi) const {
    return flow == Dataflow::ActivationReuse ? si * coChunks + coi
                                             : coi * nStrips + si;
  }
  /// Where an output group accumulates: in OACC halves, the half of its
  /// visit's parity; carried rows of each output-channel chunk keep their
  /// own planes while other chunks run in between (activation reuse).
  /// (Carried strips all have planes of one height.)
  int64_t oaccOf(int64_t si, int64_t coi) const {
    const int64_t slotPlane = all.front().planeRows * wFull;
    return (t.oaccHalves && visit(si, coi) % 2 ? int64_t(cfg.oaccDepth / 2)
                                               : 0) +
           (t.carry && flow == Dataflow::ActivationReuse
                ? coi * t.coBlock * slotPlane
                : 0);
  }

  const ConvGeometry &g;
  const OverlayConfig &cfg;
  const ConvTiling &t;
  const Dataflow flow;
  const ConvAddrs &addrs;
  const ConvShifts &shifts;
  const std::vector<Strip> all;
  const int64_t coChunks, ciChunks, nStrips, pitch, wFull;
  /// The KER format and the kernel chunks in (co chunk, ci chunk) order,
  /// each as long as its longest lane needs: steps and segment offsets.
  const unsigned format;
  std::vector<int64_t> steps, chunkAt;
  /// Whole input: one load brings all of a strip's channels, and the ci
  /// chunks' FFTs read theirs from it.
  const bool wholeStrip;
  /// After a layer that ended on known halves, the first kernels and
  /// biases go to the others, loaded ahead of the input.
  const bool prefetch;
  // What INP, KER and BIAS hold: a load of the same again is skipped.
  std::optional<std::pair<size_t, int64_t>> inpHolds; // (strip, ci chunk)
  std::optional<std::pair<int64_t, int64_t>> kerHolds; // (co, ci chunk)
  std::optional<int64_t> biasHolds;                    // co chunk
  // Where the data in use starts: the half of each buffer the last load
  // into it wrote (always 0 when not double-buffered).
  int64_t inpAt = 0, kerAt = 0, biasAt = 0;
  /// Where the group's channels start in INP.
  int64_t inpBase = 0;
  int64_t outAt = 0, stores = 0; // the same for OUTQ and store
  int64_t batches = 0;           // FFT/SCONV pairs so far
  bool first = true;             // the layer's first group
};

ConvWalk::ConvWalk(const ConvGeometry &g, const OverlayConfig &cfg,
                   const ConvTiling &t, Dataflow flow, const ConvAddrs &addrs,
                   const ConvShifts &shifts, const WeightHalves *before)
    : g(g), cfg(cfg), t(t), flow(flow), addrs(addrs), shifts(shifts),
      all(strips(g, t.rows, t.carry)), coChunks(ceilDiv(g.cout, t.coBlock)),
      ciChunks(ceilDiv(g.cin, t.ciBlock)), nStrips(int64_t(all.size())),
      pitch(g.pitch()), wFull(g.wFull()), format(kerFormat(g, t)),
      steps(coChunks * ciChunks), chunkAt(coChunks * ciChunks),
      wholeStrip(t.wholeInput && ciChunks > 1),
      prefetch(before && before->known && t.doubleBuffered) {
  for (int64_t k = 0, at = 0; k < coChunks * ciChunks; ++k) {
    steps[k] = chunkSteps(g, t, k / ciChunks, k % ciChunks);
    chunkAt[k] = at;
    at += (t.coBlock / g.pout) * steps[k] * g.pin * g.pout *
          int64_t(isa::kerEntryBytes(format));
  }
  if (prefetch) {
    kerAt = before->kerUpper ? 0 : int64_t(cfg.kerDepth / 2);
    biasAt = before->biasUpper ? 0 : int64_t(cfg.biasDepth / 2);
  }
}

void ConvWalk::addLoads(InsnGroup &grp, size_t si, int64_t coi, int64_t cii) {
  const Strip &s = all[si];
  const int64_t co0 = coi * t.coBlock, coN = std::min(t.coBlock, g.cout - co0);
  const int64_t ci0 = cii * t.ciBlock, ciN = std::min(t.ciBlock, g.cin - ci0);
  const int64_t inRows = s.inRows(g);
  const int64_t inpChunk = wholeStrip ? 0 : cii;
  if (inpHolds != std::make_pair(si, inpChunk)) {
    nextHalf(inpAt, cfg.inpDepth, !inpHolds);
    grp.loads.push_back(
        loadBox(isa::kBufInp, addrs.in + (wholeStrip ? 0 : ci0) * g.h * g.w * 2,
                inpAt,
                DramBox{g.h, g.w, s.ty0 * g.tile, 0, wholeStrip ? g.cin : ciN,
                        inRows, pitch}));
    inpHolds = std::make_pair(si, inpChunk);
  }
  inpBase = inpAt + (wholeStrip ? ci0 * inRows * pitch : 0);
  if (kerHolds != std::make_pair(coi, cii)) {
    nextHalf(kerAt, cfg.kerDepth, !kerHolds);
    grp.loads.push_back(Insn::load(isa::kBufKer)
                            .set(load::kDramAddr,
                                 addrs.seg + chunkAt[coi * ciChunks + cii])
                            .set(load::kSramAddr, kerAt)
                            .set(load::kCount, (t.coBlock / g.pout) *
                                                   steps[coi * ciChunks + cii] *
                                                   g.pin * g.pout)
                            .set(load::kKerFormat, format));
    kerHolds = std::make_pair(coi, cii);
  }
  if (biasHolds != coi) {
    nextHalf(biasAt, cfg.biasDepth, !biasHolds);
    grp.loads.push_back(
        Insn::load(isa::kBufBias)
            .set(load::kDramAddr, addrs.seg + addrs.biasOffset + co0 * 4)
            .set(load::kSramAddr, biasAt)
            .set(load::kCount, coN));
    biasHolds = coi;
  }
}

void ConvWalk::addTransforms(InsnGroup &grp, size_t si, int64_t coi,
                             int64_t cii) {
  const Strip &s = all[si];
  const int64_t co0 = coi * t.coBlock, coN = std::min(t.coBlock, g.cout - co0);
  const int64_t ci0 = cii * t.ciBlock, ciN = std::min(t.ciBlock, g.cin - ci0);
  const int64_t inRows = s.inRows(g);
  const int64_t plane = s.planeRows * wFull;
  const int64_t oaccAt = oaccOf(int64_t(si), coi);
  // A row of tiles in batches as wide as half of SPEC holds: one FFT and
  // one SCONV per batch. The batches alternate SPEC halves, so each FFT
  // but the layer's first runs beside the SCONV of the batch before.
  // Double-buffered, this group's first FFT may run beside the last SCONV
  // of the group before.
  grp.lead = t.doubleBuffered && batches > 0 ? 1 : 0;
  const int64_t specTile = t.ciBlock * g.bins;
  const int64_t batch = std::min<int64_t>(
      {g.tilesX(), int64_t(cfg.specDepth / 2) / specTile, kMaxTilesAlongX});
  for (int64_t ty = s.ty0; ty <= s.ty1; ++ty)
    for (int64_t tx = 0; tx < g.tilesX(); tx += batch) {
      // One tile leaves the fields 0 (ntx 0 reads as 1).
      const int64_t ntx = std::min(batch, g.tilesX() - tx), many = ntx > 1;
      const int64_t specAt = batches % 2 ? int64_t(cfg.specDepth / 2) : 0;
      grp.computes.push_back(
          Insn(isa::kFft)
              .set(fft::kInpAddr,
                   inpBase + (ty - s.ty0) * g.tile * pitch + tx * g.tile)
              .set(fft::kInpStride, inRows * pitch)
              .set(fft::kInpPitch, pitch)
              .set(fft::kNc, ciN)
              .set(fft::kTile, g.tile)
              .set(fft::kShift, shifts.fft)
              .set(fft::kNtx, many * ntx)
              .set(fft::kSpecTile, many * specTile)
              .set(fft::kSpecAddr, specAt)
              .set(fft::kAsync, batches > 0));
      grp.computes.push_back(
          Insn(isa::kSconv)
              .set(sconv::kKerAddr, kerAt)
              .set(sconv::kNnz, steps[coi * ciChunks + cii])
              .set(sconv::kNcig, t.ciBlock / g.pin)
              .set(sconv::kNcob, t.coBlock / g.pout)
              .set(sconv::kNco, coN)
              .set(sconv::kOaccAddr, oaccAt)
              .set(sconv::kOaccPitch, wFull)
              .set(sconv::kOaccPlane, plane)
              .set(sconv::kOaccH, s.planeRows)
              .set(sconv::kOy, tileTop(g, ty) - s.r0)
              .set(sconv::kOx, tx * g.tile + g.pl - (g.kw - 1))
              .set(sconv::kAccShift, shifts.acc)
              .set(sconv::kIfftShift, shifts.ifft)
              .set(sconv::kNtx, many * ntx)
              .set(sconv::kTxStep, many * g.tile)
              .set(sconv::kSpecAddr, specAt));
      ++batches;
    }
}

void ConvWalk::addOutput(InsnGroup &grp, size_t si, int64_t coi) {
  const Strip &s = all[si];
  const int64_t co0 = coi * t.coBlock, coN = std::min(t.coBlock, g.cout - co0);
  const int64_t plane = s.planeRows * wFull;
  const int64_t oaccAt = oaccOf(int64_t(si), coi);
  // Double-buffered, OUT alternates halves store by store too.
  nextHalf(outAt, cfg.outDepth, stores++ == 0);
  // The kept rows go where the strip below accumulates; with OACC in
  // halves every OUTQ but the layer's last runs beside what follows.
  const bool swap = s.keep && oaccOf(int64_t(si) + 1, coi) != oaccAt;
  const bool detach =
      t.oaccHalves && visit(int64_t(si), coi) + 1 < nStrips * coChunks;
  grp.computes.push_back(Insn(isa::kOutq)
                             .set(outq::kOaccAddr, oaccAt)
                             .set(outq::kOaccPitch, wFull)
                             .set(outq::kOaccPlane, plane)
                             .set(outq::kBiasAddr, biasAt)
                             .set(outq::kOutAddr, outAt)
                             .set(outq::kNc, coN)
                             .set(outq::kOh, s.o1 - s.o0)
                             .set(outq::kOw, g.wo)
                             .set(outq::kSy, g.sy)
                             .set(outq::kSx, g.sx)
                             .set(outq::kShift, shifts.outq)
                             .set(outq::kClampLo, shifts.clampLo)
                             .set(outq::kClampHi, shifts.clampHi)
                             .set(outq::kClear, 1)
                             .set(outq::kKeepFrom, s.keep ? s.keepFrom : 0)
                             .set(outq::kKeep, s.keep)
                             .set(outq::kKeepSwap, swap)
                             .set(outq::kDetach, detach));
  grp.stores.push_back(
      storeBox(addrs.out + co0 * g.ho * g.wo * 2, outAt,
               DramBox{g.ho, g.wo, s.o0, 0, coN, s.o1 - s.o0, g.wo}));
}

InsnGroup ConvWalk::group(size_t si, int64_t coi, int64_t cii) {
  InsnGroup grp;
  addLoads(grp, si, coi, cii);
  addTransforms(grp, si, coi, cii);
  grp.tailFrom = grp.computes.size();
  if (cii == ciChunks - 1)
    addOutput(grp, si, coi);
  if (prefetch && first) {
    // Weights ahead of the input, which the layer before is still storing.
    auto weights = [](const Insn &i) {
      return i.get(load::kBuffer) != isa::kBufInp;
    };
    std::stable_partition(grp.loads.begin(), grp.loads.end(), weights);
    grp.prefetch =
        size_t(std::count_if(grp.loads.begin(), grp.loads.end(), weights));
  }
  first = false;
  return grp;
}

void ConvWalk::run(const std::function<void(InsnGroup &)> &emit) {
  auto step = [&](size_t si, int64_t coi, int64_t cii) {
    InsnGroup grp = group(si, coi, cii);
    emit(grp);
  };
  if (flow == Dataflow::ActivationReuse) {
    for (size_t si = 0; si < all.size(); ++si)
      for (int64_t coi = 0; coi < coChunks; ++coi)
        for (int64_t cii = 0; cii < ciChunks; ++cii)
          step(si, coi, cii);
  } else {
    for (int64_t coi = 0; coi < coChunks; ++coi)
      for (size_t si = 0; si < all.size(); ++si)
        for (int64_t cii = 0; cii < ciChunks; ++cii)
          step(si, coi, cii);
  }
}

} // namespace

void walkConv(const ConvGeometry &g, const OverlayConfig &cfg,
              const ConvTiling &t, Dataflow flow, const ConvAddrs &addrs,
              const ConvShifts &shifts,
              const std::function<void(InsnGroup &)> &emit,
              WeightHalves *halves) {
  ConvWalk walk(g, cfg, t, flow, addrs, shifts, halves);
  walk.run(emit);
  if (halves)
    *halves = walk.halves();
}

} // namespace spec2
