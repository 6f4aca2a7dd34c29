//===- TargetTestUtils.cpp - Build small overlay programs for tests -------===//

#include "TargetTestUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

namespace spec2::test {

isa::Word insn(llvm::StringRef mnemonic, std::initializer_list<Operand> fields,
               std::initializer_list<llvm::StringRef> flags) {
  const InsnFormat *format = findInsnFormat(mnemonic);
  if (!format)
    llvm::report_fatal_error("test uses unknown mnemonic " + mnemonic);
  isa::Word w{};
  isa::setField(w, isa::kOpcode, format->opcode);
  if (format->hasSelector)
    isa::setField(w, format->selector.field, format->selectorValue);
  for (auto [name, value] : fields) {
    std::optional<isa::Field> f = findOperand(*format, name);
    if (!f || !isa::fits(*f, value))
      llvm::report_fatal_error("test sets bad field " + name + " of " +
                               mnemonic);
    isa::setField(w, *f, value);
  }
  for (llvm::StringRef flag : flags) {
    auto *it = llvm::find_if(
        dependencyFlags(), [&](const NamedField &f) { return f.name == flag; });
    if (it == dependencyFlags().end())
      llvm::report_fatal_error("test uses unknown flag " + flag);
    isa::setField(w, it->field, 1);
  }
  return w;
}

static isa::Field fieldOf(const isa::Word &word, llvm::StringRef name) {
  const InsnFormat *format = decodeInsnFormat(word);
  std::optional<isa::Field> f =
      format ? findOperand(*format, name) : std::nullopt;
  if (!f)
    llvm::report_fatal_error("test reads unknown field " + name);
  return *f;
}

int64_t operand(const isa::Word &word, llvm::StringRef name) {
  return isa::getField(word, fieldOf(word, name));
}

isa::Word withOperand(isa::Word word, llvm::StringRef name, int64_t value) {
  isa::setField(word, fieldOf(word, name), value);
  return word;
}

const NamedOverlayConfig &builtinConfig(llvm::StringRef name) {
  static llvm::StringMap<NamedOverlayConfig> cache;
  auto it = cache.find(name);
  if (it != cache.end())
    return it->second;
  llvm::Expected<NamedOverlayConfig> config = resolveTarget(name);
  if (!config)
    llvm::report_fatal_error(llvm::Twine(llvm::toString(config.takeError())));
  return cache.insert({name, *config}).first->second;
}

ProgramBuilder::ProgramBuilder(const NamedOverlayConfig &config,
                               uint64_t dramBytes) {
  program.configName = config.name;
  program.configHash = config.hash;
  program.dramBytes = dramBytes;
}

ProgramBuilder &ProgramBuilder::input(llvm::StringRef name, uint64_t dramAddr,
                                      std::vector<uint32_t> dims,
                                      int8_t fracBits) {
  program.inputs.push_back({name.str(), dramAddr, std::move(dims), fracBits});
  return *this;
}

ProgramBuilder &ProgramBuilder::output(llvm::StringRef name, uint64_t dramAddr,
                                       std::vector<uint32_t> dims,
                                       int8_t fracBits) {
  program.outputs.push_back({name.str(), dramAddr, std::move(dims), fracBits});
  return *this;
}

ProgramBuilder &ProgramBuilder::segment(llvm::StringRef name, uint64_t dramAddr,
                                        std::vector<uint8_t> bytes) {
  program.segments.push_back({name.str(), dramAddr, std::move(bytes)});
  return *this;
}

ProgramBuilder &
ProgramBuilder::add(llvm::StringRef mnemonic,
                    std::initializer_list<Operand> fields,
                    std::initializer_list<llvm::StringRef> flags) {
  program.insns.push_back(insn(mnemonic, fields, flags));
  return *this;
}

ProgramBuilder &ProgramBuilder::add(const isa::Word &word) {
  program.insns.push_back(word);
  return *this;
}

static std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; ++i)
    bytes[i] = uint8_t(seed + i * 37 + (i >> 3));
  return bytes;
}

