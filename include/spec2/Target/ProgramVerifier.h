//===- ProgramVerifier.h - Refuse programs that could misbehave -*- C++ -*-===//
//
// The loader's gate: a program that passes verifyProgram can never make the
// overlay read or write outside DRAM [0, dramBytes) or outside any on-chip
// buffer of the configuration, and its dependency tokens cannot deadlock.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_PROGRAMVERIFIER_H
#define SPEC2_TARGET_PROGRAMVERIFIER_H

#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/Program.h"

#include "llvm/Support/Error.h"

namespace spec2 {

/// The most problems one verifyProgram call reports.
constexpr unsigned kMaxVerifierErrors = 20;

/// Checks `program` against `config`: the config hash; tensors and segments
/// inside DRAM, segments disjoint from each other and from the tensors;
/// exactly one FINISH, last; no reserved opcodes or stray bits; per-opcode
/// field rules and every DRAM and buffer access in bounds; the dependency
/// tokens of the load, compute and store modules neither deadlock nor remain
/// in a queue at the end. Returns one error per problem found (up to
/// kMaxVerifierErrors), each naming the instruction index, its mnemonic, the
/// field and the limit.
llvm::Error verifyProgram(const Program &program,
                          const NamedOverlayConfig &config);

} // namespace spec2

#endif // SPEC2_TARGET_PROGRAMVERIFIER_H
