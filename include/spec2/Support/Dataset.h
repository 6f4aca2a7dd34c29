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

} // namespace spec2

#endif // SPEC2_SUPPORT_DATASET_H
