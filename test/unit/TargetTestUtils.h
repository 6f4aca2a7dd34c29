//===- TargetTestUtils.h - Build small overlay programs for tests -*- C++ -*-=//
//
// A tiny program builder (instructions by mnemonic and field name, through
// the same InsnTable the assembler uses), the configurations under test, a
// valid program that uses every mnemonic, and an access oracle: an
// independent enumeration, element by element, of what an instruction reads
// and writes according to the semantics comments in isa.h.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TEST_UNIT_TARGETTESTUTILS_H
#define SPEC2_TEST_UNIT_TARGETTESTUTILS_H

#include "spec2/Target/InsnTable.h"
#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/Target/Program.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spec2::test {

/// One "name=value" operand.
using Operand = std::pair<llvm::StringRef, int64_t>;

/// Encodes an instruction; aborts the test binary on an unknown name (a bug
/// in the test itself).
isa::Word insn(llvm::StringRef mnemonic, std::initializer_list<Operand> fields,
               std::initializer_list<llvm::StringRef> flags = {});

/// Reads operand `name` of `word` (decoded with its own format).
int64_t operand(const isa::Word &word, llvm::StringRef name);
/// Returns `word` with operand `name` set to `value`.
isa::Word withOperand(isa::Word word, llvm::StringRef name, int64_t value);

/// The configuration `name` from hw/configs.
const NamedOverlayConfig &builtinConfig(llvm::StringRef name);

/// Builds a Program step by step.
class ProgramBuilder {
public:
  explicit ProgramBuilder(const NamedOverlayConfig &config,
                          uint64_t dramBytes = 65536);
  ProgramBuilder &input(llvm::StringRef name, uint64_t dramAddr,
                        std::vector<uint32_t> dims, int8_t fracBits = 8);
  ProgramBuilder &output(llvm::StringRef name, uint64_t dramAddr,
                         std::vector<uint32_t> dims, int8_t fracBits = 8);
  ProgramBuilder &segment(llvm::StringRef name, uint64_t dramAddr,
                          std::vector<uint8_t> bytes);
  ProgramBuilder &add(llvm::StringRef mnemonic,
                      std::initializer_list<Operand> fields,
                      std::initializer_list<llvm::StringRef> flags = {});
  ProgramBuilder &add(const isa::Word &word);
  Program build() const { return program; }

private:
  Program program;
};

/// A valid program for config "small" that uses every mnemonic, all four
/// token queues, three segments, one input and two outputs (17
/// instructions, FINISH last).
Program kitchenSinkProgram();

/// `one` (a program without levels) as `levels` runtime levels of its own
/// stream, level k at sparsity k * `step` parts per million, each leaving
/// its outputs where `one` does.
Program asLevels(const Program &one, unsigned levels, uint32_t step);

/// Where a written program's level table starts (after the header and
/// the tensor descriptors).
size_t levelTableOffset(const Program &p);

/// The index of `mnemonic`'s first instruction in kitchenSinkProgram().
size_t kitchenSinkIndex(llvm::StringRef mnemonic);

/// Lowest and highest+1 address an instruction touches in one memory.
struct Footprint {
  uint64_t lo = UINT64_MAX, hi = 0;
  void touch(uint64_t begin, uint64_t end) {
    lo = std::min(lo, begin);
    hi = std::max(hi, end);
  }
  bool empty() const { return hi == 0 && lo == UINT64_MAX; }
};

/// Memories the oracle tracks.
enum Memory {
  kDram,
  kInp,
  kKer,
  kBias,
  kFcx,
  kSpec,
  kOacc,
  kFacc,
  kOut,
  kMid,
  kNumMemories
};

/// Every address `word` touches, by enumerating its loops; nullopt when the
/// loops would run more than `budget` iterations.
std::optional<std::array<Footprint, kNumMemories>>
accessFootprint(const isa::Word &word, const OverlayConfig &config,
                uint64_t budget = 1 << 20);

/// Empty if every access lies inside DRAM [0, dramBytes) and the buffers of
/// `config`; otherwise which one escapes.
std::string outOfBounds(const std::array<Footprint, kNumMemories> &footprint,
                        const OverlayConfig &config, uint64_t dramBytes);

} // namespace spec2::test

#endif // SPEC2_TEST_UNIT_TARGETTESTUTILS_H
