//===- InputsOutputs.h - spec2-run's --input, --output-dir -------*- C++ -*-===//
//
// A model's inputs from `--input NAME=FILE` (repeatable; a bare FILE for a
// model of one input), its outputs printed and written as NAME.npy files.
// The same for the float reference and for overlay programs.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TOOLS_SPEC2_RUN_INPUTSOUTPUTS_H
#define SPEC2_TOOLS_SPEC2_RUN_INPUTSOUTPUTS_H

#include "spec2/Support/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace spec2 {

/// The tensors for a model whose inputs are `names`, in that order, from
/// `specs` (each NAME=FILE, or one bare FILE when there is one input).
/// Every input must be given exactly once, as float32.
llvm::Expected<std::vector<Tensor>>
readModelInputs(llvm::ArrayRef<std::string> specs,
                llvm::ArrayRef<std::string> names);

/// A file name for output `name` in `dir`: NAME.npy with the characters a
/// path cannot hold ('/', '\', ':' and control characters) as '_'.
std::string outputPath(llvm::StringRef dir, llvm::StringRef name);

/// Writes every output into `dir` (created if missing) as NAME.npy.
llvm::Error writeModelOutputs(llvm::StringRef dir,
                              llvm::ArrayRef<std::string> names,
                              llvm::ArrayRef<Tensor> outputs);

/// Per output: its name, shape, argmax and first values.
void printModelOutputs(llvm::raw_ostream &os, llvm::ArrayRef<std::string> names,
                       llvm::ArrayRef<Tensor> outputs);

} // namespace spec2

#endif // SPEC2_TOOLS_SPEC2_RUN_INPUTSOUTPUTS_H
