//===- ProgramVerifier.cpp - Refuse programs that could misbehave ---------===//

#include "spec2/Target/ProgramVerifier.h"

#include "InsnVerifier.h"

#include "spec2/Target/InsnTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <array>
#include <cstdio>
#include <numeric>

using llvm::Error;
using llvm::StringRef;
using llvm::Twine;

namespace spec2 {
namespace {

std::string hex(uint64_t v) { return "0x" + llvm::utohexstr(v, true); }

/// A level's sparsity as a fraction (%g).
std::string sparsityText(uint32_t ppm) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", double(ppm) / 1e6);
  return text;
}

/// Config hashes print with all 16 digits, as in the assembly text.
std::string hashText(uint64_t v) { return llvm::formatv("{0:x16}", v).str(); }

/// DRAM byte range [begin, end) of something the loader copies.
struct Extent {
  std::string what;
  uint64_t begin, end;
};

/// The four token queues between the modules.
enum Queue : unsigned { kL2C, kC2L, kC2S, kS2C, kNumQueues };
const char *const kQueueNames[kNumQueues] = {
    "l2c (load push_next -> compute pop_prev)",
    "c2l (compute push_prev -> load pop_next)",
    "c2s (compute push_next -> store pop_prev)",
    "s2c (store push_prev -> compute pop_next)"};
const char *const kModuleNames[] = {"load", "compute", "store"};

/// The queue that flag `flag` (pop_prev, pop_next, push_prev, push_next)
/// of module `m` refers to, or kNumQueues if the module has no such
/// neighbour.
Queue queueOf(isa::Module m, unsigned flag) {
  bool pop = flag < 2, prev = flag % 2 == 0;
  switch (m) {
  case isa::kLoadModule:
    return prev ? kNumQueues : (pop ? kC2L : kL2C);
  case isa::kComputeModule:
    return prev ? (pop ? kL2C : kC2L) : (pop ? kS2C : kC2S);
  case isa::kStoreModule:
    return prev ? (pop ? kC2S : kS2C) : kNumQueues;
  }
  return kNumQueues;
}

class Verifier {
public:
  Verifier(const Program &p, const NamedOverlayConfig &config)
      : p(p), config(config) {}
  Error run();

private:
  void report(const Twine &message) {
    if (errors.size() < kMaxVerifierErrors)
      errors.push_back(levelPrefix + message.str());
    else
      ++dropped;
  }
  std::string insnPrefix(size_t i) const {
    return "instruction " + std::to_string(i) + " (" +
           describeInsn(insns[i]) + "): ";
  }
  void checkTensors(llvm::ArrayRef<TensorDesc> tensors, StringRef kind,
                    std::vector<Extent> &extents);
  void checkSegments(std::vector<Extent> &extents);
  void checkOverlaps(const std::vector<Extent> &segments,
                     const std::vector<Extent> &tensors);
  /// Returns false when some instruction cannot be decoded, so the token
  /// simulation would be meaningless.
  bool checkInsns();
  void checkStoresSpareSegments(const std::vector<Extent> &segments);
  void checkTokens();
  /// Returns false when the level table cannot be used to slice the
  /// instructions.
  bool checkLevelTable();
  /// Layer names valid, and every instruction's layer in the table.
  void checkLayerTable();
  /// Every check of one level's stream and outputs.
  void checkLevel(unsigned k, const std::vector<Extent> &inputs,
                  const std::vector<Extent> &segments);
  Error result();

