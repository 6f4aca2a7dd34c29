//===- Program.cpp - An overlay program in memory -------------------------===//

#include "spec2/Target/Program.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

namespace spec2 {

uint64_t TensorDesc::byteSize() const {
  uint64_t n = 2;
  for (uint32_t d : dims)
    n = llvm::SaturatingMultiply(n, uint64_t(d));
  return n;
}

bool isValidName(llvm::StringRef name) {
  return !name.empty() && name.size() <= kMaxNameLength &&
         llvm::all_of(name, [](char c) {
           return c > ' ' && c < 0x7f && c != '"' && c != ';' && c != '=';
         });
}

bool isValidConfigName(llvm::StringRef name) {
  return name.size() <= kMaxConfigNameLength && isValidName(name);
}

bool sameWord(const isa::Word &a, const isa::Word &b) {
  for (unsigned i = 0; i < isa::kInsnLanes; ++i)
    if (a.lane[i] != b.lane[i])
      return false;
  return true;
}

bool operator==(const TensorDesc &a, const TensorDesc &b) {
  return a.name == b.name && a.dramAddr == b.dramAddr && a.dims == b.dims &&
         a.fracBits == b.fracBits;
}

bool operator==(const Segment &a, const Segment &b) {
  return a.name == b.name && a.dramAddr == b.dramAddr && a.bytes == b.bytes;
}

bool operator==(const Program &a, const Program &b) {
  return a.configName == b.configName && a.configHash == b.configHash &&
         a.dramBytes == b.dramBytes && a.inputs == b.inputs &&
         a.outputs == b.outputs && a.segments == b.segments &&
         llvm::equal(a.insns, b.insns, sameWord);
}

} // namespace spec2
