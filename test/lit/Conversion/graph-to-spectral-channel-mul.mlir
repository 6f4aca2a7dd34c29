// spec2-graph-to-spectral: squeeze-and-excitation's product of an activation
// [1, C, H, W] with a run-time per-channel gate [1, C, 1, 1] becomes
// spectral.channel_mul (either operand order); a product with a constant, of
// two same-shaped activations, or with a gate that varies along H stays.
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-graph-to-spectral | FileCheck %s

// CHECK-LABEL: func.func @gate
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3x3xf32>, %[[S:.*]]: tensor<1x4x1x1xf32>)
// CHECK-NEXT: %[[Y:.*]] = spectral.channel_mul %[[X]], %[[S]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, spec2.absmax = 3.000000e+00 : f32} : tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[Z:.*]] = spectral.channel_mul %[[Y]], %[[S]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32} : tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>
// CHECK-NEXT: return %[[Z]]
func.func @gate(%x: tensor<1x4x3x3xf32>, %s: tensor<1x4x1x1xf32>) -> tensor<1x4x3x3xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %x, %s, %shift {spec2.absmax = 3.0 : f32} : (tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<1x4x3x3xf32>
  %z = tosa.mul %s, %y, %shift : (tensor<1x4x1x1xf32>, tensor<1x4x3x3xf32>, tensor<1xi8>) -> tensor<1x4x3x3xf32>
  return %z : tensor<1x4x3x3xf32>
}

// CHECK-LABEL: func.func @not_a_gate
// CHECK-NOT: spectral.channel_mul
// CHECK: tosa.mul %arg0, %arg1
// CHECK: tosa.mul %{{.*}}, %arg2
// CHECK-NOT: spectral.channel_mul
// CHECK: return
func.func @not_a_gate(%x: tensor<1x4x3x3xf32>, %r: tensor<1x4x3x1xf32>, %w: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %x, %r, %shift : (tensor<1x4x3x3xf32>, tensor<1x4x3x1xf32>, tensor<1xi8>) -> tensor<1x4x3x3xf32>
  %z = tosa.mul %y, %w, %shift : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<1xi8>) -> tensor<1x4x3x3xf32>
  return %z : tensor<1x4x3x3xf32>
}