  const Program &p;
  /// The instructions being checked: the level's stream.
  llvm::ArrayRef<isa::Word> insns;
  /// "level K: " while checking level K of a program with a level table.
  std::string levelPrefix;
  const NamedOverlayConfig &config;
  std::vector<std::string> errors;
  size_t dropped = 0;
};

void Verifier::checkTensors(llvm::ArrayRef<TensorDesc> tensors, StringRef kind,
                            std::vector<Extent> &extents) {
  llvm::StringSet<> names;
  for (auto [i, t] : llvm::enumerate(tensors)) {
    if (!isValidName(t.name)) {
      report(kind + " " + Twine(i) + " has an invalid name");
      continue;
    }
    std::string label = kind.str() + " '" + t.name + "'";
    if (!names.insert(t.name).second)
      report("two " + kind + "s are named '" + t.name + "'");
    if (t.dims.empty() || t.dims.size() > kMaxTensorRank) {
      report(label + " has rank " + Twine(t.dims.size()) + ", must be 1 to " +
             Twine(kMaxTensorRank));
      continue;
    }
    if (llvm::is_contained(t.dims, 0u)) {
      report(
          label + " has a zero dimension (dims=" +
          llvm::join(llvm::map_range(
                         t.dims, [](uint32_t d) { return std::to_string(d); }),
                     "x") +
          ")");
      continue;
    }
    uint64_t end = llvm::SaturatingAdd(t.dramAddr, t.byteSize());
    if (end > p.dramBytes) {
      report(label + " occupies DRAM [" + hex(t.dramAddr) + ", " +
             (end == UINT64_MAX ? std::string("2^64 or more") : hex(end)) +
             "), beyond the program's DRAM size " + hex(p.dramBytes));
      continue;
    }
    extents.push_back({label, t.dramAddr, end});
  }
}

void Verifier::checkSegments(std::vector<Extent> &extents) {
  for (auto [i, s] : llvm::enumerate(p.segments)) {
    if (!isValidName(s.name)) {
      report("segment " + Twine(i) + " has an invalid name");
      continue;
    }
    uint64_t end = llvm::SaturatingAdd(s.dramAddr, uint64_t(s.bytes.size()));
    if (end > p.dramBytes) {
      report("segment '" + s.name + "' occupies DRAM [" + hex(s.dramAddr) +
             ", " + hex(end) + "), beyond the program's DRAM size " +
             hex(p.dramBytes));
      continue;
    }
    if (end > s.dramAddr)
      extents.push_back({"segment '" + s.name + "'", s.dramAddr, end});
  }
  // Sorted by start, a segment overlaps an earlier one iff it starts below
  // the furthest end seen so far.
  llvm::sort(extents, [](const Extent &a, const Extent &b) {
    return a.begin < b.begin;
  });
  const Extent *furthest = nullptr;
  for (const Extent &e : extents) {
    if (furthest && e.begin < furthest->end)
      report(furthest->what + " [" + hex(furthest->begin) + ", " +
             hex(furthest->end) + ") and " + e.what + " [" + hex(e.begin) +
             ", " + hex(e.end) + ") overlap");
    if (!furthest || e.end > furthest->end)
      furthest = &e;
  }
}

void Verifier::checkOverlaps(const std::vector<Extent> &segments,
                             const std::vector<Extent> &tensors) {
  for (const Extent &t : tensors)
    for (const Extent &s : segments)
      if (t.begin < s.end && s.begin < t.end) {
        report(t.what + " [" + hex(t.begin) + ", " + hex(t.end) +
               ") overlaps " + s.what + " [" + hex(s.begin) + ", " +
               hex(s.end) + ")");
        break;
      }
}

bool Verifier::checkInsns() {
  size_t n = insns.size();
  if (n == 0) {
    report("the program has no instructions (it must end with FINISH)");
    return false;
  }
  bool decodable = true;
  for (size_t i = 0; i < n; ++i) {
    const isa::Word &w = insns[i];
    unsigned opcode = unsigned(isa::getBits(w, isa::kOpcode));
    if (opcode >= isa::kNumOpcodes) {
      decodable = false;
      if (opcode == isa::kReservedLstm)
        report("instruction " + Twine(i) + ": opcode " + Twine(opcode) +
               " is reserved for LSTM gate support, which the overlay does "
               "not have yet");
      else
        report("instruction " + Twine(i) + ": opcode " + Twine(opcode) +
               " is reserved");
      continue;
    }
    const InsnFormat *format = decodeInsnFormat(w);
    if (!format) {
      decodable = false;
      // (Every opcode and VEC variant has a format today.)
      report(insnPrefix(i) + "has no instruction format");
      continue;
    }
    if (hasUnusedBitsSet(w)) {
      decodable = false;
      report(insnPrefix(i) + "bits at or above bit " +
             Twine(isa::usedBits(opcode)) + " must be zero");
      continue;
    }
    if (opcode == isa::kFinish && i + 1 != n)
      report(insnPrefix(i) +
             "FINISH must appear once, as the last "
             "instruction (the program has " +
             Twine(n) + ")");
    isa::Module module = isa::moduleOf(opcode);
    for (auto [flag, named] : llvm::enumerate(dependencyFlags()))
      if (isa::getBits(w, named.field) && queueOf(module, flag) == kNumQueues) {
        decodable = false;
        report(insnPrefix(i) + named.name + " is not allowed: the " +
               kModuleNames[module] + " module has no " +
               (flag % 2 == 0 ? "previous" : "next") + " module");
      }
    detail::verifyInsnBounds(w, *format, i, p.dramBytes, config,
                             [&](const Twine &m) { report(m); });
  }
  if (isa::getBits(insns.back(), isa::kOpcode) != isa::kFinish)
    report("instruction " + Twine(n - 1) + " (" + describeInsn(insns.back()) +
           ") is the last; a program must end with FINISH");
  return decodable;
}

/// The constants a program brings are read-only: no STORE may write into a
/// segment, so a loaded program can be run again without reloading them.
void Verifier::checkStoresSpareSegments(const std::vector<Extent> &segments) {
  for (auto [i, w] : llvm::enumerate(insns)) {
    if (isa::getBits(w, isa::kOpcode) != isa::kStore)
      continue;
    const uint64_t begin = isa::getBits(w, isa::store::kDramAddr);
    const uint64_t end = begin + isa::getBits(w, isa::store::kNc) *
                                     isa::getBits(w, isa::store::kDstH) *
                                     isa::getBits(w, isa::store::kDstW) * 2;
    for (const Extent &s : segments)
      if (begin < s.end && s.begin < end) {
        report(insnPrefix(i) + "writes DRAM [" + hex(begin) + ", " + hex(end) +
               "), which overlaps " + s.what + " [" + hex(s.begin) + ", " +
               hex(s.end) + "); segments are read-only");
        break;
      }
  }
}

void Verifier::checkTokens() {
  // Each module runs its own instructions in program order; one may start
  // when every queue it pops holds a token. With unbounded queues the order
  // in which ready modules run does not change whether all of them finish.
  struct Step {
    size_t index;
    unsigned pops = 0, pushes = 0; // bit q: queue q
  };
  std::array<std::vector<Step>, 3> modules;
  for (auto [i, w] : llvm::enumerate(insns)) {
    isa::Module m = isa::moduleOf(unsigned(isa::getBits(w, isa::kOpcode)));
    Step s{i};
    for (auto [flag, named] : llvm::enumerate(dependencyFlags()))
      if (isa::getBits(w, named.field))
        (flag < 2 ? s.pops : s.pushes) |= 1u << queueOf(m, flag);
    modules[m].push_back(s);
  }
  std::array<uint64_t, kNumQueues> tokens{};
  std::array<size_t, 3> pc{};
  for (bool progress = true; progress;) {
    progress = false;
    for (unsigned m = 0; m < 3; ++m) {
      for (; pc[m] < modules[m].size(); ++pc[m], progress = true) {
        const Step &s = modules[m][pc[m]];
        bool ready = true;
        for (unsigned q = 0; q < kNumQueues; ++q)
          if ((s.pops >> q & 1) && tokens[q] == 0)
            ready = false;
        if (!ready)
          break;
        for (unsigned q = 0; q < kNumQueues; ++q) {
          tokens[q] -= s.pops >> q & 1;
          tokens[q] += s.pushes >> q & 1;
        }
      }
    }
  }
  std::vector<std::string> stuck;
  for (unsigned m = 0; m < 3; ++m) {
    if (pc[m] == modules[m].size())
      continue;
    const Step &s = modules[m][pc[m]];
    std::vector<std::string> waits;
    for (unsigned q = 0; q < kNumQueues; ++q)
      if ((s.pops >> q & 1) && tokens[q] == 0)
        waits.push_back(kQueueNames[q]);
    stuck.push_back(std::string(kModuleNames[m]) + " module stuck at " +
                    insnPrefix(s.index) + "waits for " +
                    llvm::join(waits, " and "));
  }
  if (!stuck.empty()) {
    report("dependency tokens deadlock: " + llvm::join(stuck, "; "));
    return;
  }
  // A token left in a queue would be popped by the next program's first
  // waiting instruction on hardware whose queues persist across runs.
  for (unsigned q = 0; q < kNumQueues; ++q)
    if (tokens[q])
      report("queue " + Twine(kQueueNames[q]) + " holds " + Twine(tokens[q]) +
             " token(s) at the end of the program; every push needs a "
             "matching pop");
}

Error Verifier::result() {
  if (errors.empty())
    return Error::success();
  if (dropped)
    errors.push_back("... and " + std::to_string(dropped) + " more problems");
  Error all = Error::success();
  for (const std::string &e : errors)
    all = llvm::joinErrors(
        std::move(all),
        llvm::createStringError(llvm::inconvertibleErrorCode(), e));
  return all;
}

Error Verifier::run() {
  if (p.configHash != config.hash) {
    report("config hash mismatch: the program was built for '" + p.configName +
           "' (hash " + hashText(p.configHash) + "), the target is '" +
           config.name + "' (hash " + hashText(config.hash) + ")");
    return result();
  }
  if (!isValidConfigName(p.configName))
    report("invalid config name '" + p.configName + "'");
  constexpr uint64_t kMaxDram = uint64_t(1) << isa::kDramAddrBits;
  if (p.dramBytes > kMaxDram)
    report("DRAM size " + hex(p.dramBytes) + " exceeds " + hex(kMaxDram) +
           ", the reach of " + Twine(isa::kDramAddrBits) +
           "-bit DRAM addresses");
  std::vector<Extent> inputs, segments;
  checkTensors(p.inputs, "input", inputs);
  checkSegments(segments);
  checkLayerTable();
  if (!checkLevelTable())
    return result();
  for (unsigned k = 0; k < p.numLevels(); ++k)
    checkLevel(k, inputs, segments);
  return result();
}

void Verifier::checkLayerTable() {
  if (p.insnLayers.empty()) {
    if (!p.layers.empty())
      report("a layer table of " + Twine(p.layers.size()) +
             " layers without the layer of each instruction");
    return;
  }
  if (p.insnLayers.size() != p.insns.size())
    report("the layer table gives the layer of " +
           Twine(p.insnLayers.size()) + " instructions, the program has " +
           Twine(p.insns.size()));
  for (auto [i, name] : llvm::enumerate(p.layers))
    if (!isValidName(name))
      report("layer " + Twine(i) + " has an invalid name");
  for (auto [i, l] : llvm::enumerate(p.insnLayers))
    if (l >= p.layers.size()) {
      report("instruction " + Twine(i) + " belongs to layer " + Twine(l) +
             ", the layer table has " + Twine(p.layers.size()));
      break;
    }
}

bool Verifier::checkLevelTable() {
  if (p.levels.empty())
    return true;
  bool usable = true;
  if (p.levels.size() > isa::kMaxLevels)
    report("the level table has " + Twine(p.levels.size()) +
           " levels, more than " + Twine(isa::kMaxLevels));
  uint64_t next = 0;
  for (auto [k, l] : llvm::enumerate(p.levels)) {
    const std::string label = "level " + std::to_string(k);
    if (l.outputAddrs.size() != p.outputs.size()) {
      report(label + " has " + Twine(l.outputAddrs.size()) +
             " output addresses; the program has " + Twine(p.outputs.size()) +
             " outputs");
      usable = false;
    }
    if (l.firstInsn != next || uint64_t(l.firstInsn) + l.numInsns >
                                   uint64_t(p.insns.size())) {
      report(label + " has instructions [" + Twine(l.firstInsn) + ", " +
             Twine(uint64_t(l.firstInsn) + l.numInsns) +
             "); the levels must cover the program's " +
             Twine(p.insns.size()) + " instructions in order, this one from " +
             Twine(next));
      usable = false;
    }
    next = uint64_t(l.firstInsn) + l.numInsns;
    if (l.sparsityPpm >= 1000000)
      report(label + " has sparsity " + sparsityText(l.sparsityPpm) +
             ", not in [0, 1)");
    if (k > 0 && l.sparsityPpm <= p.levels[k - 1].sparsityPpm)
      report(label + " has sparsity " + sparsityText(l.sparsityPpm) +
             ", not above level " + Twine(k - 1) + "'s " +
             sparsityText(p.levels[k - 1].sparsityPpm) +
             " (levels go from dense to sparse)");
  }
  if (usable && next != p.insns.size()) {
    report("the levels end at instruction " + Twine(next) +
           "; the program has " + Twine(p.insns.size()));
    usable = false;
  }
  return usable;
}

void Verifier::checkLevel(unsigned k, const std::vector<Extent> &inputs,
                          const std::vector<Extent> &segments) {
  levelPrefix = p.levels.empty() ? "" : "level " + std::to_string(k) + ": ";
  insns = p.levelInsns(k);
  std::vector<Extent> tensors = inputs;
  checkTensors(p.levelOutputs(k), "output", tensors);
  checkOverlaps(segments, tensors);
  if (checkInsns()) {
    checkStoresSpareSegments(segments);
    checkTokens();
  }
  levelPrefix.clear();
}

} // namespace

Error verifyProgram(const Program &program, const NamedOverlayConfig &config) {
  return Verifier(program, config).run();
}

} // namespace spec2
