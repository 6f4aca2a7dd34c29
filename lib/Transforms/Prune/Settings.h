//===- Settings.h - What the pruning methods read of the pass's options ---===//
//
// The pass's options as the methods use them: the method as an enum (the
// option is a string, checked once by the pass before any work), the ADMM
// and refit constants, and the target's input lanes.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_SETTINGS_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_SETTINGS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace spec2::prune {

/// How the kept weights are chosen (the pass's `method` option).
enum class Method { Magnitude, Admm, Obs };

/// The method named `name` ("magnitude", "admm", "obs"), if any.
inline std::optional<Method> parseMethod(llvm::StringRef name) {
  if (name == "magnitude")
    return Method::Magnitude;
  if (name == "admm")
    return Method::Admm;
  if (name == "obs")
    return Method::Obs;
  return std::nullopt;
}

/// The options every layer's pruning reads.
struct Settings {
  Method method = Method::Obs;
  unsigned iterations = 40; ///< ADMM iterations
  double rho = 3.0;         ///< ADMM penalty, relative to a bin's power
  double refitRidge = 1.0;  ///< FC refit ridge on the sequential fit
  int64_t lanes = 0;        ///< the target's input lanes (0 without one)
  /// The spatial engine's output lanes (conv_pout): a lane block's lanes
  /// keep the same entries. 16 without a target (u200's).
  int64_t spatialLanes = 16;
};

/// Weights of one layer before and after pruning, for the pass statistics.
struct LayerCounts {
  uint64_t total = 0, kept = 0;
};

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_SETTINGS_H
