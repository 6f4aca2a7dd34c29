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

/// A character a name may hold: printable ASCII but space, '"', ';', '='.
static bool isNameChar(char c) {
  return c > ' ' && c < 0x7f && c != '"' && c != ';' && c != '=';
}

bool isValidName(llvm::StringRef name) {
  return !name.empty() && name.size() <= kMaxNameLength &&
         llvm::all_of(name, isNameChar);
}

std::string sanitizedName(llvm::StringRef name) {
  if (name.empty())
    return "unnamed";
  std::string out = name.take_front(kMaxNameLength).str();
  for (char &c : out)
    if (!isNameChar(c))
      c = '_';
  return out;
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

bool operator==(const ProgramLevel &a, const ProgramLevel &b) {
  return a.sparsityPpm == b.sparsityPpm && a.firstInsn == b.firstInsn &&
         a.numInsns == b.numInsns && a.outputAddrs == b.outputAddrs;
}

bool operator==(const Program &a, const Program &b) {
  return a.configName == b.configName && a.configHash == b.configHash &&
         a.dramBytes == b.dramBytes && a.inputs == b.inputs &&
         a.outputs == b.outputs && a.segments == b.segments &&
         llvm::equal(a.insns, b.insns, sameWord) && a.levels == b.levels &&
         a.layers == b.layers && a.insnLayers == b.insnLayers;
}

llvm::ArrayRef<isa::Word> Program::levelInsns(unsigned k) const {
  if (levels.empty())
    return insns;
  return llvm::ArrayRef<isa::Word>(insns).slice(levels[k].firstInsn,
                                                levels[k].numInsns);
}

std::vector<TensorDesc> Program::levelOutputs(unsigned k) const {
  std::vector<TensorDesc> out = outputs;
  if (!levels.empty())
    for (size_t i = 0; i < out.size(); ++i)
      out[i].dramAddr = levels[k].outputAddrs[i];
  return out;
}

Program Program::levelProgram(unsigned k) const {
  Program p;
  p.configName = configName;
  p.configHash = configHash;
  p.dramBytes = dramBytes;
  p.inputs = inputs;
  p.outputs = levelOutputs(k);
  p.segments = segments;
  llvm::ArrayRef<isa::Word> stream = levelInsns(k);
  p.insns.assign(stream.begin(), stream.end());
  if (!insnLayers.empty()) {
    p.layers = layers;
    const size_t first = levels.empty() ? 0 : levels[k].firstInsn;
    p.insnLayers.assign(insnLayers.begin() + first,
                        insnLayers.begin() + first + stream.size());
  }
  return p;
}

std::vector<isa::Word> instructionImage(const Program &program) {
  const unsigned n = program.numLevels();
  std::vector<isa::Word> image;
  image.reserve(n + program.insns.size());
  for (unsigned k = 0; k < n; ++k) {
    const uint32_t first =
        program.levels.empty() ? 0 : program.levels[k].firstInsn;
    image.push_back(isa::levelEntry(
        n + first, uint32_t(program.levelInsns(k).size())));
  }
  image.insert(image.end(), program.insns.begin(), program.insns.end());
  return image;
}

llvm::Expected<Program> batchProgram(const Program &one, uint32_t n) {
  auto fail = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "batch: " + why);
  };
  if (n == 0)
    return fail("a batch of 0 images");
  if (!one.levels.empty())
    return fail("a program with runtime levels cannot be batched");
  Program p = one;
  if (n == 1)
    return p;
  struct Region {
    uint64_t from, bytes, to;
  };
  std::vector<Region> regions;
  uint64_t top = llvm::alignTo(one.dramBytes, 64);
  for (std::vector<TensorDesc> *list : {&p.inputs, &p.outputs})
    for (TensorDesc &t : *list) {
      if (t.dims.empty() || t.dims[0] != 1)
        return fail("'" + t.name + "' is not of batch 1");
      const uint64_t bytes = t.byteSize();
      regions.push_back({t.dramAddr, bytes, top});
      t.dims[0] = n;
      t.dramAddr = top;
      top = llvm::alignTo(top + uint64_t(n) * bytes, 64);
    }
  if (top > (uint64_t(1) << isa::kDramAddrBits))
    return fail("the inputs and outputs of " + llvm::Twine(n) +
                " images do not fit the " + llvm::Twine(isa::kDramAddrBits) +
                "-bit DRAM addresses");
  p.dramBytes = top;
  // The next image's loads overwrite what this image's computes read: its
  // first LOAD waits for a token the NOP in place of this image's FINISH
  // pushes once this image's last store is done.
  size_t firstLoad = one.insns.size();
  for (size_t k = 0; k < one.insns.size() && firstLoad == one.insns.size(); ++k)
    if (isa::getBits(one.insns[k], isa::kOpcode) == isa::kLoad)
      firstLoad = k;
  // (A FINISH without pop_next follows a compute that already waited for
  // the last store.)
  if (firstLoad == one.insns.size() ||
      isa::getBits(one.insns[firstLoad], isa::kPopNext) ||
      isa::getBits(one.insns.back(), isa::kOpcode) != isa::kFinish)
    return fail("the program does not end in FINISH, or its first LOAD "
                "cannot wait for the image before");
  p.insns.clear();
  p.insnLayers.clear();
  for (uint32_t i = 0; i < n; ++i)
    for (size_t k = 0; k < one.insns.size(); ++k) {
      isa::Word w = one.insns[k];
      const uint64_t op = isa::getBits(w, isa::kOpcode);
      if (op == isa::kFinish && i + 1 < n) {
        isa::setField(w, isa::kOpcode, isa::kNop);
        isa::setField(w, isa::kPushPrev, 1);
      }
      if (k == firstLoad && i > 0)
        isa::setField(w, isa::kPopNext, 1);
      if (op == isa::kLoad || op == isa::kStore) {
        const isa::Field f =
            op == isa::kLoad ? isa::load::kDramAddr : isa::store::kDramAddr;
        const uint64_t a = isa::getBits(w, f);
        for (const Region &r : regions)
          if (a >= r.from && a < r.from + r.bytes) {
            isa::setField(w, f,
                          int64_t(r.to + uint64_t(i) * r.bytes + (a - r.from)));
            break;
          }
      }
      p.insns.push_back(w);
      if (!one.insnLayers.empty())
        p.insnLayers.push_back(one.insnLayers[k]);
    }
  return p;
}