Program asLevels(const Program &one, unsigned levels, uint32_t step) {
  Program p = one;
  p.insns.clear();
  for (uint32_t k = 0; k < levels; ++k) {
    ProgramLevel l;
    l.sparsityPpm = k * step;
    l.firstInsn = uint32_t(p.insns.size());
    l.numInsns = uint32_t(one.insns.size());
    for (const TensorDesc &t : one.outputs)
      l.outputAddrs.push_back(t.dramAddr);
    p.levels.push_back(l);
    p.insns.insert(p.insns.end(), one.insns.begin(), one.insns.end());
  }
  return p;
}

size_t levelTableOffset(const Program &p) {
  size_t at = 64; // the header
  for (const auto *tensors : {&p.inputs, &p.outputs})
    for (const TensorDesc &t : *tensors)
      at += 16 + (t.dims.size() * 4 + t.name.size() + 7) / 8 * 8;
  return at;
}

Program kitchenSinkProgram() {
  ProgramBuilder b(builtinConfig("small"));
  b.input("x", 0x0, {1, 2, 8, 8}, 12)
      .output("y", 0x8000, {1, 4, 8, 8}, 10)
      .output("logits", 0x9000, {1, 4}, -2)
      .segment("conv1.weight", 0x1000, pattern(24 * 6, 1))
      .segment("conv1.bias", 0x2000, pattern(4 * 4, 2))
      .segment("fc.weight", 0x3000, pattern(8 * 4, 3));
  b.add("load.inp", {{"src_h", 8},
                     {"src_w", 8},
                     {"nc", 2},
                     {"ny", 8},
                     {"nx", 8},
                     {"dst_pitch", 8},
                     {"dst_plane", 64}})
      .add("load.ker", {{"dram_addr", 0x1000}, {"count", 24}})
      .add("load.bias", {{"dram_addr", 0x2000}, {"count", 4}}, {"push_next"})
      .add("fft",
           {{"inp_stride", 64},
            {"inp_pitch", 8},
            {"nc", 2},
            {"tile", 8},
            {"shift", 3}},
           {"pop_prev"})
      .add("sconv",
           {{"nnz", 3},
            {"ncig", 1},
            {"ncob", 1},
            {"nco", 4},
            {"oacc_pitch", 8},
            {"oacc_plane", 64},
            {"oacc_h", 8},
            {"oy", -1},
            {"ox", -1},
            {"acc_shift", 4},
            {"ifft_shift", 2}},
           {"push_prev"})
      .add("outq",
           {{"oacc_pitch", 8},
            {"oacc_plane", 64},
            {"nc", 4},
            {"oh", 8},
            {"ow", 8},
            {"sy", 1},
            {"sx", 1},
            {"shift", 8},
            {"clamp_lo", 0},
            {"clamp_hi", 32767},
            {"clear", 1}},
           {"push_next"})
      .add("store",
           {{"dram_addr", 0x8000},
            {"dst_h", 8},
            {"dst_w", 8},
            {"nc", 4},
            {"ny", 8},
            {"nx", 8},
            {"src_pitch", 8},
            {"src_plane", 64}},
           {"pop_prev", "push_prev"})
      .add("load.ker",
           {{"dram_addr", 0x3000},
            {"sram_addr", 24},
            {"count", 8},
            {"ker_format", 1}},
           {"pop_next"})
      .add("load.fcx",
           {{"src_h", 1},
            {"src_w", 128},
            {"nc", 1},
            {"ny", 1},
            {"nx", 128},
            {"dst_pitch", 128},
            {"dst_plane", 128}},
           {"push_next"})
      .add("vec.maxpool",
           {{"out_addr", 1024},
            {"nc", 2},
            {"h", 8},
            {"w", 8},
            {"kh", 2},
            {"kw", 2},
            {"sy", 2},
            {"sx", 2},
            {"oh", 4},
            {"ow", 4},
            {"clamp_lo", -32768},
            {"clamp_hi", 32767}},
           {"pop_next"})
      .add("vec.avgpool", {{"out_addr", 2048},
                           {"nc", 2},
                           {"h", 8},
                           {"w", 8},
                           {"kh", 3},
                           {"kw", 3},
                           {"sy", 2},
                           {"sx", 2},
                           {"pt", 1},
                           {"pl", 1},
                           {"oh", 4},
                           {"ow", 4},
                           {"shift_a", 1},
                           {"shift_out", 1},
                           {"clamp_lo", -32768},
                           {"clamp_hi", 32767},
                           {"include_pad", 1}})
      .add("vec.add", {{"b_addr", 64},
                       {"out_addr", 3072},
                       {"nc", 1},
                       {"h", 8},
                       {"w", 8},
                       {"oh", 8},
                       {"ow", 8},
                       {"shift_a", 1},
                       {"shift_b", 2},
                       {"shift_out", 3},
                       {"clamp_lo", -100},
                       {"clamp_hi", 100}})
      .add("vec.req", {{"out_addr", 4096},
                       {"nc", 2},
                       {"h", 8},
                       {"w", 8},
                       {"oh", 8},
                       {"ow", 8},
                       {"shift_a", 2},
                       {"shift_out", 4},
                       {"clamp_lo", -32768},
                       {"clamp_hi", 32767}})
      .add("gemv",
           {{"ker_addr", 24},
            {"nrows", 4},
            {"nnz", 2},
            {"first", 1},
            {"last", 1},
            {"out_addr", 5000},
            {"shift", 10},
            {"clamp_lo", -5},
            {"clamp_hi", 5}},
           {"pop_prev", "push_next"})
      .add("store",
           {{"dram_addr", 0x9000},
            {"sram_addr", 5000},
            {"dst_h", 1},
            {"dst_w", 4},
            {"nc", 1},
            {"ny", 1},
            {"nx", 4},
            {"src_pitch", 4},
            {"src_plane", 4}},
           {"pop_prev", "push_prev"})
      .add("vec.lut", {{"b_addr", 0},
                       {"out_addr", 4096},
                       {"nc", 1},
                       {"h", 4},
                       {"w", 4},
                       {"oh", 4},
                       {"ow", 4},
                       {"clamp_lo", -32768},
                       {"clamp_hi", 32767}})
      .add("nop", {})
      // A depthwise 3x3 with on-chip padding and a residual into MID, then
      // a pointwise conv from MID through the LUT into OUT.
      .add("conv", {{"src_pitch", 8},
                    {"y0", -1},
                    {"x0", -1},
                    {"vh", 8},
                    {"vw", 8},
                    {"kh", 3},
                    {"kw", 3},
                    {"sy", 1},
                    {"sx", 1},
                    {"dy", 1},
                    {"dx", 1},
                    {"oh", 8},
                    {"ow", 8},
                    {"nco", 2},
                    {"cpg", 1},
                    {"opg", 1},
                    {"nr", 9},
                    {"acc_shift", 2},
                    {"first", 1},
                    {"chain", 1}})
      .add("convq", {{"nc", 2},
                     {"oh", 8},
                     {"ow", 8},
                     {"shift", 6},
                     {"dst_buf", 1},
                     {"res", 1},
                     {"res_pitch", 8},
                     {"res_plane", 64},
                     {"res_shift", -1},
                     {"clamp_lo", -32768},
                     {"clamp_hi", 32767}})
      .add("conv", {{"src_buf", 1},
                    {"src_pitch", 8},
                    {"vh", 8},
                    {"vw", 8},
                    {"kh", 1},
                    {"kw", 1},
                    {"sy", 1},
                    {"sx", 1},
                    {"dy", 1},
                    {"dx", 1},
                    {"oh", 8},
                    {"ow", 8},
                    {"oacc_addr", 256},
                    {"nco", 4},
                    {"cpg", 2},
                    {"opg", 4},
                    {"nr", 2},
                    {"first", 1}})
      .add("convq", {{"oacc_addr", 256},
                     {"nc", 4},
                     {"oh", 8},
                     {"ow", 8},
                     {"shift", 4},
                     {"out_addr", 6000},
                     {"lut", 1},
                     {"lut_shift", 2},
                     {"clamp_lo", 0},
                     {"clamp_hi", 32767}})
      // The per-plane ops last: the indices above stay as they were.
      .add("vec.affine", {{"b_addr", 300},
                          {"out_addr", 4096},
                          {"nc", 2},
                          {"h", 4},
                          {"w", 4},
                          {"oh", 4},
                          {"ow", 4},
                          {"shift_a", 3},
                          {"shift_out", 20},
                          {"clamp_lo", -32768},
                          {"clamp_hi", 32767}})
      .add("vec.mul", {{"b_addr", 64},
                       {"out_addr", 4096},
                       {"nc", 2},
                       {"h", 4},
                       {"w", 4},
                       {"oh", 4},
                       {"ow", 4},
                       {"shift_out", 14},
                       {"clamp_lo", -32768},
                       {"clamp_hi", 32767}})
      .add("vec.softmax", {{"b_addr", 400},
                           {"out_addr", 4096},
                           {"nc", 10},
                           {"h", 1},
                           {"w", 3},
                           {"oh", 1},
                           {"ow", 3},
                           {"shift_a", 2},
                           {"shift_out", 32},
                           {"clamp_lo", -32768},
                           {"clamp_hi", 32767}})
      .add("finish", {}, {"pop_next"});
  return b.build();
}

