//===- DefaultTarget.h - The overlay used when none is named ----*- C++ -*-===//
//
// Apart from OverlayConfigFile.h so that pass declarations can name it
// without the ISA header.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_DEFAULTTARGET_H
#define SPEC2_TARGET_DEFAULTTARGET_H

#include "llvm/ADT/StringRef.h"

namespace spec2 {

/// The configuration spec2c and spec2-set-target use when none is named.
constexpr llvm::StringLiteral kDefaultTarget = "u200";

} // namespace spec2

#endif // SPEC2_TARGET_DEFAULTTARGET_H