llvm::Expected<Program> combineLevels(std::vector<Program> levels,
                                      llvm::ArrayRef<uint32_t> sparsityPpm) {
  auto fail = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "runtime levels: " + why);
  };
  if (levels.empty() || levels.size() != sparsityPpm.size())
    return fail("one sparsity per level needed");
  Program p;
  p.configName = levels[0].configName;
  p.configHash = levels[0].configHash;
  p.inputs = levels[0].inputs;
  p.outputs = levels[0].outputs;
  for (auto [k, l] : llvm::enumerate(levels)) {
    const std::string label = "level " + std::to_string(k);
    if (l.configHash != p.configHash || l.inputs != p.inputs)
      return fail(label + " differs from level 0 in configuration or inputs");
    if (l.outputs.size() != p.outputs.size())
      return fail(label + " has another number of outputs than level 0");
    ProgramLevel entry;
    entry.sparsityPpm = sparsityPpm[k];
    entry.firstInsn = uint32_t(p.insns.size());
    entry.numInsns = uint32_t(l.insns.size());
    for (auto [o, t] : llvm::enumerate(l.outputs)) {
      const TensorDesc &want = p.outputs[o];
      if (t.name != want.name || t.dims != want.dims ||
          t.fracBits != want.fracBits)
        return fail(label + "'s output '" + t.name +
                    "' differs from level 0's in name, shape or format");
      entry.outputAddrs.push_back(t.dramAddr);
    }
    p.levels.push_back(std::move(entry));
    // One layer table for all levels: the same layers by name; a level
    // without one is "unnamed" throughout.
    if (!l.insnLayers.empty() || !p.insnLayers.empty()) {
      auto indexOf = [&](const std::string &name) {
        auto at = llvm::find(p.layers, name);
        if (at == p.layers.end())
          at = p.layers.insert(at, name);
        return uint32_t(at - p.layers.begin());
      };
      if (p.insnLayers.size() < p.insns.size())
        p.insnLayers.resize(p.insns.size(), indexOf("unnamed"));
      for (size_t i = 0; i < l.insns.size(); ++i)
        p.insnLayers.push_back(l.insnLayers.empty()
                                   ? indexOf("unnamed")
                                   : indexOf(l.layers[l.insnLayers[i]]));
    }
    p.insns.insert(p.insns.end(), l.insns.begin(), l.insns.end());
    p.dramBytes = std::max(p.dramBytes, l.dramBytes);
    for (Segment &s : l.segments) {
      if (k > 0)
        s.name = "level" + std::to_string(k) + "/" + s.name;
      p.segments.push_back(std::move(s));
    }
  }
  return p;
}

} // namespace spec2