size_t kitchenSinkIndex(llvm::StringRef mnemonic) {
  Program p = kitchenSinkProgram();
  for (size_t i = 0; i < p.insns.size(); ++i)
    if (describeInsn(p.insns[i]) == mnemonic)
      return i;
  llvm::report_fatal_error("kitchen sink has no " + mnemonic);
}

//===----------------------------------------------------------------------===//
// Access oracle
//===----------------------------------------------------------------------===//

namespace {

/// Enumerates the accesses of one instruction, literally following the
/// loops of the isa.h semantics comments.
class Oracle {
public:
  Oracle(const isa::Word &w, const OverlayConfig &c) : w(w), c(c) {}
  std::array<Footprint, kNumMemories> run(unsigned opcode, unsigned sel);
  static uint64_t iterations(const isa::Word &w, const OverlayConfig &c,
                             unsigned opcode, unsigned sel);

private:
  int64_t f(llvm::StringRef name) const { return operand(w, name); }
  void at(Memory m, int64_t addr, int64_t size = 1) {
    // A negative address is out of bounds; record it as huge.
    uint64_t a = addr < 0 ? UINT64_MAX - 1 : uint64_t(addr);
    out[m].touch(a, llvm::SaturatingAdd(a, uint64_t(size)));
  }

  void load(unsigned buffer);
  void store();
  void fft();
  void sconv();
  void outq();
  void gemv();
  void vec(unsigned op);
  void conv();
  void convq();

