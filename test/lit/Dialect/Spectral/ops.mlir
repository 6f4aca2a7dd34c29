// Every spectral op survives printing and re-parsing, in the custom and in
// the generic form, with all of its attributes (optional formats included).
// RUN: spec2-opt %s | spec2-opt | FileCheck %s
// RUN: spec2-opt %s --mlir-print-op-generic | spec2-opt | FileCheck %s

// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x6x6xf32>)
// CHECK: %[[Y:.*]] = spectral.conv2d %[[X]] {bias = dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>, bins = dense<{{\[\[\[}}0, 5]], {{\[\[}}1, 11]]]> : tensor<2x1x2xi32>, clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32, fft_size = 4 : i64, in_frac = 14 : i32, kernel = array<i64: 3, 3>, out_frac = 12 : i32, pad = array<i64: 1, 1, 1, 1>, spectra = dense<{{\[\[\[\[}}1.000000e+00, 0.000000e+00], [2.000000e+00, -1.000000e+00]]], {{\[\[\[}}3.000000e+00, 0.000000e+00], [4.000000e+00, 5.000000e-01]]]]> : tensor<2x1x2x2xf32>, stride = array<i64: 1, 1>} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv2d(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x6x6xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [2.0, -1.0]]], [[[3.0, 0.0], [4.0, 0.5]]]]> : tensor<2x1x2x2xf32>,
         bins = dense<[[[0, 5]], [[1, 11]]]> : tensor<2x1x2xi32>,
         bias = dense<[0.5, -0.25]> : tensor<2xf32>,
         clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32,
         in_frac = 14 : i32, out_frac = 12 : i32}
       : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// Strided, asymmetrically padded, dense (nnz = 8 * 5 = 40) and unquantised:
// the optional formats stay absent.
// CHECK-LABEL: func.func @conv2d_strided
// CHECK: spectral.conv2d %{{.*}} {bias = dense<0.000000e+00> : tensor<1xf32>, bins = dense<0> : tensor<1x2x40xi32>, clamp_max = 6.000000e+00 : f32, clamp_min = -6.000000e+00 : f32, fft_size = 8 : i64, kernel = array<i64: 3, 2>, pad = array<i64: 0, 1, 2, 0>, spectra = dense<2.500000e-01> : tensor<1x2x40x2xf32>, stride = array<i64: 2, 3>} : tensor<1x2x6x6xf32> -> tensor<1x1x3x2xf32>
func.func @conv2d_strided(%x: tensor<1x2x6x6xf32>) -> tensor<1x1x3x2xf32> {
  %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 2>,
         pad = array<i64: 0, 1, 2, 0>, stride = array<i64: 2, 3>,
         spectra = dense<0.25> : tensor<1x2x40x2xf32>,
         bins = dense<0> : tensor<1x2x40xi32>, bias = dense<0.0> : tensor<1xf32>,
         clamp_min = -6.0 : f32, clamp_max = 6.0 : f32}
       : tensor<1x2x6x6xf32> -> tensor<1x1x3x2xf32>
  return %y : tensor<1x1x3x2xf32>
}

