//===- Progress.cpp - A progress line on a terminal -----------------------===//
#include "spec2/Support/Progress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace spec2 {

Progress::Progress(llvm::StringRef what, size_t total)
    : what(what.str()), total(total),
      shown(total > 1 && llvm::sys::Process::StandardErrIsDisplayed()) {}

Progress::~Progress() {
  if (shown && width)
    llvm::errs() << "\r" << std::string(width, ' ') << "\r";
}

void Progress::step(llvm::StringRef item) {
  const size_t n = ++done;
  if (!shown)
    return;
  std::string line = what + " " + std::to_string(n) + "/" +
                     std::to_string(total) +
                     (item.empty() ? "" : " " + item.str());
  std::lock_guard<std::mutex> lock(mutex);
  llvm::errs() << "\r" << line;
  if (line.size() < width)
    llvm::errs() << std::string(width - line.size(), ' ');
  width = std::max(width, line.size());
}

} // namespace spec2
