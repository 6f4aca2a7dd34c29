//===- Progress.h - A progress line on a terminal ---------------*- C++ -*-===//
//
// Long compiler phases (calibration, ADMM pruning, tiling search on a large
// model) report "what: n/total item" on one rewritten stderr line, only
// when stderr is a terminal, so logs and tests stay clean. Thread-safe.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SUPPORT_PROGRESS_H
#define SPEC2_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

namespace spec2 {

class Progress {
public:
  /// `what` names the phase ("spec2-calibrate: input"); `total` steps.
  Progress(llvm::StringRef what, size_t total);
  /// Clears the line.
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// Counts one more step, showing `item` after the count.
  void step(llvm::StringRef item = "");

private:
  std::string what;
  size_t total;
  bool shown;
  std::atomic<size_t> done{0};
  std::mutex mutex;
  size_t width = 0;
};

} // namespace spec2

#endif
