//===- TensorIOTest.cpp - .npy and TensorProto readers/writers ------------===//

#include "spec2/Support/TensorIO.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

using namespace spec2;

namespace {

/// A fresh temporary directory per test.
class TempDir {
public:
  TempDir() { llvm::sys::fs::createUniqueDirectory("spec2-unit", path); }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  llvm::SmallString<128> path;
};

void writeFile(const std::string &path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  os << bytes;
}

TEST(Npy, RoundTripsFloatAndIntTensors) {
  TempDir dir;
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{}, {5}, {2, 3}, {1, 1, 2, 2}}) {
    int64_t n = checkedNumElements(shape);
    std::vector<float> f(n);
    std::vector<int64_t> i(n);
    for (int64_t k = 0; k < n; ++k) {
      f[k] = 0.5f * k - 1.0f;
      i[k] = -3 * k;
    }
    ASSERT_FALSE(bool(writeNpy(dir.file("f.npy"), Tensor::floats(shape, f))));
    ASSERT_FALSE(bool(writeNpy(dir.file("i.npy"), Tensor::ints(shape, i))));
    auto rf = readNpy(dir.file("f.npy"));
    auto ri = readNpy(dir.file("i.npy"));
    ASSERT_TRUE(bool(rf)) << llvm::toString(rf.takeError());
    ASSERT_TRUE(bool(ri)) << llvm::toString(ri.takeError());
    EXPECT_EQ(rf->shape, shape);
    EXPECT_EQ(rf->f32, f);
    EXPECT_EQ(ri->dtype, DType::I64);
    EXPECT_EQ(ri->i64, i);
  }
}

TEST(Npy, HeaderIsWhatNumpyWrites) {
  TempDir dir;
  ASSERT_FALSE(bool(writeNpy(dir.file("a.npy"), Tensor::floats({3}, {1, 2, 3}))));
  auto buf = llvm::MemoryBuffer::getFile(dir.file("a.npy"));
  ASSERT_TRUE(bool(buf));
  llvm::StringRef bytes = (*buf)->getBuffer();
  EXPECT_TRUE(bytes.starts_with("\x93NUMPY\x01\x00"));
  EXPECT_NE(bytes.find("'shape': (3,)"), llvm::StringRef::npos);
  // magic + version + length + header is 64-byte aligned.
  size_t headerLen = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
  EXPECT_EQ((10 + headerLen) % 64, 0u);
  EXPECT_EQ(bytes.size(), 10 + headerLen + 12);
}

TEST(Npy, RejectsMalformedFiles) {
  auto expectError = [](llvm::StringRef bytes, llvm::StringRef needle) {
    auto t = parseNpy(bytes, "x.npy");
    ASSERT_FALSE(bool(t));
    std::string msg = llvm::toString(t.takeError());
    EXPECT_NE(msg.find(needle.str()), std::string::npos) << msg;
  };
  expectError("garbage", "bad magic");
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
  std::string v1 = std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) +
                   char(0) + header;
  expectError(v1 + "abc", "data bytes");                 // truncated data
  expectError(v1.substr(0, 20), "truncated .npy header"); // truncated header
  std::string big = v1;
  big.replace(big.find("<f4"), 3, ">f4");
  expectError(big + std::string(8, '\0'), "big-endian");
  std::string fortran = v1;
  fortran.replace(fortran.find("False"), 5, "True ");
  expectError(fortran + std::string(8, '\0'), "Fortran");
  std::string huge = v1;
  huge.replace(huge.find("(2,)"), 4, "(99999999999,)");
  huge[8] = char(huge.size() - 10);
  expectError(huge, "too large");

  // The header grammar is numpy's, strictly: anything else is refused.
  auto withHeader = [](std::string h) {
    h += "\n";
    return std::string("\x93NUMPY\x01\x00", 8) + char(h.size()) + char(0) +
           h + std::string(12, '\0');
  };
  const std::pair<const char *, const char *> malformed[] = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,, 1), }",
       "dimension"},
      {"{'descr': '<f4', 'fortran_order': maybe, 'shape': (3,), }",
       "True or False"},
      {"{'descr': <f4, 'fortran_order': False, 'shape': (3,), }",
       "quoted string"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
       "'shape': (3,), }",
       "given twice"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}",
       "unknown key"},
      {"{'descr': '<f4', 'fortran_order': False}", "required"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", "(n,)"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }",
       "dimension"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } junk",
       "newline"},
      {"{'descr': 'f4', 'fortran_order': False, 'shape': (3,), }", "dtype"},
  };
  for (auto [h, needle] : malformed)
    expectError(withHeader(h), needle);
  // What numpy writes is accepted: here a two-dimensional shape.
  auto ok = parseNpy(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }"),
      "ok.npy");
  ASSERT_TRUE(bool(ok)) << llvm::toString(ok.takeError());
  EXPECT_EQ(ok->shape, (std::vector<int64_t>{3, 1}));
}

TEST(TensorProto, DecodesRawAndTypedData) {
  onnx::TensorProto p;
  p.set_name("w");
  p.add_dims(2);
  p.add_dims(2);
  p.set_data_type(onnx::TensorProto::FLOAT);
  for (float f : {1.0f, -2.0f, 3.5f, 4.0f})
    p.add_float_data(f);
  auto t = decodeTensorProto(p, "");
  ASSERT_TRUE(bool(t));
  EXPECT_EQ(t->f32, (std::vector<float>{1.0f, -2.0f, 3.5f, 4.0f}));

  onnx::TensorProto raw;
  raw.set_name("r");
  raw.add_dims(3);
  raw.set_data_type(onnx::TensorProto::INT64);
  int64_t vals[3] = {7, -1, 1 << 20};
  raw.set_raw_data(std::string(reinterpret_cast<char *>(vals), sizeof(vals)));
  auto r = decodeTensorProto(raw, "");
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->i64, (std::vector<int64_t>{7, -1, 1 << 20}));

  onnx::TensorProto half;
  half.set_name("h");
  half.add_dims(2);
  half.set_data_type(onnx::TensorProto::FLOAT16);
  half.add_int32_data(0x3c00); // 1.0
  half.add_int32_data(0xc000); // -2.0
  auto h = decodeTensorProto(half, "");
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(h->f32, (std::vector<float>{1.0f, -2.0f}));
}

