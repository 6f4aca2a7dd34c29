//===- GraphImporter.cpp - ONNX graph -> TOSA driver ----------------------===//
//
// Walks the ONNX graph in its (topological) node order, keeps a table from
// ONNX value names to SSA values or compile-time literals, and dispatches
// each node to its converter.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "SchemaChecks.h"
#include "Spec2/Spec2Dialect.h"

#include "spec2/Support/TensorIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Path.h"

#define DEBUG_TYPE "spec2-import"

using namespace mlir;

namespace spec2::import {

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         Location loc)
    : importer(importer), nodeProto(node), location(loc),
      builder(importer.builder, loc) {}

MLIRContext *NodeContext::context() { return &importer.context; }

int64_t NodeContext::opset() const { return importer.opsetVersion; }

Value NodeContext::input(unsigned i) {
  if (!hasInput(i)) {
    emitError() << "required input #" << i << " is missing";
    return {};
  }
  auto it = importer.values.find(nodeProto.input(i));
  assert(it != importer.values.end() && "inputs checked before conversion");
  return importer.materialize(it->second, nodeProto.input(i), location);
}

std::vector<int64_t> NodeContext::inputShape(unsigned i) {
  ImportedValue &v = importer.values.find(nodeProto.input(i))->second;
  if (v.literal)
    return v.literal->shape;
  auto shape = cast<RankedTensorType>(v.value.getType()).getShape();
  return {shape.begin(), shape.end()};
}

std::shared_ptr<const Tensor> NodeContext::literal(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  return importer.values.find(nodeProto.input(i))->second.literal;
}

