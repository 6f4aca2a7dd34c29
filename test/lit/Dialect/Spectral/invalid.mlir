// Every verifier error of the spectral dialect (SpectralDialect.cpp), plus
// the ODS constraints the ops rely on.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Window checks shared by conv2d and pool2d
//===----------------------------------------------------------------------===//

func.func @pool_rank(%x: tensor<2x6x6xf32>) -> tensor<2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op expects NCHW (rank 4) input and output}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<2x6x6xf32> -> tensor<2x3x3xf32>
  return %y : tensor<2x3x3xf32>
}

// -----

func.func @conv_batch(%x: tensor<2x1x6x6xf32>) -> tensor<2x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op supports batch 1 only}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<2x1x6x6xf32> -> tensor<2x2x6x6xf32>
  return %y : tensor<2x2x6x6xf32>
}

// -----

func.func @conv_pad_count(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op expects kernel and stride of 2 values and pad of 4}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @pool_kernel_count(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op expects kernel and stride of 2 values and pad of 4}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

func.func @pool_zero_stride(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op kernel and stride must be positive}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 0, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

func.func @conv_zero_kernel(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op kernel and stride must be positive}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 0>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @pool_window_too_large(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'spectral.pool2d' op window larger than the padded input}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 7, 2>, stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

func.func @conv_output_height(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x5x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op output height 5 does not match the window (expected 6)}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x5x6xf32>
  return %y : tensor<1x2x5x6xf32>
}

// -----

// pad is (top, left, bottom, right): 1 + 6 + 0 = 7 columns, 3 outputs.
func.func @pool_output_width(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+1 {{'spectral.pool2d' op output width 4 does not match the window (expected 3)}}
  %y = spectral.pool2d %x {kind = "avg", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x4xf32>
  return %y : tensor<1x2x3x4xf32>
}

// -----

// Pads of -1 and +1 on one side each give the right output size; the
// negative one is still refused.
func.func @pool_negative_pad(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op padding must be non-negative}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: -1, 0, 1, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

// -----

func.func @conv_fft_not_pow2(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op fft_size must be a power of two in [4, 64], got 6}}
  %y = spectral.conv2d %x {fft_size = 6 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_fft_too_large(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op fft_size must be a power of two in [4, 64], got 128}}
  %y = spectral.conv2d %x {fft_size = 128 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_fft_too_small(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op fft_size must be a power of two in [4, 64], got 2}}
  %y = spectral.conv2d %x {fft_size = 2 : i64, kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_kernel_exceeds_fft(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x2x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op kernel 5x1 does not fit fft_size 4}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 5, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x2x6xf32>
  return %y : tensor<1x2x2x6xf32>
}

// -----

func.func @conv_bins_shape(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bins must be [cout, cin, nnz] = [2, 1, nnz]}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<1x2x2x2xf32>, bins = dense<0> : tensor<1x2x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_bins_rank(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bins must be [cout, cin, nnz] = [2, 1, nnz]}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_nnz_zero(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op nnz 0 must be in [1, 12]}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x0x2xf32>, bins = dense<0> : tensor<2x1x0xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// N = 4 keeps 4 * (4/2 + 1) = 12 bins per kernel.
func.func @conv_nnz_too_many(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op nnz 13 must be in [1, 12]}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x13x2xf32>, bins = dense<0> : tensor<2x1x13xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_bins_type(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bins must be i32}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi16>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// N = 4: bins index the 12 bins of the half spectrum.
func.func @conv_bin_out_of_range(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bin index 12 is outside [-1, 12) (-1 marks an absent slot)}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<[[[0, 11]], [[12, 1]]]> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_bin_splat_negative(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bin index -2 is outside [-1, 12) (-1 marks an absent slot)}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<-2> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_spectra_shape(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op spectra must be [cout, cin, nnz, 2] = [2, 1, 2, 2]}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_bias_shape(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op bias must have 2 values}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_spectra_type(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op spectra and bias must be f32}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf16>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_bias_type(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op spectra and bias must be f32}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0> : tensor<2xi32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_clamp(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op clamp_min must not exceed clamp_max}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 1.0 : f32, clamp_max = 0.0 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_clamp_nan(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op clamp bounds must not be NaN}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0.0 : f32, clamp_max = 0x7FC00000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_missing_attr(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op requires attribute 'fft_size'}}
  %y = spectral.conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @conv_not_f32(%x: tensor<1x1x6x6xf16>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op operand #0 must be ranked tensor of 32-bit float values}}
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<0.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf16> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

//===----------------------------------------------------------------------===//
// fully_connected
//===----------------------------------------------------------------------===//

// -----

func.func @fc_dynamic(%x: tensor<1x?xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op expects static shapes}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x?xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_output_shape(%x: tensor<1x8xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op output must be [1, M]}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @fc_output_rank(%x: tensor<1x8xf32>) -> tensor<1x1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op output must be [1, M]}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x1x3xf32>
  return %y : tensor<1x1x3xf32>
}

