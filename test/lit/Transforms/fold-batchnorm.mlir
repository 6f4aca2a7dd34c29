// spec2-fold-batchnorm: per-channel multiplies and adds after a conv or FC
// layer fold into its weights and bias (the spectrum of a scaled kernel is
// the scaled spectrum); the others become spectral.channel_affine.
// RUN: spec2-opt %s --spec2-fold-batchnorm | FileCheck %s

// Scale [2, -3] then shift [10, 20]: channel 0's spectra double, channel
// 1's are multiplied by -3; bias [0.5, -1] -> [1, 3] -> [11, 23]. The layer
// takes the range calibrated after the last folded op.
// CHECK-LABEL: func.func @conv_scale_shift
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: %[[Y:.*]] = spectral.conv2d %[[X]] {bias = dense<[1.100000e+01, 2.300000e+01]> : tensor<2xf32>, bins = dense<{{\[\[\[}}0, 5]], {{\[\[}}1, 6]]]> : tensor<2x1x2xi32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, spec2.absmax = 4.200000e+01 : f32, spectra = dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]], {{\[\[\[}}-1.500000e+01, -1.800000e+01], [-2.100000e+01, -2.400000e+01]]]]> : tensor<2x1x2x2xf32>, stride = array<i64: 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[Y]]
func.func @conv_scale_shift(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scale = "tosa.const"() <{values = dense<[[[[2.0]], [[-3.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  // The importer's [C] constant reshaped to [1, C, 1, 1].
  %off = "tosa.const"() <{values = dense<[10.0, 20.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %s4 = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %off4 = tosa.reshape %off, %s4 : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32>
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>,
         bins = dense<[[[0, 5]], [[1, 6]]]> : tensor<2x1x2xi32>, bias = dense<[0.5, -1.0]> : tensor<2xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 8.0 : f32}
       : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
  %m = tosa.mul %c, %scale, %shift {spec2.absmax = 24.0 : f32} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %a = tosa.add %m, %off4 {spec2.absmax = 42.0 : f32} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %a : tensor<1x2x4x4xf32>
}

// FC: a per-row scale [1, M], then a bias that is the add's first operand,
// then a scalar shift that applies to every row.
// values [[1, 2], [3, 4], [5, 6]] * [2, 0.5, -1] -> [[2, 4], [1.5, 2], [-5, -6]];
// bias [1, 2, 3] * scale = [2, 1, -3], + [0.25, 0.5, 0.75] = [2.25, 1.5, -2.25],
// + 1 = [3.25, 2.5, -1.25].
// CHECK-LABEL: func.func @fc_scale_bias
// CHECK-NOT: tosa.
// CHECK: %[[Y:.*]] = spectral.fully_connected %arg0 {bias = dense<[3.250000e+00, 2.500000e+00, -1.250000e+00]> : tensor<3xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, columns = dense<{{\[\[}}0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>, values = dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.500000e+00, 2.000000e+00], [-5.000000e+00, -6.000000e+00]]> : tensor<3x2xf32>} : tensor<1x8xf32> -> tensor<1x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fc_scale_bias(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scale = "tosa.const"() <{values = dense<[[2.0, 0.5, -1.0]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %bias = "tosa.const"() <{values = dense<[[0.25, 0.5, 0.75]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %one = "tosa.const"() <{values = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = spectral.fully_connected %x {values = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>,
         columns = dense<[[0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>, bias = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  %m = tosa.mul %y, %scale, %shift : (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<1x3xf32>
  %a = tosa.add %bias, %m : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  %b = tosa.add %a, %one : (tensor<1x3xf32>, tensor<1x1xf32>) -> tensor<1x3xf32>
  return %b : tensor<1x3xf32>
}

// Nothing folds into a layer with a fused activation (the affine op must
// stay after the clamp), nor into one whose result has another user: both
// become the vector unit's channel_affine.
// CHECK-LABEL: func.func @not_foldable
// CHECK: %[[R:.*]] = spectral.fully_connected %arg0 {bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32
// CHECK: %[[M:.*]] = spectral.channel_affine %[[R]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, scale = dense<[2.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<3xf32>, shift = dense<0.000000e+00> : tensor<3xf32>} : tensor<1x3xf32>
// CHECK: %[[U:.*]] = spectral.fully_connected %arg0 {bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32
// CHECK: %[[A:.*]] = spectral.channel_affine %[[U]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, scale = dense<1.000000e+00> : tensor<3xf32>, shift = dense<[2.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<3xf32>} : tensor<1x3xf32>
// CHECK-NOT: tosa.
// CHECK: return %[[M]], %[[A]], %[[U]]
func.func @not_foldable(%x: tensor<1x8xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>) {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scale = "tosa.const"() <{values = dense<[[2.0, 0.5, -1.0]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %relu = spectral.fully_connected %x {values = dense<1.0> : tensor<3x2xf32>, columns = dense<[[0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>, bias = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>, clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  %m = tosa.mul %relu, %scale, %shift : (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<1x3xf32>
  %used = spectral.fully_connected %x {values = dense<1.0> : tensor<3x2xf32>, columns = dense<[[0, 7], [1, 6], [2, 5]]> : tensor<3x2xi32>, bias = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8xf32> -> tensor<1x3xf32>
  %a = tosa.add %used, %scale : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  return %m, %a, %used : tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>
}

// Only per-output-channel constants fold: not one with as many values as
// channels that varies along the width, not an activation.
// CHECK-LABEL: func.func @not_per_channel
// CHECK: %[[C:.*]] = spectral.conv2d %arg0 {bias = dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]], {{\[\[\[}}5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00]]]]>
// CHECK: %[[M:.*]] = tosa.mul %[[C]]
// CHECK: tosa.add %[[M]], %arg1
// CHECK: return
func.func @not_per_channel(%x: tensor<1x1x4x2xf32>, %y: tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %row = "tosa.const"() <{values = dense<[[[[2.0, 3.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>,
         bins = dense<[[[0, 5]], [[1, 6]]]> : tensor<2x1x2xi32>, bias = dense<[0.5, -1.0]> : tensor<2xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x4x2xf32> -> tensor<1x2x4x2xf32>
  %m = tosa.mul %c, %row, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %a = tosa.add %m, %y : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  return %a : tensor<1x2x4x2xf32>
}

// A direct (spatial) conv's kernels scale per output channel like its bias:
// scale [2, -3], shift [10, 20]; weights [1, 1] -> [2, -3], bias [0.5, -1]
// -> [11, 23].
// CHECK-LABEL: func.func @spatial_scale_shift
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: spectral.spatial_conv2d %arg0 {bias = dense<[1.100000e+01, 2.300000e+01]> : tensor<2xf32>{{.*}}weights = dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}-3.000000e+00]]]]> : tensor<2x1x1x1xf32>}
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
func.func @spatial_scale_shift(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scale = "tosa.const"() <{values = dense<[[[[2.0]], [[-3.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %off = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %c = spectral.spatial_conv2d %x {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 2 : i64, weights = dense<1.0> : tensor<2x1x1x1xf32>, bias = dense<[0.5, -1.0]> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %m = tosa.mul %c, %scale, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %a = tosa.add %m, %off : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %a : tensor<1x2x4x4xf32>
}

// A standalone BatchNormalization (after a pool, nothing to fold into):
// scale [2, -3] then shift [10, 20] merge into one channel_affine, which
// keeps the range calibrated after the last op; a second Mul by 0.5 (a
// scalar counts for every channel) after a residual add merges too:
// s = [1, -1.5], t = [5, 10].
// CHECK-LABEL: func.func @standalone_affine
// CHECK: %[[P:.*]] = spectral.pool2d
// CHECK-NEXT: %[[A:.*]] = spectral.channel_affine %[[P]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, scale = dense<[1.000000e+00, -1.500000e+00]> : tensor<2xf32>, shift = dense<[5.000000e+00, 1.000000e+01]> : tensor<2xf32>, spec2.absmax = 2.100000e+01 : f32} : tensor<1x2x2x2xf32>
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[A]]
func.func @standalone_affine(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scale = "tosa.const"() <{values = dense<[[[[2.0]], [[-3.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %off = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %p = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %m = tosa.mul %p, %scale, %shift {spec2.absmax = 12.0 : f32} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %a = tosa.add %m, %off {spec2.absmax = 42.0 : f32} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %h = tosa.mul %half, %a, %shift {spec2.absmax = 21.0 : f32} : (tensor<1x1x1x1xf32>, tensor<1x2x2x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %h : tensor<1x2x2x2xf32>
}

// A channel_affine before a foldable conv folds into it like the tosa ops
// (scale [2, -3], shift [10, 20]: spectra doubled / times -3, bias [0.5, -1]
// -> [11, 23]); one after a clamped affine does not merge into it.
// CHECK-LABEL: func.func @affine_folds
// CHECK: %[[C:.*]] = spectral.conv2d %arg0 {bias = dense<[1.100000e+01, 2.300000e+01]> : tensor<2xf32>
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]], {{\[\[\[}}-1.500000e+01, -1.800000e+01], [-2.100000e+01, -2.400000e+01]]]]>
// CHECK: %[[R:.*]] = spectral.channel_affine %[[C]] {clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32, scale = dense<1.000000e+00> : tensor<2xf32>, shift = dense<1.000000e+00> : tensor<2xf32>}
// CHECK: %[[S:.*]] = spectral.channel_affine %[[R]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, scale = dense<2.000000e+00> : tensor<2xf32>, shift = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: return %[[S]]
func.func @affine_folds(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>,
         bins = dense<[[[0, 5]], [[1, 6]]]> : tensor<2x1x2xi32>, bias = dense<[0.5, -1.0]> : tensor<2xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
  %a = spectral.channel_affine %c {scale = dense<[2.0, -3.0]> : tensor<2xf32>, shift = dense<[10.0, 20.0]> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  %r = spectral.channel_affine %a {scale = dense<1.0> : tensor<2xf32>, shift = dense<1.0> : tensor<2xf32>, clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  %s = spectral.channel_affine %r {scale = dense<2.0> : tensor<2xf32>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  return %s : tensor<1x2x4x4xf32>
}