FailureOr<std::shared_ptr<const Tensor>>
NodeContext::requireLiteral(unsigned i, StringRef role) {
  if (auto lit = literal(i))
    return lit;
  const ImportedValue &v = importer.values.find(nodeProto.input(i))->second;
  InFlightDiagnostic diag = emitError();
  diag << "input '" << role << "' ('" << nodeProto.input(i)
       << "') must be a compile-time constant";
  if (v.isGraphInput)
    diag << "; it is a graph input: make it an initializer";
  else
    diag << "; it is computed at run time by the graph";
  return failure();
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : nodeProto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::floatAttr(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::stringAttr(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::vector<int64_t> NodeContext::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return {};
  return {a->ints().begin(), a->ints().end()};
}

bool NodeContext::outputUsed(unsigned i) const {
  if (static_cast<int>(i) >= nodeProto.output_size() ||
      nodeProto.output(i).empty())
    return false;
  return importer.useCounts.lookup(nodeProto.output(i)) > 0;
}

void NodeContext::setOutput(unsigned i, Value value) {
  if (static_cast<int>(i) >= nodeProto.output_size() ||
      nodeProto.output(i).empty())
    return;
  ImportedValue v;
  v.value = value;
  importer.values[nodeProto.output(i)] = v;
}

void NodeContext::setOutputLiteral(unsigned i, Tensor literal) {
  if (static_cast<int>(i) >= nodeProto.output_size() ||
      nodeProto.output(i).empty())
    return;
  ImportedValue v;
  v.literal = std::make_shared<const Tensor>(std::move(literal));
  importer.values[nodeProto.output(i)] = v;
}

void NodeContext::forward(unsigned out, unsigned in) {
  if (static_cast<int>(out) >= nodeProto.output_size() ||
      nodeProto.output(out).empty())
    return;
  ImportedValue v = importer.values.find(nodeProto.input(in))->second;
  importer.values[nodeProto.output(out)] = v;
}

InFlightDiagnostic NodeContext::emitError() {
  InFlightDiagnostic diag = mlir::emitError(location);
  diag << nodeProto.op_type() << ": ";
  return diag;
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

const ConverterRegistry &converterRegistry() {
  static const ConverterRegistry registry = [] {
    ConverterRegistry r;
    registerNNConverters(r);
    registerElementwiseConverters(r);
    registerShapeConverters(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &context,
                             const onnx::ModelProto &model, StringRef path,
                             const ImportOptions &options)
    : context(context), model(model), modelPath(path.str()),
      modelDir(llvm::sys::path::parent_path(path).str()), options(options),
      builder(&context), fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {
  if (modelDir.empty())
    modelDir = ".";
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      opsetVersion = opset.version();
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name();
  if (name.empty())
    name = node.op_type() + "#" + std::to_string(index);
  return NameLoc::get(StringAttr::get(&context, name), fileLoc);
}

std::string GraphImporter::uniqueResourceName(StringRef hint) {
  std::string base;
  for (char c : hint)
    base += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  if (base.empty() || llvm::isDigit(base[0]))
    base = "w_" + base;
  unsigned &n = resourceNames[base];
  return n++ ? base + "_" + std::to_string(n - 1) : base;
}

Value GraphImporter::materialize(ImportedValue &value, StringRef name,
                                 Location loc) {
  if (value.value)
    return value.value;
  const Tensor &lit = *value.literal;
  if (lit.dtype != DType::F32) {
    emitError(loc) << "value '" << name
                   << "' is an int64 tensor used as run-time data; int64 is "
                      "only supported for compile-time shapes and indices";
    return {};
  }
  // Constants are created at the top of the function body so that every
  // later use is dominated.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(builder.getInsertionBlock());
  TosaBuilder tb(builder, NameLoc::get(StringAttr::get(&context, name), fileLoc));
  value.value = tb.constant(lit.shape, lit.f32, uniqueResourceName(name));
  return value.value;
}

/// (op type, input index) pairs whose operand must be known at compile time.
static bool isConstantOperand(StringRef opType, int index, int64_t opset) {
  if (opType == "Reshape" || opType == "Expand" || opType == "Tile")
    return index == 1;
  if (opType == "Clip")
    return index >= 1;
  if (opType == "Pad" || opType == "Slice" || opType == "Resize" ||
      opType == "Upsample")
    return index >= 1;
  if (opType == "Squeeze" || opType == "Unsqueeze")
    return index == 1 && opset >= 13;
  if (opType == "ConstantOfShape")
    return index == 0;
  if (opType.starts_with("Reduce"))
    return index == 1;
  return false;
}

llvm::StringSet<> GraphImporter::constantOperandInputs() const {
  llvm::StringSet<> graphInputs, result;
  for (const auto &in : model.graph().input())
    graphInputs.insert(in.name());
  for (const auto &node : model.graph().node())
    for (int i = 0; i < node.input_size(); ++i)
      if (!node.input(i).empty() && graphInputs.contains(node.input(i)) &&
          isConstantOperand(node.op_type(), i, opsetVersion))
        result.insert(node.input(i));
  return result;
}

LogicalResult GraphImporter::importInitializers() {
  for (const auto &init : model.graph().initializer()) {
    if (init.name().empty())
      return emitError(fileLoc) << "an initializer has no name";
    auto t = decodeTensorProto(init, modelDir);
    if (!t)
      return emitError(fileLoc)
             << "initializer: " << llvm::toString(t.takeError());
    ImportedValue v;
    v.literal = std::make_shared<const Tensor>(std::move(*t));
    values[init.name()] = v;
  }
  return success();
}

/// Floating-point element types that are read and computed as float32.
static bool isNarrowedFloat(int elemType) {
  return elemType == onnx::TensorProto::DOUBLE ||
         elemType == onnx::TensorProto::FLOAT16;
}

/// Converts an ONNX value_info tensor type to a static f32 shape: fixed
/// dimensions as declared, symbolic ones from `given` (an --input-shape
/// entry, -1 = unset) or else the symbolic-dimension value.
static FailureOr<std::vector<int64_t>>
staticShape(const onnx::ValueInfoProto &info, const ImportOptions &options,
            Location loc) {
  const int64_t maxElements = options.maxInputElements;
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor";
  const auto &tt = info.type().tensor_type();
  if (!tt.has_shape())
    return emitError(loc) << "graph input '" << info.name()
                          << "' has no shape; spec2c needs ranked inputs";
  const std::vector<int64_t> *given = nullptr;
  if (auto it = options.inputShapes.find(info.name());
      it != options.inputShapes.end()) {
    given = &it->second;
    if (int64_t(given->size()) != tt.shape().dim_size())
      return emitError(loc) << "--input-shape gives graph input '"
                            << info.name() << "' rank " << given->size()
                            << ", the model declares rank "
                            << tt.shape().dim_size();
  }
  std::vector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    const size_t i = shape.size();
    const int64_t want = given ? (*given)[i] : -1;
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0)
        return emitError(loc) << "graph input '" << info.name()
                              << "' has negative dimension "
                              << dim.dim_value();
      if (dim.dim_value() == 0)
        return emitError(loc) << "graph input '" << info.name()
                              << "': zero-sized dimensions are not supported";
      if (want != -1 && want != dim.dim_value())
        return emitError(loc)
               << "--input-shape gives graph input '" << info.name()
               << "' dimension " << i << " = " << want
               << ", the model fixes it to " << dim.dim_value();
      shape.push_back(dim.dim_value());
    } else if (want != -1) {
      shape.push_back(want);
    } else {
      emitWarning(loc) << "graph input '" << info.name()
                       << "' has symbolic dimension '" << dim.dim_param()
                       << "'; using " << options.symbolicDimValue
                       << " (change with --symbolic-dim or --input-shape)";
      shape.push_back(options.symbolicDimValue);
    }
  }
  if (options.batchOne && shape.size() >= 2)
    shape[0] = 1;
  int64_t n = checkedNumElements(shape);
  if (n < 0 || n > maxElements)
    return emitError(loc) << "graph input '" << info.name() << "' has shape "
                          << formatShape(shape) << ", over the limit of "
                          << maxElements
                          << " elements (raise it with --max-input-elements)";
  return shape;
}

/// Checks a value given in ImportOptions::constantInputs against what the
/// graph declares for that input: element kind (float or integer) and every
/// dimension the declaration fixes.
static LogicalResult checkConstantInput(const onnx::ValueInfoProto &info,
                                        const Tensor &value, Location loc) {
  const auto &tt = info.type().tensor_type();
  const bool declaredFloat = tt.elem_type() == onnx::TensorProto::FLOAT ||
                             isNarrowedFloat(tt.elem_type());
  if (declaredFloat != (value.dtype == DType::F32))
    return emitError(loc) << "constant for graph input '" << info.name()
                          << "' is " << dtypeName(value.dtype)
                          << "; the input is declared "
                          << onnx::TensorProto::DataType_Name(
                                 static_cast<onnx::TensorProto::DataType>(
                                     tt.elem_type()));
  if (!tt.has_shape())
    return success();
  bool same = tt.shape().dim_size() == value.rank();
  for (int i = 0; same && i < tt.shape().dim_size(); ++i)
    same = !tt.shape().dim(i).has_dim_value() ||
           tt.shape().dim(i).dim_value() == value.shape[i];
  if (!same) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "constant for graph input '" << info.name() << "' has shape "
         << formatShape(value.shape) << "; the input is declared [";
    llvm::interleaveComma(tt.shape().dim(), diag, [&](const auto &dim) {
      if (dim.has_dim_value())
        diag << dim.dim_value();
      else
        diag << "?";
    });
    return diag << "]";
  }
  return success();
}

LogicalResult GraphImporter::importInputs(func::FuncOp &func) {
  const auto &graph = model.graph();
  llvm::StringSet<> mustBind = constantOperandInputs();
  llvm::StringSet<> graphInputs;
  for (const auto &in : graph.input())
    graphInputs.insert(in.name());
  for (const auto &[name, value] : options.constantInputs)
    if (!graphInputs.contains(name))
      return emitError(fileLoc) << "a constant is given for '" << name
                                << "', which is not a graph input";
  for (const auto &[name, shape] : options.inputShapes)
    if (!graphInputs.contains(name)) {
      InFlightDiagnostic diag = emitError(fileLoc);
      diag << "--input-shape names '" << name
           << "', which is not a graph input; the inputs are: ";
      llvm::interleaveComma(graph.input(), diag,
                            [&](const auto &in) { diag << in.name(); });
      return failure();
    }
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &in : graph.input()) {
    if (values.count(in.name()))
      continue; // IR < 4 lists initializers as inputs too.
    if (auto it = options.constantInputs.find(in.name());
        it != options.constantInputs.end()) {
      if (failed(checkConstantInput(in, it->second, fileLoc)))
        return failure();
      ImportedValue v;
      v.literal = std::make_shared<const Tensor>(it->second);
      values[in.name()] = v;
      continue;
    }
    if (mustBind.contains(in.name()) && options.bindInput) {
      if (std::optional<Tensor> t = options.bindInput(in.name())) {
        ImportedValue v;
        v.literal = std::make_shared<const Tensor>(std::move(*t));
        values[in.name()] = v;
        continue;
      }
    }
    auto shape = staticShape(in, options, fileLoc);
    if (failed(shape))
      return failure();
    int elemType = in.type().tensor_type().elem_type();
    if (isNarrowedFloat(elemType)) {
      // Initializers and tensor files of these types are read as float32
      // too: the reference computes in float32, the overlay in int16.
      emitWarning(fileLoc)
          << "graph input '" << in.name() << "' is "
          << onnx::TensorProto::DataType_Name(
                 static_cast<onnx::TensorProto::DataType>(elemType))
          << "; spec2c computes it in float32";
    } else if (elemType != onnx::TensorProto::FLOAT) {
      if (!mustBind.contains(in.name()))
        return emitError(fileLoc)
               << "graph input '" << in.name() << "' has element type "
               << onnx::TensorProto::DataType_Name(
                      static_cast<onnx::TensorProto::DataType>(elemType))
               << "; run-time inputs must be float32";
    }
    argTypes.push_back(TosaBuilder::f32Type(*shape, &context));
    argNames.push_back(in.name());
  }

  SmallVector<Type> resultTypes; // patched once the body is built
  func = func::FuncOp::create(builder, fileLoc, "main",
                              builder.getFunctionType(argTypes, resultTypes));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    ImportedValue v;
    v.value = entry->getArgument(i);
    v.isGraphInput = true;
    values[name] = v;
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  Location loc = nodeLoc(node, index);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return emitError(loc) << node.op_type() << ": operator domain '"
                          << node.domain() << "' is not supported";
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !values.count(node.input(i)))
      return emitError(loc) << node.op_type() << ": input '" << node.input(i)
                            << "' is not produced by any earlier node, "
                               "initializer or graph input";
  const ConverterRegistry &registry = converterRegistry();
  auto it = registry.find(node.op_type());
  if (it == registry.end()) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "unsupported ONNX operator '" << node.op_type()
         << "'; supported operators: ";
    llvm::interleaveComma(supportedOnnxOps(), diag);
    return failure();
  }
  auto literalKind = [&](StringRef name) -> std::optional<DType> {
    auto v = values.find(name);
    if (v == values.end() || !v->second.literal)
      return std::nullopt;
    return v->second.literal->dtype;
  };
  if (llvm::Error e = checkAgainstSchema(node, opsetVersion, literalKind))
    return emitError(loc) << node.op_type() << ": "
                          << llvm::toString(std::move(e));
  NodeContext ctx(*this, node, loc);
  LLVM_DEBUG(llvm::dbgs() << "importing " << node.op_type() << " '"
                          << node.name() << "'\n");
  if (failed(it->second(ctx)))
    return failure();
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !values.count(node.output(i)) &&
        ctx.outputUsed(i))
      return emitError(loc) << node.op_type() << ": output #" << i
                            << " ('" << node.output(i)
                            << "') is used but not supported";
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const auto &graph = model.graph();
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      ++useCounts[in];
  for (const auto &out : graph.output())
    ++useCounts[out.name()];

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  module->getOperation()->setAttr(attr::kOnnxOpset,
                                  builder.getI64IntegerAttr(opsetVersion));
  if (!graph.name().empty())
    module->getOperation()->setAttr(attr::kOnnxGraph,
                                    builder.getStringAttr(graph.name()));

  if (failed(importInitializers()))
    return nullptr;
  func::FuncOp func;
  if (failed(importInputs(func)))
    return nullptr;
  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end()) {
      emitError(fileLoc) << "graph output '" << out.name()
                         << "' is not produced by any node";
      return nullptr;
    }
    Value v = materialize(it->second, out.name(),
                          NameLoc::get(builder.getStringAttr(out.name()),
                                       fileLoc));
    if (!v)
      return nullptr;
    results.push_back(v);
  }
  if (results.empty()) {
    emitError(fileLoc) << "the graph has no outputs";
    return nullptr;
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(builder.getFunctionType(
      func.getArgumentTypes(), ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(out.name()));

  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported IR does not verify";
    return nullptr;
  }
  return module;
}

} // namespace spec2::import

