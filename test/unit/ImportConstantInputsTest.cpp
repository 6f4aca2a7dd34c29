//===- ImportConstantInputsTest.cpp - ImportOptions::constantInputs -------===//
//
// A Conv whose weight and bias are graph inputs: bound through
// constantInputs they must become constants (the function keeps only the
// data argument, the overlay's constant-weight check passes) with the given
// values; wrong shapes, wrong element types and names that are not graph
// inputs are refused.
//
//===----------------------------------------------------------------------===//

#include "spec2/Import/GraphChecks.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

using namespace spec2;

namespace {

void addInput(onnx::GraphProto &g, const std::string &name,
              const std::vector<int64_t> &shape) {
  auto *v = g.add_input();
  v->set_name(name);
  auto *tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    tt->mutable_shape()->add_dim()->set_dim_value(d);
}

/// Y = Conv(X [1,1,3,3], W [1,1,2,2], B [1]) with every operand a graph
/// input.
onnx::ModelProto convModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &g = *model.mutable_graph();
  g.set_name("conv");
  addInput(g, "X", {1, 1, 3, 3});
  addInput(g, "W", {1, 1, 2, 2});
  addInput(g, "B", {1});
  onnx::NodeProto &node = *g.add_node();
  node.set_op_type("Conv");
  node.set_name("conv0");
  for (const char *in : {"X", "W", "B"})
    node.add_input(in);
  node.add_output("Y");
  auto *y = g.add_output();
  y->set_name("Y");
  auto *tt = y->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 1, 2, 2})
    tt->mutable_shape()->add_dim()->set_dim_value(d);
  return model;
}

struct Imported {
  std::unique_ptr<mlir::MLIRContext> context =
      std::make_unique<mlir::MLIRContext>();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string diag;
};

std::unique_ptr<Imported> import(const ImportOptions &options) {
  auto r = std::make_unique<Imported>();
  mlir::ScopedDiagnosticHandler handler(r->context.get(),
                                        [&](mlir::Diagnostic &d) {
                                          r->diag += d.str() + "\n";
                                          return mlir::success();
                                        });
  r->module = importOnnxModel(*r->context, convModel(), "conv.onnx", options);
  return r;
}

ImportOptions boundWeights() {
  ImportOptions o;
  o.constantInputs["W"] = Tensor::floats({1, 1, 2, 2}, {1, 2, 3, 4});
  o.constantInputs["B"] = Tensor::floats({1}, {0.5f});
  return o;
}

TEST(ImportConstantInputs, BoundInputsBecomeConstants) {
  auto r = import(boundWeights());
  ASSERT_TRUE(r->module) << r->diag;
  auto main = r->module->lookupSymbol<mlir::func::FuncOp>("main");
  ASSERT_TRUE(main);
  ASSERT_EQ(main.getNumArguments(), 1u);
  EXPECT_EQ(main.getArgAttrOfType<mlir::StringAttr>(0, "onnx.name").getValue(),
            "X");
  unsigned consts = 0;
  r->module->walk([&](mlir::tosa::ConstOp) { ++consts; });
  EXPECT_GE(consts, 2u); // weight and bias at least
  EXPECT_TRUE(succeeded(verifyWeightsAreConstant(*r->module))) << r->diag;

  ASSERT_TRUE(succeeded(runGraphCleanup(*r->module)));
  auto exec = ReferenceExecutor::create(*r->module);
  ASSERT_TRUE(succeeded(exec)) << r->diag;
  std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto out = exec->run({Tensor::floats({1, 1, 3, 3}, x)});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  // Correlation with [[1, 2], [3, 4]] plus 0.5.
  std::vector<float> want{37.5f, 47.5f, 67.5f, 77.5f};
  ASSERT_EQ((*out)[0].f32.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_FLOAT_EQ((*out)[0].f32[i], want[i]) << "element " << i;
}

TEST(ImportConstantInputs, WithoutBindingWeightsStayArguments) {
  auto r = import(ImportOptions());
  ASSERT_TRUE(r->module) << r->diag;
  auto main = r->module->lookupSymbol<mlir::func::FuncOp>("main");
  EXPECT_EQ(main.getNumArguments(), 3u);
  mlir::ScopedDiagnosticHandler quiet(
      r->context.get(), [](mlir::Diagnostic &) { return mlir::success(); });
  EXPECT_TRUE(failed(verifyWeightsAreConstant(*r->module)));
}

TEST(ImportConstantInputs, RefusesWrongShape) {
  ImportOptions o = boundWeights();
  o.constantInputs["W"] = Tensor::floats({1, 1, 3, 3}, std::vector<float>(9));
  auto r = import(o);
  EXPECT_FALSE(r->module);
  EXPECT_NE(r->diag.find("constant for graph input 'W' has shape [1, 1, 3, 3]; "
                         "the input is declared [1, 1, 2, 2]"),
            std::string::npos)
      << r->diag;
}

TEST(ImportConstantInputs, RefusesWrongElementType) {
  ImportOptions o = boundWeights();
  o.constantInputs["B"] = Tensor::ints({1}, {1});
  auto r = import(o);
  EXPECT_FALSE(r->module);
  EXPECT_NE(r->diag.find("constant for graph input 'B' is int64"),
            std::string::npos)
      << r->diag;
}

TEST(ImportConstantInputs, RefusesNamesThatAreNotInputs) {
  ImportOptions o = boundWeights();
  o.constantInputs["Y"] = Tensor::floats({1, 1, 2, 2}, std::vector<float>(4));
  auto r = import(o);
  EXPECT_FALSE(r->module);
  EXPECT_NE(r->diag.find("a constant is given for 'Y', which is not a graph "
                         "input"),
            std::string::npos)
      << r->diag;
}

} // namespace
