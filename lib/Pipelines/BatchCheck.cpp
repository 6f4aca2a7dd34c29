//===- BatchCheck.cpp - May a batch run image by image? -------------------===//
#include "spec2/Pipelines/BatchCheck.h"

#include "spec2/Reference/Executor.h"
#include "spec2/Support/Tensor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace spec2 {
namespace {

llvm::Error fail(const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

} // namespace

Tensor imageOf(const Tensor &t, int64_t i, int64_t n) {
  std::vector<int64_t> shape = t.shape;
  shape[0] = 1;
  const size_t per = t.f32.size() / size_t(n);
  return Tensor::floats(std::move(shape),
                        std::vector<float>(t.f32.begin() + i * per,
                                           t.f32.begin() + (i + 1) * per));
}

llvm::Error checkImagesIndependent(mlir::ModuleOp batched, mlir::ModuleOp single,
                                   int64_t n) {
  auto many = ReferenceExecutor::create(batched);
  auto one = ReferenceExecutor::create(single);
  if (mlir::failed(many) || mlir::failed(one))
    return fail("the float reference cannot run the model");
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uniform(0.f, 1.f);
  std::vector<Tensor> inputs;
  for (const std::vector<int64_t> &shape : many->inputShapes()) {
    if (shape.empty() || shape[0] != n)
      return fail("an input is not of batch " + llvm::Twine(n));
    std::vector<float> v(size_t(checkedNumElements(shape)));
    for (float &x : v)
      x = uniform(rng);
    inputs.push_back(Tensor::floats(shape, std::move(v)));
  }
  auto all = many->run(inputs);
  if (!all)
    return all.takeError();
  const std::vector<std::string> names = many->outputNames();
  for (int64_t i = 0; i < n; ++i) {
    std::vector<Tensor> alone;
    for (const Tensor &t : inputs)
      alone.push_back(imageOf(t, i, n));
    auto got = one->run(alone);
    if (!got)
      return got.takeError();
    for (size_t o = 0; o < all->size(); ++o) {
      const Tensor &b = (*all)[o];
      if (b.shape.empty() || b.shape[0] != n || o >= got->size())
        return fail("output '" + names[o] + "' is not of batch " +
                    llvm::Twine(n));
      const Tensor want = imageOf(b, i, n);
      const std::vector<float> &have = (*got)[o].f32;
      float range = 0, err = 0;
      for (float v : want.f32)
        range = std::max(range, std::fabs(v));
      if (have.size() != want.f32.size())
        return fail("output '" + names[o] + "' of one image has another shape");
      for (size_t k = 0; k < have.size(); ++k)
        err = std::max(err, std::fabs(have[k] - want.f32[k]));
      if (!(err <= 1e-4f * std::max(range, 1e-6f)))
        return fail("the model mixes the images of its batch: output '" +
                    names[o] + "' of image " + llvm::Twine(i) +
                    " differs by " + number(err) +
                    " when the image runs alone (range " + number(range) +
                    "); the overlay runs a batch image by image");
    }
  }
  return llvm::Error::success();
}

} // namespace spec2
