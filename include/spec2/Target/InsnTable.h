//===- InsnTable.h - Mnemonics and named fields of the ISA ------*- C++ -*-===//
//
// One table, expanded from the isa.h field lists (SPEC2_ISA_*_FIELDS), that the assembler, the
// disassembler, the verifier's messages and the tests share: for every
// mnemonic its opcode, the field that selects its variant (load.<buffer>,
// vec.<op>) and its operand fields by snake_case name.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_INSNTABLE_H
#define SPEC2_TARGET_INSNTABLE_H

#include "spec2/isa.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace spec2 {

/// A field of an instruction word and its name in the assembly text.
struct NamedField {
  llvm::StringLiteral name;
  isa::Field field;
  /// What it counts, from the ISA header's field list.
  const char *doc = "";
};

/// One mnemonic: an opcode, or an opcode with a fixed selector value.
struct InsnFormat {
  llvm::StringLiteral mnemonic;
  unsigned opcode;
  /// The field named by the mnemonic's suffix and its value; only when
  /// `hasSelector`.
  bool hasSelector;
  NamedField selector;
  unsigned selectorValue;
  /// The remaining fields, in bit order. Together with the common fields and
  /// the selector they cover bits [0, isa::usedBits(opcode)) exactly.
  llvm::ArrayRef<NamedField> operands;
};

/// Every mnemonic, ordered by opcode and selector value.
llvm::ArrayRef<InsnFormat> insnFormats();

/// The four dependency-token bits, named pop_prev, pop_next, push_prev and
/// push_next.
llvm::ArrayRef<NamedField> dependencyFlags();

/// One line on what instructions of `opcode` do (the ovl op's summary);
/// empty for reserved opcodes.
llvm::StringRef opcodeSummary(unsigned opcode);

/// The format of `mnemonic`, or null.
const InsnFormat *findInsnFormat(llvm::StringRef mnemonic);

/// The format whose opcode and selector `word` carries, or null when the
/// opcode is unknown or reserved, or the selector value has no mnemonic.
const InsnFormat *decodeInsnFormat(const isa::Word &word);

/// The operand of `format` called `name`, or nullopt.
std::optional<isa::Field> findOperand(const InsnFormat &format,
                                      llvm::StringRef name);

/// A short name for the instruction in messages: its mnemonic, else the
/// opcode's name ("vec", "reserved opcode 9 (spatial conv)").
std::string describeInsn(const isa::Word &word);

/// Does `word` have a non-zero bit at or above usedBits(its opcode)?
bool hasUnusedBitsSet(const isa::Word &word);

} // namespace spec2

#endif // SPEC2_TARGET_INSNTABLE_H