  const isa::Word &w;
  const OverlayConfig &c;
  std::array<Footprint, kNumMemories> out;
};

void Oracle::load(unsigned buffer) {
  int64_t dram = f("dram_addr"), sram = f("sram_addr");
  if (buffer == isa::kBufKer || buffer == isa::kBufBias) {
    int64_t entry = buffer == isa::kBufBias
                        ? 4
                        : isa::kerEntryBytes(unsigned(f("ker_format")));
    Memory dst = buffer == isa::kBufKer ? kKer : kBias;
    for (int64_t i = 0, count = f("count"); i < count; ++i) {
      at(kDram, dram + i * entry, entry);
      at(dst, sram + i);
    }
    return;
  }
  Memory dst = buffer == isa::kBufInp ? kInp : kFcx;
  int64_t srcH = f("src_h"), srcW = f("src_w"), y0 = f("y0"), x0 = f("x0");
  int64_t nc = f("nc"), ny = f("ny"), nx = f("nx");
  int64_t plane = f("dst_plane"), pitch = f("dst_pitch");
  for (int64_t ch = 0; ch < nc; ++ch)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        int64_t row = y0 + y, col = x0 + x;
        if (row >= 0 && row < srcH && col >= 0 && col < srcW)
          at(kDram, dram + ((ch * srcH + row) * srcW + col) * 2, 2);
        at(dst, sram + ch * plane + y * pitch + x);
      }
}

