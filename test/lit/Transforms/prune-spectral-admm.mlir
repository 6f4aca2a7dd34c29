// spec2-prune-spectral=method=admm: with the calibration tiles' covariance the
// kept weights are refitted (they are no longer the original values); without
// it the pass says so and prunes by magnitude. The covariance attribute is
// dropped afterwards.
// RUN: spec2-opt %s -split-input-file --spec2-prune-spectral="sparsity=0.5 method=admm rho=0.1" 2>&1 | FileCheck %s

// Two input channels, N = 4 (10 independent bins, 5 kept each). Identity
// covariance except a correlation of 0.5 between the channels: where only
// channel 0 keeps a bin, the least-squares refit moves half of channel 1's
// dropped weight onto it (bin 1: 1.0 + 0.5 * 2.0 = 2.0; channel 1's folded
// bin 5: 6 + 12 + 0.5 * 2.0 = 19).
// CHECK: warning: no calibration covariance for admm
// CHECK-LABEL: func.func @refit
// CHECK: spectral.conv2d
// CHECK-SAME: bins = dense<{{\[\[\[}}1, 2, 4, 6, 10], [4, 5, 6, 7, 10]]]> : tensor<1x2x5xi32>
// CHECK-NOT: spec2.tile_covariance
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}2.000000e+00, 0.000000e+00], [2.500000e+00, 0.000000e+00], {{.*}}], {{\[\[}}5.000000e+00, 0.000000e+00], [1.900000e+01, 0.000000e+00]
func.func @refit(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0],
                            [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
                           [[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 0.0], [6.0, 0.0],
                            [7.0, 0.0], [8.0, 0.0], [9.0, 0.0], [10.0, 0.0], [11.0, 0.0], [12.0, 0.0]]]]> : tensor<1x2x12x2xf32>,
         bins = dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]]> : tensor<1x2x12xi32>,
         bias = dense<0.0> : tensor<1xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         spec2.tile_covariance = dense<[[[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.0]], [[0.5, 0.0], [1.0, 0.0]]]]> : tensor<12x2x2x2xf32>}
       : tensor<1x2x4x4xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @no_covariance
// CHECK: bins = dense<{{.*}}> : tensor<1x2x5xi32>
func.func @no_covariance(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<1.0> : tensor<1x2x12x2xf32>,
         bins = dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]]> : tensor<1x2x12xi32>,
         bias = dense<0.0> : tensor<1xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x2x4x4xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
