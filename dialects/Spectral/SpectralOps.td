//===- SpectralOps.td - The spectral-sparse layer dialect -----------------===//
//
// Layer-level IR of spec2c between the TOSA graph and the overlay program.
// Tensors are NCHW (batch 1) float32 at this level: the values are what the
// model computes; how they are represented in int16 on the overlay is
// recorded by the quantisation pass in `in_frac`/`out_frac` attributes.
// Convolutions are spectral: their kernels are stored as half spectra of
// the FFT size with an explicit sparse encoding (values + bin indices, the
// same number of non-zeros for every (output, input) channel pair so the
// MAC lanes stay balanced). The other layers name the overlay engine that
// will run them.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_SPECTRAL_OPS
#define SPEC2_SPECTRAL_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Spectral_Dialect : Dialect {
  let name = "spectral";
  let cppNamespace = "::spec2::spectral";
  let summary = "Spectral-domain convolution layers and the overlay engines' layers";
  let description = [{
    One op per layer the overlay executes: `spectral.conv2d` (FFT tiles,
    sparse Hadamard products, overlap-and-add), `spectral.spatial_conv2d`
    (direct convolution on the spatial engine), `spectral.fully_connected`
    (row-balanced sparse matrix-vector), `spectral.pool2d`, `spectral.add`,
    `spectral.clamp`, `spectral.activation`, `spectral.channel_affine` and
    `spectral.channel_mul` (vector unit).
  }];
}

class Spectral_Op<string mnemonic, list<Trait> traits = []>
    : Op<Spectral_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def Spectral_Tensor : RankedTensorOf<[F32]>;

// Optional fixed-point formats: real = q * 2^-frac in int16.
defvar Spectral_QuantAttrs =
    (ins OptionalAttr<I32Attr>:$in_frac, OptionalAttr<I32Attr>:$out_frac);

