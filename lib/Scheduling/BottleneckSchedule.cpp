//===- BottleneckSchedule.cpp - Walk, estimate and search of a fused block ===//
#include "spec2/Scheduling/BottleneckSchedule.h"

#include "spec2/Target/Insn.h"
#include "spec2/isa.h"


#include <algorithm>
#include <limits>

namespace spec2 {
namespace {

namespace conv = isa::conv;
namespace convq = isa::convq;
namespace load = isa::load;

bool isPointwise(const SpatialGeometry &g) {
  return g.kh == 1 && g.kw == 1 && g.sy == 1 && g.sx == 1 && g.pt == 0 &&
         g.pl == 0 && g.group == 1 && g.ho == g.h && g.wo == g.w;
}

/// Whether the chain schedule takes fewer steps than the tree for chunk `c`
/// of `g` over `pixels` output pixels (isa::convSteps): the chain keeps
/// every multiplier busy when the reduction is short or not a multiple of
/// conv_pk, the tree when a strip has few pixels.
bool chainPays(const SpatialChunk &c, const SpatialGeometry &g, int64_t pixels,
               const OverlayConfig &cfg) {
  const uint64_t nr = uint64_t(c.nci * g.kh * g.kw);
  auto steps = [&](bool chain) {
    return isa::convSteps(uint64_t(c.nco), uint64_t(pixels), nr, chain,
                          cfg.convPout, cfg.convPk, cfg.convPx);
  };
  return steps(true) < steps(false);
}

/// `cs` with each whole-reduction chunk of at least `parts` lane blocks cut
/// into `parts` chunks of whole lane blocks (whole groups when the layer
/// has several), KER offsets laid out again chunk after chunk: more CONVs,
/// each CONVQ but a stage's last beside the next CONV.
std::vector<SpatialChunk> splitChunks(const std::vector<SpatialChunk> &cs,
                                      const SpatialGeometry &g, int64_t p,
                                      int64_t taps, int64_t parts) {
  std::vector<SpatialChunk> out;
  for (const SpatialChunk &c : cs) {
    const bool whole = c.ci0 == 0 && c.nci == g.cpg();
    const int64_t unit = g.group == 1 ? 1 : g.opg(); // outputs per piece step
    const int64_t step = (c.nco / p + parts - 1) / parts * p;
    if (parts < 2 || !whole || c.nco < parts * p || c.nco % unit ||
        step % unit) {
      out.push_back(c);
      continue;
    }
    for (int64_t o = 0; o < c.nco; o += step) {
      SpatialChunk d = c;
      d.co0 = c.co0 + o;
      d.nco = std::min(step, c.nco - o);
      if (g.group == 1) {
        d.opg = d.nco;
      } else {
        d.inCh0 = c.inCh0 + o / g.opg() * g.cpg();
        d.nInCh = d.nco / g.opg() * g.cpg();
      }
      out.push_back(d);
    }
  }
  int64_t at = 0;
  for (SpatialChunk &c : out) {
    c.kerOffset = at;
    c.kerCount = (c.nco + p - 1) / p * c.nci * taps * p;
    at += c.kerCount;
  }
  return out;
}

int64_t sumKer(const std::vector<SpatialChunk> &cs) {
  int64_t n = 0;
  for (const SpatialChunk &c : cs)
    n += c.kerCount;
  return n;
}

/// Block-input rows [r0, r1] that the depthwise taps of output rows
/// [oy0, oy0 + n) reach, clipped to the tensor.
std::pair<int64_t, int64_t> stripInput(const SpatialGeometry &dw, int64_t oy0,
                                       int64_t n) {
  const int64_t r0 = std::clamp<int64_t>(dw.firstRow(oy0), 0, dw.h - 1);
  return {r0, std::clamp<int64_t>(dw.lastRow(oy0, n), r0, dw.h - 1)};
}

/// One stage of one strip: the tile its CONVs read, where its CONVQs write.
struct StageRun {
  const SpatialGeometry *g;
  const std::vector<SpatialChunk> *chunks;
  const SpatialAddrs *addrs;
  const SpatialShifts *shifts;
  /// Source: MID or INP at `src`, planes of vh x vw with row pitch vw.
  bool srcMid;
  int64_t src, y0, x0, vh, vw, oh, ow;
  /// Destination MID at `dst` (planes oh x ow), or OUT and a store.
  bool toMid;
  int64_t dst;
  /// Index of the stage (0 expand, 1 depthwise, 2 project): where its
  /// resident weights are.
  int stage;
};

/// Walks the strips, the stages and their chunks, grouping the instructions
/// so that each group starts with its loads.
class BottleneckWalk {
public:
  BottleneckWalk(const BottleneckGeometry &g, const OverlayConfig &cfg,
                 const BottleneckTiling &t, const BottleneckAddrs &addrs,
                 const BottleneckShifts &shifts,
                 const std::function<void(InsnGroup &, int)> &emit)
      : g(g), cfg(cfg), t(t), addrs(addrs), shifts(shifts), emit(emit) {}

