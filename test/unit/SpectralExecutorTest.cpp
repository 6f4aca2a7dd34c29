//===- SpectralExecutorTest.cpp - Spectral-level float runs vs the graph --===//
//
// The bundled LeNet compiled to spectral layers (dense kernels, folded onto
// the canonical bins) must compute what the graph-level reference executor
// computes on the imported graph: checks overlap-and-add placement, the
// folding and the pooling/FC semantics of the spectral executor. A pruned
// kernel then changes the result (the executor reads the stored bins).
//
//===----------------------------------------------------------------------===//

#include "spec2/Reference/SpectralExecutor.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace spec2;

namespace {

std::vector<float> randomImage(std::mt19937 &rng, size_t n) {
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = u(rng);
  return v;
}

TEST(SpectralExecutorTest, DenseLeNetMatchesTheGraphReference) {
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  registerSpec2Dialects(registry);
  context.appendDialectRegistry(registry);
  auto module =
      importOnnxFile(context, SPEC2_SOURCE_DIR "/models/lenet_fmnist.onnx");
  ASSERT_TRUE(module);
  ASSERT_TRUE(succeeded(runGraphCleanup(*module)));
  auto graph = module->clone();
  auto reference = ReferenceExecutor::create(graph);
  ASSERT_TRUE(succeeded(reference));

  CompileOptions options;
  options.calib = "random";
  options.calibCount = 2;
  options.target = "small";
  mlir::PassManager pm(&context);
  populateSpectralPipeline(pm, options);
  ASSERT_TRUE(succeeded(pm.run(*module)));
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  ASSERT_TRUE(main);
  ASSERT_EQ(SpectralExecutor::firstUnsupported(main), nullptr);
  auto spectral = SpectralExecutor::create(main);
  ASSERT_TRUE(succeeded(spectral));

  std::mt19937 rng(7);
  for (int i = 0; i < 4; ++i) {
    std::vector<float> x = randomImage(rng, 28 * 28);
    auto want = reference->run({Tensor::floats({1, 1, 28, 28}, x)});
    ASSERT_TRUE(bool(want)) << llvm::toString(want.takeError());
    std::vector<float> got = spectral->run(x);
    const std::vector<float> &w = (*want)[0].f32;
    ASSERT_EQ(got.size(), w.size());
    double range = 0;
    for (float v : w)
      range = std::max(range, double(std::fabs(v)));
    for (size_t k = 0; k < w.size(); ++k)
      EXPECT_NEAR(got[k], w[k], 1e-4 * range) << "logit " << k;
  }

  // Keeping only bin 0 of every conv2 kernel must change the logits.
  mlir::func::FuncOp f = main;
  spectral::Conv2DOp conv2;
  f.walk([&](spectral::Conv2DOp c) { conv2 = c; });
  ASSERT_TRUE(conv2);
  std::vector<float> x = randomImage(rng, 28 * 28);
  std::vector<float> before = spectral->run(x);
  auto type = mlir::cast<mlir::ShapedType>(conv2.getBins().getType());
  std::vector<int32_t> zeroBins(type.getNumElements(), 0);
  conv2->setAttr("bins", mlir::DenseIntElementsAttr::get(
                             mlir::RankedTensorType::get(type.getShape(),
                                                         type.getElementType()),
                             llvm::ArrayRef<int32_t>(zeroBins)));
  auto pruned = SpectralExecutor::create(main);
  ASSERT_TRUE(succeeded(pruned));
  std::vector<float> after = pruned->run(x);
  double diff = 0;
  for (size_t k = 0; k < after.size(); ++k)
    diff = std::max(diff, double(std::fabs(after[k] - before[k])));
  EXPECT_GT(diff, 1e-3);
}

TEST(SpectralExecutorTest, SpatialLeNetMatchesTheGraphReference) {
  // Every conv on the spatial engine: the executor runs
  // spectral.spatial_conv2d (the sequential fit of spatial pruning needs it).
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  registerSpec2Dialects(registry);
  context.appendDialectRegistry(registry);
  auto module =
      importOnnxFile(context, SPEC2_SOURCE_DIR "/models/lenet_fmnist.onnx");
  ASSERT_TRUE(module);
  ASSERT_TRUE(succeeded(runGraphCleanup(*module)));
  auto graph = module->clone();
  auto reference = ReferenceExecutor::create(graph);
  ASSERT_TRUE(succeeded(reference));
  CompileOptions options;
  options.calib = "random";
  options.calibCount = 2;
  options.target = "u200";
  options.engine = "spatial";
  mlir::PassManager pm(&context);
  populateSpectralPipeline(pm, options);
  ASSERT_TRUE(succeeded(pm.run(*module)));
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  int spatial = 0;
  main.walk([&](spectral::SpatialConv2DOp) { ++spatial; });
  ASSERT_EQ(spatial, 2);
  ASSERT_EQ(SpectralExecutor::firstUnsupported(main), nullptr);
  auto exec = SpectralExecutor::create(main);
  ASSERT_TRUE(succeeded(exec));
  std::mt19937 rng(11);
  for (int i = 0; i < 3; ++i) {
    std::vector<float> x = randomImage(rng, 28 * 28);
    auto want = reference->run({Tensor::floats({1, 1, 28, 28}, x)});
    ASSERT_TRUE(bool(want)) << llvm::toString(want.takeError());
    std::vector<float> got = exec->run(x);
    const std::vector<float> &w = (*want)[0].f32;
    ASSERT_EQ(got.size(), w.size());
    double range = 0;
    for (float v : w)
      range = std::max(range, double(std::fabs(v)));
    for (size_t k = 0; k < w.size(); ++k)
      EXPECT_NEAR(got[k], w[k], 1e-4 * range) << "logit " << k;
  }
}

} // namespace
