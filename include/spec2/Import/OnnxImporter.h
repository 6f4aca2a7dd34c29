//===- OnnxImporter.h - ONNX model -> graph-level MLIR ----------*- C++ -*-===//
//
// Imports an ONNX model into a builtin module holding `func.func @main` whose
// body uses upstream TOSA (plus func/tensor). Shape computations are folded
// at import time, weights become dense_resource blobs, and every operation's
// location names the ONNX node it came from.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_IMPORT_ONNXIMPORTER_H
#define SPEC2_IMPORT_ONNXIMPORTER_H

#include "spec2/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace spec2 {

/// Options controlling the ONNX import.
struct ImportOptions {
  /// Supplies a value for a graph input that some node needs as a
  /// compile-time constant (Reshape's shape, Clip's bounds, Pad's pads...).
  /// Returning std::nullopt makes that import fail with a clear error.
  std::function<std::optional<Tensor>(llvm::StringRef inputName)> bindInput;
  /// Graph inputs imported as constants (tosa.const) with these values
  /// instead of becoming function arguments, whichever node uses them: how a
  /// test binds a Conv's or Gemm's weight inputs from its data. Each tensor
  /// must have the shape the input declares (symbolic dimensions match any
  /// size); an input that is also an initializer keeps the initializer.
  std::map<std::string, Tensor> constantInputs;
  /// Value substituted for symbolic (dim_param) input dimensions.
  int64_t symbolicDimValue = 1;
  /// Per graph input, its shape (--input-shape NAME=D0,D1,...): symbolic
  /// dimensions take these values, fixed ones must agree; -1 leaves a
  /// dimension as the model declares it (symbolic ones then take
  /// symbolicDimValue).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Dimension 0 of every graph input of rank >= 2 becomes 1, whatever the
  /// model or inputShapes say: spec2c compiles a batch-N model as a batch-1
  /// program that it runs N times (graphInputBatch finds N).
  bool batchOne = false;
  /// Largest graph input accepted, in elements: calibration and the
  /// reference run on every input, so an absurd declared shape is refused
  /// up front (2^26 elements = 256 MB of float32 by default).
  int64_t maxInputElements = int64_t(1) << 26;
};

/// Parses one --input-shape value, "NAME=D0,D1,..." (each D a positive
/// integer or -1), into `options.inputShapes`; an error says what is wrong.
llvm::Error addInputShape(ImportOptions &options, llvm::StringRef spec);

/// The batch of the graph inputs of rank >= 2 (dimension 0, from `options`'
/// inputShapes where they give it, else as declared; a symbolic one counts
/// as symbolicDimValue); 1 when there are none or they differ (then the
/// passes refuse what is not of batch 1, as without batching).
int64_t graphInputBatch(const onnx::ModelProto &model,
                        const ImportOptions &options);

/// Loads an ONNX model from `path`: binary protobuf, or protobuf text format
/// when the name ends in .onnxtxt, .pbtxt or .textproto. Refuses missing,
/// empty, truncated and non-ONNX files with a message naming the file.
llvm::Expected<std::unique_ptr<onnx::ModelProto>>
loadOnnxModel(llvm::StringRef path);

/// Imports the main graph of `model` (loaded from `path`; external data is
/// resolved in its directory). Errors are emitted as MLIR diagnostics located
/// at the offending node; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(mlir::MLIRContext &context, const onnx::ModelProto &model,
                llvm::StringRef path, const ImportOptions &options = {});

/// loadOnnxModel + importOnnxModel; load errors become diagnostics too.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path,
               const ImportOptions &options = {});

/// The ONNX op types the importer supports (default domain), sorted.
std::vector<std::string> supportedOnnxOps();

/// Registers the dialects the imported IR uses.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace spec2

#endif // SPEC2_IMPORT_ONNXIMPORTER_H
