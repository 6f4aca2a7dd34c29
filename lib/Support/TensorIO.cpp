//===- TensorIO.cpp - Read and write .npy and ONNX .pb tensors ------------===//

#include "spec2/Support/TensorIO.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace spec2 {
namespace {

Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// IEEE half -> float, for the occasional float16 initializer.
float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: renormalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// The three fields of a .npy header.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses a .npy header exactly as numpy writes and reads it: a Python dict
/// literal with the keys 'descr' (a quoted string), 'fortran_order' (True or
/// False) and 'shape' (a tuple of non-negative integers), each once and no
/// other, an optional trailing comma, then spaces and a newline. Anything
/// else is refused with the position it stopped at.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(StringRef text) : text(text) {}

  Expected<NpyHeader> parse() {
    NpyHeader h;
    bool seenDescr = false, seenFortran = false, seenShape = false;
    skipSpace();
    if (!consume('{'))
      return error("expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (Error e = parseString(key))
        return std::move(e);
      skipSpace();
      if (!consume(':'))
        return error("expected ':' after '" + key + "'");
      skipSpace();
      bool *seen = key == "descr"           ? &seenDescr
                   : key == "fortran_order" ? &seenFortran
                   : key == "shape"         ? &seenShape
                                            : nullptr;
      if (!seen)
        return error("unknown key '" + key + "'");
      if (*seen)
        return error("key '" + key + "' given twice");
      *seen = true;
      Error e = key == "descr"           ? parseString(h.descr)
                : key == "fortran_order" ? parseBool(h.fortranOrder)
                                         : parseShape(h.shape);
      if (e)
        return std::move(e);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (!consume('}'))
        return error("expected ',' or '}'");
      break;
    }
    if (!seenDescr || !seenFortran || !seenShape)
      return error("the keys 'descr', 'fortran_order' and 'shape' are "
                   "required");
    // numpy pads with spaces and ends the header with a newline.
    StringRef rest = text.drop_front(pos);
    if (!rest.consume_back("\n") || !rest.trim(' ').empty())
      return error("expected spaces and a newline after the dict");
    return h;
  }

private:
  StringRef text;
  size_t pos = 0;

  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
  }
  Error error(const llvm::Twine &msg) {
    return fail("malformed .npy header at column " + llvm::Twine(pos) + ": " +
                msg);
  }
  Error parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return error("expected a quoted string");
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == StringRef::npos)
      return error("unterminated string");
    StringRef s = text.slice(pos, end);
    if (s.contains('\\') || s.contains('\n'))
      return error("escapes are not supported in strings");
    out = s.str();
    pos = end + 1;
    return Error::success();
  }
  Error parseBool(bool &out) {
    StringRef rest = text.drop_front(pos);
    if (rest.starts_with("True")) {
      out = true;
      pos += 4;
    } else if (rest.starts_with("False")) {
      out = false;
      pos += 5;
    } else {
      return error("'fortran_order' must be True or False");
    }
    return Error::success();
  }
  Error parseShape(std::vector<int64_t> &out) {
    if (!consume('('))
      return error("'shape' must be a tuple");
    bool needComma = false; // a one-element tuple is written "(n,)"
    while (true) {
      skipSpace();
      if (consume(')'))
        break;
      size_t start = pos;
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      int64_t d;
      if (pos == start || text.slice(start, pos).getAsInteger(10, d))
        return error("expected a dimension (a non-negative integer)");
      out.push_back(d);
      skipSpace();
      if (consume(',')) {
        needComma = false;
        continue;
      }
      needComma = out.size() == 1;
      skipSpace();
      if (!consume(')'))
        return error("expected ',' or ')' in 'shape'");
      break;
    }
    if (needComma)
      return error("a one-dimensional shape is written '(n,)'");
    return Error::success();
  }
};

} // namespace