TEST(TensorProto, RejectsInconsistentData) {
  onnx::TensorProto p;
  p.set_name("w");
  p.add_dims(4);
  p.set_data_type(onnx::TensorProto::FLOAT);
  p.set_raw_data(std::string(12, '\0'));
  auto t = decodeTensorProto(p, "");
  ASSERT_FALSE(bool(t));
  EXPECT_NE(llvm::toString(t.takeError()).find("holds 3"), std::string::npos);

  onnx::TensorProto s;
  s.set_name("s");
  s.add_dims(1);
  s.set_data_type(onnx::TensorProto::STRING);
  auto st = decodeTensorProto(s, "");
  ASSERT_FALSE(bool(st));
  EXPECT_NE(llvm::toString(st.takeError()).find("unsupported element type"),
            std::string::npos);

  onnx::TensorProto absurd;
  absurd.set_name("a");
  for (int i = 0; i < 4; ++i)
    absurd.add_dims(1 << 20);
  absurd.set_data_type(onnx::TensorProto::FLOAT);
  auto a = decodeTensorProto(absurd, "");
  ASSERT_FALSE(bool(a));
  EXPECT_NE(llvm::toString(a.takeError()).find("absurd shape"),
            std::string::npos);

  // A declared size far beyond what the proto holds is refused before any
  // allocation (this used to zero 8 GB first), for typed and raw data.
  for (bool raw : {false, true}) {
    onnx::TensorProto big;
    big.set_name("big");
    big.add_dims(2147483647);
    big.set_data_type(onnx::TensorProto::FLOAT);
    if (raw)
      big.set_raw_data(std::string(84 * 4, '\0'));
    else
      for (int i = 0; i < 84; ++i)
        big.add_float_data(1.0f);
    auto b = decodeTensorProto(big, "");
    ASSERT_FALSE(bool(b));
    EXPECT_NE(llvm::toString(b.takeError()).find("but holds 84"),
              std::string::npos);
  }
}

onnx::TensorProto externalTensor(const std::string &location, int64_t offset,
                                 int64_t count) {
  onnx::TensorProto p;
  p.set_name("ext");
  p.add_dims(count);
  p.set_data_type(onnx::TensorProto::FLOAT);
  p.set_data_location(onnx::TensorProto::EXTERNAL);
  auto *kv = p.add_external_data();
  kv->set_key("location");
  kv->set_value(location);
  kv = p.add_external_data();
  kv->set_key("offset");
  kv->set_value(std::to_string(offset));
  kv = p.add_external_data();
  kv->set_key("length");
  kv->set_value(std::to_string(count * 4));
  return p;
}

TEST(TensorProto, ExternalDataStaysInsideTheModelDirectory) {
  TempDir dir;
  llvm::sys::fs::create_directory(dir.file("model"));
  llvm::sys::fs::create_directory(dir.file("model/sub"));
  float data[4] = {9, 1, 2, 3};
  writeFile(dir.file("model/sub/w.bin"),
            llvm::StringRef(reinterpret_cast<char *>(data), sizeof(data)));
  writeFile(dir.file("secret.bin"),
            llvm::StringRef(reinterpret_cast<char *>(data), sizeof(data)));
  std::string modelDir = dir.file("model");

  auto ok = decodeTensorProto(externalTensor("sub/w.bin", 4, 3), modelDir);
  ASSERT_TRUE(bool(ok)) << llvm::toString(ok.takeError());
  EXPECT_EQ(ok->f32, (std::vector<float>{1, 2, 3}));

  for (const std::string &bad :
       {std::string("../secret.bin"), dir.file("secret.bin"),
        std::string("sub/../../secret.bin")}) {
    auto r = decodeTensorProto(externalTensor(bad, 0, 1), modelDir);
    ASSERT_FALSE(bool(r)) << bad;
    std::string msg = llvm::toString(r.takeError());
    EXPECT_TRUE(msg.find("outside the model directory") != std::string::npos ||
                msg.find("absolute") != std::string::npos)
        << msg;
  }
  // A symlink inside the directory that points out of it is refused too.
  llvm::sys::fs::create_link(dir.file("secret.bin"), dir.file("model/link.bin"));
  auto viaLink = decodeTensorProto(externalTensor("link.bin", 0, 1), modelDir);
  ASSERT_FALSE(bool(viaLink));
  EXPECT_NE(llvm::toString(viaLink.takeError()).find("outside"),
            std::string::npos);
  // Ranges past the end of the file are refused.
  auto past = decodeTensorProto(externalTensor("sub/w.bin", 8, 3), modelDir);
  ASSERT_FALSE(bool(past));
  EXPECT_NE(llvm::toString(past.takeError()).find("exceeds"), std::string::npos);
  // An offset near 2^64 must not wrap around the range check.
  onnx::TensorProto wrap = externalTensor("sub/w.bin", 0, 1);
  wrap.mutable_external_data(1)->set_value("18446744073709551615");
  auto wrapped = decodeTensorProto(wrap, modelDir);
  ASSERT_FALSE(bool(wrapped));
  EXPECT_NE(llvm::toString(wrapped.takeError()).find("exceeds"),
            std::string::npos);
}

} // namespace
