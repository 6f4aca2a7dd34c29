//===- SpectralDialect.h - The spectral-sparse layer dialect ----*- C++ -*-===//
#ifndef SPEC2_DIALECTS_SPECTRAL_SPECTRALDIALECT_H
#define SPEC2_DIALECTS_SPECTRAL_SPECTRALDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Spectral/SpectralOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "Spectral/SpectralOps.h.inc"

namespace spec2 {
namespace spectral {
/// Bins of the non-redundant half spectrum of an N x N real tile.
inline int64_t halfSpectrumBins(int64_t n) { return n * (n / 2 + 1); }
} // namespace spectral
} // namespace spec2

#endif
