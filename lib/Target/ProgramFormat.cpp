//===- ProgramFormat.cpp - The .s2b binary program format -----------------===//

#include "spec2/Target/ProgramFormat.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cassert>
#include <cstring>
#include <zlib.h>

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;
namespace endian = llvm::support::endian;

namespace spec2 {
namespace {

constexpr unsigned kConfigNameOffset = 48;
constexpr unsigned kTotalSizeOffset = 40;
constexpr unsigned kChecksumBytes = 4;
/// Smallest tensor descriptor and segment table entry (empty name).
constexpr uint64_t kMinTensorBytes = 16;
constexpr uint64_t kMinSegmentEntryBytes = 24;

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

class Writer {
public:
  void u8(uint8_t v) { out.push_back(v); }
  void u32(uint32_t v) {
    uint8_t b[4];
    endian::write32le(b, v);
    out.insert(out.end(), b, b + 4);
  }
  void u64(uint64_t v) {
    uint8_t b[8];
    endian::write64le(b, v);
    out.insert(out.end(), b, b + 8);
  }
  void bytes(llvm::ArrayRef<uint8_t> b) {
    out.insert(out.end(), b.begin(), b.end());
  }
  void text(StringRef s) { out.insert(out.end(), s.begin(), s.end()); }
  void pad8() { out.resize(llvm::alignTo(out.size(), 8), 0); }
  std::vector<uint8_t> out;
};

void writeTensor(Writer &w, const TensorDesc &t) {
  assert(t.dims.size() <= kMaxTensorRank && isValidName(t.name) &&
         "tensor not encodable; run verifyProgram first");
  w.u64(t.dramAddr);
  w.u8(uint8_t(t.dims.size()));
  w.u8(uint8_t(t.fracBits));
  w.u8(uint8_t(t.name.size()));
  w.u8(0);
  w.u32(0);
  for (uint32_t d : t.dims)
    w.u32(d);
  w.text(t.name);
  w.pad8();
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// The counts the header announces, and the format version.
struct Header {
  uint32_t numInsns, numSegments, numInputs, numOutputs;
  uint32_t version = kProgramFormatVersion;
};

/// "1 input", "2 inputs".
std::string count(uint64_t n, StringRef noun) {
  return std::to_string(n) + " " + noun.str() + (n == 1 ? "" : "s");
}

/// Why the body could not be decoded: it runs past the available bytes, or
/// it is inconsistent in itself.
struct BodyError {
  bool pastEnd;
  std::string message;
};

/// Decodes the sections after the header from bytes [kProgramHeaderBytes,
/// end). Every read is preceded by a check against `end`.
class BodyReader {
public:
  BodyReader(llvm::ArrayRef<uint8_t> bytes, size_t end, StringRef endWord)
      : bytes(bytes), end(end), endWord(endWord) {}

  std::optional<BodyError> read(const Header &h, Program &p);
  size_t position() const { return pos; }

private:
  uint64_t remaining() const { return end > pos ? end - pos : 0; }
  uint8_t u8() { return bytes[pos++]; }
  uint32_t u32() {
    uint32_t v = endian::read32le(bytes.data() + pos);
    pos += 4;
    return v;
  }
  uint64_t u64() {
    uint64_t v = endian::read64le(bytes.data() + pos);
    pos += 8;
    return v;
  }
  bool zeros(size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (u8() != 0)
        return false;
    return true;
  }
  BodyError pastEnd(const Twine &what) { return {true, what.str()}; }
  BodyError malformed(const Twine &what) { return {false, what.str()}; }

  std::optional<BodyError> readTensor(const Twine &label, TensorDesc &t);
  std::optional<BodyError> readLevels(const Header &h, Program &p);
  std::optional<BodyError> readLayers(Program &p);
  std::optional<BodyError> readSegmentEntry(unsigned i, Segment &s,
                                            uint64_t &size);

  llvm::ArrayRef<uint8_t> bytes;
  size_t pos = kProgramHeaderBytes;
  size_t end;
  /// "file" when the file is cut short, "data" when the sizes disagree.
  StringRef endWord;
};

std::optional<BodyError> BodyReader::readTensor(const Twine &label,
                                                TensorDesc &t) {
  if (remaining() < kMinTensorBytes)
    return pastEnd(endWord + " ends inside the descriptor of " + label);
  t.dramAddr = u64();
  unsigned rank = u8();
  t.fracBits = int8_t(u8());
  unsigned nameLen = u8();
  if (!zeros(5))
    return malformed("non-zero reserved bytes in the descriptor of " + label);
  if (rank > kMaxTensorRank)
    return malformed(label + " has rank " + Twine(rank) + ", more than " +
                     Twine(kMaxTensorRank));
  uint64_t rest = llvm::alignTo(uint64_t(rank) * 4 + nameLen, 8);
  if (remaining() < rest)
    return pastEnd(endWord + " ends inside the descriptor of " + label);
  for (unsigned d = 0; d < rank; ++d)
    t.dims.push_back(u32());
  t.name.assign(reinterpret_cast<const char *>(bytes.data() + pos), nameLen);
  pos += nameLen;
  if (!isValidName(t.name))
    return malformed(label + " has an invalid name");
  if (!zeros(rest - rank * 4 - nameLen))
    return malformed("non-zero padding after the descriptor of " + label);
  return std::nullopt;
}

std::optional<BodyError> BodyReader::readSegmentEntry(unsigned i, Segment &s,
                                                      uint64_t &size) {
  std::string label = "segment " + std::to_string(i);
  if (remaining() < kMinSegmentEntryBytes)
    return pastEnd(endWord + " ends inside the table entry of " + label);
  s.dramAddr = u64();
  size = u64();
  unsigned nameLen = u8();
  if (!zeros(7))
    return malformed("non-zero reserved bytes in the table entry of " + label);
  uint64_t rest = llvm::alignTo(nameLen, 8);
  if (remaining() < rest)
    return pastEnd(endWord + " ends inside the table entry of " + label);
  s.name.assign(reinterpret_cast<const char *>(bytes.data() + pos), nameLen);
  pos += nameLen;
  if (!isValidName(s.name))
    return malformed(label + " has an invalid name");
  if (!zeros(rest - nameLen))
    return malformed("non-zero padding after the table entry of " + label);
  return std::nullopt;
}

std::optional<BodyError> BodyReader::readLevels(const Header &h,
                                                Program &p) {
  if (remaining() < 8)
    return pastEnd(endWord + " ends inside the level table");
  const uint32_t n = u32();
  if (!zeros(4))
    return malformed("non-zero reserved bytes in the level table");
  if (n > isa::kMaxLevels)
    return malformed("the level table has " + Twine(n) + " levels, more than " +
                     Twine(isa::kMaxLevels));
  const uint64_t entry = 16 + 8 * uint64_t(h.numOutputs);
  if (n * entry > remaining())
    return pastEnd(endWord + " ends inside the level table (" +
                   count(n, "level") + " of " + Twine(entry) + " bytes)");
  p.levels.resize(n);
  for (ProgramLevel &l : p.levels) {
    l.sparsityPpm = u32();
    l.firstInsn = u32();
    l.numInsns = u32();
    if (!zeros(4))
      return malformed("non-zero reserved bytes in the level table");
    for (uint32_t o = 0; o < h.numOutputs; ++o)
      l.outputAddrs.push_back(u64());
  }
  return std::nullopt;
}

std::optional<BodyError> BodyReader::readLayers(Program &p) {
  if (remaining() < 8)
    return pastEnd(endWord + " ends inside the layer table");
  const uint32_t n = u32();
  if (!zeros(4))
    return malformed("non-zero reserved bytes in the layer table");
  // Each name takes at least 8 bytes (length and padding).
  if (uint64_t(n) * 8 > remaining())
    return pastEnd(endWord + " ends inside the layer table (" +
                   count(n, "layer") + ")");
  p.layers.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (remaining() < 8)
      return pastEnd(endWord + " ends inside the layer table");
    const unsigned nameLen = u8();
    if (!zeros(7))
      return malformed("non-zero reserved bytes in the layer table");
    const uint64_t rest = llvm::alignTo(nameLen, 8);
    if (remaining() < rest)
      return pastEnd(endWord + " ends inside the layer table");
    p.layers[i].assign(reinterpret_cast<const char *>(bytes.data() + pos),
                       nameLen);
    pos += nameLen;
    if (!isValidName(p.layers[i]))
      return malformed("layer " + Twine(i) + " has an invalid name");
    if (!zeros(rest - nameLen))
      return malformed("non-zero padding after the name of layer " +
                       Twine(i));
  }
  if (n == 0)
    return std::nullopt;
  const uint64_t indexBytes = llvm::alignTo(4 * uint64_t(p.insns.size()), 8);
  if (indexBytes > remaining())
    return pastEnd(endWord + " ends inside the layer of each instruction");
  p.insnLayers.resize(p.insns.size());
  for (size_t i = 0; i < p.insns.size(); ++i) {
    p.insnLayers[i] = u32();
    if (p.insnLayers[i] >= n)
      return malformed("instruction " + Twine(i) + " belongs to layer " +
                       Twine(p.insnLayers[i]) + " of " + count(n, "layer"));
  }
  if (!zeros(indexBytes - 4 * p.insns.size()))
    return malformed("non-zero padding after the layer of each instruction");
  return std::nullopt;
}

std::optional<BodyError> BodyReader::read(const Header &h, Program &p) {
  // Refuse counts the bytes cannot hold before allocating for them.
  uint64_t numTensors = uint64_t(h.numInputs) + h.numOutputs;
  if (numTensors * kMinTensorBytes > remaining())
    return pastEnd("header says " + count(h.numInputs, "input") + " and " +
                   count(h.numOutputs, "output") + ", " + endWord +
                   " has room for at most " +
                   Twine(remaining() / kMinTensorBytes) + " descriptors");
  p.inputs.resize(h.numInputs);
  p.outputs.resize(h.numOutputs);
  for (uint32_t i = 0; i < h.numInputs; ++i)
    if (auto e = readTensor("input " + Twine(i), p.inputs[i]))
      return e;
  for (uint32_t i = 0; i < h.numOutputs; ++i)
    if (auto e = readTensor("output " + Twine(i), p.outputs[i]))
      return e;
  if (h.version >= 2)
    if (auto e = readLevels(h, p))
      return e;

  if (uint64_t(h.numSegments) * kMinSegmentEntryBytes > remaining())
    return pastEnd("header says " + count(h.numSegments, "segment") + ", " +
                   endWord + " has room for at most " +
                   Twine(remaining() / kMinSegmentEntryBytes) +
                   " table entries");
  p.segments.resize(h.numSegments);
  std::vector<uint64_t> sizes(h.numSegments);
  for (uint32_t i = 0; i < h.numSegments; ++i)
    if (auto e = readSegmentEntry(i, p.segments[i], sizes[i]))
      return e;
  for (uint32_t i = 0; i < h.numSegments; ++i) {
    Segment &s = p.segments[i];
    if (sizes[i] > remaining())
      return pastEnd("segment " + Twine(i) + " ('" + s.name + "') has " +
                     Twine(sizes[i]) + " bytes, " + endWord + " ends after " +
                     Twine(remaining()));
    s.bytes.assign(bytes.begin() + pos, bytes.begin() + pos + sizes[i]);
    pos += sizes[i];
    uint64_t pad = llvm::alignTo(sizes[i], 8) - sizes[i];
    if (pad > remaining())
      return pastEnd(endWord + " ends inside the padding of segment " +
                     Twine(i) + " ('" + s.name + "')");
    if (!zeros(pad))
      return malformed("non-zero padding after segment " + Twine(i) + " ('" +
                       s.name + "')");
  }

  if (uint64_t(h.numInsns) * isa::kInsnBytes > remaining())
    return pastEnd("header says " + count(h.numInsns, "instruction") + ", " +
                   endWord + " ends after " +
                   Twine(remaining() / isa::kInsnBytes));
  p.insns.resize(h.numInsns);
  for (isa::Word &w : p.insns)
    for (uint64_t &lane : w.lane)
      lane = u64();
  if (h.version >= 3)
    if (auto e = readLayers(p))
      return e;
  return std::nullopt;
}

std::string hex(uint64_t v) { return "0x" + llvm::utohexstr(v, true); }

} // namespace

uint32_t programChecksum(llvm::ArrayRef<uint8_t> bytes) {
  return uint32_t(crc32_z(0, bytes.data(), bytes.size()));
}

std::vector<uint8_t> writeProgram(const Program &p) {
  assert(isValidConfigName(p.configName) && "config name not encodable");
  Writer w;
  w.text(StringRef(kProgramMagic, 4));
  w.u32(kProgramFormatVersion);
  w.u64(p.configHash);
  w.u32(uint32_t(p.insns.size()));
  w.u32(uint32_t(p.segments.size()));
  w.u32(uint32_t(p.inputs.size()));
  w.u32(uint32_t(p.outputs.size()));
  w.u64(p.dramBytes);
  w.u64(0); // total size, patched below
  w.text(StringRef(p.configName).take_front(kMaxConfigNameLength));
  w.out.resize(kProgramHeaderBytes, 0);

  for (const TensorDesc &t : p.inputs)
    writeTensor(w, t);
  for (const TensorDesc &t : p.outputs)
    writeTensor(w, t);
  w.u32(uint32_t(p.levels.size()));
  w.u32(0);
  for (const ProgramLevel &l : p.levels) {
    assert(l.outputAddrs.size() == p.outputs.size() &&
           "a level without every output's address");
    w.u32(l.sparsityPpm);
    w.u32(l.firstInsn);
    w.u32(l.numInsns);
    w.u32(0);
    for (uint64_t a : l.outputAddrs)
      w.u64(a);
  }
  for (const Segment &s : p.segments) {
    assert(isValidName(s.name) && "segment name not encodable");
    w.u64(s.dramAddr);
    w.u64(s.bytes.size());
    w.u8(uint8_t(s.name.size()));
    for (int i = 0; i < 7; ++i)
      w.u8(0);
    w.text(s.name);
    w.pad8();
  }
  for (const Segment &s : p.segments) {
    w.bytes(s.bytes);
    w.pad8();
  }
  for (const isa::Word &insn : p.insns)
    for (uint64_t lane : insn.lane)
      w.u64(lane);
  assert((p.insnLayers.empty() ? p.layers.empty()
                               : p.insnLayers.size() == p.insns.size()) &&
         "a layer table without every instruction's layer");
  w.u32(uint32_t(p.insnLayers.empty() ? 0 : p.layers.size()));
  w.u32(0);
  if (!p.insnLayers.empty()) {
    for (const std::string &name : p.layers) {
      assert(isValidName(name) && "layer name not encodable");
      w.u8(uint8_t(name.size()));
      for (int i = 0; i < 7; ++i)
        w.u8(0);
      w.text(name);
      w.pad8();
    }
    for (uint32_t l : p.insnLayers)
      w.u32(l);
    w.pad8();
  }

  endian::write64le(w.out.data() + kTotalSizeOffset,
                    w.out.size() + kChecksumBytes);
  w.u32(programChecksum(w.out));
  return std::move(w.out);
}

Expected<Program> readProgram(llvm::ArrayRef<uint8_t> bytes,
                              StringRef fileName) {
  auto fail = [&](const Twine &msg) -> Error {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   fileName + ": " + msg);
  };
  size_t size = bytes.size();
  if (size == 0)
    return fail("empty file: not a spec2 program");
  if (std::memcmp(bytes.data(), kProgramMagic, std::min<size_t>(size, 4)))
    return fail("bad magic: not a spec2 program");
  if (size < kProgramHeaderBytes)
    return fail("truncated: the file has " + Twine(size) +
                " bytes, less than the " + Twine(kProgramHeaderBytes) +
                "-byte header");
  uint32_t version = endian::read32le(bytes.data() + 4);
  if (version < kOldestProgramFormatVersion || version > kProgramFormatVersion)
    return fail("unsupported format version " + Twine(version) +
                " (this spec2 reads versions " +
                Twine(kOldestProgramFormatVersion) + " to " +
                Twine(kProgramFormatVersion) + ")");
  Program p;
  p.configHash = endian::read64le(bytes.data() + 8);
  Header h{
      endian::read32le(bytes.data() + 16), endian::read32le(bytes.data() + 20),
      endian::read32le(bytes.data() + 24), endian::read32le(bytes.data() + 28),
      version};
  p.dramBytes = endian::read64le(bytes.data() + 32);
  uint64_t declared = endian::read64le(bytes.data() + kTotalSizeOffset);