Expected<Tensor> parseNpy(StringRef bytes, StringRef what) {
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return fail(what + ": not a .npy file (bad magic)");
  uint8_t major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail(what + ": truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
    headerStart = 12;
  } else {
    return fail(what + ": unsupported .npy version " + llvm::Twine(major));
  }
  if (headerStart + headerLen > bytes.size())
    return fail(what + ": truncated .npy header");
  auto header = NpyHeaderParser(bytes.substr(headerStart, headerLen)).parse();
  if (!header)
    return fail(what + ": " + llvm::toString(header.takeError()));
  if (header->fortranOrder)
    return fail(what + ": Fortran-ordered .npy arrays are not supported; "
                       "save with np.ascontiguousarray");
  StringRef descr = header->descr;
  std::vector<int64_t> shape = header->shape;
  int64_t n = checkedNumElements(shape);
  if (n < 0 || n > kMaxTensorElements)
    return fail(what + ": .npy shape " + formatShape(shape) +
                " is too large (limit " + llvm::Twine(kMaxTensorElements) +
                " elements)");

  char order = descr.empty() ? '?' : descr[0];
  if (order != '<' && order != '|' && order != '>')
    return fail(what + ": unsupported .npy dtype '" + descr + "'");
  StringRef kind = descr.drop_front(1);
  if (order == '>')
    return fail(what + ": big-endian .npy data is not supported");
  size_t elemSize = 0;
  if (kind == "f4" || kind == "i4")
    elemSize = 4;
  else if (kind == "f8" || kind == "i8")
    elemSize = 8;
  else if (kind == "u1" || kind == "b1")
    elemSize = 1;
  else
    return fail(what + ": unsupported .npy dtype '" + descr +
                "' (supported: float32, float64, int32, int64, uint8)");
  StringRef data = bytes.drop_front(headerStart + headerLen);
  if (data.size() != size_t(n) * elemSize)
    return fail(what + ": .npy holds " + llvm::Twine(data.size()) +
                " data bytes, shape " + formatShape(shape) + " needs " +
                llvm::Twine(size_t(n) * elemSize));

  Tensor t;
  t.shape = shape;
  const char *p = data.data();
  if (kind == "f4" || kind == "f8" || kind == "u1") {
    t.dtype = DType::F32;
    t.f32.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      if (kind == "f4") {
        std::memcpy(&t.f32[i], p + 4 * i, 4);
      } else if (kind == "f8") {
        double d;
        std::memcpy(&d, p + 8 * i, 8);
        t.f32[i] = static_cast<float>(d);
      } else {
        t.f32[i] = static_cast<uint8_t>(p[i]);
      }
    }
  } else {
    t.dtype = DType::I64;
    t.i64.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      if (kind == "i8") {
        std::memcpy(&t.i64[i], p + 8 * i, 8);
      } else if (kind == "i4") {
        int32_t v;
        std::memcpy(&v, p + 4 * i, 4);
        t.i64[i] = v;
      } else {
        t.i64[i] = p[i] != 0;
      }
    }
  }
  return t;
}

Expected<Tensor> readNpy(StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fail("cannot read '" + path + "': " + buf.getError().message());
  return parseNpy((*buf)->getBuffer(), path);
}

Error writeNpy(StringRef path, const Tensor &tensor) {
  std::string header = "{'descr': '";
  header += tensor.dtype == DType::F32 ? "<f4" : "<i8";
  header += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  header += tensor.shape.size() == 1 ? ",)" : ")";
  header += ", }";
  // Pad so that magic(6)+version(2)+len(2)+header+'\n' is a multiple of 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  // Through a temporary file renamed when complete: never a truncated .npy.
  Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) -> Error {
    os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
       << char(header.size() >> 8) << header;
    if (tensor.dtype == DType::F32)
      os.write(reinterpret_cast<const char *>(tensor.f32.data()),
               tensor.f32.size() * 4);
    else
      os.write(reinterpret_cast<const char *>(tensor.i64.data()),
               tensor.i64.size() * 8);
    return Error::success();
  });
  if (e)
    return fail("cannot write '" + path + "': " + llvm::toString(std::move(e)));
  return Error::success();
}

