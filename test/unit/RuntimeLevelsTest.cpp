//===- RuntimeLevelsTest.cpp - Nested pruning levels in one program -------===//
//
// The bundled LeNet compiled at three runtime levels (0, 0.5, 0.8), conv1
// on the spectral engine and conv2 on the spatial one: every level's kept
// spectral bins, spatial weights and FC columns are a subset of the previous
// level's (the superset property of the zeros, on the compiled weights), the
// levels share their inputs and the segments they can, and two levels of the
// one program run on the C-simulation give different logits and different
// counters, each equal to the cycle model of its own stream.
//
//===----------------------------------------------------------------------===//

#include "Spec2/Spec2Dialect.h"
#include "Spectral/SpectralDialect.h"
#include "spec2/CostModel/CycleModel.h"
#include "spec2/Export/OverlayExport.h"
#include "spec2/Import/OnnxImporter.h"
#include "spec2/Pipelines/Pipelines.h"
#include "spec2/Pipelines/RuntimeLevels.h"
#include "spec2/Runtime/LoadedProgram.h"
#include "spec2/Support/Constants.h"
#include "spec2/Target/ProgramVerifier.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

using namespace spec2;

namespace {

/// The kept (pair, canonical bin)s of every spectral conv and the kept
/// (row, column)s of every FC layer of `func`, per layer in order.
std::vector<std::set<std::pair<int64_t, int64_t>>>
supports(mlir::func::FuncOp func) {
  std::vector<std::set<std::pair<int64_t, int64_t>>> all;
  func.walk([&](mlir::Operation *op) {
    std::set<std::pair<int64_t, int64_t>> s;
    if (auto conv = llvm::dyn_cast<spectral::Conv2DOp>(op)) {
      auto bins = readNumbers(conv.getBins());
      const int64_t nnz = conv.getNnz();
      for (size_t i = 0; i < bins->size(); ++i)
        if ((*bins)[i] >= 0)
          s.insert({int64_t(i) / nnz,
                    spectral::canonicalBin(conv.getFftSize(),
                                           int64_t((*bins)[i]))});
    } else if (auto sp = llvm::dyn_cast<spectral::SpatialConv2DOp>(op)) {
      // Spatial weights: what pruning dropped is exactly zero.
      auto w = readNumbers(sp.getWeights());
      for (size_t i = 0; i < w->size(); ++i)
        if ((*w)[i] != 0)
          s.insert({int64_t(i), 0});
    } else if (auto fc = llvm::dyn_cast<spectral::FullyConnectedOp>(op)) {
      auto cols = readNumbers(fc.getColumns());
      const int64_t nnz =
          llvm::cast<mlir::ShapedType>(fc.getColumns().getType()).getShape()[1];
      for (size_t i = 0; i < cols->size(); ++i)
        s.insert({int64_t(i) / nnz, int64_t((*cols)[i])});
    } else {
      return;
    }
    all.push_back(std::move(s));
  });
  return all;
}

TEST(RuntimeLevels, NestedLevelsInOneProgram) {
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  registerSpec2Dialects(registry);
  context.appendDialectRegistry(registry);
  auto module =
      importOnnxFile(context, SPEC2_SOURCE_DIR "/models/lenet_fmnist.onnx");
  ASSERT_TRUE(module);
  ASSERT_TRUE(succeeded(runGraphCleanup(*module)));

  CompileOptions options;
  options.calib = "random";
  options.calibCount = 4;
  options.target = "small";
  options.fcSparsity = 0.5;
  // One conv on each engine: both take the levels.
  options.engine = "spectral";
  options.layerEngine = "/conv2/Conv=spatial";
  const double sparsities[] = {0.0, 0.5, 0.8};
  options.runtimeSparsity = llvm::ArrayRef<double>(sparsities);
  LevelPlan plan;
  plan.last = 2;
  auto levels = compileRuntimeLevels(*module, options, plan);
  ASSERT_TRUE(succeeded(levels));
  ASSERT_EQ(levels->size(), 3u);

  // Nested supports, strictly smaller for the conv layers a level prunes.
  std::vector<std::vector<std::set<std::pair<int64_t, int64_t>>>> kept;
  for (CompiledLevel &l : *levels)
    kept.push_back(
        supports(l.spectral->lookupSymbol<mlir::func::FuncOp>("main")));
  size_t convKept[3] = {0, 0, 0};
  for (size_t k = 0; k < 3; ++k) {
    ASSERT_EQ(kept[k].size(), kept[0].size());
    for (size_t layer = 0; layer < kept[k].size(); ++layer) {
      convKept[k] += kept[k][layer].size();
      if (k == 0)
        continue;
      for (const auto &w : kept[k][layer])
        EXPECT_TRUE(kept[k - 1][layer].count(w))
            << "level " << k << " layer " << layer << " keeps (" << w.first
            << ", " << w.second << "), which level " << k - 1 << " dropped";
    }
  }
  EXPECT_GT(convKept[0], convKept[1]);
  EXPECT_GT(convKept[1], convKept[2]);

  // One program: the levels share the input and every identical segment.
  std::vector<Program> programs;
  for (CompiledLevel &l : *levels) {
    auto p = exportProgram(*l.program);
    ASSERT_TRUE(succeeded(p));
    programs.push_back(std::move(*p));
  }
  const uint64_t inputAddr = programs[0].inputs[0].dramAddr;
  for (const Program &p : programs)
    EXPECT_EQ(p.inputs[0].dramAddr, inputAddr);
  auto combined = combineLevels(programs, {0, 500000, 800000});
  ASSERT_TRUE(bool(combined)) << llvm::toString(combined.takeError());
  auto loaded = LoadedProgram::load(*combined);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_EQ(loaded->program().numLevels(), 3u);
  llvm::Error outOfRange = loaded->checkLevel(3);
  ASSERT_TRUE(bool(outOfRange));
  EXPECT_EQ(llvm::toString(std::move(outOfRange)),
            "level 3 is out of range: the program has 3 levels (0 to 2)");

  auto device = loaded->openDevice();
  ASSERT_TRUE(bool(device));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> x(28 * 28);
  for (float &v : x)
    v = u(rng);
  const Tensor image = Tensor::floats({1, 1, 28, 28}, x);
  cost::CycleModel model(loaded->config().config);
  std::vector<Inference> runs;
  for (unsigned k : {0u, 2u}) {
    auto r = loaded->run(**device, {image}, k);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    // The counters of level k are the cycle model of level k's stream.
    const Program alone = loaded->program().levelProgram(k);
    auto bytes = [&](uint64_t addr, uint64_t n) -> const uint8_t * {
      for (const Segment &s : alone.segments)
        if (addr >= s.dramAddr && addr + n <= s.dramAddr + s.bytes.size())
          return s.bytes.data() + (addr - s.dramAddr);
      return nullptr;
    };
    EXPECT_EQ(r->counters.totalCycles,
              model.estimateProgram(alone.insns, bytes).totalCycles)
        << "level " << k;
    runs.push_back(std::move(*r));
  }
  EXPECT_GT(runs[0].counters.macsUseful, runs[1].counters.macsUseful);
  EXPECT_NE(runs[0].counters.totalCycles, runs[1].counters.totalCycles);
  EXPECT_NE(runs[0].outputs[0].f32, runs[1].outputs[0].f32);

  // Level 2 of the program computes what level 2 lowered on its own does.
  plan.alone = true;
  auto moduleAgain =
      importOnnxFile(context, SPEC2_SOURCE_DIR "/models/lenet_fmnist.onnx");
  ASSERT_TRUE(succeeded(runGraphCleanup(*moduleAgain)));
  auto alone = compileRuntimeLevels(*moduleAgain, options, plan);
  ASSERT_TRUE(succeeded(alone));
  auto aloneProgram = exportProgram(*alone->back().program);
  ASSERT_TRUE(succeeded(aloneProgram));
  auto aloneLoaded = LoadedProgram::load(*aloneProgram);
  ASSERT_TRUE(bool(aloneLoaded)) << llvm::toString(aloneLoaded.takeError());
  auto aloneDevice = aloneLoaded->openDevice();
  ASSERT_TRUE(bool(aloneDevice));
  auto aloneRun = aloneLoaded->run(**aloneDevice, {image});
  ASSERT_TRUE(bool(aloneRun));
  EXPECT_EQ(aloneRun->outputs[0].f32, runs[1].outputs[0].f32);
  EXPECT_EQ(aloneRun->counters.totalCycles, runs[1].counters.totalCycles);
}

} // namespace
