//===- EarlierLevels.h - What a runtime level shares with the ones before -===//
//
// spec2c --runtime-sparsity lowers one level after another into the same
// module: when spec2-spectral-to-overlay finds ovl.program ops already
// there (the denser levels), the new level's program shares their inputs
// (the same DRAM addresses), reuses any weight segment whose bytes equal
// one of theirs (layers no level prunes: the first layer, the spatial
// layers, a fully-connected layer refitted to the same values) and puts
// everything else above their DRAM, so that one DRAM image serves every
// level (docs/decisions.md, "Runtime levels").
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_CONVERSION_EARLIERLEVELS_H
#define SPEC2_LIB_CONVERSION_EARLIERLEVELS_H

#include "Overlay/OverlayDialect.h"

#include "spec2/Support/Constants.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/Support/MathExtras.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace spec2 {

/// The programs of the denser levels already in a module.
class EarlierLevels {
public:
  /// Collects the ovl.program ops of `module` (none: a program of its own).
  explicit EarlierLevels(mlir::ModuleOp module) {
    for (auto p : module.getOps<ovl::ProgramOp>()) {
      programs.push_back(p);
      top = std::max<int64_t>(top, llvm::alignTo(p.getDramBytes(), 64));
      for (auto seg : p.getOps<ovl::SegmentOp>())
        if (auto bytes = readBytes(seg.getData())) {
          const size_t hash = hashOf(*bytes);
          segments.emplace(hash, Shared{std::move(*bytes), seg.getDramAddr()});
        }
    }
  }

  /// Where the new level's DRAM starts: above every earlier level's.
  int64_t dramTop() const { return top; }

  /// The earlier levels' address of input `name`; nullopt if there are no
  /// earlier levels; fails (with a message in `why`) if theirs differs in
  /// shape or format.
  std::optional<int64_t> inputAddr(llvm::StringRef name,
                                   llvm::ArrayRef<int64_t> shape, int frac,
                                   std::string &why) const {
    if (programs.empty())
      return std::nullopt;
    ovl::ProgramOp first = programs.front();
    for (auto t : first.getOps<ovl::TensorOp>())
      if (t.getKind() == "input" && t.getName() == name) {
        if (llvm::ArrayRef<int64_t>(t.getDims()) != shape ||
            t.getFrac() != frac)
          why = "input '" + name.str() +
                "' differs in shape or format between runtime levels";
        return t.getDramAddr();
      }
    why = "input '" + name.str() + "' is not an input of the earlier levels";
    return std::nullopt;
  }

  /// The address of an earlier level's segment with exactly these bytes.
  std::optional<int64_t> segmentAddr(llvm::ArrayRef<uint8_t> bytes) const {
    auto [b, e] = segments.equal_range(hashOf(bytes));
    for (auto it = b; it != e; ++it)
      if (llvm::ArrayRef<uint8_t>(it->second.bytes) == bytes)
        return it->second.addr;
    return std::nullopt;
  }

  bool empty() const { return programs.empty(); }

private:
  struct Shared {
    std::vector<uint8_t> bytes;
    int64_t addr;
  };
  static size_t hashOf(llvm::ArrayRef<uint8_t> bytes) {
    return size_t(llvm::hash_combine_range(bytes.begin(), bytes.end()));
  }

  std::vector<ovl::ProgramOp> programs;
  std::multimap<size_t, Shared> segments;
  int64_t top = 0;
};

} // namespace spec2

#endif // SPEC2_LIB_CONVERSION_EARLIERLEVELS_H