def Spectral_Conv2DOp : Spectral_Op<"conv2d"> {
  let summary = "2-D convolution in the spectral domain with overlap-and-add";
  let description = [{
    Cross-correlation of an NCHW input with `cout x cin x kh x kw` kernels,
    computed as in SPEC2: the input is cut into `L x L` tiles, L = fft_size -
    max(kh, kw) + 1, each tile is zero-padded to `fft_size` and transformed,
    multiplied bin by bin with the kernels' spectra, summed over input
    channels, transformed back and overlap-added.

    The kernels are stored as the non-redundant half spectra (bins
    `ky * (N/2+1) + kx`, `kx <= N/2`) of the *flipped* kernels: `spectra`
    holds `nnz` complex values per (cout, cin) pair as `[cout, cin, nnz, 2]`
    (re, im) and `bins` their bin indices as `[cout, cin, nnz]`. Columns
    kx = 0 and N/2 hold conjugate pairs; since the overlay keeps the real
    part of the inverse transform, a kernel stores the pair's weight folded
    onto the bin with ky <= N/2 (`isCanonicalBin`), so dense kernels have
    `nnz = N*N/2 + 2` (34 for N = 8); pruned ones fewer. Pairs may keep
    different numbers of weights: `nnz` is then the largest count and a
    pair's unused slots hold bin -1 (absent; their values are ignored). The
    overlay's lanes are balanced per output channel and input lane, not per
    pair (see include/spec2/Scheduling/KerLayout.h). Other bins are legal
    and mean what the hardware makes of them. `bias` has one value per output channel; `clamp_min`/`clamp_max`
    is the fused activation (ReLU: [0, +inf]).

    Example:
    ```mlir
    %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           spectra = dense<...> : tensor<6x4x34x2xf32>,
           bins = dense<...> : tensor<6x4x34xi32>, bias = dense<...> : tensor<6xf32>,
           clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32}
         : tensor<1x4x14x14xf32> -> tensor<1x6x14x14xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      I64Attr:$fft_size,
      DenseI64ArrayAttr:$kernel,
      DenseI64ArrayAttr:$pad,
      DenseI64ArrayAttr:$stride,
      ElementsAttr:$spectra,
      ElementsAttr:$bins,
      ElementsAttr:$bias,
      F32Attr:$clamp_min,
      F32Attr:$clamp_max), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getInChannels() { return getInput().getType().getDimSize(1); }
    int64_t getOutChannels() { return getOutput().getType().getDimSize(1); }
    /// Non-zeros per (output, input) channel pair.
    int64_t getNnz();
    /// Side of the input tiles: fft_size - max(kernel) + 1.
    int64_t getTileSize();
  }];
}

def Spectral_SpatialConv2DOp : Spectral_Op<"spatial_conv2d"> {
  let summary = "Direct 2-D convolution on the spatial conv engine";
  let description = [{
    Cross-correlation of an NCHW input with `weights` of shape
    `[cout, cin / group, kh, kw]` (ONNX's OIHW), every kind the spectral
    engine cannot take or takes badly: depthwise (group = cin, any channel
    multiplier cout / cin), grouped, dilated, and kernels larger than the
    FFT size. Output channel `co` reads the input channels of its group
    `g = co / (cout / group)`:
    `y[co, oy, ox] = bias[co] + sum_{ci, ky, kx} weights[co, ci, ky, kx] *
    x[g * cin/group + ci, oy*sy - pt + ky*dy, ox*sx - pl + kx*dx]`, positions
    outside the input reading zero; then the clamp. `pad` is (top, left,
    bottom, right), as spectral.conv2d's.

    ```mlir
    %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           dilation = array<i64: 1, 1>, group = 8 : i64,
           weights = dense<...> : tensor<8x1x3x3xf32>,
           bias = dense<...> : tensor<8xf32>,
           clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}
         : tensor<1x8x14x14xf32> -> tensor<1x8x14x14xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      DenseI64ArrayAttr:$kernel,
      DenseI64ArrayAttr:$pad,
      DenseI64ArrayAttr:$stride,
      DenseI64ArrayAttr:$dilation,
      I64Attr:$group,
      ElementsAttr:$weights,
      ElementsAttr:$bias,
      F32Attr:$clamp_min,
      F32Attr:$clamp_max), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getInChannels() { return getInput().getType().getDimSize(1); }
    int64_t getOutChannels() { return getOutput().getType().getDimSize(1); }
    /// Input channels each output channel reads (cin / group).
    int64_t getChannelsPerGroup() { return getInChannels() / getGroup(); }
    /// Output channels of one group (cout / group).
    int64_t getOutputsPerGroup() { return getOutChannels() / getGroup(); }
  }];
}

