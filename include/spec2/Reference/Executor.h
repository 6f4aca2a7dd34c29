//===- Executor.h - Float32 reference executor for graph IR -----*- C++ -*-===//
//
// Interprets `func.func @main` of an imported (TOSA-level) module in float32.
// It is the golden model every later stage is measured against: plain loops,
// no fast-math, one definition per op.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_REFERENCE_EXECUTOR_H
#define SPEC2_REFERENCE_EXECUTOR_H

#include "spec2/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace spec2 {

/// A compiled plan for interpreting one graph function. Thread-safe: `run`
/// may be called concurrently (dataset evaluation uses every core).
class ReferenceExecutor {
public:
  ~ReferenceExecutor();
  ReferenceExecutor(ReferenceExecutor &&) noexcept;

  /// Prepares `func.func @main` of `module`. Fails with a diagnostic at the
  /// first op the executor does not implement. The module must outlive the
  /// executor (constants are read in place).
  static mlir::FailureOr<ReferenceExecutor> create(mlir::ModuleOp module);

  /// Shapes the function's arguments expect.
  std::vector<std::vector<int64_t>> inputShapes() const;
  /// ONNX names of the arguments and results.
  std::vector<std::string> inputNames() const;
  std::vector<std::string> outputNames() const;

  /// Runs the function; inputs must be f32 with the expected shapes.
  llvm::Expected<std::vector<Tensor>> run(llvm::ArrayRef<Tensor> inputs) const;

  /// Called with every op's result values as the op is evaluated.
  using Observer =
      llvm::function_ref<void(mlir::Operation *op, llvm::ArrayRef<float> values)>;
  /// Runs the function and shows every intermediate result to `observe`
  /// (calibration uses it to find activation ranges).
  llvm::Expected<std::vector<Tensor>> run(llvm::ArrayRef<Tensor> inputs,
                                          Observer observe) const;

  struct Plan;

private:
  explicit ReferenceExecutor(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan;
};

} // namespace spec2

#endif // SPEC2_REFERENCE_EXECUTOR_H
