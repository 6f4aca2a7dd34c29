//===- ChannelOpsTest.cpp - Per-channel affine and multiply end to end ----===//
//
// The models of models/make_chanops.py (a standalone BatchNormalization after
// a pool, a per-channel Mul and Add after a residual add; two
// squeeze-and-excitation blocks, HardSigmoid- and Sigmoid-gated) compiled
// for both targets: the spectral IR has the vector unit's channel ops where
// nothing folds (and the BatchNormalization after a conv still folds), the
// spectral executor computes what the graph reference does, and the
// C-simulation's outputs are within 2% of the reference's range with
// counters equal to the cycle model.
//
//===----------------------------------------------------------------------===//

#include "Spectral/SpectralDialect.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/Export/OverlayExport.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Pipelines/Pipelines.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Reference/SpectralExecutor.h"
#include "spec2/Runtime/LoadedProgram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace spec2;

namespace {

struct Case {
  const char *model;
  std::vector<int64_t> shape;
  int affine, mul; ///< channel ops expected in the spectral IR
};

void runCase(const Case &c, const char *target) {
  SCOPED_TRACE(std::string(c.model) + " on " + target);
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  registerSpec2Dialects(registry);
  context.appendDialectRegistry(registry);
  auto module = importOnnxFile(
      context, std::string(SPEC2_SOURCE_DIR "/models/chanops/") + c.model);
  ASSERT_TRUE(module);
  ASSERT_TRUE(succeeded(runGraphCleanup(*module)));
  auto graph = module->clone();
  auto reference = ReferenceExecutor::create(graph);
  ASSERT_TRUE(succeeded(reference));

  CompileOptions options;
  options.calib = "random";
  options.calibCount = 4;
  options.target = target;
  mlir::PassManager spectralPm(&context);
  populateSpectralPipeline(spectralPm, options);
  ASSERT_TRUE(succeeded(spectralPm.run(*module)));
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  ASSERT_TRUE(main);
  int affine = 0, mul = 0, tosaLeft = 0;
  main.walk([&](mlir::Operation *op) {
    affine += llvm::isa<spectral::ChannelAffineOp>(op);
    mul += llvm::isa<spectral::ChannelMulOp>(op);
    tosaLeft += llvm::isa<mlir::tosa::MulOp, mlir::tosa::AddOp>(op);
  });
  EXPECT_EQ(affine, c.affine);
  EXPECT_EQ(mul, c.mul);
  EXPECT_EQ(tosaLeft, 0);
  ASSERT_EQ(SpectralExecutor::firstUnsupported(main), nullptr);
  auto spectral = SpectralExecutor::create(main);
  ASSERT_TRUE(succeeded(spectral));

  mlir::PassManager overlayPm(&context);
  populateOverlayPipeline(overlayPm, options);
  ASSERT_TRUE(succeeded(overlayPm.run(*module)));
  auto program = exportProgram(*module);
  ASSERT_TRUE(succeeded(program));
  auto loaded = LoadedProgram::load(*program);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  auto device = loaded->openDevice();
  ASSERT_TRUE(bool(device)) << llvm::toString(device.takeError());
  cost::CycleModel model(loaded->config().config);
  auto bytes = [&](uint64_t addr, uint64_t n) -> const uint8_t * {
    for (const Segment &s : loaded->program().segments)
      if (addr >= s.dramAddr && addr + n <= s.dramAddr + s.bytes.size())
        return s.bytes.data() + (addr - s.dramAddr);
    return nullptr;
  };
  const uint64_t modeled =
      model.estimateProgram(loaded->program().insns, bytes).totalCycles;

  std::mt19937 rng(18);
  std::uniform_real_distribution<float> u(0, 1);
  size_t n = 1;
  for (int64_t d : c.shape)
    n *= size_t(d);
  for (int i = 0; i < 3; ++i) {
    std::vector<float> x(n);
    for (float &v : x)
      v = u(rng);
    auto want = reference->run({Tensor::floats(c.shape, x)});
    ASSERT_TRUE(bool(want)) << llvm::toString(want.takeError());
    const std::vector<float> &w = (*want)[0].f32;
    float lo = w[0], hi = w[0];
    for (float v : w) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const double range = double(hi - lo);
    ASSERT_GT(range, 0.0);
    // The float spectral layers compute the graph.
    std::vector<float> f = spectral->run(x);
    ASSERT_EQ(f.size(), w.size());
    for (size_t k = 0; k < w.size(); ++k)
      ASSERT_NEAR(f[k], w[k], 1e-4 * range) << "element " << k;
    // The int16 overlay: within 2% of the output range.
    auto r = loaded->run(**device, {Tensor::floats(c.shape, x)});
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    const std::vector<float> &got = r->outputs[0].f32;
    ASSERT_EQ(got.size(), w.size());
    double worst = 0;
    for (size_t k = 0; k < w.size(); ++k)
      worst = std::max(worst, std::fabs(double(got[k]) - double(w[k])));
    EXPECT_LT(worst, 0.02 * range) << "input " << i;
    EXPECT_EQ(r->counters.totalCycles, modeled);
  }
}

TEST(ChannelOps, StandaloneBatchNormAndPerChannelConstants) {
  // bn_standalone (after a pool) and Mul+Add after the residual add: two
  // channel_affine; bn_folded (after conv1) folds.
  const Case c{"chan_affine.onnx", {1, 4, 12, 12}, 2, 0};
  for (const char *target : {"small", "u200"})
    runCase(c, target);
}

TEST(ChannelOps, SqueezeAndExcitation) {
  const Case c{"se_block.onnx", {1, 8, 10, 10}, 0, 2};
  for (const char *target : {"small", "u200"})
    runCase(c, target);
}

} // namespace
