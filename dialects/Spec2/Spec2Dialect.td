//===- Spec2Dialect.td - The spec2.* attributes passes hand each other ----===//
//
// No ops: this dialect declares the discardable `spec2.*` attributes that
// the passes record on ops, function arguments and the module for later
// passes and the report, each with its type, and verifies every one it
// sees (an unknown spec2.* name or a wrong type is an error).
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SPEC2_DIALECT
#define SPEC2_SPEC2_DIALECT

include "mlir/IR/DialectBase.td"

def Spec2_Dialect : Dialect {
  let name = "spec2";
  let cppNamespace = "::spec2";
  let summary = "The attributes spec2c's passes hand each other";
  let description = [{
    Declared here so that every producer and consumer agrees on name and
    type, and a misspelt or mistyped one is refused by the verifier:

    - `spec2.absmax` (f32): largest magnitude a value took on the
      calibration data (ops and function arguments); `spec2.absmax_pre`:
      the same before a fused activation.
    - `spec2.tile_covariance`, `spec2.input_covariance` (elements):
      calibration statistics for pruning.
    - `spec2.frac` (integer, function arguments): the argument's int16
      format, q * 2^-frac.
    - `spec2.tilings` (dictionary of dataflow name to tiling array),
      `spec2.tiling` (array<i64>: rows, co block, ci block, then up to four
      0/1 flags), `spec2.dataflow` ("activation_reuse" or "kernel_reuse"),
      `spec2.dataflow_costs` (dictionary): the schedule of a conv.
    - `spec2.spatial_tiling` (array<i64: rows, double_buffered, chain>):
      the schedule of a conv on the spatial engine (its channel chunks follow
      from those; spec2-select-dataflow).
    - `spec2.fused` (array<i64: rows, double_buffered, resident, split>):
      on the first conv of an inverted-residual block, that the block runs
      fused on the spatial engine and how (BottleneckSchedule.h);
      `spec2.fused_cost` (dictionary of integers cycles, ddr_bytes,
      cycles_unfused, ddr_bytes_unfused): the block's modeled cost fused and
      layer by layer, on every block spec2-fuse-bottlenecks considered.
    - `spec2.engine` ("spectral" or "spatial"), `spec2.engine_cycles`
      (dictionary of engine name to modeled cycles, dense): which engine
      runs a conv and what each engine that can run it would take
      (spec2-choose-engine).
    - `spec2.lane_order` (elements), `spec2.mac_steps`, `spec2.bank_stalls`,
      `spec2.bank_stalls_naive`, `spec2.bank_stalls_bound` (integers): the
      bank schedule of a conv.
    - `spec2.onnx_opset` (integer), `spec2.onnx_graph` (string): where the
      module came from.
    - `spec2.target` (dictionary, the module): the overlay configuration
      (include/spec2/Target/TargetAttr.h).
    - `spec2.level_base` (elements, a conv or fully-connected layer): the
      support of the previous, denser runtime level (its `bins` for a
      spectral conv, its `columns` for a fully-connected layer), whose zeros
      spec2-prune-spectral keeps; `spec2.level_sparsity` (f64, an
      ovl.program): the conv sparsity of the runtime level the program is
      (spec2c --runtime-sparsity, docs/decisions.md).
  }];
  let discardableAttrs = (ins
    "::mlir::FloatAttr":$absmax,
    "::mlir::FloatAttr":$absmax_pre,
    "::mlir::ElementsAttr":$tile_covariance,
    "::mlir::ElementsAttr":$input_covariance,
    "::mlir::IntegerAttr":$frac,
    "::mlir::DictionaryAttr":$tilings,
    "::mlir::DenseI64ArrayAttr":$tiling,
    "::mlir::StringAttr":$dataflow,
    "::mlir::DictionaryAttr":$dataflow_costs,
    "::mlir::DenseI64ArrayAttr":$spatial_tiling,
    "::mlir::StringAttr":$engine,
    "::mlir::DenseI64ArrayAttr":$fused,
    "::mlir::DictionaryAttr":$fused_cost,
    "::mlir::DictionaryAttr":$engine_cycles,
    "::mlir::ElementsAttr":$lane_order,
    "::mlir::IntegerAttr":$mac_steps,
    "::mlir::IntegerAttr":$bank_stalls,
    "::mlir::IntegerAttr":$bank_stalls_naive,
    "::mlir::IntegerAttr":$bank_stalls_bound,
    "::mlir::IntegerAttr":$onnx_opset,
    "::mlir::StringAttr":$onnx_graph,
    "::mlir::DictionaryAttr":$target,
    "::mlir::ElementsAttr":$level_base,
    "::mlir::FloatAttr":$level_sparsity
  );
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
}

#endif // SPEC2_SPEC2_DIALECT