/// Reads `length` bytes at `offset` of an external-data file that must lie
/// inside `baseDir`.
static Expected<std::unique_ptr<llvm::MemoryBuffer>>
readExternalData(const onnx::TensorProto &proto, StringRef baseDir) {
  std::string location;
  uint64_t offset = 0;
  int64_t length = -1;
  for (const auto &kv : proto.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset" &&
             StringRef(kv.value()).getAsInteger(10, offset))
      return fail("tensor '" + proto.name() + "': bad external data offset");
    else if (kv.key() == "length" &&
             (StringRef(kv.value()).getAsInteger(10, length) || length < 0))
      return fail("tensor '" + proto.name() + "': bad external data length");
  }
  if (location.empty())
    return fail("tensor '" + proto.name() +
                "': external data without a 'location'");
  if (baseDir.empty())
    return fail("tensor '" + proto.name() +
                "': external data is not allowed here");
  if (llvm::sys::path::is_absolute(location))
    return fail("tensor '" + proto.name() + "': external data location '" +
                location + "' is absolute; it must be relative to the model "
                           "directory");
  llvm::SmallString<256> realBase, joined, realFile;
  if (llvm::sys::fs::real_path(baseDir, realBase))
    return fail("cannot resolve model directory '" + baseDir + "'");
  joined = realBase;
  llvm::sys::path::append(joined, location);
  if (std::error_code ec = llvm::sys::fs::real_path(joined, realFile))
    return fail("tensor '" + proto.name() + "': external data file '" +
                location + "' not found in '" + realBase +
                "': " + ec.message());
  llvm::SmallString<256> prefix = realBase;
  prefix += llvm::sys::path::get_separator();
  if (!StringRef(realFile).starts_with(prefix))
    return fail("tensor '" + proto.name() + "': external data location '" +
                location + "' points outside the model directory '" +
                realBase + "'");
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(realFile, fileSize))
    return fail("cannot stat external data file '" + realFile + "'");
  if (length < 0 && offset <= fileSize)
    length = int64_t(fileSize - offset);
  // Written so that no sum can wrap around (offset may be near 2^64).
  if (length < 0 || offset > fileSize ||
      uint64_t(length) > fileSize - offset)
    return fail("tensor '" + proto.name() + "': external data range [" +
                llvm::Twine(offset) + ", +" + llvm::Twine(length) +
                ") exceeds file '" + location + "' of " +
                llvm::Twine(fileSize) + " bytes");
  auto buf = llvm::MemoryBuffer::getFileSlice(realFile, length, offset);
  if (!buf)
    return fail("cannot read external data '" + realFile +
                "': " + buf.getError().message());
  return std::move(*buf);
}

