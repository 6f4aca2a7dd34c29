//===- Passes.td - spec2c conversion passes ----------------*- tablegen -*-===//
//
// The passes that take the program from one level of IR to the next: graph
// (TOSA) -> spectral layers -> overlay instructions.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_CONVERSION_PASSES
#define SPEC2_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def GraphToSpectral : Pass<"spec2-graph-to-spectral", "mlir::func::FuncOp"> {
  let summary = "Lower TOSA layers to spectral-domain layers";
  let description = [{
    Rewrites NHWC `tosa.conv2d` into NCHW `spectral.conv2d` whose kernels are
    the half spectra of the flipped kernels at `fft-size`, computed once here
    with FFTW3 (Hermitian symmetry: only N*(N/2+1) bins per kernel are kept);
    pooling into `spectral.pool2d`; `tosa.matmul` of a flattened activation
    with constant weights into `spectral.fully_connected`; `tosa.clamp` into
    `spectral.clamp` and the sum of two activations into `spectral.add`; any
    other element-wise function of one activation built from TOSA ops (tanh,
    sigmoid, leaky ReLU's select, ELU's exp, hard-swish, ...) into a sampled
    `spectral.activation`.
    Convolutions the spectral engine cannot run become direct
    `spectral.spatial_conv2d` (the spatial engine): `tosa.depthwise_conv2d`
    (any channel multiplier), the importer's grouped chain (a channel concat
    of one `tosa.conv2d` per channel slice of one input), dilated convs and
    kernels larger than `fft-size`, and the convs spec2-choose-engine
    placed on the spatial engine (`spec2.engine = "spatial"`); the engine
    choice and the range stay on the new op.
    Layout transposes are inserted around each rewritten op; canonicalisation
    cancels them.
  }];
  let options = [
    Option<"fftSize", "fft-size", "int64_t", "0",
           "FFT tile size N; 0: the module's target's (spec2.target)">,
    Option<"dryRun", "dry-run", "bool", "false",
           "Placeholder (splat) weights: nothing is read or transformed, for "
           "the up-front check of which ops convert">,
  ];
  let dependentDialects = ["spec2::Spec2Dialect", "spec2::spectral::SpectralDialect", "mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numConvs", "convs", "Convolutions made spectral">,
    Statistic<"numSpatialConvs", "spatial-convs", "Convolutions made direct (spatial engine)">,
    Statistic<"numActivations", "activations", "Element-wise functions sampled">,
  ];
}


def SpectralToOverlay : Pass<"spec2-spectral-to-overlay", "mlir::ModuleOp"> {
  let summary = "Lower spectral layers to an overlay program";
  let description = [{
    Turns `func.func @main` into an `ovl.program` for the target
    configuration: DRAM layout of activations and weights, per-layer tiling
    into the on-chip buffers, the fixed-point shifts of every engine, the
    quantised kernel spectra and FC rows, and the dependency tokens between
    the load, compute and store modules.
  }];
  let dependentDialects = ["spec2::Spec2Dialect", "spec2::ovl::OverlayDialect"];
  let statistics = [Statistic<"numInsns", "instructions", "Instructions emitted">];
}

#endif // SPEC2_CONVERSION_PASSES