// The FC input is read flattened: a 1x2x2x2 activation is K = 8.
// CHECK-LABEL: func.func @fully_connected
// CHECK: spectral.fully_connected %{{.*}} {bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, columns = dense<{{\[\[}}0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>, in_frac = 11 : i32, out_frac = 9 : i32, values = dense<{{\[\[}}1.000000e+00, -1.000000e+00], [5.000000e-01, 2.500000e-01], [0.000000e+00, 3.000000e+00]]> : tensor<3x2xf32>} : tensor<1x2x2x2xf32> -> tensor<1x3xf32>
func.func @fully_connected(%x: tensor<1x2x2x2xf32>) -> tensor<1x3xf32> {
  %y = spectral.fully_connected %x {
         values = dense<[[1.0, -1.0], [0.5, 0.25], [0.0, 3.0]]> : tensor<3x2xf32>,
         columns = dense<[[0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>,
         bias = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         in_frac = 11 : i32, out_frac = 9 : i32}
       : tensor<1x2x2x2xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// CHECK-LABEL: func.func @pool2d
// CHECK: %[[M:.*]] = spectral.pool2d %{{.*}} {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, count_include_pad = false, in_frac = 12 : i32, kernel = array<i64: 2, 2>, kind = "max", out_frac = 12 : i32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
// CHECK: spectral.pool2d %[[M]] {clamp_max = 1.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, count_include_pad = true, kernel = array<i64: 3, 3>, kind = "avg", pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
func.func @pool2d(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %m = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>,
         stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>,
         count_include_pad = false, clamp_min = 0xFF800000 : f32,
         clamp_max = 0x7F800000 : f32, in_frac = 12 : i32, out_frac = 12 : i32}
       : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %a = spectral.pool2d %m {kind = "avg", kernel = array<i64: 3, 3>,
         stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>,
         count_include_pad = true, clamp_min = 0.0 : f32, clamp_max = 1.0 : f32}
       : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
  return %a : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[A:.*]]: tensor<1x2x6x6xf32>, %[[B:.*]]: tensor<1x2x6x6xf32>)
// CHECK: spectral.add %[[A]], %[[B]] {clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32, lhs_frac = 12 : i32, out_frac = 11 : i32, rhs_frac = 13 : i32} : tensor<1x2x6x6xf32>
// CHECK: spectral.add %[[A]], %[[A]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32} : tensor<1x2x6x6xf32>
func.func @add(%a: tensor<1x2x6x6xf32>, %b: tensor<1x2x6x6xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) {
  %s = spectral.add %a, %b {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32,
         lhs_frac = 12 : i32, rhs_frac = 13 : i32, out_frac = 11 : i32}
       : tensor<1x2x6x6xf32>
  %t = spectral.add %a, %a {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x2x6x6xf32>
  return %s, %t : tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>
}

// A clamp may equal its bounds (min = max) and applies to any rank.
// CHECK-LABEL: func.func @clamp
// CHECK: spectral.clamp %{{.*}} {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, in_frac = 10 : i32, out_frac = 10 : i32} : tensor<1x2x6x6xf32>
// CHECK: spectral.clamp %{{.*}} {clamp_max = 2.000000e+00 : f32, clamp_min = 2.000000e+00 : f32} : tensor<1x8xf32>
func.func @clamp(%x: tensor<1x2x6x6xf32>, %v: tensor<1x8xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x8xf32>) {
  %y = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32,
         in_frac = 10 : i32, out_frac = 10 : i32} : tensor<1x2x6x6xf32>
  %w = spectral.clamp %v {clamp_min = 2.0 : f32, clamp_max = 2.0 : f32} : tensor<1x8xf32>
  return %y, %w : tensor<1x2x6x6xf32>, tensor<1x8xf32>
}

// A sampled element-wise function (here tanh-like on [-4, 4]).
// CHECK-LABEL: func.func @activation
// CHECK: spectral.activation %{{.*}} {in_frac = 14 : i32, out_frac = 15 : i32, samples = dense<[-1.000000e+00, -5.000000e-01, 0.000000e+00, 5.000000e-01, 1.000000e+00]> : tensor<5xf32>, x_max = 4.000000e+00 : f32, x_min = -4.000000e+00 : f32} : tensor<1x2x6x6xf32>
// CHECK: spectral.activation %{{.*}} {samples = dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>, x_max = 1.000000e+00 : f32, x_min = 0.000000e+00 : f32} : tensor<1x8xf32>
func.func @activation(%x: tensor<1x2x6x6xf32>, %v: tensor<1x8xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x8xf32>) {
  %y = spectral.activation %x {x_min = -4.0 : f32, x_max = 4.0 : f32,
         samples = dense<[-1.0, -0.5, 0.0, 0.5, 1.0]> : tensor<5xf32>,
         in_frac = 14 : i32, out_frac = 15 : i32} : tensor<1x2x6x6xf32>
  %w = spectral.activation %v {x_min = 0.0 : f32, x_max = 1.0 : f32,
         samples = dense<[0.0, 1.0]> : tensor<2xf32>} : tensor<1x8xf32>
  return %y, %w : tensor<1x2x6x6xf32>, tensor<1x8xf32>
}

// A depthwise conv with channel multiplier 2, dilated and strided, quantised.
// CHECK-LABEL: func.func @spatial_conv2d
// CHECK: spectral.spatial_conv2d %{{.*}} {bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, dilation = array<i64: 2, 1>, group = 2 : i64, in_frac = 12 : i32, kernel = array<i64: 3, 3>, out_frac = 11 : i32, pad = array<i64: 2, 1, 2, 1>, stride = array<i64: 1, 2>, weights = dense<5.000000e-01> : tensor<4x1x3x3xf32>} : tensor<1x2x7x7xf32> -> tensor<1x4x7x4xf32>
func.func @spatial_conv2d(%x: tensor<1x2x7x7xf32>) -> tensor<1x4x7x4xf32> {
  %y = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>,
         pad = array<i64: 2, 1, 2, 1>, stride = array<i64: 1, 2>,
         dilation = array<i64: 2, 1>, group = 2 : i64,
         weights = dense<0.5> : tensor<4x1x3x3xf32>,
         bias = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>,
         clamp_min = 0.0 : f32, clamp_max = 6.0 : f32,
         in_frac = 12 : i32, out_frac = 11 : i32}
       : tensor<1x2x7x7xf32> -> tensor<1x4x7x4xf32>
  return %y : tensor<1x4x7x4xf32>
}
