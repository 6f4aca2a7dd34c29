//===- InsnVerifier.cpp - Field and bounds rules of one instruction -------===//
//
// Each rule mirrors the semantics comment of its opcode in isa.h: the end of
// every access is the highest address the instruction can touch plus one,
// computed in saturating 64-bit arithmetic so that no field values can wrap
// it back into range.
//
//===----------------------------------------------------------------------===//

#include "InsnVerifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

using llvm::StringRef;
using llvm::Twine;

namespace spec2 {
namespace detail {
namespace {

uint64_t add(uint64_t a, uint64_t b) { return llvm::SaturatingAdd(a, b); }
uint64_t mul(uint64_t a, uint64_t b) { return llvm::SaturatingMultiply(a, b); }

std::string hex(uint64_t v) { return "0x" + llvm::utohexstr(v, true); }

/// An access end that saturated cannot be printed as a number.
std::string showEnd(uint64_t end, bool inHex) {
  if (end == UINT64_MAX)
    return "2^64 or more";
  return inHex ? hex(end) : std::to_string(end);
}

class InsnChecker {
public:
  InsnChecker(const isa::Word &word, const InsnFormat &format, size_t index,
              uint64_t dramBytes, const NamedOverlayConfig &config,
              ReportFn report)
      : word(word), format(format), index(index), dramBytes(dramBytes),
        config(config), c(config.config), report(report) {}

  bool run();

private:
  /// The value of operand `name` (an InsnTable name).
  int64_t get(StringRef name) const;
  uint64_t u(StringRef name) const { return uint64_t(get(name)); }

  void fail(const Twine &message) {
    ok = false;
    report("instruction " + Twine(index) + " (" + format.mnemonic +
           "): " + message);
  }
  void atLeast(StringRef name, int64_t min) {
    if (get(name) < min)
      fail(name + "=" + Twine(get(name)) + " must be at least " + Twine(min));
  }
  void inRange(StringRef name, int64_t lo, int64_t hi, const Twine &why) {
    int64_t v = get(name);
    if (v < lo || v > hi)
      fail(name + "=" + Twine(v) + " must be in [" + Twine(lo) + ", " +
           Twine(hi) + "]" + why);
  }
  void isZero(StringRef name, const Twine &why) {
    if (get(name) != 0)
      fail(name + "=" + Twine(get(name)) + " must be 0 " + why);
  }
  void clamps() {
    if (get("clamp_lo") > get("clamp_hi"))
      fail("clamp_lo=" + Twine(get("clamp_lo")) +
           " exceeds clamp_hi=" + Twine(get("clamp_hi")));
  }
  /// Accesses [start, end) of an on-chip buffer of `depth` elements.
  void sram(StringRef buffer, StringRef access, uint64_t start, uint64_t end,
            uint32_t depth, StringRef formula) {
    if (end > depth)
      fail(buffer + " " + access + " [" + Twine(start) + ", " +
           showEnd(end, false) + ") exceeds the buffer depth " + Twine(depth) +
           " of config '" + config.name + "' (end = " + formula + ")");
  }
  /// Accesses DRAM bytes [start, end).
  void dram(StringRef access, uint64_t start, uint64_t end, StringRef formula) {
    if (end > dramBytes)
      fail("DRAM " + access + " [" + hex(start) + ", " + showEnd(end, true) +
           ") exceeds the program's DRAM size " + hex(dramBytes) +
           " (end = " + formula + ")");
  }

  void checkLoad();
  void checkStore();
  void checkFft();
  void checkSconv();
  void checkOutq();
  void checkGemv();
  void checkVec();
  void checkConv();
  void checkConvq();

