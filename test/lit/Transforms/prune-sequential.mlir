// spec2-prune-spectral with calibration data fits layer by layer: the
// layers after a pruned one are refitted to the original network's outputs
// on the input the pruned layers give them (a float run of the spectral
// layers), so even the dense fully-connected layer here changes. Without
// calibration data each layer is pruned on its own and the dense layer
// keeps its weights.
// RUN: spec2-opt %s '--spec2-prune-spectral=sparsity=0.5 calib=random calib-count=8' | FileCheck %s --check-prefix=SEQ
// RUN: spec2-opt %s '--spec2-prune-spectral=sparsity=0.5 method=magnitude' 2>&1 | FileCheck %s --check-prefix=ALONE

// N = 4: 10 independent bins, 5 kept per pair.
// SEQ: spectral.conv2d {{.*}}tensor<2x1x5xi32>
// SEQ: spectral.fully_connected
// SEQ-NOT: values = dense<{{\[\[}}-2.100000e-01
// SEQ-SAME: tensor<2x32xf32>
// ALONE: spectral.conv2d {{.*}}tensor<2x1x5xi32>
// ALONE: spectral.fully_connected
// ALONE-SAME: values = dense<{{\[\[}}-2.100000e-01
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x2xf32> {
  %y = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[-0.52, 0.00], [0.09, -0.26], [0.21, 0.00], [0.25, -0.87], [-0.97, 0.67], [-0.48, -0.53], [0.99, 0.00], [-0.06, 0.67], [-0.05, 0.00], [0.28, -0.70]]], [[[0.27, 0.00], [0.74, 0.05], [0.48, 0.00], [0.34, -0.87], [0.52, 0.18], [-0.40, -0.94], [0.73, 0.00], [-0.05, 0.44], [0.76, 0.00], [0.43, 0.84]]]]> : tensor<2x1x10x2xf32>,
         bins = dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 10]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 10]]]> : tensor<2x1x10xi32>,
         bias = dense<0.0> : tensor<2xf32>,
         clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
  %z = spectral.fully_connected %y {values = dense<[[-0.21, 0.60, -0.11, 0.87, 0.76, -0.81, -0.73, -0.57, 0.93, -0.13, 0.25, -0.40, 0.01, -0.23, -0.30, 0.17, 0.17, 0.81, 0.36, 0.86, 0.71, 0.98, 0.34, -0.67, 0.72, 0.93, 0.81, 0.14, 0.43, -0.58, 0.66, 0.15], [-0.43, -0.87, 0.71, 0.98, -0.82, 0.60, -0.18, -0.70, -0.41, 0.54, 0.75, -0.91, 0.23, -0.91, 0.44, -0.34, 0.76, 0.96, 0.01, 1.00, -0.38, -0.85, 0.20, -0.94, -0.61, -0.18, 0.22, -0.69, -0.92, 0.74, -0.37, 0.92]]> : tensor<2x32xf32>,
         columns = dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]]> : tensor<2x32xi32>,
         bias = dense<0.0> : tensor<2xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x2x4x4xf32> -> tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}
