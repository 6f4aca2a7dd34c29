//===- Disassembler.cpp - Print overlay programs as text ------------------===//

#include "spec2/Target/Assembler.h"

#include "spec2/Target/InsnTable.h"
#include "spec2/Target/ProgramFormat.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using llvm::raw_ostream;

namespace spec2 {
namespace {

/// Bytes of segment data per .hex line.
constexpr size_t kHexBytesPerLine = 64;

std::string hex(uint64_t v) { return "0x" + llvm::utohexstr(v, true); }

/// "1 input", "2 inputs".
std::string count(uint64_t n, llvm::StringRef noun) {
  return std::to_string(n) + " " + noun.str() + (n == 1 ? "" : "s");
}

std::string rawWord(const isa::Word &w) {
  std::string s = ".word";
  for (uint64_t lane : w.lane)
    s += " " + llvm::formatv("{0:x16}", lane).str();
  return s;
}

void printTensor(raw_ostream &os, llvm::StringRef directive,
                 const TensorDesc &t) {
  os << directive << " " << t.name << " dram=" << hex(t.dramAddr) << " dims=";
  llvm::interleave(t.dims, os, "x");
  os << " frac=" << int(t.fracBits) << "\n";
}

} // namespace

std::string printInsn(const isa::Word &w) {
  const InsnFormat *f = decodeInsnFormat(w);
  if (!f || hasUnusedBitsSet(w))
    return rawWord(w);
  // Re-encode what is printed: only a word that the text reproduces bit for
  // bit is printed as text.
  isa::Word encoded{};
  isa::setField(encoded, isa::kOpcode, f->opcode);
  if (f->hasSelector)
    isa::setField(encoded, f->selector.field, f->selectorValue);
  std::string s = f->mnemonic.str();
  for (const NamedField &op : f->operands) {
    int64_t v = isa::getField(w, op.field);
    if (v == 0)
      continue;
    isa::setField(encoded, op.field, v);
    s += " " + op.name.str() + "=" +
         (op.name == "dram_addr" ? hex(uint64_t(v)) : std::to_string(v));
  }
  for (const NamedField &flag : dependencyFlags()) {
    if (!isa::getBits(w, flag.field))
      continue;
    isa::setField(encoded, flag.field, 1);
    s += " " + flag.name.str();
  }
  return sameWord(encoded, w) ? s : rawWord(w);
}

void printProgram(const Program &p, raw_ostream &os, bool withData) {
  size_t dataBytes = 0;
  for (const Segment &s : p.segments)
    dataBytes += s.bytes.size();
  os << "; spec2 program: " << count(p.insns.size(), "instruction") << ", "
     << count(p.segments.size(), "segment") << " (" << dataBytes << " bytes), "
     << count(p.inputs.size(), "input") << ", "
     << count(p.outputs.size(), "output") << "\n";
  if (!withData)
    os << "; segment data omitted: this listing cannot be re-assembled\n";
  os << ".config " << p.configName << " "
     << llvm::formatv("{0:x16}", p.configHash) << "\n";
  os << ".dram " << p.dramBytes << "\n";
  for (const TensorDesc &t : p.inputs)
    printTensor(os, ".input", t);
  for (const TensorDesc &t : p.outputs)
    printTensor(os, ".output", t);
  for (const Segment &s : p.segments) {
    os << ".segment " << s.name << " dram=" << hex(s.dramAddr)
       << " bytes=" << s.bytes.size();
    if (!withData) {
      os << " ; data omitted (" << s.bytes.size() << " bytes, crc32 "
         << llvm::formatv("{0:x8}", programChecksum(s.bytes)) << ")\n";
      continue;
    }
    os << "\n";
    llvm::ArrayRef<uint8_t> data = s.bytes;
    while (!data.empty()) {
      llvm::ArrayRef<uint8_t> line =
          data.take_front(std::min(kHexBytesPerLine, data.size()));
      os << ".hex " << llvm::toHex(line, /*LowerCase=*/true) << "\n";
      data = data.drop_front(line.size());
    }
  }
  // The levels as comments: the assembler text holds one stream.
  if (!p.levels.empty())
    os << "; " << p.levels.size()
       << " runtime levels, one stream each; spec2-as assembles the listing "
          "as one\n";
  for (auto [i, w] : llvm::enumerate(p.insns)) {
    for (auto [k, l] : llvm::enumerate(p.levels))
      if (l.firstInsn == i) {
        os << "; level " << k << ": conv sparsity "
           << llvm::formatv("{0:F4}", l.sparsity()) << ", " << l.numInsns
           << " instructions, outputs at";
        for (uint64_t a : l.outputAddrs)
          os << " " << hex(a);
        os << "\n";
      }
    os << printInsn(w) << "\n";
  }
}

} // namespace spec2
