//===- Dataset.h - Labelled image datasets for evaluation -------*- C++ -*-===//
//
// Fashion-MNIST in its idx(.gz) files, fed by the CLI contract: each image as
// float32 NCHW [1, 1, 28, 28] with pixels divided by 255 and nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_DATASET_H
#define SPEC2_SUPPORT_DATASET_H

#include "spec2/Support/Tensor.h"

#include "llvm/Support/Error.h"

namespace spec2 {

/// Images plus labels, in file order.
struct Dataset {
  std::vector<int64_t> imageShape; ///< Shape of one image tensor.
  std::vector<std::vector<float>> images;
  std::vector<int> labels;

  size_t size() const { return labels.size(); }
  Tensor image(size_t i) const { return Tensor::floats(imageShape, images[i]); }
};

/// Default install location of Debian's dataset-fashion-mnist.
constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Parses a dataset spec "fashion-mnist[:DIR]" and loads the test split
/// (`train` = false) or the training split. `limit` > 0 keeps the first
/// `limit` images.
llvm::Expected<Dataset> loadDataset(llvm::StringRef spec, bool train,
                                    size_t limit = 0);

/// The seed of random calibration inputs unless told otherwise.
constexpr unsigned kCalibrationSeed = 1;

/// The calibration inputs, one definition for every pass that runs them
/// (spec2-calibrate, the pruning pass's sequential fit): for `source`
/// "random", `count` inputs of each of `shapes`, uniform in [0, 1), drawn in
/// order from one std::mt19937 seeded with `seed`; otherwise the first
/// `count` training images of the dataset `source` names (one input only).
llvm::Expected<std::vector<std::vector<Tensor>>>
calibrationInputs(llvm::StringRef source,
                  llvm::ArrayRef<std::vector<int64_t>> shapes, unsigned count,
                  unsigned seed);

} // namespace spec2

#endif // SPEC2_SUPPORT_DATASET_H