def Spectral_FullyConnectedOp : Spectral_Op<"fully_connected"> {
  let summary = "Row-balanced sparse matrix-vector product";
  let description = [{
    `output[m] = sum_t values[m, t] * flat(input)[columns[m, t]] + bias[m]`,
    then the clamp. Every row has the same number of stored weights `nnz`
    (dense: nnz = K with columns 0..K-1), as BRDS balances rows so parallel
    lanes finish together. The input is read in its flattened NCHW order.

    ```mlir
    %y = spectral.fully_connected %x {values = dense<...> : tensor<10x84xf32>,
           columns = dense<...> : tensor<10x84xi32>, bias = dense<...> : tensor<10xf32>,
           clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
         : tensor<1x84xf32> -> tensor<1x10xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      ElementsAttr:$values,
      ElementsAttr:$columns,
      ElementsAttr:$bias,
      F32Attr:$clamp_min,
      F32Attr:$clamp_max), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Spectral_Pool2DOp : Spectral_Op<"pool2d"> {
  let summary = "Max or average pooling on the vector unit";
  let description = [{
    NCHW pooling with window `kernel`, `stride` and padding `pad` (top, left,
    bottom, right). `kind` is "max" or "avg"; for "avg",
    `count_include_pad` counts padded positions in the divisor. A window
    the size of the plane is global pooling.

    ```mlir
    %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>,
           stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>,
           count_include_pad = false, clamp_min = 0xFF800000 : f32,
           clamp_max = 0x7F800000 : f32}
         : tensor<1x16x28x28xf32> -> tensor<1x16x14x14xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      StrAttr:$kind,
      DenseI64ArrayAttr:$kernel,
      DenseI64ArrayAttr:$stride,
      DenseI64ArrayAttr:$pad,
      BoolAttr:$count_include_pad,
      F32Attr:$clamp_min,
      F32Attr:$clamp_max), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Spectral_AddOp : Spectral_Op<"add", [AllTypesMatch<["lhs", "rhs", "output"]>]> {
  let summary = "Element-wise sum of two same-shaped tensors, then a clamp";
  let description = [{
    ```mlir
    %z = spectral.add %a, %b {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32}
         : tensor<1x64x56x56xf32>
    ```
    `lhs_frac`/`rhs_frac` give the operands' fixed-point formats once
    quantised.
  }];
  let arguments = (ins Spectral_Tensor:$lhs, Spectral_Tensor:$rhs,
      F32Attr:$clamp_min, F32Attr:$clamp_max,
      OptionalAttr<I32Attr>:$lhs_frac, OptionalAttr<I32Attr>:$rhs_frac,
      OptionalAttr<I32Attr>:$out_frac);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Spectral_ClampOp : Spectral_Op<"clamp", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Clamp (ReLU, ReLU6, Clip) on the vector unit";
  let description = [{
    ```mlir
    %y = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32} : tensor<1x32x7x7xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      F32Attr:$clamp_min, F32Attr:$clamp_max), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Spectral_ActivationOp : Spectral_Op<"activation", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Any element-wise function of one activation, as samples";
  let description = [{
    The element-wise subgraph an exporter makes of tanh, sigmoid, leaky
    ReLU, ELU, hard-swish and the like, sampled: `samples[i]` is the
    function at `x_min + i * (x_max - x_min) / (n - 1)`; between samples it is
    linear, beyond them constant. The overlay's vector unit runs it as a
    257-entry piecewise-linear table built for the operand formats.

    ```mlir
    %y = spectral.activation %x {x_min = -8.0 : f32, x_max = 8.0 : f32,
           samples = dense<...> : tensor<2049xf32>} : tensor<1x6x28x28xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input, F32Attr:$x_min,
      F32Attr:$x_max, ElementsAttr:$samples), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The sampled function at `x` (linear between samples).
    double evaluate(double x);
  }];
}

def Spectral_ConcatOp : Spectral_Op<"concat"> {
  let summary = "Concatenation along an axis that is contiguous in memory";
  let description = [{
    The inputs joined along `axis`; every dimension before `axis` has
    extent 1 (batch 1, channel axis of NCHW), so in the overlay's dense
    layout the result is the inputs' bytes one after the other. The
    lowering places the producers' outputs at their offsets in the
    result (no instructions); an input it cannot place (a graph input,
    a value already placed elsewhere, one given twice) is copied by the
    vector unit. Quantisation gives the inputs the result's format.

    ```mlir
    %y = spectral.concat %a, %b {axis = 1 : i64}
         : (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>) -> tensor<1x128x56x56xf32>
    ```
  }];
  let arguments = (ins Variadic<Spectral_Tensor>:$inputs, I64Attr:$axis,
      OptionalAttr<I32Attr>:$out_frac);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type($inputs, $output)";
  let hasVerifier = 1;
}

