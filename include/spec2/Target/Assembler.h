//===- Assembler.h - Text form of overlay programs --------------*- C++ -*-===//
//
// The human-readable form of a Program (.s2asm), for tests, debugging and
// traces. One item per line; ';' starts a comment:
//
//   .config NAME [HASH]                    target configuration and its hash;
//                                          without HASH, the hash of the
//                                          configuration NAME at assembly
//   .dram BYTES                            size of the DRAM image
//   .input NAME dram=A dims=D0xD1x.. frac=F
//   .output NAME dram=A dims=D0xD1x.. frac=F
//   .segment NAME dram=A bytes=N           followed by .hex lines holding
//   .hex 00ff..                            exactly N bytes of data
//   MNEMONIC [field=VALUE].. [FLAG]..      one instruction
//   .word L0 L1 L2 L3                      one raw instruction word (lanes)
//
// MNEMONIC is finish, load.inp, load.ker, load.bias, load.fcx, store, fft,
// sconv, outq, gemv, vec.maxpool, vec.avgpool, vec.add, vec.req or nop; fields
// are the snake_case names of InsnTable.h, omitted fields are zero; FLAG is
// pop_prev, pop_next, push_prev or push_next. Numbers are decimal (signed
// fields may be negative) or 0x-prefixed hex.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_ASSEMBLER_H
#define SPEC2_TARGET_ASSEMBLER_H

#include "spec2/Target/Program.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace spec2 {

/// Gives the hash for a ".config NAME" directive that leaves it out.
using ConfigHashResolver =
    llvm::function_ref<llvm::Expected<uint64_t>(llvm::StringRef configName)>;

/// Parses the text form of a program. The error is a complete diagnostic,
/// "FILE:LINE:COL: error: MESSAGE" followed by the source line and a caret.
/// Only the syntax and field ranges are checked; run verifyProgram after.
/// Without `resolveHash`, ".config" must give the hash.
llvm::Expected<Program> parseProgram(llvm::StringRef text,
                                     llvm::StringRef fileName,
                                     ConfigHashResolver resolveHash = {});

/// Prints `program` in the text form. With `withData` false, segment data is
/// replaced by its size and CRC-32, and the listing says it cannot be
/// re-assembled.
void printProgram(const Program &program, llvm::raw_ostream &os, bool withData);

/// One instruction as a line of the text form (no newline). A word with an
/// unknown opcode or selector, or with non-zero unused bits, prints as
/// ".word L0 L1 L2 L3" so that any word survives a round trip.
std::string printInsn(const isa::Word &word);

} // namespace spec2

#endif // SPEC2_TARGET_ASSEMBLER_H
