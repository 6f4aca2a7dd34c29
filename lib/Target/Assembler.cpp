//===- Assembler.cpp - Parse the text form of overlay programs ------------===//

#include "spec2/Target/Assembler.h"

#include "spec2/Target/InsnTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace spec2 {
namespace {

/// Largest segment the text may declare: the whole 32-bit DRAM.
constexpr uint64_t kMaxSegmentBytes = uint64_t(1) << isa::kDramAddrBits;

/// Parses decimal or 0x-hex digits of a non-negative number.
std::optional<uint64_t> parseUnsigned(StringRef s) {
  uint64_t v;
  if (s.consume_front_insensitive("0x")) {
    if (s.empty() || s.getAsInteger(16, v))
      return std::nullopt;
    return v;
  }
  if (s.empty() || !llvm::isDigit(s.front()) || s.getAsInteger(10, v))
    return std::nullopt;
  return v;
}

/// Parses a number that may be negative (decimal only when negative).
std::optional<int64_t> parseSigned(StringRef s) {
  if (s.consume_front("-")) {
    std::optional<uint64_t> m = parseUnsigned(s);
    if (!m || *m > uint64_t(INT64_MAX) + 1)
      return std::nullopt;
    return int64_t(0 - *m);
  }
  std::optional<uint64_t> v = parseUnsigned(s);
  if (!v || *v > uint64_t(INT64_MAX))
    return std::nullopt;
  return int64_t(*v);
}

std::string fieldRange(isa::Field f) {
  if (f.isSigned)
    return std::to_string(-(int64_t(1) << (f.width - 1))) + ".." +
           std::to_string((int64_t(1) << (f.width - 1)) - 1);
  return "0.." + std::to_string((uint64_t(1) << f.width) - 1);
}

/// Parses one program; every error carries a source location.
class Parser {
public:
  Parser(StringRef text, StringRef fileName, ConfigHashResolver resolveHash)
      : text(text), resolveHash(resolveHash) {
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(text, fileName,
                                         /*RequiresNullTerminator=*/false),
        llvm::SMLoc());
  }

  Expected<Program> parse();

private:
  Error error(StringRef at, const Twine &message);
  Error parseLine(llvm::ArrayRef<StringRef> tokens);
  Error parseConfig(llvm::ArrayRef<StringRef> args, StringRef at);
  Error parseDram(llvm::ArrayRef<StringRef> args, StringRef at);
  Error parseTensor(llvm::ArrayRef<StringRef> args, StringRef at,
                    std::vector<TensorDesc> &into);
  Error parseSegment(llvm::ArrayRef<StringRef> args, StringRef at);
  Error parseHex(llvm::ArrayRef<StringRef> args, StringRef at);
  Error parseWord(llvm::ArrayRef<StringRef> args, StringRef at);
  Error parseInsn(const InsnFormat &format, llvm::ArrayRef<StringRef> args);
  Error closeSegment();

  /// Splits "key=value" arguments, requiring exactly `keys`, each once.
  Error keyValues(llvm::ArrayRef<StringRef> args, StringRef directive,
                  llvm::ArrayRef<StringRef> keys,
                  llvm::SmallVectorImpl<StringRef> &values);
  Error unsignedValue(StringRef token, uint64_t max, StringRef what,
                      uint64_t &out);

  StringRef text;
  ConfigHashResolver resolveHash;
  llvm::SourceMgr sourceMgr;
  Program program;
  StringRef configAt, dramAt;
  /// The segment whose .hex data is still being read.
  std::optional<size_t> openSegment;
  uint64_t openSegmentBytes = 0;
  StringRef openSegmentAt;
};

Error Parser::error(StringRef at, const Twine &message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  sourceMgr.PrintMessage(os, llvm::SMLoc::getFromPointer(at.data()),
                         llvm::SourceMgr::DK_Error, message);
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 StringRef(text).rtrim("\n"));
}

