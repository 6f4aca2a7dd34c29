// spec2-graph-to-spectral: the convolutions the spectral engine cannot run
// become direct spectral.spatial_conv2d with OIHW weights: depthwise (any
// channel multiplier), the importer's grouped chain, dilated convs and
// kernels larger than the FFT size.
// RUN: spec2-opt %s --spec2-graph-to-spectral=fft-size=4 | FileCheck %s

// Depthwise with multiplier 2: TOSA's [kh, kw, C, M] weight w[y][x][c][m]
// feeds output channel c*2 + m. Here w = 1 + 10*c + 100*m + y*3 + x... so
// output 1 (c 0, m 1) starts at 101, output 2 (c 1, m 0) at 11. TOSA pads
// (top, bottom, left, right) = (1, 0, 1, 0) become (top, left, bottom,
// right) = (1, 1, 0, 0). The range stays with the layer.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: tosa.depthwise_conv2d
// CHECK: %[[Y:.*]] = spectral.spatial_conv2d %arg0 {bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, dilation = array<i64: 1, 1>, group = 2 : i64, kernel = array<i64: 2, 2>, pad = array<i64: 1, 1, 0, 0>, spec2.absmax = 9.000000e+00 : f32, stride = array<i64: 1, 1>, weights = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [4.000000e+00, 5.000000e+00]]], {{\[\[\[}}1.010000e+02, 1.020000e+02], [1.040000e+02, 1.050000e+02]]], {{\[\[\[}}1.100000e+01, 1.200000e+01], [1.400000e+01, 1.500000e+01]]], {{\[\[\[}}1.110000e+02, 1.120000e+02], [1.140000e+02, 1.150000e+02]]]]> : tensor<4x1x2x2xf32>} : tensor<1x2x5x5xf32> -> tensor<1x4x5x5xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[Y]]
func.func @depthwise(%x: tensor<1x2x5x5xf32>) -> tensor<1x4x5x5xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 101.0], [11.0, 111.0]], [[2.0, 102.0], [12.0, 112.0]]], [[[4.0, 104.0], [14.0, 114.0]], [[5.0, 105.0], [15.0, 115.0]]]]> : tensor<2x2x2x2xf32>}> : () -> tensor<2x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x5x5x2xf32>
  %c = tosa.depthwise_conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 1, 1>, spec2.absmax = 9.0 : f32} : (tensor<1x5x5x2xf32>, tensor<2x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x4xf32>
  %r = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x5x4xf32>) -> tensor<1x4x5x5xf32>
  return %r : tensor<1x4x5x5xf32>
}

// Grouped (2 groups of 2 input and 1 output channels), as the importer
// writes it: one conv2d per channel slice, the bias sliced per group,
// concatenated. OHWI [1, 1, 1, 2] per group: group 0 [3, 4], group 1
// [5, 6]. The concat's range becomes the layer's.
// CHECK-LABEL: func.func @grouped
// CHECK-NOT: tosa.conv2d
// CHECK-NOT: tosa.concat
// CHECK: %[[Y:.*]] = spectral.spatial_conv2d %arg0 {bias = dense<[7.000000e+00, 8.000000e+00]> : tensor<2xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, dilation = array<i64: 1, 1>, group = 2 : i64, kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, spec2.absmax = 5.000000e+00 : f32, stride = array<i64: 1, 1>, weights = dense<{{\[\[\[\[}}3.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}5.000000e+00]], {{\[\[}}6.000000e+00]]]]> : tensor<2x2x1x1xf32>} : tensor<1x4x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK: return %[[Y]]
func.func @grouped(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w0 = "tosa.const"() <{values = dense<[[[[3.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %w1 = "tosa.const"() <{values = dense<[[[[5.0, 6.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<[7.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s1 = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sz = tosa.const_shape {values = dense<[1, 4, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %b0s = tosa.const_shape {values = dense<0> : tensor<1xindex>} : () -> !tosa.shape<1>
  %b1s = tosa.const_shape {values = dense<1> : tensor<1xindex>} : () -> !tosa.shape<1>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %x0 = tosa.slice %t, %s0, %sz : (tensor<1x4x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x2xf32>
  %x1 = tosa.slice %t, %s1, %sz : (tensor<1x4x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x2xf32>
  %bb0 = tosa.slice %b, %b0s, %b1s : (tensor<2xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<1xf32>
  %bb1 = tosa.slice %b, %b1s, %b1s : (tensor<2xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<1xf32>
  %c0 = tosa.conv2d %x0, %w0, %bb0, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %c1 = tosa.conv2d %x1, %w1, %bb1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %cat = tosa.concat %c0, %c1 {axis = 3 : i32, spec2.absmax = 5.0 : f32} : (tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// Groups that read the input's channels out of order are not the
// importer's chain: convs of channel slices (views), concatenated.
// CHECK-LABEL: func.func @not_grouped
// CHECK-NOT: spectral.spatial_conv2d
// CHECK-DAG: %[[X0:.*]] = spectral.slice %arg0 {axis = 1 : i64, start = 0 : i64}
// CHECK-DAG: %[[X1:.*]] = spectral.slice %arg0 {axis = 1 : i64, start = 2 : i64}
// CHECK-DAG: %[[C0:.*]] = spectral.conv2d %[[X1]]
// CHECK-DAG: %[[C1:.*]] = spectral.conv2d %[[X0]]
// CHECK: spectral.concat %[[C0]], %[[C1]] {axis = 1 : i64}
// CHECK-NOT: tosa.concat
func.func @not_grouped(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w0 = "tosa.const"() <{values = dense<[[[[3.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<[7.0]> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s1 = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sz = tosa.const_shape {values = dense<[1, 4, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %x0 = tosa.slice %t, %s0, %sz : (tensor<1x4x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x2xf32>
  %x1 = tosa.slice %t, %s1, %sz : (tensor<1x4x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x2xf32>
  %c0 = tosa.conv2d %x1, %w0, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %c1 = tosa.conv2d %x0, %w0, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %cat = tosa.concat %c0, %c1 {axis = 3 : i32} : (tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// Dilation 2 with a 3x3 kernel (which N = 4 would fit): OHWI [1, 3, 3, 1]
// to OIHW [1, 1, 3, 3].
// CHECK-LABEL: func.func @dilated
// CHECK: spectral.spatial_conv2d %arg0 {{{.*}}dilation = array<i64: 2, 2>, group = 1 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>, weights = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00, 9.000000e+00]]]]> : tensor<1x1x3x3xf32>} : tensor<1x1x5x5xf32> -> tensor<1x1x5x5xf32>
func.func @dilated(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x5x5xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]]]> : tensor<1x3x3x1xf32>}> : () -> tensor<1x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x5x5xf32>) -> tensor<1x5x5x1xf32>
  %c = tosa.conv2d %t, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x5x5x1xf32>, tensor<1x3x3x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x1xf32>
  %r = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x5x1xf32>) -> tensor<1x1x5x5xf32>
  return %r : tensor<1x1x5x5xf32>
}
