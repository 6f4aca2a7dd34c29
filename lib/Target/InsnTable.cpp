//===- InsnTable.cpp - Mnemonics and named fields of the ISA --------------===//

#include "spec2/Target/InsnTable.h"

#include "llvm/ADT/STLExtras.h"

namespace spec2 {
namespace {

using namespace isa;

constexpr NamedField kFlags[] = {{"pop_prev", kPopPrev},
                                 {"pop_next", kPopNext},
                                 {"push_prev", kPushPrev},
                                 {"push_next", kPushNext}};

constexpr NamedField kLoadBuffer{"buffer", load::kBuffer};
constexpr NamedField kLoadFields[] = {{"dram_addr", load::kDramAddr},
                                      {"sram_addr", load::kSramAddr},
                                      {"src_h", load::kSrcH},
                                      {"src_w", load::kSrcW},
                                      {"y0", load::kY0},
                                      {"x0", load::kX0},
                                      {"nc", load::kNc},
                                      {"ny", load::kNy},
                                      {"nx", load::kNx},
                                      {"dst_pitch", load::kDstPitch},
                                      {"dst_plane", load::kDstPlane},
                                      {"count", load::kCount},
                                      {"ker_format", load::kKerFormat}};

constexpr NamedField kStoreFields[] = {{"dram_addr", store::kDramAddr},
                                       {"sram_addr", store::kSramAddr},
                                       {"dst_h", store::kDstH},
                                       {"dst_w", store::kDstW},
                                       {"y0", store::kY0},
                                       {"x0", store::kX0},
                                       {"nc", store::kNc},
                                       {"ny", store::kNy},
                                       {"nx", store::kNx},
                                       {"src_pitch", store::kSrcPitch},
                                       {"src_plane", store::kSrcPlane}};

constexpr NamedField kFftFields[] = {{"inp_addr", fft::kInpAddr},
                                     {"inp_stride", fft::kInpStride},
                                     {"inp_pitch", fft::kInpPitch},
                                     {"spec_addr", fft::kSpecAddr},
                                     {"nc", fft::kNc},
                                     {"tile", fft::kTile},
                                     {"shift", fft::kShift},
                                     {"ntx", fft::kNtx},
                                     {"spec_tile", fft::kSpecTile},
                                     {"async", fft::kAsync}};

constexpr NamedField kSconvFields[] = {{"ker_addr", sconv::kKerAddr},
                                       {"spec_addr", sconv::kSpecAddr},
                                       {"nnz", sconv::kNnz},
                                       {"ncig", sconv::kNcig},
                                       {"ncob", sconv::kNcob},
                                       {"nco", sconv::kNco},
                                       {"oacc_addr", sconv::kOaccAddr},
                                       {"oacc_pitch", sconv::kOaccPitch},
                                       {"oacc_plane", sconv::kOaccPlane},
                                       {"oacc_h", sconv::kOaccH},
                                       {"oy", sconv::kOy},
                                       {"ox", sconv::kOx},
                                       {"acc_shift", sconv::kAccShift},
                                       {"ifft_shift", sconv::kIfftShift},
                                       {"ntx", sconv::kNtx},
                                       {"tx_step", sconv::kTxStep}};

constexpr NamedField kOutqFields[] = {{"oacc_addr", outq::kOaccAddr},
                                      {"oacc_pitch", outq::kOaccPitch},
                                      {"oacc_plane", outq::kOaccPlane},
                                      {"out_addr", outq::kOutAddr},
                                      {"bias_addr", outq::kBiasAddr},
                                      {"nc", outq::kNc},
                                      {"oh", outq::kOh},
                                      {"ow", outq::kOw},
                                      {"y0", outq::kY0},
                                      {"x0", outq::kX0},
                                      {"sy", outq::kSy},
                                      {"sx", outq::kSx},
                                      {"shift", outq::kShift},
                                      {"clamp_lo", outq::kClampLo},
                                      {"clamp_hi", outq::kClampHi},
                                      {"clear", outq::kClear},
                                      {"keep_from", outq::kKeepFrom},
                                      {"keep", outq::kKeep},
                                      {"keep_swap", outq::kKeepSwap},
                                      {"detach", outq::kDetach}};

constexpr NamedField kGemvFields[] = {
    {"ker_addr", gemv::kKerAddr},   {"x_addr", gemv::kXAddr},
    {"nrows", gemv::kNrows},        {"nnz", gemv::kNnz},
    {"acc_addr", gemv::kAccAddr},   {"first", gemv::kFirst},
    {"last", gemv::kLast},          {"out_addr", gemv::kOutAddr},
    {"bias_addr", gemv::kBiasAddr}, {"shift", gemv::kShift},
    {"clamp_lo", gemv::kClampLo},   {"clamp_hi", gemv::kClampHi}};

constexpr NamedField kVecOp{"op", vec::kOp};
constexpr NamedField kVecFields[] = {{"a_addr", vec::kAAddr},
                                     {"b_addr", vec::kBAddr},
                                     {"out_addr", vec::kOutAddr},
                                     {"nc", vec::kNc},
                                     {"h", vec::kH},
                                     {"w", vec::kW},
                                     {"kh", vec::kKh},
                                     {"kw", vec::kKw},
                                     {"sy", vec::kSy},
                                     {"sx", vec::kSx},
                                     {"pt", vec::kPt},
                                     {"pl", vec::kPl},
                                     {"oh", vec::kOh},
                                     {"ow", vec::kOw},
                                     {"shift_a", vec::kShiftA},
                                     {"shift_b", vec::kShiftB},
                                     {"shift_out", vec::kShiftOut},
                                     {"clamp_lo", vec::kClampLo},
                                     {"clamp_hi", vec::kClampHi},
                                     {"include_pad", vec::kIncludePad}};

constexpr NamedField kNoSelector{"", {0, 0, false}};

const InsnFormat kFormats[] = {
    {"finish", kFinish, false, kNoSelector, 0, {}},
    {"load.inp", kLoad, true, kLoadBuffer, kBufInp, kLoadFields},
    {"load.ker", kLoad, true, kLoadBuffer, kBufKer, kLoadFields},
    {"load.bias", kLoad, true, kLoadBuffer, kBufBias, kLoadFields},
    {"load.fcx", kLoad, true, kLoadBuffer, kBufFcx, kLoadFields},
    {"store", kStore, false, kNoSelector, 0, kStoreFields},
    {"fft", kFft, false, kNoSelector, 0, kFftFields},
    {"sconv", kSconv, false, kNoSelector, 0, kSconvFields},
    {"outq", kOutq, false, kNoSelector, 0, kOutqFields},
    {"gemv", kGemv, false, kNoSelector, 0, kGemvFields},
    {"vec.maxpool", kVec, true, kVecOp, kVecMaxPool, kVecFields},
    {"vec.avgpool", kVec, true, kVecOp, kVecAvgPool, kVecFields},
    {"vec.add", kVec, true, kVecOp, kVecAdd, kVecFields},
    {"vec.req", kVec, true, kVecOp, kVecReq, kVecFields},
    {"vec.lut", kVec, true, kVecOp, kVecLut, kVecFields},
    {"nop", kNop, false, kNoSelector, 0, {}},
};

} // namespace

llvm::ArrayRef<InsnFormat> insnFormats() { return kFormats; }

llvm::ArrayRef<NamedField> dependencyFlags() { return kFlags; }

const InsnFormat *findInsnFormat(llvm::StringRef mnemonic) {
  for (const InsnFormat &f : kFormats)
    if (f.mnemonic == mnemonic)
      return &f;
  return nullptr;
}

const InsnFormat *decodeInsnFormat(const Word &word) {
  unsigned opcode = unsigned(getBits(word, kOpcode));
  for (const InsnFormat &f : kFormats)
    if (f.opcode == opcode &&
        (!f.hasSelector || getBits(word, f.selector.field) == f.selectorValue))
      return &f;
  return nullptr;
}

std::optional<Field> findOperand(const InsnFormat &format,
                                 llvm::StringRef name) {
  for (const NamedField &f : format.operands)
    if (f.name == name)
      return f.field;
  return std::nullopt;
}

std::string describeInsn(const Word &word) {
  if (const InsnFormat *f = decodeInsnFormat(word))
    return f->mnemonic.str();
  unsigned opcode = unsigned(getBits(word, kOpcode));
  // A known opcode whose selector value has no mnemonic: "vec".
  for (const InsnFormat &f : kFormats)
    if (f.opcode == opcode)
      return f.mnemonic.split('.').first.str();
  std::string name = "reserved opcode " + std::to_string(opcode);
  if (opcode == kReservedSpatialConv)
    name += " (spatial conv)";
  else if (opcode == kReservedLstm)
    name += " (LSTM)";
  return name;
}

bool hasUnusedBitsSet(const Word &word) {
  unsigned used = usedBits(unsigned(getBits(word, kOpcode)));
  for (unsigned lane = 0; lane < kInsnLanes; ++lane) {
    unsigned lo = lane * 64;
    if (used >= lo + 64)
      continue;
    uint64_t mask = used <= lo ? ~uint64_t(0) : ~uint64_t(0) << (used - lo);
    if (word.lane[lane] & mask)
      return true;
  }
  return false;
}

} // namespace spec2
