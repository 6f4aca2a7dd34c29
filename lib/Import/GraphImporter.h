//===- GraphImporter.h - ONNX graph -> TOSA, importer internals -*- C++ -*-===//
//
// The pieces shared by the per-op converters: the value table, the view a
// converter gets of one node (NodeContext) and the converter registry.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_IMPORT_GRAPHIMPORTER_H
#define SPEC2_LIB_IMPORT_GRAPHIMPORTER_H

#include "TosaBuilder.h"

#include "spec2/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <memory>

namespace spec2::import {

/// An ONNX value during import: a compile-time literal, an SSA value, or a
/// literal that has also been materialised as a constant op.
struct ImportedValue {
  mlir::Value value;
  std::shared_ptr<const Tensor> literal;
  /// Set for a graph input that was not bound to a constant.
  bool isGraphInput = false;
};

class GraphImporter;

/// What a converter sees of the node it converts.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              mlir::Location loc);

  const onnx::NodeProto &node() const { return nodeProto; }
  llvm::StringRef opType() const { return nodeProto.op_type(); }
  mlir::Location loc() const { return location; }
  TosaBuilder &tosa() { return builder; }
  mlir::MLIRContext *context();
  /// Opset version of the default domain.
  int64_t opset() const;

  /// Number of inputs, counting omitted optional ones ("").
  unsigned numInputs() const { return nodeProto.input_size(); }
  bool hasInput(unsigned i) const {
    return static_cast<int>(i) < nodeProto.input_size() &&
           !nodeProto.input(i).empty();
  }
  /// The SSA value of input i, materialising literals as constants. Emits an
  /// error and returns null for missing or int64 runtime values.
  mlir::Value input(unsigned i);
  /// Shape of input i (literal or SSA).
  std::vector<int64_t> inputShape(unsigned i);
  /// Input i if it is a compile-time constant, else null.
  std::shared_ptr<const Tensor> literal(unsigned i);
  /// Input i as a compile-time constant, or an error naming `role`.
  mlir::FailureOr<std::shared_ptr<const Tensor>>
  requireLiteral(unsigned i, llvm::StringRef role);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const;
  float floatAttr(llvm::StringRef name, float dflt) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt) const;
  std::vector<int64_t> intsAttr(llvm::StringRef name) const;

  unsigned numOutputs() const { return nodeProto.output_size(); }
  /// True if output i exists and some node or the graph consumes it.
  bool outputUsed(unsigned i) const;
  void setOutput(unsigned i, mlir::Value value);
  void setOutputLiteral(unsigned i, Tensor literal);
  /// Forwards input `in` unchanged to output `out` (Identity, Dropout).
  void forward(unsigned out, unsigned in);

  /// An error at this node; the message is prefixed with the op type.
  mlir::InFlightDiagnostic emitError();

private:
  GraphImporter &importer;
  const onnx::NodeProto &nodeProto;
  mlir::Location location;
  TosaBuilder builder;
};

using Converter = std::function<mlir::LogicalResult(NodeContext &)>;
using ConverterRegistry = llvm::StringMap<Converter>;

void registerNNConverters(ConverterRegistry &registry);
void registerElementwiseConverters(ConverterRegistry &registry);
void registerShapeConverters(ConverterRegistry &registry);

/// The registry of all converters, built once.
const ConverterRegistry &converterRegistry();

/// Imports one ONNX graph into func.func @main.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &context, const onnx::ModelProto &model,
                llvm::StringRef path, const ImportOptions &options);

  mlir::OwningOpRef<mlir::ModuleOp> run();

private:
  friend class NodeContext;

  mlir::LogicalResult importInitializers();
  mlir::LogicalResult importInputs(mlir::func::FuncOp &func);
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  mlir::Location nodeLoc(const onnx::NodeProto &node, size_t index);
  mlir::Value materialize(ImportedValue &value, llvm::StringRef name,
                          mlir::Location loc);
  std::string uniqueResourceName(llvm::StringRef hint);
  /// Graph inputs that some node must see as constants.
  llvm::StringSet<> constantOperandInputs() const;

  mlir::MLIRContext &context;
  const onnx::ModelProto &model;
  std::string modelPath, modelDir;
  const ImportOptions &options;
  int64_t opsetVersion = 0;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  llvm::StringMap<ImportedValue> values;
  llvm::StringMap<unsigned> useCounts;
  llvm::StringMap<unsigned> resourceNames;
};

} // namespace spec2::import

#endif // SPEC2_LIB_IMPORT_GRAPHIMPORTER_H
