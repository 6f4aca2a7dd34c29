//===- Spec2Dialect.h - The spec2.* attributes ------------------*- C++ -*-===//
//
// The declared attributes (Spec2Dialect.td) by name, and the conv dataflows
// that `spec2.dataflow` and `spec2.tilings` name.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_DIALECTS_SPEC2_SPEC2DIALECT_H
#define SPEC2_DIALECTS_SPEC2_SPEC2DIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Operation.h"

#include <optional>

#include "Spec2/Spec2Dialect.h.inc"

namespace spec2 {

/// The names of the declared attributes ("spec2.absmax", ...).
namespace attr {
#define SPEC2_ATTR(Name) Spec2Dialect::Name##AttrHelper::getNameStr()
constexpr llvm::StringLiteral kAbsmax = SPEC2_ATTR(Absmax);
constexpr llvm::StringLiteral kAbsmaxPre = SPEC2_ATTR(AbsmaxPre);
constexpr llvm::StringLiteral kTileCovariance = SPEC2_ATTR(TileCovariance);
constexpr llvm::StringLiteral kInputCovariance = SPEC2_ATTR(InputCovariance);
constexpr llvm::StringLiteral kFrac = SPEC2_ATTR(Frac);
constexpr llvm::StringLiteral kTilings = SPEC2_ATTR(Tilings);
constexpr llvm::StringLiteral kTiling = SPEC2_ATTR(Tiling);
constexpr llvm::StringLiteral kDataflow = SPEC2_ATTR(Dataflow);
constexpr llvm::StringLiteral kDataflowCosts = SPEC2_ATTR(DataflowCosts);
constexpr llvm::StringLiteral kSpatialTiling = SPEC2_ATTR(SpatialTiling);
constexpr llvm::StringLiteral kEngine = SPEC2_ATTR(Engine);
constexpr llvm::StringLiteral kFused = SPEC2_ATTR(Fused);
constexpr llvm::StringLiteral kFusedCost = SPEC2_ATTR(FusedCost);
constexpr llvm::StringLiteral kEngineCycles = SPEC2_ATTR(EngineCycles);
constexpr llvm::StringLiteral kLaneOrder = SPEC2_ATTR(LaneOrder);
constexpr llvm::StringLiteral kMacSteps = SPEC2_ATTR(MacSteps);
constexpr llvm::StringLiteral kBankStalls = SPEC2_ATTR(BankStalls);
constexpr llvm::StringLiteral kBankStallsNaive = SPEC2_ATTR(BankStallsNaive);
constexpr llvm::StringLiteral kBankStallsBound = SPEC2_ATTR(BankStallsBound);
constexpr llvm::StringLiteral kOnnxOpset = SPEC2_ATTR(OnnxOpset);
constexpr llvm::StringLiteral kOnnxGraph = SPEC2_ATTR(OnnxGraph);
constexpr llvm::StringLiteral kTarget = SPEC2_ATTR(Target);
constexpr llvm::StringLiteral kLevelBase = SPEC2_ATTR(LevelBase);
constexpr llvm::StringLiteral kLevelSparsity = SPEC2_ATTR(LevelSparsity);
#undef SPEC2_ATTR
} // namespace attr

/// The loop orders of a conv layer (include/spec2/Scheduling/ConvSchedule.h).
enum class Dataflow { ActivationReuse, KernelReuse };
constexpr Dataflow kDataflows[] = {Dataflow::ActivationReuse,
                                   Dataflow::KernelReuse};
/// "activation_reuse", "kernel_reuse".
llvm::StringRef dataflowName(Dataflow d);
std::optional<Dataflow> parseDataflow(llvm::StringRef name);

/// The engines a conv can run on (spec2.engine, spec2.engine_cycles).
enum class ConvEngine { Spectral, Spatial };
constexpr ConvEngine kConvEngines[] = {ConvEngine::Spectral, ConvEngine::Spatial};
/// "spectral", "spatial".
llvm::StringRef convEngineName(ConvEngine e);
std::optional<ConvEngine> parseConvEngine(llvm::StringRef name);

} // namespace spec2

#endif // SPEC2_DIALECTS_SPEC2_SPEC2DIALECT_H
