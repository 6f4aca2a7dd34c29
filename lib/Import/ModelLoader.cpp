//===- ModelLoader.cpp - Read and sanity-check ONNX model files -----------===//

#include "spec2/Import/OnnxImporter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <climits>

using llvm::Expected;
using llvm::StringRef;

namespace spec2 {

/// Default-domain opsets the importer accepts. The converters read each
/// attribute the way its opset defines it; opsets 7-21 are the tested range.
constexpr int64_t kMinOpset = 1, kMaxOpset = 21;

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Text-format protobuf silences its own error printing into our message.
class CollectErrors : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, int column, const std::string &message) override {
    if (text.empty())
      text = "line " + std::to_string(line + 1) + ":" +
             std::to_string(column + 1) + ": " + message;
  }
  std::string text;
};

Expected<std::unique_ptr<onnx::ModelProto>> loadOnnxModel(StringRef path) {
  if (llvm::sys::fs::is_directory(path))
    return fail("'" + path + "' is a directory, not an ONNX model file");
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fail("cannot open model '" + path +
                "': " + buf.getError().message());
  StringRef bytes = (*buf)->getBuffer();
  if (bytes.empty())
    return fail("model '" + path + "' is empty");
  if (bytes.size() > size_t(INT_MAX))
    return fail("model '" + path + "' is larger than 2 GB; store its weights "
                                   "as ONNX external data");

  auto model = std::make_unique<onnx::ModelProto>();
  bool isText = path.ends_with(".onnxtxt") || path.ends_with(".pbtxt") ||
                path.ends_with(".textproto");
  if (isText) {
    google::protobuf::TextFormat::Parser parser;
    CollectErrors errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(bytes.str(), model.get()))
      return fail("model '" + path + "' is not a valid ONNX text proto: " +
                  errors.text);
  } else {
    google::protobuf::io::ArrayInputStream stream(bytes.data(),
                                                  int(bytes.size()));
    google::protobuf::io::CodedInputStream coded(&stream);
    coded.SetTotalBytesLimit(INT_MAX);
    if (!model->ParseFromCodedStream(&coded) ||
        !coded.ConsumedEntireMessage())
      return fail("model '" + path +
                  "' is not a valid ONNX model (protobuf parsing failed: "
                  "the file is truncated, corrupted or not ONNX)");
  }

  // Random bytes occasionally parse as a protobuf; check for the structure
  // every real exporter writes.
  if (model->ir_version() <= 0 || !model->has_graph())
    return fail("model '" + path +
                "' is not an ONNX model (no IR version or no graph)");
  int64_t opset = -1;
  for (const auto &o : model->opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset < 0 && model->opset_import_size() == 0)
    opset = 1; // IR version 1-2 models carry no opset import.
  if (opset < kMinOpset || opset > kMaxOpset)
    return fail("model '" + path + "' uses ONNX opset " +
                llvm::Twine(opset) + "; spec2c supports opsets " +
                llvm::Twine(kMinOpset) + " to " + llvm::Twine(kMaxOpset));
  if (model->graph().node_size() == 0)
    return fail("model '" + path + "' has an empty graph");
  return model;
}

} // namespace spec2