  const isa::Word &word;
  const InsnFormat &format;
  size_t index;
  uint64_t dramBytes;
  const NamedOverlayConfig &config;
  const OverlayConfig &c;
  ReportFn report;
  bool ok = true;
};

int64_t InsnChecker::get(StringRef name) const {
  std::optional<isa::Field> f = findOperand(format, name);
  if (!f)
    llvm::report_fatal_error("verifier asks " + format.mnemonic +
                             " for unknown field '" + name + "'");
  return isa::getField(word, *f);
}

void InsnChecker::checkLoad() {
  unsigned buffer = format.selectorValue;
  bool box = buffer == isa::kBufInp || buffer == isa::kBufFcx;
  if (box) {
    for (StringRef name : {"count", "ker_format"})
      isZero(name, "in the box form of LOAD");
    for (StringRef name : {"nc", "ny", "nx", "src_h", "src_w"})
      atLeast(name, 1);
    if (!ok)
      return;
    uint64_t addr = u("dram_addr");
    dram("read", addr,
         add(addr, mul(mul(mul(u("nc"), u("src_h")), u("src_w")), 2)),
         "dram_addr + nc*src_h*src_w*2");
    uint64_t sa = u("sram_addr");
    uint64_t end = add(add(add(sa, mul(u("nc") - 1, u("dst_plane"))),
                           mul(u("ny") - 1, u("dst_pitch"))),
                       u("nx"));
    if (buffer == isa::kBufInp)
      sram("INP", "write", sa, end, c.inpDepth,
           "sram_addr + (nc-1)*dst_plane + (ny-1)*dst_pitch + nx");
    else
      sram("FCX", "write", sa, end, c.fcxDepth,
           "sram_addr + (nc-1)*dst_plane + (ny-1)*dst_pitch + nx");
    return;
  }
  for (StringRef name : {"src_h", "src_w", "y0", "x0", "nc", "ny", "nx",
                         "dst_pitch", "dst_plane"})
    isZero(name, "in the linear form of LOAD");
  atLeast("count", 1);
  if (buffer == isa::kBufBias)
    isZero("ker_format", "for load.bias");
  if (!ok)
    return;
  uint64_t addr = u("dram_addr"), sa = u("sram_addr"), n = u("count");
  if (buffer == isa::kBufKer) {
    inRange("ker_format", 0, isa::kNumKerFormats - 1,
            " (spectral, fc, fc_dense or spectral_packed)");
    const unsigned bytes = isa::kerEntryBytes(unsigned(u("ker_format")));
    dram("read", addr, add(addr, mul(n, bytes)),
         "dram_addr + count*" + std::to_string(bytes));
    sram("KER", "write", sa, add(sa, n), c.kerDepth, "sram_addr + count");
  } else {
    dram("read", addr, add(addr, mul(n, 4)), "dram_addr + count*4");
    sram("BIAS", "write", sa, add(sa, n), c.biasDepth, "sram_addr + count");
  }
}

void InsnChecker::checkStore() {
  for (StringRef name : {"nc", "ny", "nx", "dst_h", "dst_w"})
    atLeast(name, 1);
  if (!ok)
    return;
  uint64_t addr = u("dram_addr");
  dram("write", addr,
       add(addr, mul(mul(mul(u("nc"), u("dst_h")), u("dst_w")), 2)),
       "dram_addr + nc*dst_h*dst_w*2");
  uint64_t sa = u("sram_addr");
  sram("OUT", "read", sa,
       add(add(add(sa, mul(u("nc") - 1, u("src_plane"))),
               mul(u("ny") - 1, u("src_pitch"))),
           u("nx")),
       c.outDepth, "sram_addr + (nc-1)*src_plane + (ny-1)*src_pitch + nx");
}

void InsnChecker::checkFft() {
  atLeast("nc", 1);
  inRange("tile", 1, c.fftSize, " (the config's fft_size)");
  if (!ok)
    return;
  uint64_t n = u("nc"), in = u("inp_addr"), spec = u("spec_addr");
  uint64_t tile = u("tile"), last = isa::tilesAlongX(u("ntx")) - 1;
  sram("INP", "read", in,
       add(add(add(add(in, mul(last, tile)), mul(n - 1, u("inp_stride"))),
               mul(tile - 1, u("inp_pitch"))),
           tile),
       c.inpDepth,
       "inp_addr + (ntx-1)*tile + (nc-1)*inp_stride + (tile-1)*inp_pitch + "
       "tile");
  sram("SPEC", "write", spec,
       add(add(spec, mul(last, u("spec_tile"))), mul(n, c.bins())), c.specDepth,
       "spec_addr + (ntx-1)*spec_tile + nc*B");
}

void InsnChecker::checkSconv() {
  for (StringRef name : {"nnz", "ncig", "ncob", "oacc_pitch", "oacc_h"})
    atLeast(name, 1);
  if (!ok)
    return;
  inRange("nco", 1, int64_t(mul(u("ncob"), c.pout)), " (ncob*P_out)");
  inRange("ncig", 1, int64_t(isa::kMaxSconvGroups),
          " (groups a KER entry index can name)");
  if (mul(u("oacc_h"), u("oacc_pitch")) > u("oacc_plane"))
    fail("oacc_h*oacc_pitch = " + Twine(u("oacc_h") * u("oacc_pitch")) +
         " exceeds oacc_plane=" + Twine(u("oacc_plane")));
  if (!ok)
    return;
  uint64_t ker = u("ker_addr"), spec = u("spec_addr"), oacc = u("oacc_addr");
  sram("KER", "read", ker,
       add(ker, mul(mul(mul(u("ncob"), u("nnz")), c.pin), c.pout)), c.kerDepth,
       "ker_addr + ncob*nnz*P_in*P_out");
  sram("SPEC", "read", spec,
       add(spec, mul(mul(mul(isa::tilesAlongX(u("ntx")), u("ncig")), c.pin),
                     c.bins())),
       c.specDepth, "spec_addr + ntx*ncig*P_in*B");
  sram("OACC", "write", oacc, add(oacc, mul(u("nco"), u("oacc_plane"))),
       c.oaccDepth, "oacc_addr + nco*oacc_plane");
}

void InsnChecker::checkOutq() {
  for (StringRef name : {"nc", "oh", "ow", "sy", "sx"})
    atLeast(name, 1);
  clamps();
  if (!ok)
    return;
  uint64_t oacc = u("oacc_addr"), nc = u("nc");
  uint64_t last =
      add(add(add(oacc, mul(nc - 1, u("oacc_plane"))),
              mul(add(u("y0"), mul(u("oh") - 1, u("sy"))), u("oacc_pitch"))),
          add(u("x0"), mul(u("ow") - 1, u("sx"))));
  sram("OACC", "read", oacc, add(last, 1), c.oaccDepth,
       "oacc_addr + (nc-1)*oacc_plane + (y0+(oh-1)*sy)*oacc_pitch + "
       "x0 + (ow-1)*sx + 1");
  if (u("clear"))
    sram("OACC", "clear", oacc, add(oacc, mul(nc, u("oacc_plane"))),
         c.oaccDepth, "oacc_addr + nc*oacc_plane");
  if (u("keep") && !u("clear"))
    fail("keep=" + Twine(u("keep")) +
         " needs clear=1 (rows move as the plane "
         "is cleared)");
  if (mul(add(u("keep_from"), u("keep")), u("oacc_pitch")) > u("oacc_plane"))
    fail("(keep_from + keep)*oacc_pitch = " +
         Twine(mul(add(u("keep_from"), u("keep")), u("oacc_pitch"))) +
         " exceeds oacc_plane=" + Twine(u("oacc_plane")));
  if (u("keep_swap")) {
    // The kept rows land at the same place in the other half: the planes
    // must lie within one half.
    const uint64_t half = c.oaccDepth / 2;
    const uint64_t end = add(oacc, mul(nc, u("oacc_plane")));
    if (!u("clear"))
      fail("keep_swap=1 needs clear=1 (rows move as the plane is cleared)");
    else if (oacc < half ? end > half : end > c.oaccDepth)
      fail("keep_swap=1 needs its planes in one half of OACC, but [" +
           Twine(oacc) + ", " + Twine(end) +
           ") (end = oacc_addr + nc*oacc_plane) crosses " + Twine(half));
  }
  uint64_t bias = u("bias_addr"), out = u("out_addr");
  sram("BIAS", "read", bias, add(bias, nc), c.biasDepth, "bias_addr + nc");
  sram("OUT", "write", out, add(out, mul(mul(nc, u("oh")), u("ow"))),
       c.outDepth, "out_addr + nc*oh*ow");
}

void InsnChecker::checkGemv() {
  atLeast("nrows", 1);
  atLeast("nnz", 1);
  clamps();
  if (!ok)
    return;
  uint64_t rows = u("nrows"), lanes = c.fcLanes, ker = u("ker_addr");
  uint64_t blocks = rows / lanes + (rows % lanes != 0);
  sram("KER", "read", ker, add(ker, mul(mul(blocks, u("nnz")), lanes)),
       c.kerDepth, "ker_addr + ceil(nrows/fc_lanes)*nnz*fc_lanes");
  uint64_t acc = u("acc_addr");
  sram("FACC", "access", acc, add(acc, rows), c.faccDepth, "acc_addr + nrows");
  if (u("x_addr") >= c.fcxDepth)
    fail("x_addr=" + Twine(u("x_addr")) + " must be below the FCX depth " +
         Twine(c.fcxDepth) + " of config '" + config.name + "'");
  if (u("last")) {
    uint64_t out = u("out_addr"), bias = u("bias_addr");
    sram("OUT", "write", out, add(out, rows), c.outDepth, "out_addr + nrows");
    sram("BIAS", "read", bias, add(bias, rows), c.biasDepth,
         "bias_addr + nrows");
  }
}

void InsnChecker::checkVec() {
  unsigned op = format.selectorValue;
  for (StringRef name : {"nc", "h", "w"})
    atLeast(name, 1);
  clamps();
  if (op != isa::kVecSoftmax)
    isZero("log", "for " + format.mnemonic);
  bool pool = op == isa::kVecMaxPool || op == isa::kVecAvgPool;
  if (pool) {
    for (StringRef name : {"kh", "kw", "sy", "sx", "oh", "ow"})
      atLeast(name, 1);
    if (get("kh") >= 1)
      inRange("pt", 0, get("kh") - 1, " (below kh)");
    if (get("kw") >= 1)
      inRange("pl", 0, get("kw") - 1, " (below kw)");
    isZero("b_addr", "for a pooling operation");
    isZero("shift_b", "for a pooling operation");
    if (!ok)
      return;
    int64_t lastRow = (get("oh") - 1) * get("sy") - get("pt");
    int64_t lastCol = (get("ow") - 1) * get("sx") - get("pl");
    if (lastRow >= get("h"))
      fail("the last window starts at row (oh-1)*sy-pt = " + Twine(lastRow) +
           ", outside the h=" + Twine(get("h")) + " input rows");
    if (lastCol >= get("w"))
      fail("the last window starts at column (ow-1)*sx-pl = " + Twine(lastCol) +
           ", outside the w=" + Twine(get("w")) + " input columns");
  } else {
    if (get("oh") != get("h") || get("ow") != get("w"))
      fail("oh=" + Twine(get("oh")) + ", ow=" + Twine(get("ow")) +
           " must equal h=" + Twine(get("h")) + ", w=" + Twine(get("w")) +
           " for " + format.mnemonic);
    for (StringRef name : {"kh", "kw", "sy", "sx", "pt", "pl", "include_pad"})
      isZero(name, "for " + format.mnemonic);
    if (op == isa::kVecReq) {
      isZero("b_addr", "for vec.req");
      isZero("shift_b", "for vec.req");
    }
    if (op == isa::kVecLut) {
      isZero("shift_a", "for vec.lut");
      isZero("shift_b", "for vec.lut");
    }
    if (op == isa::kVecAffine || op == isa::kVecMul) {
      isZero("shift_b", "for " + format.mnemonic);
      inRange("shift_a", 0, isa::kVecProductMaxShift,
              " (the product's accumulator)");
    }
  }
  if (!ok)
    return;
  uint64_t plane = mul(u("h"), u("w")), a = u("a_addr"), out = u("out_addr");
  sram("INP", "read", a, add(a, mul(u("nc"), plane)), c.inpDepth,
       "a_addr + nc*h*w");
  if (op == isa::kVecAdd) {
    uint64_t b = u("b_addr");
    sram("INP", "read", b, add(b, mul(u("nc"), plane)), c.inpDepth,
         "b_addr + nc*h*w");
  }
  if (op == isa::kVecLut || (op == isa::kVecSoftmax && !get("log"))) {
    uint64_t b = u("b_addr");
    sram("BIAS", "read", b, add(b, isa::kLutEntries), c.biasDepth,
         "b_addr + 257 (the table)");
  }
  if (op == isa::kVecSoftmax && get("log")) {
    uint64_t b = u("b_addr");
    sram("BIAS", "read", b, add(b, 2 * isa::kLutEntries), c.biasDepth,
         "b_addr + 514 (the exp and log2 tables)");
  }
  if (op == isa::kVecAffine) {
    uint64_t b = u("b_addr");
    sram("BIAS", "read", b, add(b, mul(2, u("nc"))), c.biasDepth,
         "b_addr + 2*nc (a scale and a shift per plane)");
  }
  if (op == isa::kVecMul) {
    uint64_t b = u("b_addr");
    sram("INP", "read", b, add(b, u("nc")), c.inpDepth,
         "b_addr + nc (a factor per plane)");
  }
  sram("OUT", "write", out, add(out, mul(mul(u("nc"), u("oh")), u("ow"))),
       c.outDepth, "out_addr + nc*oh*ow");
}

void InsnChecker::checkConv() {
  for (StringRef name : {"src_pitch", "vh", "vw", "kh", "kw", "sy", "sx", "dy",
                         "dx", "oh", "ow", "nco", "cpg", "opg", "nr"})
    atLeast(name, 1);
  if (!ok)
    return;
  if (u("vw") > u("src_pitch"))
    fail("vw=" + Twine(u("vw")) + " exceeds src_pitch=" + Twine(u("src_pitch")));
  const uint64_t reduction = mul(mul(u("cpg"), u("kh")), u("kw"));
  if (u("nr") > reduction)
    fail("nr=" + Twine(u("nr")) + " exceeds the reduction length cpg*kh*kw = " +
         Twine(reduction));
  if (!ok)
    return;
  // The highest input channel read is the last channel of the last lane's
  // group.
  const uint64_t groups = (u("nco") - 1) / u("opg") + 1;
  const uint64_t src = u("src_addr");
  const uint64_t srcEnd =
      add(src, mul(mul(mul(groups, u("cpg")), u("vh")), u("src_pitch")));
  const char *srcFormula =
      "src_addr + ((nco-1)/opg + 1)*cpg*vh*src_pitch";
  if (u("src_buf"))
    sram("MID", "read", src, srcEnd, c.midDepth, srcFormula);
  else
    sram("INP", "read", src, srcEnd, c.inpDepth, srcFormula);
  const uint64_t blocks = (u("nco") - 1) / c.convPout + 1;
  const uint64_t ker = u("ker_addr");
  sram("KER", "read", ker, add(ker, mul(mul(blocks, u("nr")), c.convPout)),
       c.kerDepth, "ker_addr + ceil(nco/conv_pout)*nr*conv_pout");
  const uint64_t oacc = u("oacc_addr");
  sram("OACC", "write", oacc,
       add(oacc, mul(mul(u("nco"), u("oh")), u("ow"))), c.oaccDepth,
       "oacc_addr + nco*oh*ow");
}

void InsnChecker::checkConvq() {
  for (StringRef name : {"nc", "oh", "ow"})
    atLeast(name, 1);
  clamps();
  if (!u("res"))
    for (StringRef name :
         {"res_buf", "res_addr", "res_pitch", "res_plane", "res_shift"})
      isZero(name, "without res");
  else
    atLeast("res_pitch", 1);
  if (!u("lut"))
    for (StringRef name : {"lut_addr", "lut_shift"})
      isZero(name, "without lut");
  if (!ok)
    return;
  const uint64_t nc = u("nc"), n = mul(mul(nc, u("oh")), u("ow"));
  const uint64_t oacc = u("oacc_addr"), bias = u("bias_addr");
  sram("OACC", "read", oacc, add(oacc, n), c.oaccDepth, "oacc_addr + nc*oh*ow");
  sram("BIAS", "read", bias, add(bias, nc), c.biasDepth, "bias_addr + nc");
  if (u("res")) {
    const uint64_t r = u("res_addr");
    const uint64_t end = add(add(add(r, mul(nc - 1, u("res_plane"))),
                                 mul(u("oh") - 1, u("res_pitch"))),
                             u("ow"));
    const char *formula =
        "res_addr + (nc-1)*res_plane + (oh-1)*res_pitch + ow";
    if (u("res_buf"))
      sram("MID", "read", r, end, c.midDepth, formula);
    else
      sram("INP", "read", r, end, c.inpDepth, formula);
  }
  if (u("lut")) {
    const uint64_t t = u("lut_addr");
    sram("BIAS", "read", t, add(t, isa::kLutEntries), c.biasDepth,
         "lut_addr + 257 (the table)");
  }
  const uint64_t out = u("out_addr");
  if (u("dst_buf"))
    sram("MID", "write", out, add(out, n), c.midDepth, "out_addr + nc*oh*ow");
  else
    sram("OUT", "write", out, add(out, n), c.outDepth, "out_addr + nc*oh*ow");
}

bool InsnChecker::run() {
  switch (format.opcode) {
  case isa::kFinish:
  case isa::kNop:
    break;
  case isa::kLoad:
    checkLoad();
    break;
  case isa::kStore:
    checkStore();
    break;
  case isa::kFft:
    checkFft();
    break;
  case isa::kSconv:
    checkSconv();
    break;
  case isa::kOutq:
    checkOutq();
    break;
  case isa::kGemv:
    checkGemv();
    break;
  case isa::kVec:
    checkVec();
    break;
  case isa::kConv:
    checkConv();
    break;
  case isa::kConvq:
    checkConvq();
    break;
  default:
    llvm::report_fatal_error("verifier: opcode without rules");
  }
  return ok;
}

} // namespace

bool verifyInsnBounds(const isa::Word &word, const InsnFormat &format,
                      size_t index, uint64_t dramBytes,
                      const NamedOverlayConfig &config, ReportFn report) {
  return InsnChecker(word, format, index, dramBytes, config, report).run();
}

} // namespace detail
} // namespace spec2
