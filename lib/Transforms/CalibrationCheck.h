//===- CalibrationCheck.h - What the calibration data look like -*- C++ -*-===//
//
// spec2-calibrate's report on its inputs: per model input, how many
// calibration inputs there were and the range of their values (a remark),
// and a warning when the model begins with a per-channel normalisation
// ((x - mean) / std, or a BatchNormalization on the input) that the data do
// not fit: normalised, they should have a mean near 0 and a spread near 1.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TRANSFORMS_CALIBRATIONCHECK_H
#define SPEC2_TRANSFORMS_CALIBRATIONCHECK_H

#include "spec2/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <vector>

namespace spec2 {

/// y = scale[c] * x + shift[c] per channel (axis 1) of a model input.
struct ChannelAffine {
  std::vector<double> scale, shift;
};

/// The per-channel affine map the ops right after input `arg` apply (a
/// chain of tosa.sub/add/mul by constants of one value or one per channel),
/// or nothing if the input does not start that way.
std::optional<ChannelAffine> leadingNormalisation(mlir::BlockArgument arg);

/// The remarks and the warning above, on `main`, for `inputs` (each a list
/// with one tensor per argument of `main`) drawn from `source` when
/// `asked` were asked for.
void reportCalibrationData(mlir::func::FuncOp main, llvm::StringRef source,
                           unsigned asked,
                           const std::vector<std::vector<Tensor>> &inputs);

} // namespace spec2

#endif // SPEC2_TRANSFORMS_CALIBRATIONCHECK_H