  void run();

private:
  void chunk(const StageRun &s, const SpatialChunk &c, size_t index,
             bool firstStrip, bool detach, std::vector<Insn> &loads);
  void open(std::vector<Insn> &loads, int stage);
  void close();
  /// Double-buffered, every new load into a buffer goes to the half the
  /// previous one did not.
  void next(int64_t &at, uint32_t depth, bool &used) {
    if (t.doubleBuffered && used)
      at = at == 0 ? int64_t(depth / 2) : 0;
    used = true;
  }

  const BottleneckGeometry &g;
  const OverlayConfig &cfg;
  const BottleneckTiling &t;
  const BottleneckAddrs &addrs;
  const BottleneckShifts &shifts;
  const std::function<void(InsnGroup &, int)> &emit;

  InsnGroup grp;
  int grpStage = 0;
  bool isOpen = false, grpStores = false;
  int64_t outOff = 0;
  int64_t inpAt = 0, kerAt = 0, biasAt = 0, outAt = 0, oaccAt = 0;
  /// Whether every chunk's accumulators fit half of OACC; chunks so far.
  bool oaccHalves = false;
  int64_t chunksSeen = 0;
  bool inpUsed = false, kerUsed = false, biasUsed = false, outUsed = false;
  /// The strip being walked: output rows, block-input rows.
  int64_t oy0 = 0, rows = 0, r0 = 0, vh = 0;
  /// Resident weights: each stage chunk's KER and BIAS address.
  std::vector<int64_t> residentKer[3], residentBias[3];
};

void BottleneckWalk::open(std::vector<Insn> &loads, int stage) {
  close();
  grpStage = stage;
  grp.loads = std::move(loads);
  loads.clear();
  grp.tailFrom = std::numeric_limits<size_t>::max();
  isOpen = true;
}

void BottleneckWalk::close() {
  if (!isOpen)
    return;
  grp.tailFrom = std::min(grp.tailFrom, grp.computes.size());
  emit(grp, grpStage);
  grp = InsnGroup();
  isOpen = grpStores = false;
  outOff = 0;
}

void BottleneckWalk::chunk(const StageRun &s, const SpatialChunk &c,
                           size_t index, bool firstStrip, bool detach,
                           std::vector<Insn> &loads) {
  const bool last = c.ci0 + c.nci == s.g->cpg();
  // With OACC in halves, each chunk accumulates in the half the one before
  // did not, so that its CONVs may run beside that chunk's CONVQ.
  if (c.ci0 == 0 && oaccHalves && chunksSeen++)
    oaccAt = oaccAt == 0 ? int64_t(cfg.oaccDepth / 2) : 0;
  int64_t kerAddr = 0, biasAddr = 0;
  if (t.resident) {
    kerAddr = residentKer[s.stage][index];
    biasAddr = residentBias[s.stage][index];
  }
  if (!t.resident || firstStrip) {
    if (!t.resident) {
      next(kerAt, cfg.kerDepth, kerUsed);
      kerAddr = kerAt;
    }
    loads.push_back(Insn::load(isa::kBufKer)
                        .set(load::kDramAddr, s.addrs->ker + c.kerOffset * 2)
                        .set(load::kSramAddr, kerAddr)
                        .set(load::kCount, c.kerCount)
                        .set(load::kKerFormat, isa::kKerFcDense));
    if (last) {
      if (!t.resident) {
        next(biasAt, cfg.biasDepth, biasUsed);
        biasAddr = biasAt;
      }
      loads.push_back(Insn::load(isa::kBufBias)
                          .set(load::kDramAddr, s.addrs->bias + c.co0 * 4)
                          .set(load::kSramAddr, biasAddr)
                          .set(load::kCount, c.nco));
    }
  }
  if (!loads.empty() || !isOpen)
    open(loads, s.stage);
  const SpatialGeometry &sg = *s.g;
  grp.computes.push_back(
      Insn(isa::kConv)
          .set(conv::kSrcBuf, s.srcMid)
          .set(conv::kSrcAddr, s.src + c.inCh0 * s.vh * s.vw)
          .set(conv::kSrcPitch, s.vw)
          .set(conv::kY0, s.y0)
          .set(conv::kX0, s.x0)
          .set(conv::kVh, s.vh)
          .set(conv::kVw, s.vw)
          .set(conv::kKh, sg.kh)
          .set(conv::kKw, sg.kw)
          .set(conv::kSy, sg.sy)
          .set(conv::kSx, sg.sx)
          .set(conv::kDy, sg.dy)
          .set(conv::kDx, sg.dx)
          .set(conv::kOh, s.oh)
          .set(conv::kOw, s.ow)
          .set(conv::kOaccAddr, oaccAt)
          .set(conv::kNco, c.nco)
          .set(conv::kCpg, c.cpg)
          .set(conv::kOpg, c.opg)
          .set(conv::kKerAddr, kerAddr)
          .set(conv::kNr, c.nci * sg.kh * sg.kw)
          .set(conv::kAccShift, s.shifts->acc)
          .set(conv::kFirst, c.ci0 == 0)
          .set(conv::kChain, chainPays(c, sg, s.oh * s.ow, cfg)));
  if (!last)
    return;
  Insn q = Insn(isa::kConvq)
               .set(convq::kOaccAddr, oaccAt)
               .set(convq::kDetach, detach && oaccHalves)
               .set(convq::kNc, c.nco)
               .set(convq::kOh, s.oh)
               .set(convq::kOw, s.ow)
               .set(convq::kBiasAddr, biasAddr)
               .set(convq::kShift, s.shifts->outq)
               .set(convq::kClampLo, s.shifts->clampLo)
               .set(convq::kClampHi, s.shifts->clampHi);
  if (s.toMid) {
    grp.computes.push_back(
        q.set(convq::kDstBuf, 1)
            .set(convq::kOutAddr, s.dst + c.co0 * s.oh * s.ow));
    return;
  }
  // The project's output stage: OUT (its half for this group), the
  // residual from the block input's strip in INP.
  if (!grpStores) {
    next(outAt, cfg.outDepth, outUsed);
    grpStores = true;
    grp.tailFrom = std::min(grp.tailFrom, grp.computes.size());
  }
  q.set(convq::kOutAddr, outAt + outOff);
  if (g.residual)
    q.set(convq::kRes, 1)
        .set(convq::kResAddr, inpAt + c.co0 * vh * g.dw.w + (oy0 - r0) * g.dw.w)
        .set(convq::kResPitch, g.dw.w)
        .set(convq::kResPlane, vh * g.dw.w)
        .set(convq::kResShift, shifts.residual);
  grp.computes.push_back(q);
  const SpatialGeometry &p = g.project;
  grp.stores.push_back(
      storeBox(addrs.out + c.co0 * p.ho * p.wo * 2, outAt + outOff,
               DramBox{p.ho, p.wo, oy0, 0, c.nco, rows, p.wo}));
  outOff += c.nco * rows * p.wo;
}

void BottleneckWalk::run() {
  const SpatialGeometry &d = g.dw, &p = g.project;
  const int64_t w = d.w, vhMax = d.stripRows(t.rows);
  const int64_t midD = g.expand ? g.expand->cout * vhMax * w : 0;
  const std::vector<SpatialChunk> *lists[3] = {&t.expand, &t.dw, &t.project};
  if (t.resident) {
    int64_t k = 0, b = 0;
    for (int s = 0; s < 3; ++s)
      for (const SpatialChunk &c : *lists[s]) {
        residentKer[s].push_back(k);
        residentBias[s].push_back(b);
        k += c.kerCount;
        if (c.ci0 + c.nci == (s == 0   ? g.expand->cpg()
                              : s == 1 ? d.cpg()
                                       : p.cpg()))
          b += c.nco;
      }
  }
  struct {
    int64_t n = 0, nco = 1, oh = 1, ow = 1;
  } zero;
  auto consider = [&](const std::vector<SpatialChunk> &cs, int64_t h,
                      int64_t wd) {
    for (const SpatialChunk &c : cs)
      if (c.nco * h * wd > zero.n)
        zero = {c.nco * h * wd, c.nco, h, wd};
  };
  consider(t.expand, vhMax, w);
  consider(t.dw, t.rows, d.wo);
  consider(t.project, t.rows, p.wo);
  oaccHalves = zero.n <= int64_t(cfg.oaccDepth / 2);
  for (oy0 = 0; oy0 < d.ho; oy0 += t.rows) {
    rows = std::min(t.rows, d.ho - oy0);
    auto [a, b] = stripInput(d, oy0, rows);
    r0 = a;
    vh = b - a + 1;
    std::vector<Insn> loads;
    next(inpAt, cfg.inpDepth, inpUsed);
    loads.push_back(loadBox(isa::kBufInp, addrs.in, inpAt,
                            DramBox{d.h, w, r0, 0, g.cin(), vh, w}));
    std::vector<StageRun> stages;
    if (g.expand)
      stages.push_back({&*g.expand, &t.expand, &addrs.expand, &shifts.expand,
                        false, inpAt, 0, 0, vh, w, vh, w, true, 0, 0});
    stages.push_back({&d, &t.dw, &addrs.dw, &shifts.dw, bool(g.expand),
                      g.expand ? 0 : inpAt, d.firstRow(oy0) - r0, -d.pl, vh, w,
                      rows, d.wo, true, midD, 1});
    stages.push_back({&p, &t.project, &addrs.project, &shifts.project, true,
                      midD, 0, 0, rows, d.wo, rows, p.wo, false, 0, 2});
    // A stage's CONVQs run beside the next CONV of the stage, the
    // project's last beside the next strip's first; the last CONVQ of the
    // expand and the depthwise stage writes what the next stage reads, and
    // the block's last is followed by the clearing of OACC.
    for (const StageRun &s : stages)
      for (size_t i = 0; i < s.chunks->size(); ++i)
        chunk(s, (*s.chunks)[i], i, oy0 == 0,
              i + 1 < s.chunks->size() || (s.stage == 2 && oy0 + t.rows < d.ho),
              loads);
  }
  // Programs keep OACC zero between layers: clear what the largest chunk
  // wrote, in both halves.
  grp.computes.push_back(spatialZeroOacc(zero.nco, zero.oh, zero.ow));
  if (oaccHalves)
    grp.computes.push_back(spatialZeroOacc(zero.nco, zero.oh, zero.ow)
                               .set(conv::kOaccAddr, cfg.oaccDepth / 2));
  close();
}

} // namespace

bool BottleneckGeometry::wellFormed() const {
  if (expand && (!isPointwise(*expand) || expand->cout != dw.cin ||
                 expand->h != dw.h || expand->w != dw.w))
    return false;
  if (dw.group != dw.cin || dw.cpg() != 1 || dw.cout != project.cin ||
      !isPointwise(project) || project.h != dw.ho || project.w != dw.wo)
    return false;
  return !residual ||
         (project.cout == cin() && project.ho == dw.h && project.wo == dw.w);
}

namespace {
bool pointwiseOp(spectral::SpatialConv2DOp op) {
  return op && isPointwise(SpatialGeometry::of(op));
}
bool depthwiseOp(spectral::SpatialConv2DOp op) {
  return op && op.getGroup() == uint64_t(op.getInChannels()) &&
         op.getChannelsPerGroup() == 1;
}
/// The one user of `v`, if it is an OpTy.
template <typename OpTy> OpTy soleUser(mlir::Value v) {
  if (!v.hasOneUse())
    return nullptr;
  return llvm::dyn_cast<OpTy>(*v.getUsers().begin());
}
bool unclamped(spectral::SpatialConv2DOp op) {
  return op.getClampMin().isInfinity() && op.getClampMin().isNegative() &&
         op.getClampMax().isInfinity() && !op.getClampMax().isNegative();
}
} // namespace

BottleneckGeometry BottleneckOps::geometry() {
  BottleneckGeometry g;
  if (expand)
    g.expand = SpatialGeometry::of(expand);
  g.dw = SpatialGeometry::of(dw);
  g.project = SpatialGeometry::of(project);
  g.residual = bool(add);
  return g;
}

llvm::SmallVector<mlir::Operation *, 4> BottleneckOps::ops() {
  llvm::SmallVector<mlir::Operation *, 4> out;
  for (mlir::Operation *op : {expand.getOperation(), dw.getOperation(),
                              project.getOperation(), add.getOperation()})
    if (op)
      out.push_back(op);
  return out;
}

std::optional<BottleneckOps> matchBottleneck(spectral::SpatialConv2DOp head) {
  BottleneckOps b{};
  if (pointwiseOp(head)) {
    b.expand = head;
    b.dw = soleUser<spectral::SpatialConv2DOp>(head.getOutput());
  } else {
    b.dw = head;
  }
  if (!depthwiseOp(b.dw))
    return std::nullopt;
  b.project = soleUser<spectral::SpatialConv2DOp>(b.dw.getOutput());
  if (!pointwiseOp(b.project))
    return std::nullopt;
  mlir::Value in = b.expand ? b.expand.getInput() : b.dw.getInput();
  if (auto add = soleUser<spectral::AddOp>(b.project.getOutput()))
    if (unclamped(b.project) && (add.getLhs() == in || add.getRhs() == in))
      b.add = add;
  if (!b.geometry().wellFormed())
    return std::nullopt;
  return b;
}

std::vector<int64_t> bottleneckTilingArray(const BottleneckTiling &t) {
  return {t.rows, int64_t(t.doubleBuffered), int64_t(t.resident), t.split};
}

namespace {
constexpr int64_t kTileMax = (int64_t(1) << isa::kTileBits) - 1;

std::optional<BottleneckTiling> makeTiling(const BottleneckGeometry &g,
                                           const OverlayConfig &cfg,
                                           int64_t rows, bool db, bool resident,
                                           int64_t split) {
  const SpatialGeometry &d = g.dw, &p = g.project;
  if (!g.wellFormed() || rows < 1 || rows > d.ho ||
      rows >= (int64_t(1) << (isa::kTileBits - 1)) || d.w > kTileMax)
    return std::nullopt;
  const int64_t copies = db ? 2 : 1, vhMax = d.stripRows(rows);
  if (vhMax > kTileMax ||
      g.cin() * vhMax * d.w > int64_t(cfg.inpDepth) / copies)
    return std::nullopt;
  const int64_t mid =
      (g.expand ? g.expand->cout * vhMax * d.w : 0) + d.cout * rows * d.wo;
  if (mid > int64_t(cfg.midDepth))
    return std::nullopt;
  BottleneckTiling t;
  t.rows = rows;
  t.doubleBuffered = db;
  t.resident = resident;
  t.split = split;
  if (g.expand) {
    auto e = spatialChunks(*g.expand, cfg, vhMax, db);
    if (!e)
      return std::nullopt;
    t.expand = std::move(*e);
  }
  auto dc = spatialChunks(d, cfg, rows, db);
  auto pc = spatialChunks(p, cfg, rows, db);
  if (!dc || !pc)
    return std::nullopt;
  const int64_t lanes = cfg.convPout;
  if (g.expand)
    t.expand = splitChunks(t.expand, *g.expand, lanes, 1, split);
  t.dw = splitChunks(*dc, d, lanes, d.kh * d.kw, split);
  t.project = splitChunks(*pc, p, lanes, 1, split);
  if (resident) {
    const int64_t biases = (g.expand ? g.expand->cout : 0) + d.cout + p.cout;
    if (sumKer(t.expand) + sumKer(t.dw) + sumKer(t.project) >
            int64_t(cfg.kerDepth) ||
        biases > int64_t(cfg.biasDepth) ||
        p.cout * rows * p.wo > int64_t(cfg.outDepth) / copies)
      return std::nullopt;
  }
  return t;
}
} // namespace

std::optional<BottleneckTiling>
bottleneckTilingFrom(const BottleneckGeometry &g, const OverlayConfig &cfg,
                     llvm::ArrayRef<int64_t> a) {
  if (a.size() != 4 || a[3] < 1 || a[3] > 8)
    return std::nullopt;
  return makeTiling(g, cfg, a[0], a[1] != 0, a[2] != 0, a[3]);
}

void walkBottleneck(const BottleneckGeometry &g, const OverlayConfig &cfg,
                    const BottleneckTiling &t, const BottleneckAddrs &addrs,
                    const BottleneckShifts &shifts,
                    const std::function<void(InsnGroup &, int)> &emit) {
  BottleneckWalk(g, cfg, t, addrs, shifts, emit).run();
}

ConvCost estimateBottleneck(const BottleneckGeometry &g,
                            const OverlayConfig &cfg,
                            const BottleneckTiling &t) {
  ProgramBuilder pb;
  if (t.doubleBuffered)
    pb.beginOverlap(/*outHalves=*/true);
  walkBottleneck(g, cfg, t, BottleneckAddrs{}, BottleneckShifts{},
                 [&](InsnGroup &grp, int) { pb.flush(grp); });
  if (t.doubleBuffered)
    pb.endOverlap();
  return timeLayer(pb.words(), cfg);
}

std::optional<std::pair<BottleneckTiling, ConvCost>>
chooseBottleneckTiling(const BottleneckGeometry &g, const OverlayConfig &cfg) {
  if (!g.wellFormed())
    return std::nullopt;
  std::vector<BottleneckTiling> candidates;
  int64_t lastRows = 0;
  for (int64_t strips = 1; strips <= g.dw.ho; ++strips) {
    const int64_t rows = (g.dw.ho + strips - 1) / strips;
    if (rows == lastRows)
      continue;
    lastRows = rows;
    for (bool db : {false, true})
      for (bool resident : {false, true})
        for (int64_t split : {1, 2, 3})
          if (auto t = makeTiling(g, cfg, rows, db, resident, split))
            candidates.push_back(std::move(*t));
  }
  return cheapestCandidate(std::move(candidates),
                           [&](const BottleneckTiling &t) {
                             return estimateBottleneck(g, cfg, t);
                           });
}

void walkElementwise(int64_t elements, int64_t width, bool binary, bool table,
                     const OverlayConfig &cfg, int64_t a, int64_t b,
                     int64_t out, int64_t lut,
                     const std::function<Insn(int64_t rows)> &vecOf,
                     const std::function<void(InsnGroup &)> &emit) {
  namespace vec = isa::vec;
  const int64_t rows = elements / width;
  const int64_t per =
      binary ? int64_t(cfg.inpDepth) / 2 : int64_t(cfg.inpDepth);
  const int64_t chunkRows = std::min<int64_t>(
      {rows, per / width, int64_t(cfg.outDepth) / width, 65535});
  for (int64_t r0 = 0; r0 < rows; r0 += chunkRows) {
    const int64_t rn = std::min(chunkRows, rows - r0), en = rn * width;
    InsnGroup group;
    // Rows [r0, r0 + rn) of the row-major view.
    const DramBox box{rows, width, r0, 0, 1, rn, width};
    group.loads.push_back(loadBox(isa::kBufInp, a, 0, box));
    if (binary)
      group.loads.push_back(loadBox(isa::kBufInp, b, en, box));
    if (table)
      group.loads.push_back(Insn::load(isa::kBufBias)
                                .set(load::kDramAddr, lut)
                                .set(load::kCount, int64_t(isa::kLutEntries)));
    group.computes.push_back(vecOf(rn)
                                 .set(vec::kBAddr, binary ? en : 0)
                                 .set(vec::kNc, 1)
                                 .set(vec::kH, rn)
                                 .set(vec::kW, width)
                                 .set(vec::kOh, rn)
                                 .set(vec::kOw, width));
    group.stores.push_back(storeBox(out, 0, box));
    emit(group);
  }
}

ConvCost estimateElementwiseAdd(int64_t elements, int64_t width,
                                const OverlayConfig &cfg) {
  ProgramBuilder pb;
  walkElementwise(
      elements, width, /*binary=*/true, /*table=*/false, cfg, 0, 0, 0, 0,
      [](int64_t) { return Insn::vec(isa::kVecAdd); },
      [&](InsnGroup &grp) { pb.flush(grp); });
  return timeLayer(pb.words(), cfg);
}

} // namespace spec2
