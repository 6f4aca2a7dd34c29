//===- DatasetTest.cpp - Fashion-MNIST loader ------------------------------===//

#include "spec2/Support/Dataset.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

using namespace spec2;

TEST(Dataset, LoadsFashionMnistTestImagesInFileOrder) {
  if (!llvm::sys::fs::exists(kFashionMnistDir))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto ds = loadDataset("fashion-mnist", /*train=*/false, /*limit=*/3);
  ASSERT_TRUE(bool(ds)) << llvm::toString(ds.takeError());
  ASSERT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->imageShape, (std::vector<int64_t>{1, 1, 28, 28}));
  // The first three test labels of Fashion-MNIST: ankle boot, pullover,
  // trouser.
  EXPECT_EQ(ds->labels, (std::vector<int>{9, 2, 1}));
  for (const auto &img : ds->images)
    for (float p : img)
      ASSERT_TRUE(p >= 0.0f && p <= 1.0f);
}

TEST(Dataset, RejectsUnknownSpecsAndMissingDirectories) {
  auto bad = loadDataset("cifar10", false);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("unknown dataset"),
            std::string::npos);
  auto missing = loadDataset("fashion-mnist:/nonexistent", false);
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("not found"),
            std::string::npos);
}
