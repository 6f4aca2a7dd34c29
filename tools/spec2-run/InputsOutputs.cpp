//===- InputsOutputs.cpp - spec2-run's --input, --output-dir --------------===//
#include "InputsOutputs.h"

#include "spec2/Support/TensorIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace spec2 {

namespace {

Error inputError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

std::string listNames(ArrayRef<std::string> names) {
  std::string s;
  for (const std::string &n : names)
    s += (s.empty() ? "'" : ", '") + n + "'";
  return s;
}

} // namespace

Expected<std::vector<Tensor>> readModelInputs(ArrayRef<std::string> specs,
                                              ArrayRef<std::string> names) {
  std::vector<std::string> files(names.size());
  for (const std::string &spec : specs) {
    // NAME=FILE when NAME is one of the inputs; a path may hold '=' too.
    auto [name, file] = StringRef(spec).split('=');
    auto it = llvm::find(names, name.str());
    if (file.empty() || it == names.end()) {
      if (names.size() != 1 || specs.size() != 1)
        return inputError("--input " + spec + ": give NAME=FILE for each of " +
                          Twine(names.size()) + " inputs (" +
                          listNames(names) + ")");
      files[0] = spec;
      continue;
    }
    std::string &slot = files[size_t(it - names.begin())];
    if (!slot.empty())
      return inputError("--input gives '" + name + "' twice");
    slot = file.str();
  }
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < names.size(); ++i) {
    if (files[i].empty())
      return inputError("no --input for '" + names[i] + "' (inputs: " +
                        listNames(names) + ")");
    auto t = readTensorFile(files[i]);
    if (!t)
      return t.takeError();
    if (t->dtype != DType::F32)
      return inputError("input '" + files[i] + "' is " + dtypeName(t->dtype) +
                        "; the model input '" + names[i] + "' is float32");
    inputs.push_back(std::move(*t));
  }
  return inputs;
}

std::string outputPath(StringRef dir, StringRef name) {
  std::string file = name.str();
  for (char &c : file)
    if (c == '/' || c == '\\' || c == ':' || isPrint(c) == false)
      c = '_';
  if (file.empty() || file == "." || file == "..")
    file = "output" + file;
  SmallString<256> path(dir);
  sys::path::append(path, file + ".npy");
  return std::string(path);
}

Error writeModelOutputs(StringRef dir, ArrayRef<std::string> names,
                        ArrayRef<Tensor> outputs) {
  if (std::error_code ec = sys::fs::create_directories(dir))
    return inputError("--output-dir " + dir + ": " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i)
    if (Error e = writeNpy(outputPath(dir, names[i]), outputs[i]))
      return e;
  return Error::success();
}

void printModelOutputs(raw_ostream &os, ArrayRef<std::string> names,
                       ArrayRef<Tensor> outputs) {
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Tensor &out = outputs[k];
    int64_t best = 0;
    for (int64_t i = 1; i < int64_t(out.f32.size()); ++i)
      if (out.f32[i] > out.f32[best])
        best = i;
    os << names[k] << ": shape " << formatShape(out.shape) << ", argmax "
       << best << "\n";
    const size_t shown = std::min<size_t>(out.f32.size(), 10);
    os << "  values:";
    for (size_t i = 0; i < shown; ++i)
      os << " " << format("%.6g", out.f32[i]);
    os << (shown < out.f32.size() ? " ...\n" : "\n");
  }
}

} // namespace spec2