Error Parser::unsignedValue(StringRef token, uint64_t max, StringRef what,
                            uint64_t &out) {
  std::optional<uint64_t> v = parseUnsigned(token);
  if (!v)
    return error(token, "invalid number '" + token + "' for " + what);
  if (*v > max)
    return error(token, what + " " + Twine(*v) + " is out of range (0.." +
                            Twine(max) + ")");
  out = *v;
  return Error::success();
}

Error Parser::keyValues(llvm::ArrayRef<StringRef> args, StringRef directive,
                        llvm::ArrayRef<StringRef> keys,
                        llvm::SmallVectorImpl<StringRef> &values) {
  values.assign(keys.size(), StringRef());
  for (StringRef arg : args) {
    auto [key, value] = arg.split('=');
    const StringRef *k = llvm::find(keys, key);
    if (k == keys.end() || key.size() == arg.size())
      return error(arg, "unexpected '" + arg + "' in " + directive +
                            " (expected " + llvm::join(keys, "=, ") + "=)");
    StringRef &slot = values[k - keys.begin()];
    if (slot.data())
      return error(arg, "'" + key + "' given twice");
    slot = value.empty() ? StringRef(arg.end(), 0) : value;
  }
  for (size_t i = 0; i < keys.size(); ++i)
    if (!values[i].data())
      return error(directive, directive + " needs " + keys[i] + "=");
  return Error::success();
}

Error Parser::parseConfig(llvm::ArrayRef<StringRef> args, StringRef at) {
  if (configAt.data())
    return error(at, "duplicate '.config' directive");
  configAt = at;
  if (args.size() != 1 && args.size() != 2)
    return error(at, "expected '.config NAME [HASH]'");
  if (!isValidConfigName(args[0]))
    return error(args[0], "invalid config name '" + args[0] + "' (1 to " +
                              Twine(kMaxConfigNameLength) +
                              " characters, no spaces, '\"', ';' or '=')");
  program.configName = args[0].str();
  if (args.size() == 2)
    return unsignedValue(args[1], UINT64_MAX, "config hash",
                         program.configHash);
  if (!resolveHash)
    return error(args[0], "'.config " + args[0] +
                              "' gives no hash and no configuration is at "
                              "hand to take it from");
  Expected<uint64_t> hash = resolveHash(args[0]);
  if (!hash)
    return error(args[0], llvm::toString(hash.takeError()));
  program.configHash = *hash;
  return Error::success();
}

Error Parser::parseDram(llvm::ArrayRef<StringRef> args, StringRef at) {
  if (dramAt.data())
    return error(at, "duplicate '.dram' directive");
  dramAt = at;
  if (args.size() != 1)
    return error(at, "expected '.dram BYTES'");
  return unsignedValue(args[0], UINT64_MAX, "DRAM size", program.dramBytes);
}

Error Parser::parseTensor(llvm::ArrayRef<StringRef> args, StringRef at,
                          std::vector<TensorDesc> &into) {
  if (args.empty())
    return error(at,
                 "expected '" + at + " NAME dram=ADDR dims=D0xD1.. frac=F'");
  TensorDesc t;
  if (!isValidName(args[0]))
    return error(args[0], "invalid tensor name '" + args[0] + "'");
  t.name = args[0].str();
  llvm::SmallVector<StringRef, 3> v;
  if (Error e = keyValues(args.drop_front(), at, {"dram", "dims", "frac"}, v))
    return e;
  if (Error e = unsignedValue(v[0], UINT64_MAX, "DRAM address", t.dramAddr))
    return e;
  llvm::SmallVector<StringRef, kMaxTensorRank> dims;
  v[1].split(dims, 'x');
  if (dims.size() > kMaxTensorRank)
    return error(v[1], "rank " + Twine(dims.size()) + " exceeds the maximum " +
                           Twine(kMaxTensorRank));
  for (StringRef d : dims) {
    uint64_t n;
    if (d.starts_with_insensitive("0x") || d.empty())
      return error(d.empty() ? v[1] : d,
                   "dimensions are decimal, like dims=1x3x32x32");
    if (Error e = unsignedValue(d, UINT32_MAX, "dimension", n))
      return e;
    t.dims.push_back(uint32_t(n));
  }
  std::optional<int64_t> frac = parseSigned(v[2]);
  if (!frac || *frac < INT8_MIN || *frac > INT8_MAX)
    return error(v[2], "frac must be an integer in -128..127");
  t.fracBits = int8_t(*frac);
  into.push_back(std::move(t));
  return Error::success();
}

