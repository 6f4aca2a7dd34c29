// spec2-prune-spectral (magnitude baseline): every (output, input) channel
// pair keeps the same number of canonical bins, those with the largest
// energy; weights on the mirror bins of columns kx = 0 and N/2 are first
// folded onto their canonical bin (w + conj(w')), a bin off those columns
// counts twice, a folded one half; kept bins stay in bin order.
// RUN: spec2-opt %s '--spec2-prune-spectral=sparsity=0.75 method=magnitude' | FileCheck %s
// RUN: spec2-opt %s --spec2-prune-spectral=sparsity=0 | FileCheck %s --check-prefix=DENSE
// RUN: not spec2-opt %s --spec2-prune-spectral=sparsity=1.0 2>&1 | FileCheck %s --check-prefix=RANGE

// N = 4: 12 half-spectrum bins, bin b = ky*3 + kx with value b+1; 10 are
// independent (bins 9 and 11 mirror 3 and 5). Folded: bin 3 = 4 + 10 = 14,
// bin 5 = 6 + 12 = 18. Energies: bin 10 -> 2*121, bin 5 -> 324/2, bin 7 ->
// 2*64, bin 3 -> 196/2. 75% of 10 bins go, 2 are kept: 5 and 10.
// CHECK-LABEL: func.func @prune
// CHECK: spectral.conv2d
// CHECK-SAME: bins = dense<{{\[\[\[}}5, 10]]]> : tensor<1x1x2xi32>
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}1.800000e+01, 0.000000e+00], [1.100000e+01, 0.000000e+00]]]]> : tensor<1x1x2x2xf32>
// Sparsity 0 only folds the mirrors (exact): 10 bins stay.
// DENSE: tensor<1x1x10xi32>
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