namespace spec2 {

std::vector<std::string> supportedOnnxOps() {
  std::vector<std::string> ops;
  for (const auto &entry : import::converterRegistry())
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}

void registerImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, tosa::TosaDialect, tensor::TensorDialect,
                  spec2::Spec2Dialect>();
}

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context,
                                      const onnx::ModelProto &model,
                                      StringRef path,
                                      const ImportOptions &options) {
  DialectRegistry registry;
  registerImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  import::GraphImporter importer(context, model, path, options);
  return importer.run();
}

int64_t graphInputBatch(const onnx::ModelProto &model,
                        const ImportOptions &options) {
  llvm::StringSet<> initializers;
  for (const auto &t : model.graph().initializer())
    initializers.insert(t.name());
  int64_t batch = 0;
  for (const auto &in : model.graph().input()) {
    if (initializers.contains(in.name()) || !in.type().has_tensor_type() ||
        !in.type().tensor_type().has_shape() ||
        in.type().tensor_type().shape().dim_size() < 2)
      continue;
    const auto &dim = in.type().tensor_type().shape().dim(0);
    int64_t n = dim.has_dim_value() ? dim.dim_value() : options.symbolicDimValue;
    if (auto it = options.inputShapes.find(in.name());
        it != options.inputShapes.end() && !it->second.empty() &&
        it->second[0] != -1)
      n = it->second[0];
    if (n < 1)
      continue; // refused with the shape when imported
    if (batch && n != batch)
      return 1; // not one batch (a weight given as an input, say)
    batch = n;
  }
  return batch ? batch : 1;
}

llvm::Error addInputShape(ImportOptions &options, StringRef spec) {
  auto fail = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--input-shape '" + spec + "': " + why);
  };
  size_t eq = spec.rfind('=');
  if (eq == StringRef::npos || eq == 0)
    return fail("expected NAME=D0,D1,...");
  StringRef name = spec.take_front(eq);
  SmallVector<StringRef> parts;
  spec.drop_front(eq + 1).split(parts, ',');
  std::vector<int64_t> dims;
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d == 0 || d < -1)
      return fail("dimension '" + p + "' is not a positive integer or -1");
    dims.push_back(d);
  }
  if (!options.inputShapes.emplace(name.str(), std::move(dims)).second)
    return fail("input '" + name + "' is given twice");
  return llvm::Error::success();
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, StringRef path,
                                     const ImportOptions &options) {
  auto model = loadOnnxModel(path);
  if (!model) {
    emitError(UnknownLoc::get(&context)) << llvm::toString(model.takeError());
    return nullptr;
  }
  return importOnnxModel(context, **model, path, options);
}

} // namespace spec2
