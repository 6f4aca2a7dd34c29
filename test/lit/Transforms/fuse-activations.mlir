// spec2-fuse-activations: a clamp whose input has no other user becomes the
// clamp bounds of the layer that produces it.
// RUN: spec2-opt %s --spec2-fuse-activations | FileCheck %s

// ReLU into a conv. The conv keeps its pre-activation range in
// spec2.absmax_pre (its accumulators hold it) and takes the clamp's.
// CHECK-LABEL: func.func @relu_into_conv
// CHECK-NOT: spectral.clamp
// CHECK: %[[Y:.*]] = spectral.conv2d %arg0 {bias = dense<0.000000e+00> : tensor<2xf32>, bins = dense<0> : tensor<2x1x2xi32>, clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32, fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, spec2.absmax = 3.000000e+00 : f32, spec2.absmax_pre = 5.000000e+00 : f32, spectra = dense<1.000000e+00> : tensor<2x1x2x2xf32>, stride = array<i64: 1, 1>}
// CHECK-NOT: spectral.clamp
// CHECK: return %[[Y]]
func.func @relu_into_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<1.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 5.0 : f32} : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
  %r = spectral.clamp %c {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 3.0 : f32} : tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// ReLU6 then a clip to [-1, 4] is a clamp to their intersection [0, 4]; the
// range before the first clamp is the one kept as absmax_pre.
// CHECK-LABEL: func.func @two_clamps_intersect
// CHECK-NOT: spectral.clamp
// CHECK: %[[Y:.*]] = spectral.fully_connected %arg0 {bias = dense<0.000000e+00> : tensor<2xf32>, clamp_max = 4.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, columns = dense<0> : tensor<2x1xi32>, spec2.absmax = 4.000000e+00 : f32, spec2.absmax_pre = 9.000000e+00 : f32, values = dense<1.000000e+00> : tensor<2x1xf32>}
// CHECK-NOT: spectral.clamp
// CHECK: return %[[Y]]
func.func @two_clamps_intersect(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %y = spectral.fully_connected %x {values = dense<1.0> : tensor<2x1xf32>, columns = dense<0> : tensor<2x1xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 9.0 : f32} : tensor<1x4xf32> -> tensor<1x2xf32>
  %r6 = spectral.clamp %y {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32, spec2.absmax = 6.0 : f32} : tensor<1x2xf32>
  %c = spectral.clamp %r6 {clamp_min = -1.0 : f32, clamp_max = 4.0 : f32, spec2.absmax = 4.0 : f32} : tensor<1x2xf32>
  return %c : tensor<1x2xf32>
}

// Clamping to [0, 1] and then to [2, 3] leaves 2 everywhere: the empty
// intersection becomes the point [2, 2]. Pools take clamps too.
// CHECK-LABEL: func.func @disjoint_into_pool
// CHECK: %[[Y:.*]] = spectral.pool2d %arg0 {clamp_max = 2.000000e+00 : f32, clamp_min = 2.000000e+00 : f32, count_include_pad = false, kernel = array<i64: 2, 2>, kind = "max"
// CHECK-NEXT: return %[[Y]]
func.func @disjoint_into_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %p = spectral.pool2d %x {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %a = spectral.clamp %p {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32} : tensor<1x2x2x2xf32>
  %b = spectral.clamp %a {clamp_min = 2.0 : f32, clamp_max = 3.0 : f32} : tensor<1x2x2x2xf32>
  return %b : tensor<1x2x2x2xf32>
}

// A clamp after a residual add fuses into the add.
// CHECK-LABEL: func.func @relu_into_add
// CHECK: %[[S:.*]] = spectral.add %arg0, %arg1 {clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32} : tensor<1x2x4x4xf32>
// CHECK-NEXT: return %[[S]]
func.func @relu_into_add(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %s = spectral.add %a, %b {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  %r = spectral.clamp %s {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// The producer's unclamped value is used elsewhere: the clamp stays and the
// producer keeps its bounds. A clamp of a function argument or of a TOSA op
// has nothing to fuse into.
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[P:.*]] = spectral.pool2d %arg0 {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32
// CHECK: %[[R:.*]] = spectral.clamp %[[P]] {clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32}
// CHECK: %[[Q:.*]] = spectral.clamp %arg0 {clamp_max = 1.000000e+00 : f32, clamp_min = -1.000000e+00 : f32}
// CHECK: %[[T:.*]] = tosa.abs %arg0
// CHECK: %[[U:.*]] = spectral.clamp %[[T]] {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32}
// CHECK: return %[[R]], %[[P]], %[[Q]], %[[U]]
func.func @not_fused(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %p = spectral.pool2d %x {kind = "avg", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %r = spectral.clamp %p {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x2x2xf32>
  %q = spectral.clamp %x {clamp_min = -1.0 : f32, clamp_max = 1.0 : f32} : tensor<1x2x4x4xf32>
  %t = tosa.abs %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %u = spectral.clamp %t {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32} : tensor<1x2x4x4xf32>
  return %r, %p, %q, %u : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// A ReLU6 after a direct (spatial) conv fuses into it; the conv keeps its
// range before the clamp as absmax_pre.
// CHECK-LABEL: func.func @spatial
// CHECK: %[[Y:.*]] = spectral.spatial_conv2d %arg0 {{{.*}}clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32{{.*}}spec2.absmax = 6.000000e+00 : f32, spec2.absmax_pre = 9.000000e+00 : f32
// CHECK-NOT: spectral.clamp
// CHECK: return %[[Y]]
func.func @spatial(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %c = spectral.spatial_conv2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, group = 2 : i64, weights = dense<1.0> : tensor<2x1x3x3xf32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 9.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %r = spectral.clamp %c {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32, spec2.absmax = 6.0 : f32} : tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}
