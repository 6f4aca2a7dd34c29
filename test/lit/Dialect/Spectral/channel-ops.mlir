// spectral.channel_affine and spectral.channel_mul survive printing and
// re-parsing, in the custom and the generic form, formats included.
// RUN: spec2-opt %s | spec2-opt | FileCheck %s
// RUN: spec2-opt %s --mlir-print-op-generic | spec2-opt | FileCheck %s

// CHECK-LABEL: func.func @channel_affine
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[Y:.*]] = spectral.channel_affine %[[X]] {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, in_frac = 12 : i32, out_frac = 11 : i32, scale = dense<[5.000000e-01, -2.000000e+00]> : tensor<2xf32>, scale_frac = 13 : i32, shift = dense<[1.000000e-01, 3.000000e+00]> : tensor<2xf32>} : tensor<1x2x4x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @channel_affine(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %y = spectral.channel_affine %x {scale = dense<[0.5, -2.0]> : tensor<2xf32>,
         shift = dense<[0.1, 3.0]> : tensor<2xf32>, clamp_min = 0.0 : f32,
         clamp_max = 6.0 : f32, in_frac = 12 : i32, out_frac = 11 : i32,
         scale_frac = 13 : i32} : tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// Rank 2 (an FC output [1, C]) and unquantised: no formats.
// CHECK-LABEL: func.func @channel_affine_rank2
// CHECK: spectral.channel_affine %{{.*}} {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, scale = dense<1.000000e+00> : tensor<3xf32>, shift = dense<0.000000e+00> : tensor<3xf32>} : tensor<1x3xf32>
func.func @channel_affine_rank2(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %y = spectral.channel_affine %x {scale = dense<1.0> : tensor<3xf32>,
         shift = dense<0.0> : tensor<3xf32>, clamp_min = 0xFF800000 : f32,
         clamp_max = 0x7F800000 : f32} : tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// CHECK-LABEL: func.func @channel_mul
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x5x5xf32>, %[[S:.*]]: tensor<1x8x1x1xf32>)
// CHECK: %[[Y:.*]] = spectral.channel_mul %[[X]], %[[S]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, in_frac = 12 : i32, out_frac = 12 : i32, scale_frac = 14 : i32} : tensor<1x8x5x5xf32>, tensor<1x8x1x1xf32>
// CHECK-NEXT: return %[[Y]]
func.func @channel_mul(%x: tensor<1x8x5x5xf32>, %s: tensor<1x8x1x1xf32>) -> tensor<1x8x5x5xf32> {
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32,
         clamp_max = 0x7F800000 : f32, in_frac = 12 : i32, out_frac = 12 : i32,
         scale_frac = 14 : i32} : tensor<1x8x5x5xf32>, tensor<1x8x1x1xf32>
  return %y : tensor<1x8x5x5xf32>
}

// A batch of 2: one gate vector per sample.
// CHECK-LABEL: func.func @channel_mul_batch
// CHECK: spectral.channel_mul %{{.*}}, %{{.*}} {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32} : tensor<2x8x5x5xf32>, tensor<2x8x1x1xf32>
func.func @channel_mul_batch(%x: tensor<2x8x5x5xf32>, %s: tensor<2x8x1x1xf32>) -> tensor<2x8x5x5xf32> {
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32,
         clamp_max = 0x7F800000 : f32} : tensor<2x8x5x5xf32>, tensor<2x8x1x1xf32>
  return %y : tensor<2x8x5x5xf32>
}
