// spec2-quantize on the vector unit's per-channel ops: channel_mul takes its
// gate's format as scale_frac; channel_affine's scale_frac is as fine as its
// largest scale allows (frac = 14 - ceil(log2 max|scale|)), coarser while a
// shift at in_frac + scale_frac would overflow int32.
// RUN: spec2-opt %s -split-input-file --spec2-quantize | FileCheck %s

// x: absmax 1 -> 14. Affine scales up to 3 -> 12; shifts 2 at 2^(14+12)
// fit int32; out 8 -> 11. Gate: absmax 1 -> 14; the mul reads the affine
// (11) and the gate (14); out 4 -> 12.
// CHECK-LABEL: func.func @formats
// CHECK: %[[A:.*]] = spectral.channel_affine %arg0 {{.*}}in_frac = 14 : i32, out_frac = 11 : i32, scale = {{.*}}, scale_frac = 12 : i32
// CHECK: spectral.channel_mul %[[A]], %arg1 {{.*}}in_frac = 11 : i32, out_frac = 12 : i32, scale_frac = 14 : i32
func.func @formats(%x: tensor<1x2x4x4xf32> {spec2.absmax = 1.0 : f32}, %s: tensor<1x2x1x1xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x2x4x4xf32> {
  %a = spectral.channel_affine %x {scale = dense<[0.5, -3.0]> : tensor<2xf32>, shift = dense<[2.0, 0.0]> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 8.0 : f32} : tensor<1x2x4x4xf32>
  %y = spectral.channel_mul %a, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 4.0 : f32} : tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A shift of 1000 at 2^(14 + 14) would need 2^38: the scales' format drops
// to 2^-7 (1000 * 2^21 < 2^31).
// CHECK-LABEL: func.func @big_shift
// CHECK: spectral.channel_affine %arg0 {{.*}}scale_frac = 7 : i32
func.func @big_shift(%x: tensor<1x1x4x4xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x1x4x4xf32> {
  %a = spectral.channel_affine %x {scale = dense<1.0> : tensor<1xf32>, shift = dense<1000.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 1001.0 : f32} : tensor<1x1x4x4xf32>
  return %a : tensor<1x1x4x4xf32>
}
