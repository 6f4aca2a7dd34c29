//===- spec2-opt.cpp - mlir-opt for spec2c's dialects and passes ----------===//

#include "spec2/Import/OnnxImporter.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mlir::tosa::registerTosaPasses();
  spec2::registerPipelines();
  mlir::DialectRegistry registry;
  spec2::registerImportDialects(registry);
  registry.insert<mlir::arith::ArithDialect>();
  spec2::registerSpec2Dialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "spec2c optimizer driver\n", registry));
}