// -----

func.func @fc_values_rows(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op values must be [M, nnz] with M = 3}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<4x2xf32>, columns = dense<0> : tensor<4x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// K is the flattened input size: 1 x 2 x 2 x 2 = 8.
func.func @fc_nnz_exceeds_k(%x: tensor<1x2x2x2xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op nnz 9 must be in [1, 8]}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x9xf32>, columns = dense<0> : tensor<3x9xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x2x2xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_nnz_zero(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op nnz 0 must be in [1, 8]}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x0xf32>, columns = dense<0> : tensor<3x0xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_columns_shape(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op columns must have the shape of values}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x3xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_columns_type(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op columns must be i32}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0.0> : tensor<3x2xf32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A column must address the K = 8 inputs (one past them used to crash
// spec2-spectral-to-overlay).
func.func @fc_column_out_of_range(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op column index 8 is outside [0, 8)}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<[[0, 7], [1, 8], [2, 3]]> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_column_negative(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op column index -1 is outside [0, 8)}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<[[0, 7], [-1, 6], [2, 3]]> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// Large weights live in resource blobs; their indices are checked too.
func.func @fc_column_in_blob(%x: tensor<1x8xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op column index 9 is outside [0, 8)}}
  %y = spectral.fully_connected %x {values = dense<1.0> : tensor<1x2xf32>, columns = dense_resource<cols> : tensor<1x2xi32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      cols: "0x040000000100000009000000"
    }
  }
#-}

// -----

func.func @fc_bias_shape(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op bias must have 3 values}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<1x3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @fc_values_type(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op values and bias must be f32}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf64>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// An f16 bias blob could not be read by the lowering (it crashed there).
func.func @fc_bias_blob_type(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op values and bias must be f32}}
  %y = spectral.fully_connected %x {values = dense<1.0> : tensor<2x2xf32>, columns = dense<[[0, 1], [2, 3]]> : tensor<2x2xi32>, bias = dense_resource<half_bias> : tensor<2xf16>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      half_bias: "0x020000000038003C"
    }
  }
#-}

// -----

func.func @fc_clamp(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'spectral.fully_connected' op clamp_min must not exceed clamp_max}}
  %y = spectral.fully_connected %x {values = dense<0.0> : tensor<3x2xf32>, columns = dense<0> : tensor<3x2xi32>, bias = dense<0.0> : tensor<3xf32>, clamp_min = 0x7F800000 : f32, clamp_max = 0xFF800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

//===----------------------------------------------------------------------===//
// pool2d
//===----------------------------------------------------------------------===//

// -----

func.func @pool_kind(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op kind must be "max" or "avg", got "min"}}
  %y = spectral.pool2d %x {kind = "min", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

func.func @pool_channels(%x: tensor<1x2x6x6xf32>) -> tensor<1x3x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op pooling keeps the channel count}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x6x6xf32> -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}

// -----

func.func @pool_clamp(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'spectral.pool2d' op clamp_min must not exceed clamp_max}}
  %y = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 6.0 : f32, clamp_max = 5.5 : f32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

//===----------------------------------------------------------------------===//
// add and clamp
//===----------------------------------------------------------------------===//

// -----

