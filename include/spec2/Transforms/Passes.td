//===- Passes.td - spec2c passes -------------------------------*- tablegen -*-===//
//
// Every transformation of the compiler, each runnable alone from spec2-opt.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TRANSFORMS_PASSES
#define SPEC2_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def SetTarget : Pass<"spec2-set-target", "mlir::ModuleOp"> {
  let summary = "Resolve the overlay configuration once and attach it to the module";
  let description = [{
    Reads the configuration `target` names (a name in hw/configs such as
    `u200`, or a .json path) and attaches it to the module as
    `spec2.target` (include/spec2/Target/TargetAttr.h): its name, hash and
    every field. Every pass that needs the overlay's parameters reads them
    from there. A module that already has a different target is an error:
    a program is compiled for one overlay.
  }];
  let options = [
    Option<"target", "target", "std::string", "std::string(::spec2::kDefaultTarget)",
           "Overlay configuration: a name in hw/configs or a .json path">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def Calibrate : Pass<"spec2-calibrate", "mlir::ModuleOp"> {
  let summary = "Record activation ranges by running the float reference";
  let description = [{
    Runs `func.func @main` on the float32 reference executor for `count`
    calibration inputs and records, on every op, the largest magnitude its
    result took (`spec2.absmax`), and on every argument the same as an
    argument attribute. `source` is `fashion-mnist[:DIR]` (training images)
    or `random`: uniform values in [0, 1], the documented fallback when no
    calibration data is given; it says so with a warning.
  }];
  let options = [
    Option<"source", "source", "std::string", "\"random\"",
           "Calibration inputs: fashion-mnist[:DIR] or random">,
    Option<"count", "count", "unsigned", "256", "Number of calibration inputs">,
    Option<"seed", "seed", "unsigned", "::spec2::kCalibrationSeed",
           "Seed of the random fallback">,
    Option<"tileCovariance", "tile-covariance", "bool", "false",
           "Also record, on every tosa.conv2d, the covariance of its input "
           "tiles' spectra at the target's FFT size (spec2.tile_covariance, "
           "[bins, cin, cin, 2]) for pruning">,
    Option<"fcCovariance", "fc-covariance", "bool", "false",
           "Also record, on every matrix-vector tosa.matmul, the covariance "
           "of its input vector (spec2.input_covariance, [K, K]) for "
           "pruning">,
  ];
  let statistics = [Statistic<"numInputs", "inputs", "Calibration inputs run">];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def ChooseEngine : Pass<"spec2-choose-engine", "mlir::func::FuncOp"> {
  let summary = "Place every conv on the spectral or the spatial engine by the cost model";
  let description = [{
    For every `tosa.conv2d` (and `tosa.depthwise_conv2d`, which only the
    spatial engine runs) the modeled cycles on each engine that can run it
    (include/spec2/Scheduling/EngineChoice.h: the spectral engine at its
    best dataflow and tiling, with its kernels at `sparsity` when pruning
    is asked for; the spatial engine at its best tiling, its lane blocks'
    lists at the same sparsity; `layer-sparsity` prices the layers it names
    at theirs), recorded as
    `spec2.engine_cycles = {spectral = N, spatial = M}`, and the engine
    that runs it, `spec2.engine`: under `engine=auto` the one with fewer
    cycles (then fewer DDR bytes), under `spectral` or `spatial` that one
    wherever it can run the layer. `layer-engine` (`NAME=E[,NAME=E...]`,
    layers by ONNX node name) overrides both for the layers it names; a
    name that is no conv, or an engine that cannot run the layer, is an
    error. spec2-graph-to-spectral follows `spec2.engine`. Convs that are
    the groups of a grouped conv (the importer's slice/conv2d/concat
    chain) are left alone: they become one spatial layer.
  }];
  let options = [
    Option<"engine", "engine", "std::string", "\"auto\"",
           "auto (fewest modeled cycles), spectral or spatial">,
    Option<"layerEngine", "layer-engine", "std::string", "\"\"",
           "Per-layer engines NAME=E[,NAME=E...]">,
    Option<"sparsity", "sparsity", "double", "0.0",
           "Fraction of conv weights the pruning will remove">,
    Option<"layerSparsity", "layer-sparsity", "std::string", "\"\"",
           "Per-layer fractions NAME=R[,NAME=R...] (as spec2-prune-spectral's; "
           "names of no conv are left to it)">,
  ];
  let statistics = [
    Statistic<"numSpectral", "spectral", "Convs placed on the spectral engine">,
    Statistic<"numSpatial", "spatial", "Convs placed on the spatial engine">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def FoldBatchNorm : Pass<"spec2-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold per-channel scales and shifts into conv and FC layers";
  let description = [{
    Inference BatchNormalization imports as a per-channel multiply and add.
    Both fold into the preceding `spectral.conv2d` (scaling its kernel
    spectra and bias: the spectrum of a scaled kernel is the scaled
    spectrum) or `spectral.fully_connected`; so does a constant bias add.
    A per-channel multiply or add with no such layer before it (a pool, a
    residual add or a concat before it, or a layer with a fused activation)
    becomes `spectral.channel_affine` on the vector unit, consecutive ones
    merged into one.
  }];
  let options = [
    Option<"dryRun", "dry-run", "bool", "false",
           "Fold without computing the scaled weights (the layers carry "
           "placeholder weights in spec2-graph-to-spectral's dry run)">,
  ];
  let statistics = [Statistic<"numFolded", "folded", "Affine ops folded">,
                    Statistic<"numChannelAffine", "channel-affine",
                              "Affine ops left to the vector unit">];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def FuseActivations : Pass<"spec2-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fuse clamps (ReLU, ReLU6, Clip) into the layer that produces their input";
  let statistics = [Statistic<"numFused", "fused", "Clamps fused">];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def PruneSpectral : Pass<"spec2-prune-spectral", "mlir::func::FuncOp"> {
  let summary = "Prune spectral conv kernels to a fraction of zeros (OBS, ADMM or magnitude)";
  let description = [{
    Keeps `1 - sparsity` of the N*N/2+2 independent bins of the spectral
    conv kernels, balanced for the overlay's MAC lanes: the same number of
    bins in every (output, input) channel pair, or, with `target` and
    `obs`, the same number per output channel and input lane (the input
    channels ci = r mod P_in share lane r and walk one list of entries, see
    include/spec2/Scheduling/KerLayout.h), so that an output channel may
    keep more bins of one input channel and fewer of another; pairs then
    store their weights in `nnz` slots with bin -1 for the unused ones. The
    budget is global over the conv layers. Weights on the mirror bins
    of columns kx = 0 and N/2 are first folded onto their canonical bin
    (exact, see spectral::isCanonicalBin). Every frequency bin is an
    independent complex linear map from input to output channels; with the
    calibration tiles' spectral covariance C_f (spec2.tile_covariance from
    spec2-calibrate) the output error of a pruned kernel is a quadratic form
    per bin. The methods choose the kept bins:
    - `obs` (default): per output channel, repeatedly drop the (bin, input
      channel) weight whose removal raises the output error least once the
      other weights of its bin are re-solved (|w_i|^2 / [C_f^-1]_ii, optimal
      brain surgeon), never taking a pair (or lane) below its quota.
    - `admm`: alternate the per-bin weight update (a small linear solve
      fitting the original outputs), the balanced projection (largest
      w^2 times input power) and the dual update.
    - `magnitude`: the baseline, the largest energy |w|^2 per bin (x2 off
      columns 0 and N/2, /2 on a folded bin).
    `obs` and `admm` end with a least-squares refit of the kept values on
    the chosen support; without a covariance they fall back to magnitude.

    With `fc-sparsity`, every spectral.fully_connected keeps the same number
    of weights in each row (row-balanced, as BRDS): `magnitude` keeps the
    largest; `obs` and `admm` rank them by the output energy they carry on the
    calibration inputs (w^2 times the input's second moment, from
    spec2.input_covariance) and refits each row's kept weights by least
    squares to reproduce the row's original outputs (W_S C_SS = (W0 C)_S).

    Spatial convs (spectral.spatial_conv2d, the spatial engine) are pruned
    at the granularity the engine skips: one reduction entry (ci, ky, kx)
    per lane block of `conv_pout` output channels, every block of a layer
    keeping the same count (include/spec2/Scheduling/SpatialKer.h). The
    budget is global over the spatial layers, as it is over the spectral
    ones. `obs` and `admm` choose the entries by OBS per lane block on the
    input patches' covariance from the sequential fit (the lanes of a group
    share it) and refit each lane's kept weights by least squares;
    `magnitude`, or a layer too wide for the statistics, keeps the entries
    of largest weight energy over the block's lanes.

    `layer-sparsity` fixes the fraction of named layers; `sparsity` then
    applies to the other conv layers so that the conv layers as a whole
    still lose that fraction.

    A layer with `spec2.level_base` (the `bins` or `columns` of the previous
    runtime level, set by spec2c --runtime-sparsity) keeps a subset of that
    support: every method drops the base's zeros first (OBS with its exact
    update, so the rest is fitted as if they had never been there), then
    chooses among the weights left, and the refit runs on the final
    support. The levels' masks are nested by construction.
  }];
  let options = [
    Option<"sparsity", "sparsity", "double", "0.0",
           "Fraction of conv weights to remove, in [0, 1) (spectral and "
           "spatial layers, each engine's budget global over its layers)">,
    Option<"method", "method", "std::string", "\"obs\"",
           "obs or admm (both need spec2.tile_covariance from "
           "spec2-calibrate) or magnitude">,
    Option<"iterations", "iterations", "unsigned", "40", "ADMM iterations">,
    Option<"rho", "rho", "double", "3.0",
           "ADMM penalty, relative to each bin's mean input power">,
    Option<"fcSparsity", "fc-sparsity", "double", "0.0",
           "Fraction of fully-connected weights to remove, the same number "
           "kept in every row">,
    Option<"layerSparsity", "layer-sparsity", "std::string", "\"\"",
           "Per-layer overrides NAME=R[,NAME=R...] by ONNX node name, for "
           "conv and fully-connected layers">,
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration data for the sequential fit (as spec2-calibrate's "
           "source); empty: every layer is fitted on its own from the "
           "calibration covariances">,
    Option<"calibCount", "calib-count", "unsigned", "256",
           "Calibration inputs for the sequential fit">,
    Option<"calibSeed", "calib-seed", "unsigned", "::spec2::kCalibrationSeed",
           "Seed of random calibration inputs: spec2-calibrate's, so the fit "
           "runs on the inputs the calibration ran on">,
    Option<"refitRidge", "refit-ridge", "double", "1.0",
           "Ridge toward the original weights when a fully-connected layer "
           "is refitted on the pruned network's inputs, relative to the "
           "mean input power">,
  ];
  let statistics = [
    Statistic<"numKept", "kept", "Spectral weights kept">,
    Statistic<"numTotal", "total", "Spectral weights before pruning">,
    Statistic<"numFcKept", "fc-kept", "Fully-connected weights kept">,
    Statistic<"numFcTotal", "fc-total",
              "Fully-connected weights before pruning">,
    Statistic<"numSpatialKept", "spatial-kept",
              "Spatial conv weights kept (lane-block entries times lanes)">,
    Statistic<"numSpatialTotal", "spatial-total",
              "Spatial conv weights before pruning">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def Quantize : Pass<"spec2-quantize", "mlir::func::FuncOp"> {
  let summary = "Choose the int16 fixed-point format of every activation";
  let description = [{
    From the calibrated ranges (`spec2.absmax`), gives every spectral layer
    `in_frac`/`out_frac` (real = q * 2^-frac) so that the calibrated maximum
    uses 14 of the 15 magnitude bits, one bit of headroom for unseen inputs;
    values beyond saturate. The function's arguments get `spec2.frac`.
  }];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def ScheduleBanks : Pass<"spec2-schedule-banks", "mlir::func::FuncOp"> {
  let summary = "Order sparse kernel entries so the MAC lanes' reads avoid bank conflicts";
  let description = [{
    The SCONV engine's P_in x P_out lanes step together; at step t lane
    (pi, po) reads entry t of its channel pair's kernel from input channel
    pi's spectrum, which is banked by bin (bank = bin mod spec_banks, each
    serving spec_ports distinct bins per cycle). A step costs as many cycles
    as its busiest bank needs, so the order of each pair's entries decides
    the stalls. For every block and input lane this pass colours the
    bipartite multigraph lanes x bank ports (an entry is an edge) with nnz
    colours by alternating paths (Konig's theorem: possible whenever no bank
    port holds more than nnz entries), so every step reads each bank port at
    most once: no stalls. Overloaded groups are ordered greedily. Kernels
    whose pairs keep different numbers of bins (lane-balanced pruning) are
    walked by lanes across input channels (KerLayout.h): there the whole
    lane lists of a block are coloured, addresses being (group, bin), and
    each slot's position in its lane is recorded in `spec2.lane_order`.
    Records per conv, per input tile: `spec2.mac_steps`, `spec2.bank_stalls`,
    and `spec2.bank_stalls_naive` (the entries in stored order), counted with
    the cost model's step rule.
  }];
  let options = [
    Option<"naive", "naive", "bool", "false",
           "Only record the stalls; keep the entries in their order">,
  ];
  let statistics = [
    Statistic<"numStallsNaive", "stalls-naive",
              "Bank-conflict stalls per tile, entries in bin order">,
    Statistic<"numStalls", "stalls", "Bank-conflict stalls per tile, scheduled">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def TileConvs : Pass<"spec2-tile-convs", "mlir::func::FuncOp"> {
  let summary = "Choose per conv the strips and channel blocks that fit the target's buffers";
  let description = [{
    For every spectral.conv2d and every dataflow (activation reuse, kernel
    reuse; see include/spec2/Scheduling/ConvSchedule.h), the tiling (output
    rows per strip, output- and input-channel block sizes, multiples of the
    MAC lanes, whether INP, KER and BIAS are double-buffered so a group's
    loads overlap the previous group's computes, and whether the rows a
    strip's overlap-and-add spills below it are carried in OACC to the next
    strip instead of recomputed) whose every buffer fits the target and whose
    modeled cycles are fewest: `spec2.tilings = {activation_reuse =
    array<i64: rows, co_block, ci_block, double_buffered, carry>,
    kernel_reuse = ...}`. A layer no tiling fits is an error.
  }];
  let options = [
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def SelectDataflow : Pass<"spec2-select-dataflow", "mlir::func::FuncOp"> {
  let summary = "Pick per conv the dataflow with the lowest modeled latency";
  let description = [{
    Models every dataflow of `spec2.tilings` (computed as spec2-tile-convs
    does when absent) with the cost model, groups run one after another as
    the lowering's dependency tokens order them, and records the choice
    (`spec2.dataflow`, `spec2.tiling`) and every alternative's cost
    (`spec2.dataflow_costs = {kernel_reuse = {cycles, ddr_bytes,
    input_bytes, kernel_bytes, output_bytes}, ...}`). `force` fixes the
    dataflow of every layer (for comparisons). Convs on the spatial engine
    get the tiling the cost model times fastest (SpatialSearch.cpp: strip
    height, single or double buffering, tree or chain schedule) as
    `spec2.spatial_tiling = array<i64: rows, double_buffered, chain>`.
  }];
  let options = [
    Option<"force", "force", "std::string", "\"\"",
           "activation_reuse or kernel_reuse for every layer; empty: choose">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

def FuseBottlenecks : Pass<"spec2-fuse-bottlenecks", "mlir::func::FuncOp"> {
  let summary = "Fuse inverted-residual blocks on the spatial engine where the cost model says it is faster";
  let description = [{
    Finds every inverted-residual block of spatial convs (1x1 expand ->
    depthwise -> 1x1 project, or depthwise -> 1x1 project, then the
    residual `spectral.add` of the block input if there is one and the
    project has no clamp of its own; BottleneckSchedule.h,
    matchBottleneck) and times it both ways with the cost model: layer by
    layer, each conv at its `spec2.spatial_tiling` (double-buffered where
    spec2-select-dataflow chose so) and the add on the vector unit, and
    fused (BottleneckSchedule.cpp's search: strip height, double
    buffering, weights resident or chunk by chunk, each stage's channels
    cut into 1-3 chunks so that detached CONVQs run beside the next CONV;
    each CONV in the schedule with fewer steps). Records both on the block's first conv as
    `spec2.fused_cost = {cycles, ddr_bytes, cycles_unfused,
    ddr_bytes_unfused}` and, when the fused schedule is faster (equal
    cycles: fewer DDR bytes), `spec2.fused = array<i64: rows,
    double_buffered, resident, split>`, which SpectralToOverlay follows:
    the expanded and depthwise tensors stay in MID.

    ```mlir
    %e = spectral.spatial_conv2d %x {spec2.fused = array<i64: 14, 1, 1, 2>,
           spec2.fused_cost = {cycles = 9000 : i64, ...}, ...}
    ```
  }];
  let statistics = [
    Statistic<"numBlocks", "blocks", "Inverted-residual blocks found">,
    Statistic<"numFused", "fused", "Blocks fused">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect"];
}

#endif // SPEC2_TRANSFORMS_PASSES
