// spec2-prune-spectral on fully-connected layers: every row keeps the same
// number of weights (row-balanced). magnitude keeps the largest; admm ranks
// by w^2 times the input's second moment and refits the kept weights by
// least squares on the calibration covariance. layer-sparsity overrides the
// global fractions by layer (ONNX node) name.
// RUN: spec2-opt %s --spec2-prune-spectral="fc-sparsity=0.5 method=magnitude" | FileCheck %s --check-prefix=MAG
// RUN: spec2-opt %s --spec2-prune-spectral="fc-sparsity=0.5" | FileCheck %s --check-prefix=ADMM
// RUN: spec2-opt %s --spec2-prune-spectral="layer-sparsity=fc_b=0.75 method=magnitude" | FileCheck %s --check-prefix=ONE
// RUN: not spec2-opt %s --spec2-prune-spectral="layer-sparsity=fc_c=0.5" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not spec2-opt %s --spec2-prune-spectral="layer-sparsity=fc_a" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not spec2-opt %s --spec2-prune-spectral="fc-sparsity=1.5" 2>&1 | FileCheck %s --check-prefix=RANGE

// Row 0 of fc_a keeps columns 1 and 3 (-4, 3), row 1 columns 0 and 3.
// MAG-LABEL: func.func @fc
// MAG: columns = dense<{{\[\[}}1, 3], [0, 3]]> : tensor<2x2xi32>
// MAG-SAME: values = dense<{{\[\[}}-4.000000e+00, 3.000000e+00], [5.000000e-01, 3.000000e-01]]> : tensor<2x2xf32>

// fc_b with the covariance: scores w^2 C_jj = 2.25, 0.01, 1, 4 keep columns
// 0 and 3; the refit gives w_3 = (C w0)_3 = 0.5 * 1 + 2 = 2.5 (input 3 is
// correlated with the dropped input 2, so w_3 takes over its part). fc_a has
// no covariance and falls back to magnitude with a warning.
// ADMM: columns = dense<{{\[\[}}1, 3], [0, 3]]>
// ADMM: columns = dense<{{\[\[}}0, 3]]> : tensor<1x2xi32>
// ADMM-SAME: values = dense<{{\[\[}}1.49999{{[0-9]+}}, 2.49999{{[0-9]+}}]]> : tensor<1x2xf32>
// ADMM-NOT: spec2.input_covariance

// Only fc_b is pruned: a quarter of 4 columns is 1 (column 3).
// ONE: values = dense<{{\[\[}}1.000000e+00, -4.000000e+00, 2.000000e+00, 3.000000e+00], [5.000000e-01
// ONE: columns = dense<3> : tensor<1x1xi32>

// NAME: layer-sparsity names 'fc_c', which is no conv or fully-connected layer of this model (layers: fc_a, fc_b)
// SYNTAX: layer-sparsity: 'fc_a' is not NAME=R with R in [0, 1)
// RANGE: fc-sparsity must be in [0, 1), got 1.5
func.func @fc(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x1xf32>) {
  %y = spectral.fully_connected %x {
         values = dense<[[1.0, -4.0, 2.0, 3.0], [0.5, 0.1, -0.2, 0.3]]> : tensor<2x4xf32>,
         columns = dense<[[0, 1, 2, 3], [0, 1, 2, 3]]> : tensor<2x4xi32>,
         bias = dense<0.0> : tensor<2xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x4xf32> -> tensor<1x2xf32> loc("fc_a")
  %z = spectral.fully_connected %x {
         values = dense<[[1.5, 0.1, 1.0, 2.0]]> : tensor<1x4xf32>,
         columns = dense<[[0, 1, 2, 3]]> : tensor<1x4xi32>,
         bias = dense<0.0> : tensor<1xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         spec2.input_covariance = dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0],
                                         [0.0, 0.0, 1.0, 0.5], [0.0, 0.0, 0.5, 1.0]]> : tensor<4x4xf32>}
       : tensor<1x4xf32> -> tensor<1x1xf32> loc("fc_b")
  return %y, %z : tensor<1x2xf32>, tensor<1x1xf32>
}
