//===- Program.h - An overlay program in memory (.s2b contents) -*- C++ -*-===//
//
// What the compiler produces and the loader runs: instruction words, the
// constants to copy into DRAM before the run, and where the inputs and
// outputs live in DRAM. ProgramFormat.h reads and writes it as .s2b,
// Assembler.h as text, and ProgramVerifier.h decides whether it is safe.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_PROGRAM_H
#define SPEC2_TARGET_PROGRAM_H

#include "spec2/isa.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spec2 {

/// Longest tensor or segment name (bytes).
constexpr unsigned kMaxNameLength = 255;
/// Longest configuration name: it is stored NUL-padded in 16 header bytes.
constexpr unsigned kMaxConfigNameLength = 16;
/// Highest tensor rank a program may describe.
constexpr unsigned kMaxTensorRank = 8;

/// A DRAM tensor the host writes before the run (input) or reads after it
/// (output): dense, row-major int16 with the batch first, e.g. [1, C, H, W]
/// is C planes of H x W. Element q stands for the real value q * 2^-fracBits.
struct TensorDesc {
  std::string name;
  uint64_t dramAddr = 0; ///< bytes
  std::vector<uint32_t> dims;
  int8_t fracBits = 0;

  /// prod(dims) * 2, saturated at UINT64_MAX.
  uint64_t byteSize() const;
};

/// Constant bytes (weights, biases, tables) copied into DRAM before the run.
struct Segment {
  std::string name;
  uint64_t dramAddr = 0; ///< bytes
  std::vector<uint8_t> bytes;
};

/// One runtime pruning level of a program (spec2c --runtime-sparsity): its
/// own instruction stream, which shares the program's inputs, DRAM image
/// and every segment it can, and its own output addresses (the outputs'
/// names, shapes and formats are the program's).
struct ProgramLevel {
  /// The conv weights this level prunes, in parts per million.
  uint32_t sparsityPpm = 0;
  /// Its instructions: Program::insns[firstInsn, firstInsn + numInsns).
  uint32_t firstInsn = 0, numInsns = 0;
  /// Where it leaves each of the program's outputs (bytes).
  std::vector<uint64_t> outputAddrs;

  double sparsity() const { return double(sparsityPpm) / 1e6; }
};

/// One overlay program.
struct Program {
  /// The configuration it was compiled for, and spec2::configHash of it.
  std::string configName;
  uint64_t configHash = 0;
  /// Size of the DRAM image the program addresses, in bytes.
  uint64_t dramBytes = 0;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<Segment> segments;
  /// Every level's instructions, level after level.
  std::vector<isa::Word> insns;
  /// The runtime levels, densest first; empty for a program of one stream
  /// (every instruction, the outputs where `outputs` says).
  std::vector<ProgramLevel> levels;
  /// The layers the instructions implement, by name (the ONNX node each
  /// came from), and per instruction the index of its layer: what per-layer
  /// figures of a run (saturated values, cycles) are attributed by. Both
  /// empty when unknown (a program assembled from text).
  std::vector<std::string> layers;
  std::vector<uint32_t> insnLayers;

  /// How many levels the program runs at (1 without a level table).
  unsigned numLevels() const {
    return levels.empty() ? 1u : unsigned(levels.size());
  }
  /// Level `k`'s instructions and outputs (k < numLevels()).
  llvm::ArrayRef<isa::Word> levelInsns(unsigned k) const;
  std::vector<TensorDesc> levelOutputs(unsigned k) const;
  /// Level `k` alone, as a program without a level table (segments
  /// included, so a cost model can read its weights).
  Program levelProgram(unsigned k) const;
};

/// The instruction image the overlay's fetch module reads (isa.h, Runtime
/// levels): one level-table word per level, then `insns`.
std::vector<isa::Word> instructionImage(const Program &program);

/// One program with a level table from one program of one stream per level
/// (densest first), lowered to share one DRAM image: the same inputs, the
/// segments of the denser levels they reuse, the rest above those
/// (spec2-spectral-to-overlay with the denser levels in the module). Level
/// k's own segments are renamed "level<k>/<name>" for k > 0. Fails if the
/// levels differ in configuration, inputs, or their outputs' names, shapes
/// and formats.
llvm::Expected<Program> combineLevels(std::vector<Program> levels,
                                      llvm::ArrayRef<uint32_t> sparsityPpm);

/// `name` made usable as a layer name (isValidName): the characters it
/// refuses become '_', cut to kMaxNameLength; "unnamed" for an empty one.
std::string sanitizedName(llvm::StringRef name);

/// `one` (a program of batch-1 inputs and outputs, without levels) run for
/// `n` images one after the other: its inputs and outputs hold n images
/// ([n, ...], image i at i times the image's bytes, in new DRAM regions),
/// image i's stream is the program's own with every LOAD and STORE of an
/// input or output moved to image i's part, and every FINISH but the last
/// becomes a NOP that, once the image's last store is done, lets the next
/// image's first LOAD start. The images share the weights and the intermediate
/// activations (they run in turn). Fails for levels, n = 0, or an input or
/// output whose first dimension is not 1.
llvm::Expected<Program> batchProgram(const Program &one, uint32_t n);

/// Is `name` usable as a tensor/segment name: 1 to kMaxNameLength printable
/// ASCII characters other than space, '"', ';' and '='? (So that names need
/// no quoting in the assembly text.)
bool isValidName(llvm::StringRef name);
/// Is `name` usable as a configuration name (as above, at most
/// kMaxConfigNameLength characters)?
bool isValidConfigName(llvm::StringRef name);

/// Bit-exact equality of instruction words.
bool sameWord(const isa::Word &a, const isa::Word &b);
/// Field-by-field equality (instruction words bit-exact).
bool operator==(const TensorDesc &a, const TensorDesc &b);
bool operator==(const Segment &a, const Segment &b);
bool operator==(const ProgramLevel &a, const ProgramLevel &b);
bool operator==(const Program &a, const Program &b);

} // namespace spec2

#endif // SPEC2_TARGET_PROGRAM_H