Error Parser::parseSegment(llvm::ArrayRef<StringRef> args, StringRef at) {
  if (args.empty())
    return error(at, "expected '.segment NAME dram=ADDR bytes=N'");
  Segment s;
  if (!isValidName(args[0]))
    return error(args[0], "invalid segment name '" + args[0] + "'");
  s.name = args[0].str();
  llvm::SmallVector<StringRef, 2> v;
  if (Error e = keyValues(args.drop_front(), at, {"dram", "bytes"}, v))
    return e;
  if (Error e = unsignedValue(v[0], UINT64_MAX, "DRAM address", s.dramAddr))
    return e;
  if (Error e = unsignedValue(v[1], kMaxSegmentBytes, "segment size",
                              openSegmentBytes))
    return e;
  openSegment = program.segments.size();
  openSegmentAt = args[0];
  program.segments.push_back(std::move(s));
  return Error::success();
}

Error Parser::parseHex(llvm::ArrayRef<StringRef> args, StringRef at) {
  if (!openSegment)
    return error(at, "'.hex' data must follow a '.segment' line");
  Segment &s = program.segments[*openSegment];
  for (StringRef arg : args) {
    if (arg.size() % 2)
      return error(arg, "odd number of hex digits");
    for (size_t i = 0; i < arg.size(); i += 2) {
      unsigned hi = llvm::hexDigitValue(arg[i]),
               lo = llvm::hexDigitValue(arg[i + 1]);
      if (hi > 15 || lo > 15)
        return error(arg.substr(hi > 15 ? i : i + 1),
                     "invalid hex digit in '.hex' data");
      if (s.bytes.size() == openSegmentBytes)
        return error(arg.substr(i),
                     "'.hex' data exceeds the " + Twine(openSegmentBytes) +
                         " bytes declared by segment '" + s.name + "'");
      s.bytes.push_back(uint8_t(hi << 4 | lo));
    }
  }
  return Error::success();
}

Error Parser::closeSegment() {
  if (!openSegment)
    return Error::success();
  const Segment &s = program.segments[*openSegment];
  if (s.bytes.size() != openSegmentBytes)
    return error(openSegmentAt,
                 "segment '" + s.name + "' declares " +
                     Twine(openSegmentBytes) + " bytes but its .hex data has " +
                     Twine(s.bytes.size()) +
                     " (the data must follow the .segment line)");
  openSegment.reset();
  return Error::success();
}

Error Parser::parseWord(llvm::ArrayRef<StringRef> args, StringRef at) {
  if (args.size() != isa::kInsnLanes)
    return error(at, "expected '.word' and " + Twine(isa::kInsnLanes) +
                         " 64-bit lanes, lowest first");
  isa::Word w{};
  for (unsigned i = 0; i < isa::kInsnLanes; ++i)
    if (Error e = unsignedValue(args[i], UINT64_MAX, "lane", w.lane[i]))
      return e;
  program.insns.push_back(w);
  return Error::success();
}

