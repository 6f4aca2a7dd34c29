// Shared by the ONNX node-test runners: the files of one backend test.
#ifndef SPEC2_TEST_CONFORMANCE_NODETESTFILES_H
#define SPEC2_TEST_CONFORMANCE_NODETESTFILES_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <string>
#include <vector>

namespace spec2 {
namespace conformance {

/// Entries of `dir` whose names start with `prefix`, in numeric order
/// (input_10 after input_9).
inline std::vector<std::string> sortedDir(llvm::StringRef dir,
                                          llvm::StringRef prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with(prefix))
      out.push_back(it->path());
  }
  llvm::sort(out, [](const std::string &a, const std::string &b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return out;
}

} // namespace conformance
} // namespace spec2

#endif