  if (declared < size)
    return fail("trailing data: the header says the file has " +
                Twine(declared) + " bytes, it has " + Twine(size));
  if (declared > size) {
    // Say which section the file ends in when that is what happened.
    Program scratch;
    BodyReader reader(bytes, size, "file");
    std::optional<BodyError> e = reader.read(h, scratch);
    if (e && e->pastEnd)
      return fail("truncated: " + e->message);
    return fail("truncated: the header says the file has " + Twine(declared) +
                " bytes, it has " + Twine(size));
  }

  if (size < kProgramHeaderBytes + kChecksumBytes)
    return fail("truncated: the file has " + Twine(size) +
                " bytes, less than the header and the checksum");
  size_t dataEnd = size - kChecksumBytes;
  uint32_t stored = endian::read32le(bytes.data() + dataEnd);
  uint32_t computed = programChecksum(bytes.take_front(dataEnd));
  if (stored != computed)
    return fail("checksum mismatch: stored " + hex(stored) + ", computed " +
                hex(computed) + "; the file is corrupt");

  // The checksum only shows that the file is what its writer wrote; the
  // writer may still have been wrong or hostile, so check everything.
  StringRef name(reinterpret_cast<const char *>(bytes.data()) +
                     kConfigNameOffset,
                 kMaxConfigNameLength);
  size_t nameLen = std::min(name.find('\0'), name.size());
  if (name.drop_front(nameLen).find_first_not_of('\0') != StringRef::npos ||
      !isValidConfigName(name.take_front(nameLen)))
    return fail("malformed: invalid config name in the header");
  p.configName = name.take_front(nameLen).str();

  BodyReader reader(bytes, dataEnd, "data");
  if (std::optional<BodyError> e = reader.read(h, p))
    return fail("malformed: " + e->message);
  if (reader.position() != dataEnd)
    return fail("malformed: " + Twine(dataEnd - reader.position()) +
                " unexpected bytes before the checksum");
  return p;
}

Expected<Program> readProgramFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read '" + path +
                                       "': " + buffer.getError().message());
  StringRef data = (*buffer)->getBuffer();
  return readProgram(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()),
                              data.size()),
      path);
}

} // namespace spec2
