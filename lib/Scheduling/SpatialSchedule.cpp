//===- SpatialSchedule.cpp - Tiling and walk of a direct conv -------------===//
#include "spec2/Scheduling/SpatialSchedule.h"

#include "spec2/Target/Insn.h"
#include "spec2/isa.h"

#include <algorithm>
#include <numeric>

namespace spec2 {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace


std::optional<std::vector<SpatialChunk>>
spatialChunks(const SpatialGeometry &g, const OverlayConfig &cfg, int64_t rows,
              bool doubleBuffered) {
  // Double-buffered: INP, KER, BIAS and OUT in halves. OACC stays whole:
  // a group's CONVQ reads it before the next CONV may start (the compute
  // module's issue rule), so it never holds two groups at once.
  const int64_t copies = doubleBuffered ? 2 : 1;
  const int64_t p = cfg.convPout, taps = g.kh * g.kw;
  const int64_t plane = g.stripRows(rows) * g.w, pix = rows * g.wo;
  const int64_t maxCo = std::min<int64_t>(
      {int64_t(cfg.oaccDepth) / pix, int64_t(cfg.outDepth) / copies / pix,
       int64_t(cfg.biasDepth) / copies});
  const int64_t inp = cfg.inpDepth / copies, ker = cfg.kerDepth / copies;
  const int64_t opg = g.opg(), cpg = g.cpg();
  std::vector<SpatialChunk> chunks;
  int64_t kerAt = 0;
  auto add = [&](int64_t co0, int64_t nco, int64_t ci0, int64_t nci,
                 int64_t inCh0, int64_t nInCh, int64_t iOpg, int64_t iCpg) {
    const int64_t count = ceilDiv(nco, p) * nci * taps * p;
    chunks.push_back({co0, nco, ci0, nci, inCh0, nInCh, iOpg, iCpg, kerAt,
                      count, nci * taps});
    kerAt += count;
  };
  // Whole groups: as many as the buffers take.
  int64_t gp = std::min<int64_t>(g.group, maxCo / opg);
  while (gp > 0 && (gp * cpg * plane > inp ||
                    ceilDiv(gp * opg, p) * cpg * taps * p > ker))
    --gp;
  // Chunks after the first start on a lane block where whole groups allow
  // it, so that a chunk's blocks are the layer's (pruned lists are chosen
  // per lane block of the layer, SpatialKer.h).
  const int64_t align = p / std::gcd(p, opg);
  if (gp < g.group && gp * opg > p && gp >= align)
    gp = gp / align * align;
  if (gp > 0) {
    for (int64_t g0 = 0; g0 < g.group; g0 += gp) {
      const int64_t n = std::min(gp, g.group - g0);
      add(g0 * opg, n * opg, 0, cpg, g0 * cpg, n * cpg, opg, cpg);
    }
    return chunks;
  }
  // Part of one group's outputs (whole lane blocks when more than one).
  int64_t nco = std::min(opg, maxCo);
  if (nco > p)
    nco = nco / p * p;
  if (nco < 1)
    return std::nullopt;
  const int64_t nci = std::min<int64_t>(
      {cpg, inp / plane, ker / (ceilDiv(nco, p) * p * taps)});
  if (nci < 1)
    return std::nullopt;
  for (int64_t grp = 0; grp < g.group; ++grp)
    for (int64_t o = 0; o < opg; o += nco) {
      const int64_t n = std::min(nco, opg - o);
      for (int64_t c = 0; c < cpg; c += nci) {
        const int64_t m = std::min(nci, cpg - c);
        add(grp * opg + o, n, c, m, grp * cpg + c, m, n, m);
      }
    }
  return chunks;
}

namespace {

/// Zeros to the OACC the layer used (spatialZeroOacc). A pruned layer's
/// lists hold indices: the zeroing CONV's one entry is then the first of the
/// layer's last list (`kerAt`), with the reduction that list's indices stay
/// below (another layer's list may hold larger ones).
Insn zeroOacc(const SpatialGeometry &g, const SpatialTiling &t,
              int64_t kerAt) {
  int64_t nco = 0, reduction = 1;
  for (const SpatialChunk &c : t.chunks) {
    nco = std::max(nco, c.nco);
    reduction = std::max(reduction, c.cpg * g.kh * g.kw);
  }
  return spatialZeroOacc(nco, t.rows, g.wo, t.indexed ? reduction : 1, kerAt);
}

} // namespace

Insn spatialZeroOacc(int64_t nco, int64_t oh, int64_t ow, int64_t reduction,
                     int64_t kerAddr) {
  namespace conv = isa::conv;
  // One tap, one tile row that starts below every tap.
  constexpr int64_t kZeroTileY0 = -(int64_t(1) << (isa::kTileBits - 1));
  return Insn(isa::kConv)
      .set(conv::kSrcPitch, 1)
      .set(conv::kY0, kZeroTileY0)
      .set(conv::kVh, 1)
      .set(conv::kVw, 1)
      .set(conv::kKh, 1)
      .set(conv::kKw, 1)
      .set(conv::kSy, 1)
      .set(conv::kSx, 1)
      .set(conv::kDy, 1)
      .set(conv::kDx, 1)
      .set(conv::kOh, oh)
      .set(conv::kOw, ow)
      .set(conv::kNco, nco)
      // An indexed entry's index must stay below cpg*kh*kw (a tap on
      // padding all the same, never read).
      .set(conv::kCpg, reduction)
      .set(conv::kKerAddr, kerAddr)
      .set(conv::kOpg, nco)
      .set(conv::kNr, 1)
      .set(conv::kFirst, 1)
      // One entry: the chain schedule clears conv_pk x conv_px pixels a
      // step, the tree only conv_px.
      .set(conv::kChain, 1);
}

int64_t SpatialGeometry::validMacs() const {
  // Padding is separable: the taps of (oy, ox) inside the input are the
  // rows inside times the columns inside.
  auto inside = [](int64_t outs, int64_t stride, int64_t pad, int64_t taps,
                   int64_t dil, int64_t size) {
    int64_t n = 0;
    for (int64_t o = 0; o < outs; ++o)
      for (int64_t k = 0; k < taps; ++k) {
        const int64_t at = o * stride - pad + k * dil;
        n += at >= 0 && at < size;
      }
    return n;
  };
  return cout * cpg() * inside(ho, sy, pt, kh, dy, h) *
         inside(wo, sx, pl, kw, dx, w);
}

SpatialGeometry SpatialGeometry::of(spectral::SpatialConv2DOp op) {
  auto in = op.getInput().getType(), out = op.getOutput().getType();
  return SpatialGeometry{in.getDimSize(1),    in.getDimSize(2),
                         in.getDimSize(3),    out.getDimSize(1),
                         out.getDimSize(2),   out.getDimSize(3),
                         op.getKernel()[0],   op.getKernel()[1],
                         op.getStride()[0],   op.getStride()[1],
                         op.getDilation()[0], op.getDilation()[1],
                         op.getPad()[0],      op.getPad()[1],
                         int64_t(op.getGroup())};
}

void walkSpatialConv(const SpatialGeometry &g, const OverlayConfig &cfg,
                     const SpatialTiling &t, const SpatialAddrs &addrs,
                     const SpatialShifts &shifts,
                     const std::function<void(InsnGroup &)> &emit,
                     WeightHalves *halves) {
  namespace conv = isa::conv;
  namespace convq = isa::convq;
  namespace load = isa::load;
  // A load equal to the last one into its buffer is skipped (the data is
  // still there): reuse across chunks of one group and across strips.
  std::optional<std::pair<int64_t, int64_t>> inpHolds; // (channel, row)
  std::optional<int64_t> kerHolds, biasHolds;
  // Where each buffer's data in use starts: double-buffered, every new load
  // (and every CONVQ's output) goes to the half the last one did not use.
  int64_t inpAt = 0, kerAt = 0, biasAt = 0, outAt = 0;
  bool stored = false;
  // After a double-buffered layer, the first group's weights load first,
  // into the halves that layer did not end on, while it still computes.
  bool prefetch = halves && halves->known && t.doubleBuffered;
  if (prefetch) {
    kerAt = halves->kerUpper ? 0 : int64_t(cfg.kerDepth / 2);
    biasAt = halves->biasUpper ? 0 : int64_t(cfg.biasDepth / 2);
  }
  auto next = [&](int64_t &at, uint32_t depth, bool first) {
    if (t.doubleBuffered && !first)
      at = at == 0 ? int64_t(depth / 2) : 0;
  };
  for (int64_t oy0 = 0; oy0 < g.ho; oy0 += t.rows) {
    const int64_t rows = std::min(t.rows, g.ho - oy0);
    const int64_t r0 = std::clamp<int64_t>(g.firstRow(oy0), 0, g.h - 1);
    const int64_t r1 =
        std::clamp<int64_t>(g.lastRow(oy0, rows), r0, g.h - 1);
    const int64_t vh = r1 - r0 + 1;
    for (const SpatialChunk &c : t.chunks) {
      InsnGroup grp;
      const bool last = c.ci0 + c.nci == g.cpg();
      if (inpHolds != std::make_pair(c.inCh0, oy0)) {
        next(inpAt, cfg.inpDepth, !inpHolds);
        grp.loads.push_back(loadBox(isa::kBufInp,
                                    addrs.in + c.inCh0 * g.h * g.w * 2, inpAt,
                                    DramBox{g.h, g.w, r0, 0, c.nInCh, vh, g.w}));
        inpHolds = std::make_pair(c.inCh0, oy0);
      }
      if (kerHolds != c.kerOffset) {
        next(kerAt, cfg.kerDepth, !kerHolds);
        const unsigned format = t.indexed ? isa::kKerFc : isa::kKerFcDense;
        grp.loads.push_back(
            Insn::load(isa::kBufKer)
                .set(load::kDramAddr,
                     addrs.ker + c.kerOffset * int64_t(isa::kerEntryBytes(format)))
                .set(load::kSramAddr, kerAt)
                .set(load::kCount, c.kerCount)
                .set(load::kKerFormat, format));
        kerHolds = c.kerOffset;
      }
      if (last && biasHolds != c.co0) {
        next(biasAt, cfg.biasDepth, !biasHolds);
        grp.loads.push_back(Insn::load(isa::kBufBias)
                                .set(load::kDramAddr, addrs.bias + c.co0 * 4)
                                .set(load::kSramAddr, biasAt)
                                .set(load::kCount, c.nco));
        biasHolds = c.co0;
      }
      grp.computes.push_back(Insn(isa::kConv)
                                 .set(conv::kSrcAddr, inpAt)
                                 .set(conv::kSrcPitch, g.w)
                                 .set(conv::kY0, g.firstRow(oy0) - r0)
                                 .set(conv::kX0, -g.pl)
                                 .set(conv::kVh, vh)
                                 .set(conv::kVw, g.w)
                                 .set(conv::kKh, g.kh)
                                 .set(conv::kKw, g.kw)
                                 .set(conv::kSy, g.sy)
                                 .set(conv::kSx, g.sx)
                                 .set(conv::kDy, g.dy)
                                 .set(conv::kDx, g.dx)
                                 .set(conv::kOh, rows)
                                 .set(conv::kOw, g.wo)
                                 .set(conv::kNco, c.nco)
                                 .set(conv::kCpg, c.cpg)
                                 .set(conv::kOpg, c.opg)
                                 .set(conv::kKerAddr, kerAt)
                                 .set(conv::kNr, c.nr)
                                 .set(conv::kAccShift, shifts.acc)
                                 .set(conv::kFirst, c.ci0 == 0)
                                 .set(conv::kChain, t.chain));
      // From here on the computes write OUT (ProgramBuilder's tail).
      grp.tailFrom = grp.computes.size();
      if (last) {
        next(outAt, cfg.outDepth, !stored);
        stored = true;
        grp.computes.push_back(Insn(isa::kConvq)
                                   .set(convq::kNc, c.nco)
                                   .set(convq::kOh, rows)
                                   .set(convq::kOw, g.wo)
                                   .set(convq::kBiasAddr, biasAt)
                                   .set(convq::kShift, shifts.outq)
                                   .set(convq::kOutAddr, outAt)
                                   .set(convq::kClampLo, shifts.clampLo)
                                   .set(convq::kClampHi, shifts.clampHi));
        grp.stores.push_back(
            storeBox(addrs.out + c.co0 * g.ho * g.wo * 2, outAt,
                     DramBox{g.ho, g.wo, oy0, 0, c.nco, rows, g.wo}));
      }
      if (oy0 + t.rows >= g.ho && &c == &t.chunks.back())
        grp.computes.push_back(zeroOacc(g, t, kerAt));
      if (prefetch) {
        auto weights = [](const Insn &i) {
          return i.get(load::kBuffer) != isa::kBufInp;
        };
        std::stable_partition(grp.loads.begin(), grp.loads.end(), weights);
        grp.prefetch = size_t(
            std::count_if(grp.loads.begin(), grp.loads.end(), weights));
        prefetch = false;
      }
      emit(grp);
    }
  }
  if (halves)
    *halves = WeightHalves{t.doubleBuffered, kerAt != 0, biasAt != 0};
}

} // namespace spec2