Error Parser::parseInsn(const InsnFormat &format,
                        llvm::ArrayRef<StringRef> args) {
  isa::Word w{};
  isa::setField(w, isa::kOpcode, format.opcode);
  if (format.hasSelector)
    isa::setField(w, format.selector.field, format.selectorValue);
  uint64_t seen = 0; // bit i: operand i (or flag 32+i) was given
  for (StringRef arg : args) {
    auto [name, value] = arg.split('=');
    if (name.size() == arg.size()) {
      auto flags = dependencyFlags();
      auto *flag = llvm::find_if(
          flags, [&](const NamedField &f) { return f.name == arg; });
      if (flag == flags.end())
        return error(arg, "unknown flag '" + arg +
                              "' (expected pop_prev, pop_next, push_prev, "
                              "push_next or field=value)");
      uint64_t bit = uint64_t(1) << (32 + (flag - flags.begin()));
      if (seen & bit)
        return error(arg, "flag '" + arg + "' given twice");
      seen |= bit;
      isa::setField(w, flag->field, 1);
      continue;
    }
    auto *op = llvm::find_if(
        format.operands, [&](const NamedField &f) { return f.name == name; });
    if (op == format.operands.end()) {
      std::vector<StringRef> names;
      for (const NamedField &f : format.operands)
        names.push_back(f.name);
      return error(arg, "unknown field '" + name + "' for " + format.mnemonic +
                            " (fields: " + llvm::join(names, ", ") + ")");
    }
    uint64_t bit = uint64_t(1) << (op - format.operands.begin());
    if (seen & bit)
      return error(arg, "field '" + name + "' given twice");
    seen |= bit;
    StringRef at = value.empty() ? arg : value;
    std::optional<int64_t> v = parseSigned(value);
    if (!v)
      return error(at,
                   "invalid number '" + value + "' for field '" + name + "'");
    if (!isa::fits(op->field, *v))
      return error(at, "value " + Twine(*v) + " does not fit field '" + name +
                           "' of " + format.mnemonic + " (" +
                           fieldRange(op->field) + ")");
    isa::setField(w, op->field, *v);
  }
  program.insns.push_back(w);
  return Error::success();
}

Error Parser::parseLine(llvm::ArrayRef<StringRef> tokens) {
  StringRef head = tokens.front();
  llvm::ArrayRef<StringRef> args = tokens.drop_front();
  if (head == ".hex")
    return parseHex(args, head);
  if (Error e = closeSegment())
    return e;
  if (head == ".config")
    return parseConfig(args, head);
  if (head == ".dram")
    return parseDram(args, head);
  if (head == ".input")
    return parseTensor(args, head, program.inputs);
  if (head == ".output")
    return parseTensor(args, head, program.outputs);
  if (head == ".segment")
    return parseSegment(args, head);
  if (head == ".word")
    return parseWord(args, head);
  if (head.starts_with("."))
    return error(head, "unknown directive '" + head + "'");
  if (const InsnFormat *format = findInsnFormat(head))
    return parseInsn(*format, args);
  std::vector<StringRef> names;
  for (const InsnFormat &f : insnFormats())
    names.push_back(f.mnemonic);
  return error(head, "unknown mnemonic '" + head + "' (expected " +
                         llvm::join(names, ", ") + ")");
}

Expected<Program> Parser::parse() {
  StringRef rest = text;
  while (!rest.empty()) {
    StringRef line;
    std::tie(line, rest) = rest.split('\n');
    line = line.take_until([](char c) { return c == ';'; });
    llvm::SmallVector<StringRef, 32> tokens;
    while (true) {
      line = line.ltrim(" \t\r\v\f");
      if (line.empty())
        break;
      size_t n = std::min(line.find_first_of(" \t\r\v\f"), line.size());
      tokens.push_back(line.take_front(n));
      line = line.drop_front(n);
    }
    if (tokens.empty())
      continue;
    if (Error e = parseLine(tokens))
      return std::move(e);
  }
  if (Error e = closeSegment())
    return std::move(e);
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(1);
  StringRef atEnd(buffer->getBufferEnd(), 0);
  if (!configAt.data())
    return error(atEnd, "missing '.config NAME [HASH]' directive");
  if (!dramAt.data())
    return error(atEnd, "missing '.dram BYTES' directive");
  return std::move(program);
}

} // namespace

Expected<Program> parseProgram(StringRef text, StringRef fileName,
                               ConfigHashResolver resolveHash) {
  return Parser(text, fileName, resolveHash).parse();
}

} // namespace spec2