void Oracle::store() {
  int64_t dram = f("dram_addr"), sram = f("sram_addr");
  int64_t dstH = f("dst_h"), dstW = f("dst_w"), y0 = f("y0"), x0 = f("x0");
  int64_t nc = f("nc"), ny = f("ny"), nx = f("nx");
  int64_t plane = f("src_plane"), pitch = f("src_pitch");
  for (int64_t ch = 0; ch < nc; ++ch)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        at(kOut, sram + ch * plane + y * pitch + x);
        int64_t row = y0 + y, col = x0 + x;
        if (row >= 0 && row < dstH && col >= 0 && col < dstW)
          at(kDram, dram + ((ch * dstH + row) * dstW + col) * 2, 2);
      }
}

void Oracle::fft() {
  int64_t bins = c.bins();
  int64_t nc = f("nc"), inp = f("inp_addr"), stride = f("inp_stride"),
          pitch = f("inp_pitch"), spec = f("spec_addr"), tile = f("tile");
  for (int64_t ch = 0; ch < nc; ++ch) {
    for (int64_t y = 0; y < tile; ++y)
      for (int64_t x = 0; x < tile; ++x)
        at(kInp, inp + ch * stride + y * pitch + x);
    for (int64_t k = 0; k < bins; ++k)
      at(kSpec, spec + ch * bins + k);
  }
}

void Oracle::sconv() {
  int64_t pin = c.pin, pout = c.pout, bins = c.bins();
  int64_t ncob = f("ncob"), ncig = f("ncig"), nnz = f("nnz"), nco = f("nco");
  int64_t ker = f("ker_addr"), spec = f("spec_addr"), oacc = f("oacc_addr");
  int64_t pitch = f("oacc_pitch"), plane = f("oacc_plane"), oh = f("oacc_h");
  for (int64_t b = 0; b < ncob; ++b) {
    for (int64_t t = 0; t < nnz; ++t)
      for (int64_t pi = 0; pi < pin; ++pi)
        for (int64_t po = 0; po < pout; ++po)
          at(kKer, ker + (b * nnz + t) * pin * pout + pi * pout + po);
    // Any bin below B of any group below ncig may be read; others read zero.
    for (int64_t g = 0; g < ncig; ++g)
      for (int64_t pi = 0; pi < pin; ++pi)
        at(kSpec, spec + (g * pin + pi) * bins, bins);
    for (int64_t po = 0; po < pout; ++po) {
      int64_t ch = b * pout + po;
      if (ch >= nco)
        continue;
      for (int64_t v = 0; v < oh; ++v)
        for (int64_t u = 0; u < pitch; ++u)
          at(kOacc, oacc + ch * plane + v * pitch + u);
    }
  }
}

void Oracle::outq() {
  int64_t oacc = f("oacc_addr"), pitch = f("oacc_pitch"),
          plane = f("oacc_plane"), out = f("out_addr"), bias = f("bias_addr");
  int64_t nc = f("nc"), oh = f("oh"), ow = f("ow"), y0 = f("y0"), x0 = f("x0"),
          sy = f("sy"), sx = f("sx");
  for (int64_t ch = 0; ch < nc; ++ch) {
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        at(kOacc, oacc + ch * plane + (y0 + y * sy) * pitch + x0 + x * sx);
        at(kBias, bias + ch);
        at(kOut, out + (ch * oh + y) * ow + x);
      }
    if (f("clear"))
      for (int64_t i = 0; i < plane; ++i)
        at(kOacc, oacc + ch * plane + i);
  }
}

void Oracle::gemv() {
  int64_t lanes = c.fcLanes;
  int64_t nrows = f("nrows"), nnz = f("nnz"), ker = f("ker_addr"),
          acc = f("acc_addr"), out = f("out_addr"), bias = f("bias_addr");
  bool last = f("last");
  for (int64_t r = 0; r < nrows; ++r) {
    for (int64_t t = 0; t < nnz; ++t)
      at(kKer, ker + ((r / lanes) * nnz + t) * lanes + r % lanes);
    // Columns that leave FCX read zero; column 0 is always possible.
    at(kFcx, f("x_addr"));
    at(kFacc, acc + r);
    if (last) {
      at(kOut, out + r);
      at(kBias, bias + r);
    }
  }
}