func.func @add_clamp(%a: tensor<1x2x6x6xf32>, %b: tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.add' op clamp_min must not exceed clamp_max}}
  %y = spectral.add %a, %b {clamp_min = 0.0 : f32, clamp_max = -1.0 : f32} : tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @add_types(%a: tensor<1x2x6x6xf32>, %b: tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.add' op failed to verify that all of {lhs, rhs, output} have same type}}
  %y = "spectral.add"(%a, %b) {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32} : (tensor<1x2x6x6xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @clamp_bounds(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.clamp' op clamp_min must not exceed clamp_max}}
  %y = spectral.clamp %x {clamp_min = 6.0 : f32, clamp_max = 0.0 : f32} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @clamp_nan(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.clamp' op clamp bounds must not be NaN}}
  %y = spectral.clamp %x {clamp_min = 0x7FC00000 : f32, clamp_max = 6.0 : f32} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @clamp_types(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'spectral.clamp' op failed to verify that all of {input, output} have same type}}
  %y = "spectral.clamp"(%x) {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32} : (tensor<1x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @clamp_frac_type(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.clamp' op attribute 'in_frac' failed to satisfy constraint: 32-bit signless integer attribute}}
  %y = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32, in_frac = 3 : i64} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

//===----------------------------------------------------------------------===//
// activation
//===----------------------------------------------------------------------===//

// -----

func.func @activation_one_sample(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.activation' op samples must be a 1-D f32 tensor of at least 2 values}}
  %y = spectral.activation %x {x_min = -1.0 : f32, x_max = 1.0 : f32, samples = dense<[0.0]> : tensor<1xf32>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @activation_samples_rank(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.activation' op samples must be a 1-D f32 tensor of at least 2 values}}
  %y = spectral.activation %x {x_min = -1.0 : f32, x_max = 1.0 : f32, samples = dense<0.0> : tensor<2x2xf32>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @activation_samples_type(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.activation' op samples must be a 1-D f32 tensor of at least 2 values}}
  %y = spectral.activation %x {x_min = -1.0 : f32, x_max = 1.0 : f32, samples = dense<[0, 1]> : tensor<2xi32>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @activation_empty_range(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.activation' op x_min must be below x_max}}
  %y = spectral.activation %x {x_min = 1.0 : f32, x_max = 1.0 : f32, samples = dense<[0.0, 1.0]> : tensor<2xf32>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @activation_nan_range(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.activation' op x_min must be below x_max}}
  %y = spectral.activation %x {x_min = 0x7FC00000 : f32, x_max = 1.0 : f32, samples = dense<[0.0, 1.0]> : tensor<2xf32>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @activation_types(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'spectral.activation' op failed to verify that all of {input, output} have same type}}
  %y = "spectral.activation"(%x) {x_min = -1.0 : f32, x_max = 1.0 : f32, samples = dense<[0.0, 1.0]> : tensor<2xf32>} : (tensor<1x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spatial_conv2d
//===----------------------------------------------------------------------===//

func.func @spatial_group(%x: tensor<1x6x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op group 4 must divide the 6 input and 4 output channels}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 4 : i64, weights = dense<0.0> : tensor<4x1x3x3xf32>, bias = dense<0.0> : tensor<4xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x6x6x6xf32> -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @spatial_weights(%x: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op weights must be [cout, cin/group, kh, kw] = [4, 2, 3, 3]}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 2 : i64, weights = dense<0.0> : tensor<4x4x3x3xf32>, bias = dense<0.0> : tensor<4xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// The dilated 3x3 kernel spans 5 rows: 6 + 2 - 5 + 1 = 4 output rows, not 6.
func.func @spatial_dilated_size(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op output height 6 does not match the window (expected 4)}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 2, 1, 2>, stride = array<i64: 1, 1>, dilation = array<i64: 2, 2>, group = 1 : i64, weights = dense<0.0> : tensor<1x1x3x3xf32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xf32>
  return %y : tensor<1x1x6x6xf32>
}

// -----

func.func @spatial_dilation(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op dilation must be 2 positive values}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 0, 1>, group = 1 : i64, weights = dense<0.0> : tensor<1x1x3x3xf32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xf32>
  return %y : tensor<1x1x6x6xf32>
}

// -----

func.func @spatial_bias(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op bias must have 2 values}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 1 : i64, weights = dense<0.0> : tensor<2x1x3x3xf32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

func.func @spatial_clamp(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'spectral.spatial_conv2d' op clamp_min must not exceed clamp_max}}
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 1 : i64, weights = dense<0.0> : tensor<1x1x3x3xf32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 1.0 : f32, clamp_max = 0.0 : f32} : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xf32>
  return %y : tensor<1x1x6x6xf32>
}

//===----------------------------------------------------------------------===//
// Data movement: concat, slice, permute_channels
//===----------------------------------------------------------------------===//

// -----

func.func @concat_not_contiguous(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>) -> tensor<1x2x8x4xf32> {
  // expected-error @+1 {{'spectral.concat' op axis 2 is not contiguous: the dimensions before it must be 1}}
  %y = spectral.concat %a, %b {axis = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x8x4xf32>
  return %y : tensor<1x2x8x4xf32>
}

// -----

func.func @concat_extent(%a: tensor<1x2x4x4xf32>, %b: tensor<1x3x4x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'spectral.concat' op the inputs' extents sum to 5 along axis 1, the result has 4}}
  %y = spectral.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @concat_shapes(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x5xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'spectral.concat' op input shapes differ from the result outside axis 1}}
  %y = spectral.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @slice_outside(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'spectral.slice' op elements [3, 5) are outside the input's 4}}
  %y = spectral.slice %x {axis = 1 : i64, start = 3 : i64} : tensor<1x4x4x4xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @slice_two_axes(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error @+1 {{'spectral.slice' op a slice keeps every dimension but axis 1}}
  %y = spectral.slice %x {axis = 1 : i64, start = 0 : i64} : tensor<1x4x4x4xf32> -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}

// -----

func.func @permute_not_permutation(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{'spectral.permute_channels' op perm is not a permutation of 0..2}}
  %y = spectral.permute_channels %x {perm = array<i64: 0, 0, 2>} : tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}
