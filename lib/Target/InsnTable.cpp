//===- InsnTable.cpp - Mnemonics and named fields of the ISA --------------===//

#include "spec2/Target/InsnTable.h"

#include "spec2/Target/Insn.h"

#include "llvm/ADT/STLExtras.h"

namespace spec2 {
namespace {

using namespace isa;

constexpr NamedField kFlags[] = {
    {"pop_prev", kPopPrev, "wait for a token from the module before"},
    {"pop_next", kPopNext, "wait for a token from the module after"},
    {"push_prev", kPushPrev, "give a token to the module before"},
    {"push_next", kPushNext, "give a token to the module after"}};

// The operand lists are the ISA header's field lists (SPEC2_ISA_*_FIELDS).
#define SPEC2_NAMED(NS, Name, name, width, isSigned, doc) {#name, NS::k##Name, doc},
#define SPEC2_LOAD(...) SPEC2_NAMED(load, __VA_ARGS__)
#define SPEC2_STORE(...) SPEC2_NAMED(store, __VA_ARGS__)
#define SPEC2_FFT(...) SPEC2_NAMED(fft, __VA_ARGS__)
#define SPEC2_SCONV(...) SPEC2_NAMED(sconv, __VA_ARGS__)
#define SPEC2_OUTQ(...) SPEC2_NAMED(outq, __VA_ARGS__)
#define SPEC2_GEMV(...) SPEC2_NAMED(gemv, __VA_ARGS__)
#define SPEC2_VEC(...) SPEC2_NAMED(vec, __VA_ARGS__)
#define SPEC2_CONV(...) SPEC2_NAMED(conv, __VA_ARGS__)
#define SPEC2_CONVQ(...) SPEC2_NAMED(convq, __VA_ARGS__)

constexpr NamedField kLoadBuffer{"buffer", load::kBuffer, "LoadBuffer"};
constexpr NamedField kLoadFields[] = {SPEC2_ISA_LOAD_FIELDS(SPEC2_LOAD)};
constexpr NamedField kStoreFields[] = {SPEC2_ISA_STORE_FIELDS(SPEC2_STORE)};
constexpr NamedField kFftFields[] = {SPEC2_ISA_FFT_FIELDS(SPEC2_FFT)};
constexpr NamedField kSconvFields[] = {SPEC2_ISA_SCONV_FIELDS(SPEC2_SCONV)};
constexpr NamedField kOutqFields[] = {SPEC2_ISA_OUTQ_FIELDS(SPEC2_OUTQ)};
constexpr NamedField kGemvFields[] = {SPEC2_ISA_GEMV_FIELDS(SPEC2_GEMV)};
constexpr NamedField kVecOp{"op", vec::kOp, "VecOp"};
constexpr NamedField kVecFields[] = {SPEC2_ISA_VEC_FIELDS(SPEC2_VEC)};
constexpr NamedField kConvFields[] = {SPEC2_ISA_CONV_FIELDS(SPEC2_CONV)};
constexpr NamedField kConvqFields[] = {SPEC2_ISA_CONVQ_FIELDS(SPEC2_CONVQ)};

#undef SPEC2_NAMED
#undef SPEC2_LOAD
#undef SPEC2_STORE
#undef SPEC2_FFT
#undef SPEC2_SCONV
#undef SPEC2_OUTQ
#undef SPEC2_GEMV
#undef SPEC2_VEC
#undef SPEC2_CONV
#undef SPEC2_CONVQ

constexpr NamedField kNoSelector{"", {0, 0, false}, ""};

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
    {"vec.affine", kVec, true, kVecOp, kVecAffine, kVecFields},
    {"vec.mul", kVec, true, kVecOp, kVecMul, kVecFields},
    {"vec.softmax", kVec, true, kVecOp, kVecSoftmax, kVecFields},
    {"nop", kNop, false, kNoSelector, 0, {}},
    {"conv", kConv, false, kNoSelector, 0, kConvFields},
    {"convq", kConvq, false, kNoSelector, 0, kConvqFields},
};

} // namespace

llvm::ArrayRef<InsnFormat> insnFormats() { return kFormats; }

llvm::ArrayRef<NamedField> dependencyFlags() { return kFlags; }

llvm::StringRef opcodeSummary(unsigned opcode) {
  switch (opcode) {
  case kFinish:
    return "End of program (compute module)";
  case kLoad:
    return "DMA from DRAM into INP, KER, BIAS or FCX (load module)";
  case kStore:
    return "DMA from OUT into a DRAM tensor, clipped to it (store module)";
  case kFft:
    return "2-D real FFT of input tiles from INP into SPEC (spectral conv "
           "engine)";
  case kSconv:
    return "Sparse spectral MAC, IFFT and overlap-add into OACC (spectral "
           "conv engine)";
  case kOutq:
    return "Bias, requantisation and activation from OACC into OUT (conv "
           "output stage)";
  case kGemv:
    return "Row-balanced sparse matrix-vector product (fully-connected "
           "engine)";
  case kVec:
    return "Pooling, element-wise add, requantisation, a table function or "
           "a per-plane affine or multiply from INP into OUT (vector unit)";
  case kNop:
    return "Only dependency tokens (compute module): passes a store's token "
           "on to load";
  case kConv:
    return "Direct (standard, grouped, depthwise, dilated) convolution MACs "
           "from INP or MID into OACC (spatial conv engine)";
  case kConvq:
    return "Bias, residual add, requantisation and activation from OACC into "
           "OUT or MID (spatial conv output stage)";
  default:
    return "";
  }
}

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
  if (opcode == kReservedLstm)
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

std::optional<std::string> Insn::error() const {
  if (!misfit)
    return std::nullopt;
  std::string name = "?";
  if (const InsnFormat *f = decodeInsnFormat(w))
    for (const NamedField &nf : f->operands)
      if (nf.field.lo == misfitField.lo)
        name = nf.name.str();
  return "field '" + name + "' of " + describeInsn(w) + " = " +
         std::to_string(misfitValue) + " does not fit its " +
         std::to_string(misfitField.width) +
         (misfitField.isSigned ? "-bit signed" : "-bit unsigned") + " field";
}

} // namespace spec2