def Spectral_SliceOp : Spectral_Op<"slice"> {
  let summary = "A contiguous part of a tensor: a view, no data moved";
  let description = [{
    Elements `[start, start + size)` along `axis` and every element of the
    other axes; every dimension before `axis` has extent 1, so the result
    is a contiguous run of the input's bytes (ShuffleNet's channel split).

    ```mlir
    %y = spectral.slice %x {axis = 1 : i64, start = 58 : i64}
         : tensor<1x116x28x28xf32> -> tensor<1x58x28x28xf32>
    ```
  }];
  let arguments = (ins Spectral_Tensor:$input, I64Attr:$axis, I64Attr:$start,
      OptionalAttr<I32Attr>:$in_frac, OptionalAttr<I32Attr>:$out_frac);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Spectral_PermuteChannelsOp
    : Spectral_Op<"permute_channels", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Output channel c is input channel perm[c] (channel shuffle)";
  let description = [{
    A permutation of the channels of an NCHW tensor, as ShuffleNet's
    Reshape -> Transpose -> Reshape makes. The overlay copies runs of
    consecutive input channels to output channels a fixed stride apart,
    one strided STORE per run.

    ```mlir
    %y = spectral.permute_channels %x {perm = array<i64: 0, 2, 1, 3>}
         : tensor<1x4x28x28xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input, DenseI64ArrayAttr:$perm),
      Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Spectral_ChannelAffineOp
    : Spectral_Op<"channel_affine", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Per-channel scale and shift on the vector unit, then a clamp";
  let description = [{
    `y[n, c, ...] = clamp(x[n, c, ...] * scale[c] + shift[c])` with constant
    `scale` and `shift` of one value per channel (dimension 1): a
    BatchNormalization, or a Mul/Add by a per-channel constant, that
    spec2-fold-batchnorm could not fold into the conv or FC layer before it.
    The vector unit runs it as VEC.affine with an int16 scale and an int32
    shift per channel; `scale_frac` is the scale's fixed-point format, chosen
    by spec2-quantize.

    ```mlir
    %y = spectral.channel_affine %x {scale = dense<[0.5, 2.0]> : tensor<2xf32>,
           shift = dense<[0.1, -1.0]> : tensor<2xf32>, clamp_min = 0.0 : f32,
           clamp_max = 0x7F800000 : f32} : tensor<1x2x8x8xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input, ElementsAttr:$scale,
      ElementsAttr:$shift, F32Attr:$clamp_min, F32Attr:$clamp_max),
      Spectral_QuantAttrs, (ins OptionalAttr<I32Attr>:$scale_frac));
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getChannels() { return getInput().getType().getDimSize(1); }
  }];
}

def Spectral_ChannelMulOp
    : Spectral_Op<"channel_mul", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Product with a run-time per-channel vector, then a clamp";
  let description = [{
    `y[n, c, ...] = clamp(x[n, c, ...] * s[n, c, 0, ...])`: `scale` is an
    activation with one value per channel of `input` (shape `[N, C, 1, ...]`
    of the same rank), the gate of a squeeze-and-excitation block
    (GlobalAveragePool -> 1x1 conv -> ReLU -> 1x1 conv -> HardSigmoid or
    Sigmoid -> Mul). The vector unit runs it as VEC.mul, the channel's
    factor loaded into INP beside its planes. `in_frac`/`scale_frac` give the
    operands' fixed-point formats once quantised.

    ```mlir
    %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32,
           clamp_max = 0x7F800000 : f32}
         : tensor<1x16x56x56xf32>, tensor<1x16x1x1xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input, Spectral_Tensor:$scale,
      F32Attr:$clamp_min, F32Attr:$clamp_max), Spectral_QuantAttrs,
      (ins OptionalAttr<I32Attr>:$scale_frac));
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat =
      "$input `,` $scale attr-dict `:` type($output) `,` type($scale)";
  let hasVerifier = 1;
}

def Spectral_SoftmaxOp
    : Spectral_Op<"softmax", [AllTypesMatch<["input", "output"]>]> {
  let summary = "Softmax over the channels, at every position";
  let description = [{
    `y[0, c, p] = exp(x[0, c, p] - m) / sum_c' exp(x[0, c', p] - m)`, m the
    channels' maximum at position p: ONNX Softmax along axis 1 of [1, C] (a
    classifier's logits) or [1, C, H, W] (per pixel). The vector unit runs
    it as VEC.softmax: the exponential from a 257-entry table over the
    differences (at most 0), a divider per position, the probabilities in
    the output format (`out_frac`). With `log`, ONNX LogSoftmax: the
    log-probabilities `x - m - ln(sum)`, the logarithm from the sum's
    leading one and a table over its mantissa.

    ```mlir
    %p = spectral.softmax %x : tensor<1x1000xf32>
    ```
  }];
  let arguments = !con((ins Spectral_Tensor:$input,
      DefaultValuedAttr<BoolAttr, "false">:$log), Spectral_QuantAttrs);
  let results = (outs Spectral_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

#endif // SPEC2_SPECTRAL_OPS
