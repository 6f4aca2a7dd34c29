// spec2-prune-spectral=method=obs (the default): per output channel, drop the
// weight whose removal raises the output error least once the other weights
// of its bin are re-solved (|w_i|^2 / [C^-1]_ii). Here channel 1 is nearly a
// copy of channel 0 (correlation 0.99 in every bin): dropping one channel of a
// bin costs almost nothing, dropping the second a lot. So every bin keeps
// exactly one channel, refitted to carry both (1 + 0.99 = 1.99), and the two
// pairs' bins are disjoint. A magnitude ranking sees equal weights and power
// and keeps the same five bins in both pairs, leaving five bins empty.
// RUN: spec2-opt %s '--spec2-prune-spectral=sparsity=0.5' | FileCheck %s
// RUN: spec2-opt %s '--spec2-prune-spectral=sparsity=0.5 method=magnitude' | FileCheck %s --check-prefix=MAG

// N = 4: 10 independent bins, 5 kept per pair.
// CHECK-LABEL: func.func @correlated
// CHECK: spectral.conv2d
// CHECK-SAME: bins = dense<{{\[\[\[}}1, 4, 7, 8, 10], [0, 2, 3, 5, 6]]]> : tensor<1x2x5xi32>
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00]], {{\[\[}}1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00], [1.990000e+00, 0.000000e+00]]]]>
// MAG: bins = dense<{{\[\[\[}}[[M:[0-9, ]+]]], {{\[}}[[M]]]]]> : tensor<1x2x5xi32>
func.func @correlated(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
                          [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]]]> : tensor<1x2x10x2xf32>,
         bins = dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]]]> : tensor<1x2x10xi32>,
         bias = dense<0.0> : tensor<1xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         spec2.tile_covariance = dense<[[[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [0.99, 0.0]], [[0.99, 0.0], [1.0, 0.0]]]]> : tensor<12x2x2x2xf32>}
       : tensor<1x2x4x4xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