void Oracle::vec(unsigned op) {
  int64_t h = f("h"), wd = f("w"), oh = f("oh"), ow = f("ow"), nc = f("nc");
  int64_t a = f("a_addr"), b = f("b_addr"), out = f("out_addr");
  int64_t kh = f("kh"), kw = f("kw"), sy = f("sy"), sx = f("sx"), pt = f("pt"),
          pl = f("pl");
  for (int64_t ch = 0; ch < nc; ++ch) {
    if (op == isa::kVecMaxPool || op == isa::kVecAvgPool) {
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              int64_t row = oy * sy - pt + i, col = ox * sx - pl + j;
              if (row >= 0 && row < h && col >= 0 && col < wd)
                at(kInp, a + (ch * h + row) * wd + col);
            }
          at(kOut, out + (ch * oh + oy) * ow + ox);
        }
      continue;
    }
    if (op == isa::kVecAffine) {
      at(kBias, b + 2 * ch);
      at(kBias, b + 2 * ch + 1);
    }
    if (op == isa::kVecMul)
      at(kInp, b + ch);
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < wd; ++x) {
        at(kInp, a + (ch * h + y) * wd + x);
        if (op == isa::kVecAdd)
          at(kInp, b + (ch * h + y) * wd + x);
        at(kOut, out + (ch * oh + y) * ow + x);
      }
  }
  if (op == isa::kVecLut || op == isa::kVecSoftmax)
    for (int64_t t = 0;
         t < int64_t(isa::kLutEntries) * (f("log") && op == isa::kVecSoftmax ? 2 : 1);
         ++t)
      at(kBias, b + t);
}

void Oracle::conv() {
  const int64_t P = c.convPout, nco = f("nco"), nr = f("nr");
  const int64_t kh = f("kh"), kw = f("kw"), cpg = f("cpg"), opg = f("opg");
  const int64_t vh = f("vh"), vw = f("vw"), pitch = f("src_pitch");
  const int64_t oh = f("oh"), ow = f("ow"), src = f("src_addr");
  const Memory from = f("src_buf") ? kMid : kInp;
  for (int64_t co = 0; co < nco; ++co) {
    const int64_t b = co / P, po = co % P, g = co / opg;
    for (int64_t j = 0; j < nr; ++j)
      at(kKer, f("ker_addr") + (b * nr + j) * P + po);
    // Any in-tile element of the group's channels may be read.
    for (int64_t ci = 0; ci < cpg; ++ci)
      for (int64_t ty = 0; ty < vh; ++ty)
        for (int64_t tx = 0; tx < vw; ++tx)
          at(from, src + ((g * cpg + ci) * vh + ty) * pitch + tx);
    for (int64_t p = 0; p < oh * ow; ++p)
      at(kOacc, f("oacc_addr") + co * oh * ow + p);
  }
  (void)kh;
  (void)kw;
}

void Oracle::convq() {
  const int64_t nc = f("nc"), oh = f("oh"), ow = f("ow");
  const Memory dst = f("dst_buf") ? kMid : kOut;
  const Memory res = f("res_buf") ? kMid : kInp;
  for (int64_t ch = 0; ch < nc; ++ch) {
    at(kBias, f("bias_addr") + ch);
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        const int64_t i = (ch * oh + y) * ow + x;
        at(kOacc, f("oacc_addr") + i);
        if (f("res"))
          at(res, f("res_addr") + ch * f("res_plane") + y * f("res_pitch") + x);
        at(dst, f("out_addr") + i);
      }
  }
  if (f("lut"))
    for (int64_t t = 0; t < int64_t(isa::kLutEntries); ++t)
      at(kBias, f("lut_addr") + t);
}

