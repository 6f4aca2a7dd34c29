//===- InsnVerifier.h - Field and bounds rules of one instruction -*- C++ -*-=//
//
// Internal to Spec2Target: the per-opcode half of verifyProgram.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TARGET_INSNVERIFIER_H
#define SPEC2_LIB_TARGET_INSNVERIFIER_H

#include "spec2/Target/InsnTable.h"
#include "spec2/Target/OverlayConfigFile.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/Twine.h"

namespace spec2 {
namespace detail {

/// Receives one complete error message.
using ReportFn = llvm::function_ref<void(const llvm::Twine &)>;

/// Checks the fields and every buffer and DRAM access of instruction `index`
/// (a word of known format without stray bits) against the configuration and
/// the program's DRAM size. Reports each problem prefixed with
/// "instruction N (mnemonic): "; returns true if there was none.
bool verifyInsnBounds(const isa::Word &word, const InsnFormat &format,
                      size_t index, uint64_t dramBytes,
                      const NamedOverlayConfig &config, ReportFn report);

} // namespace detail
} // namespace spec2

#endif // SPEC2_LIB_TARGET_INSNVERIFIER_H