Expected<Tensor> decodeTensorProto(const onnx::TensorProto &proto,
                                   StringRef baseDir) {
  std::string what = "tensor '" + proto.name() + "'";
  Tensor t;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(what + " has a negative dimension");
    t.shape.push_back(d);
  }
  int64_t n = checkedNumElements(t.shape);
  if (n < 0 || n > kMaxTensorElements)
    return fail(what + " has absurd shape " + formatShape(t.shape) +
                " (limit " + llvm::Twine(kMaxTensorElements) + " elements)");

  std::unique_ptr<llvm::MemoryBuffer> external;
  StringRef raw;
  bool hasRaw = proto.has_raw_data();
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    auto buf = readExternalData(proto, baseDir);
    if (!buf)
      return buf.takeError();
    external = std::move(*buf);
    raw = external->getBuffer();
    hasRaw = true;
  } else if (hasRaw) {
    raw = proto.raw_data();
  }

  // Count what the proto holds before allocating anything: a small file may
  // declare billions of elements.
  size_t elemSize = 0, typedCount = 0;
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    elemSize = 4, typedCount = proto.float_data_size();
    break;
  case onnx::TensorProto::DOUBLE:
    elemSize = 8, typedCount = proto.double_data_size();
    break;
  case onnx::TensorProto::INT64:
    elemSize = 8, typedCount = proto.int64_data_size();
    break;
  case onnx::TensorProto::INT32:
    elemSize = 4, typedCount = proto.int32_data_size();
    break;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::INT16:
    elemSize = 2, typedCount = proto.int32_data_size();
    break;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    elemSize = 1, typedCount = proto.int32_data_size();
    break;
  default:
    break; // refused with the supported list below
  }
  if (elemSize) {
    size_t have = hasRaw ? raw.size() / elemSize : typedCount;
    if (hasRaw && raw.size() % elemSize)
      return fail(what + ": raw data size " + llvm::Twine(raw.size()) +
                  " is not a multiple of " + llvm::Twine(elemSize));
    if (have != size_t(n))
      return fail(what + " declares shape " + formatShape(t.shape) + " (" +
                  llvm::Twine(n) + " elements) but holds " +
                  llvm::Twine(have));
  }

  auto checkCount = [&](size_t have) -> Error {
    if (int64_t(have) != n)
      return fail(what + " declares shape " + formatShape(t.shape) + " (" +
                  llvm::Twine(n) + " elements) but holds " +
                  llvm::Twine(have));
    return Error::success();
  };
  auto fromRaw = [&](size_t elemSize, auto convert) -> Error {
    if (raw.size() % elemSize)
      return fail(what + ": raw data size " + llvm::Twine(raw.size()) +
                  " is not a multiple of " + llvm::Twine(elemSize));
    if (Error e = checkCount(raw.size() / elemSize))
      return e;
    for (int64_t i = 0; i < n; ++i)
      convert(raw.data() + i * elemSize, i);
    return Error::success();
  };

  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    t.dtype = DType::F32;
    if (hasRaw && raw.size() == size_t(n) * sizeof(float)) {
      // The common case (every exporter writes raw little-endian data): one
      // pass, no zero-fill. VGG16 carries 550 MB of these.
      const char *p = raw.data();
      t.f32.reserve(n);
      t.f32.insert(t.f32.end(), reinterpret_cast<const float *>(p),
                   reinterpret_cast<const float *>(p) + n);
      return t;
    }
    t.f32.resize(n);
    if (hasRaw) {
      if (Error e = fromRaw(4, [&](const char *p, int64_t i) {
            std::memcpy(&t.f32[i], p, 4);
          }))
        return std::move(e);
      return t;
    }
    if (Error e = checkCount(proto.float_data_size()))
      return std::move(e);
    std::copy(proto.float_data().begin(), proto.float_data().end(),
              t.f32.begin());
    return t;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::FLOAT16:
    t.dtype = DType::F32;
    t.f32.resize(n);
    if (hasRaw) {
      bool isDouble = proto.data_type() == onnx::TensorProto::DOUBLE;
      Error e = fromRaw(isDouble ? 8 : 2, [&](const char *p, int64_t i) {
        if (isDouble) {
          double d;
          std::memcpy(&d, p, 8);
          t.f32[i] = float(d);
        } else {
          uint16_t h;
          std::memcpy(&h, p, 2);
          t.f32[i] = halfToFloat(h);
        }
      });
      if (e)
        return std::move(e);
      return t;
    }
    if (proto.data_type() == onnx::TensorProto::DOUBLE) {
      if (Error e = checkCount(proto.double_data_size()))
        return std::move(e);
      for (int64_t i = 0; i < n; ++i)
        t.f32[i] = float(proto.double_data(i));
    } else {
      if (Error e = checkCount(proto.int32_data_size()))
        return std::move(e);
      for (int64_t i = 0; i < n; ++i)
        t.f32[i] = halfToFloat(uint16_t(proto.int32_data(i)));
    }
    return t;
  case onnx::TensorProto::INT64:
    t.dtype = DType::I64;
    t.i64.resize(n);
    if (hasRaw) {
      if (Error e = fromRaw(8, [&](const char *p, int64_t i) {
            std::memcpy(&t.i64[i], p, 8);
          }))
        return std::move(e);
      return t;
    }
    if (Error e = checkCount(proto.int64_data_size()))
      return std::move(e);
    std::copy(proto.int64_data().begin(), proto.int64_data().end(),
              t.i64.begin());
    return t;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL: {
    t.dtype = DType::I64;
    t.i64.resize(n);
    int type = proto.data_type();
    size_t size = type == onnx::TensorProto::INT32   ? 4
                  : type == onnx::TensorProto::INT16 ? 2
                                                     : 1;
    if (hasRaw) {
      if (Error e = fromRaw(size, [&](const char *p, int64_t i) {
            if (type == onnx::TensorProto::INT32) {
              int32_t v;
              std::memcpy(&v, p, 4);
              t.i64[i] = v;
            } else if (type == onnx::TensorProto::INT16) {
              int16_t v;
              std::memcpy(&v, p, 2);
              t.i64[i] = v;
            } else if (type == onnx::TensorProto::INT8) {
              t.i64[i] = static_cast<int8_t>(*p);
            } else {
              t.i64[i] = static_cast<uint8_t>(*p);
            }
          }))
        return std::move(e);
      return t;
    }
    if (Error e = checkCount(proto.int32_data_size()))
      return std::move(e);
    std::copy(proto.int32_data().begin(), proto.int32_data().end(),
              t.i64.begin());
    return t;
  }
  default:
    return fail(what + " has unsupported element type " +
                llvm::Twine(proto.data_type()) +
                " (supported: float, float16, double, int8/16/32/64, "
                "uint8, bool)");
  }
}

Expected<Tensor> readTensorProtoFile(StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fail("cannot read '" + path + "': " + buf.getError().message());
  onnx::TensorProto proto;
  StringRef bytes = (*buf)->getBuffer();
  if (bytes.empty())
    return fail("'" + path + "' is empty");
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail("'" + path + "' is not a serialized ONNX TensorProto");
  auto t = decodeTensorProto(proto, llvm::sys::path::parent_path(path));
  if (!t)
    return fail("'" + path + "': " + llvm::toString(t.takeError()));
  return t;
}

Expected<Tensor> readTensorFile(StringRef path) {
  if (path.ends_with(".npy"))
    return readNpy(path);
  if (path.ends_with(".pb"))
    return readTensorProtoFile(path);
  return fail("input '" + path + "': unknown file type (expected .npy or .pb)");
}

} // namespace spec2
