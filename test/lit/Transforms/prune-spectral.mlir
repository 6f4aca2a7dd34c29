// spec2-prune-spectral (magnitude baseline): every (output, input) channel
// pair keeps the same number of bins, those with the largest energy, a bin
// off the kx = 0 and kx = N/2 columns counting twice; kept bins stay in bin
// order.
// RUN: spec2-opt %s --spec2-prune-spectral=sparsity=0.75 | FileCheck %s
// RUN: spec2-opt %s --spec2-prune-spectral=sparsity=0 | FileCheck %s --check-prefix=DENSE
// RUN: not spec2-opt %s --spec2-prune-spectral=sparsity=1.0 2>&1 | FileCheck %s --check-prefix=RANGE

// N = 4: 12 half-spectrum bins, bin b = ky*3 + kx with value b+1. Energies
// (x2 for kx = 1): bin 10 -> 2*121, bin 11 -> 144, bin 7 -> 2*64, bin 9 -> 100.
// 25% of 12 bins = 3 kept: 7, 10, 11.
// CHECK-LABEL: func.func @prune
// CHECK: spectral.conv2d
// CHECK-SAME: bins = dense<{{\[\[\[}}7, 10, 11]]]> : tensor<1x1x3xi32>
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}8.000000e+00, 0.000000e+00], [1.100000e+01, 0.000000e+00], [1.200000e+01, 0.000000e+00]]]]> : tensor<1x1x3x2xf32>
// DENSE: tensor<1x1x12xi32>
// RANGE: sparsity must be in [0, 1), got 1
func.func @prune(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 0.0], [6.0, 0.0],
                            [7.0, 0.0], [8.0, 0.0], [9.0, 0.0], [10.0, 0.0], [11.0, 0.0], [12.0, 0.0]]]]> : tensor<1x1x12x2xf32>,
         bins = dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]]> : tensor<1x1x12xi32>,
         bias = dense<0.0> : tensor<1xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