std::array<Footprint, kNumMemories> Oracle::run(unsigned opcode, unsigned sel) {
  switch (opcode) {
  case isa::kLoad:
    load(sel);
    break;
  case isa::kStore:
    store();
    break;
  case isa::kFft:
    fft();
    break;
  case isa::kSconv:
    sconv();
    break;
  case isa::kOutq:
    outq();
    break;
  case isa::kGemv:
    gemv();
    break;
  case isa::kVec:
    vec(sel);
    break;
  case isa::kConv:
    conv();
    break;
  case isa::kConvq:
    convq();
    break;
  default:
    break;
  }
  return out;
}

uint64_t Oracle::iterations(const isa::Word &w, const OverlayConfig &c,
                            unsigned opcode, unsigned sel) {
  auto f = [&](llvm::StringRef name) { return uint64_t(operand(w, name)); };
  auto mul = [](std::initializer_list<uint64_t> xs) {
    uint64_t p = 1;
    for (uint64_t x : xs)
      p = llvm::SaturatingMultiply(p, x);
    return p;
  };
  switch (opcode) {
  case isa::kLoad:
    return sel == isa::kBufKer || sel == isa::kBufBias
               ? f("count")
               : mul({f("nc"), f("ny"), f("nx")});
  case isa::kStore:
    return mul({f("nc"), f("ny"), f("nx")});
  case isa::kFft:
    return mul({f("nc"), f("tile") * f("tile") + c.bins()});
  case isa::kSconv:
    return llvm::SaturatingAdd(
        mul({f("ncob"), f("nnz"), c.pin, c.pout}),
        mul({f("ncob"), c.pout, f("oacc_h"), f("oacc_pitch")}));
  case isa::kOutq:
    return mul({f("nc"),
                llvm::SaturatingAdd(mul({f("oh"), f("ow")}), f("oacc_plane"))});
  case isa::kGemv:
    return mul({f("nrows"), f("nnz") + 4});
  case isa::kVec:
    return mul({f("nc"), std::max(mul({f("oh"), f("ow"), f("kh"), f("kw")}),
                                  mul({f("h"), f("w")}))});
  case isa::kConv:
    return mul({f("nco"), llvm::SaturatingAdd(
                              llvm::SaturatingAdd(f("nr"), mul({f("oh"), f("ow")})),
                              mul({f("cpg"), f("vh"), f("vw")}))});
  case isa::kConvq:
    return llvm::SaturatingAdd(mul({f("nc"), f("oh"), f("ow"), 3}),
                               uint64_t(isa::kLutEntries));
  default:
    return 0;
  }
}

} // namespace

std::optional<std::array<Footprint, kNumMemories>>
accessFootprint(const isa::Word &word, const OverlayConfig &config,
                uint64_t budget) {
  const InsnFormat *format = decodeInsnFormat(word);
  if (!format)
    return std::nullopt;
  unsigned sel = format->hasSelector ? format->selectorValue : 0;
  if (Oracle::iterations(word, config, format->opcode, sel) > budget)
    return std::nullopt;
  return Oracle(word, config).run(format->opcode, sel);
}

std::string outOfBounds(const std::array<Footprint, kNumMemories> &footprint,
                        const OverlayConfig &c, uint64_t dramBytes) {
  static const char *const names[kNumMemories] = {
      "DRAM", "INP", "KER", "BIAS", "FCX", "SPEC", "OACC", "FACC", "OUT",
      "MID"};
  const uint64_t limits[kNumMemories] = {
      dramBytes,   c.inpDepth,  c.kerDepth,  c.biasDepth, c.fcxDepth,
      c.specDepth, c.oaccDepth, c.faccDepth, c.outDepth,  c.midDepth};
  for (unsigned m = 0; m < kNumMemories; ++m)
    if (!footprint[m].empty() && footprint[m].hi > limits[m])
      return std::string(names[m]) + " access [" +
             std::to_string(footprint[m].lo) + ", " +
             std::to_string(footprint[m].hi) + ") beyond " +
             std::to_string(limits[m]);
  return "";
}

} // namespace spec2::test
