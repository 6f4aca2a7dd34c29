//===- Dataset.cpp - Labelled image datasets for evaluation ---------------===//

#include "spec2/Support/Dataset.h"
#include "spec2/Support/TensorIO.h"

#include <algorithm>
#include <random>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

using llvm::Expected;
using llvm::StringRef;

namespace spec2 {

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Reads a whole file, gunzipping it if needed (gzread passes plain files
/// through unchanged).
static Expected<std::string> readMaybeGz(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    return fail("cannot open '" + path + "'");
  std::string data;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0)
    data.append(buf, n);
  bool bad = n < 0;
  gzclose(f);
  if (bad)
    return fail("'" + path + "' is not a readable (gzip) file");
  return data;
}

static uint32_t bigEndian32(const std::string &d, size_t off) {
  return (uint32_t(uint8_t(d[off])) << 24) |
         (uint32_t(uint8_t(d[off + 1])) << 16) |
         (uint32_t(uint8_t(d[off + 2])) << 8) | uint32_t(uint8_t(d[off + 3]));
}

/// Finds "<stem>" or "<stem>.gz" in `dir`.
static Expected<std::string> findIdx(StringRef dir, StringRef stem) {
  for (const char *suffix : {".gz", ""}) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, stem + suffix);
    if (llvm::sys::fs::exists(p))
      return std::string(p);
  }
  return fail("dataset file '" + stem + "[.gz]' not found in '" + dir + "'");
}

/// A directory of .npy / .pb inputs, in file-name order, unlabelled.
Expected<Dataset> loadInputDirectory(StringRef dir, size_t limit) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef path = it->path();
    if (path.ends_with(".npy") || path.ends_with(".pb"))
      files.push_back(path.str());
  }
  if (ec)
    return fail("cannot list '" + dir + "': " + ec.message());
  if (files.empty())
    return fail("'" + dir + "' holds no .npy or .pb inputs");
  std::sort(files.begin(), files.end());
  if (limit && limit < files.size())
    files.resize(limit);
  Dataset ds;
  for (const std::string &f : files) {
    auto t = readTensorFile(f);
    if (!t)
      return t.takeError();
    if (t->dtype != DType::F32)
      return fail("'" + f + "' is not float32");
    if (ds.images.empty())
      ds.imageShape = t->shape;
    else if (t->shape != ds.imageShape)
      return fail("'" + f + "' has shape " + formatShape(t->shape) +
                  ", the first input " + formatShape(ds.imageShape));
    ds.images.push_back(std::move(t->f32));
    ds.labels.push_back(-1);
  }
  return ds;
}

Expected<Dataset> loadDataset(StringRef spec, bool train, size_t limit) {
  if (llvm::sys::fs::is_directory(spec))
    return loadInputDirectory(spec, limit);
  auto [name, dirSpec] = spec.split(':');
  if (name != "fashion-mnist")
    return fail("unknown dataset '" + name +
                "' (supported: fashion-mnist[:DIR] or a directory of .npy/.pb "
                "inputs)");
  std::string dir = dirSpec.empty() ? kFashionMnistDir : dirSpec.str();
  std::string prefix = train ? "train" : "t10k";
  auto imgPath = findIdx(dir, prefix + "-images-idx3-ubyte");
  if (!imgPath)
    return imgPath.takeError();
  auto lblPath = findIdx(dir, prefix + "-labels-idx1-ubyte");
  if (!lblPath)
    return lblPath.takeError();
  auto img = readMaybeGz(*imgPath);
  if (!img)
    return img.takeError();
  auto lbl = readMaybeGz(*lblPath);
  if (!lbl)
    return lbl.takeError();
  if (img->size() < 16 || bigEndian32(*img, 0) != 0x803)
    return fail("'" + *imgPath + "' is not an idx3 image file");
  if (lbl->size() < 8 || bigEndian32(*lbl, 0) != 0x801)
    return fail("'" + *lblPath + "' is not an idx1 label file");
  size_t count = bigEndian32(*img, 4), rows = bigEndian32(*img, 8),
         cols = bigEndian32(*img, 12);
  if (bigEndian32(*lbl, 4) != count)
    return fail("image and label counts differ in '" + dir + "'");
  if (img->size() != 16 + count * rows * cols || lbl->size() != 8 + count)
    return fail("dataset files in '" + dir + "' are truncated");
  if (limit && limit < count)
    count = limit;
  Dataset ds;
  ds.imageShape = {1, 1, int64_t(rows), int64_t(cols)};
  ds.images.resize(count);
  ds.labels.resize(count);
  for (size_t i = 0; i < count; ++i) {
    std::vector<float> &im = ds.images[i];
    im.resize(rows * cols);
    const char *p = img->data() + 16 + i * rows * cols;
    for (size_t j = 0; j < rows * cols; ++j)
      im[j] = float(uint8_t(p[j])) / 255.0f;
    ds.labels[i] = uint8_t((*lbl)[8 + i]);
  }
  return ds;
}

llvm::Expected<std::vector<std::vector<Tensor>>>
calibrationInputs(llvm::StringRef source,
                  llvm::ArrayRef<std::vector<int64_t>> shapes, unsigned count,
                  unsigned seed) {
  std::vector<std::vector<Tensor>> inputs;
  if (source == "random") {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0, 1);
    for (unsigned i = 0; i < count; ++i) {
      std::vector<Tensor> in;
      for (const auto &s : shapes) {
        std::vector<float> v(checkedNumElements(s));
        for (float &x : v)
          x = u(rng);
        in.push_back(Tensor::floats(s, std::move(v)));
      }
      inputs.push_back(std::move(in));
    }
    return inputs;
  }
  if (shapes.size() != 1)
    return llvm::createStringError(
        "calibration data feeds one input; the model has " +
        std::to_string(shapes.size()));
  auto ds = loadDataset(source, /*train=*/true, count);
  if (!ds)
    return llvm::createStringError("calibration data: " +
                                   llvm::toString(ds.takeError()));
  if (ds->imageShape != shapes[0])
    return llvm::createStringError("calibration images have shape " +
                                   formatShape(ds->imageShape) +
                                   ", the model input is " +
                                   formatShape(shapes[0]));
  for (size_t i = 0; i < ds->size(); ++i)
    inputs.push_back({ds->image(i)});
  if (inputs.empty())
    return llvm::createStringError("calibration data '" + source.str() +
                                   "' is empty");
  return inputs;
}

} // namespace spec2
