// The verifier errors of spectral.channel_affine and spectral.channel_mul.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics

func.func @affine_count(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'spectral.channel_affine' op scale and shift must have 2 values (one per channel)}}
  %y = spectral.channel_affine %x {scale = dense<1.0> : tensor<3xf32>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @affine_rank(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'spectral.channel_affine' op expects [N, C, ...] (channels in dimension 1)}}
  %y = spectral.channel_affine %x {scale = dense<1.0> : tensor<2xf32>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @affine_type(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'spectral.channel_affine' op scale and shift must be f32}}
  %y = spectral.channel_affine %x {scale = dense<1.0> : tensor<2xf64>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @affine_clamp(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'spectral.channel_affine' op clamp_min must not exceed clamp_max}}
  %y = spectral.channel_affine %x {scale = dense<1.0> : tensor<2xf32>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 1.0 : f32, clamp_max = 0.0 : f32} : tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @mul_not_per_channel(%x: tensor<1x8x5x5xf32>, %s: tensor<1x8x5x1xf32>) -> tensor<1x8x5x5xf32> {
  // expected-error @+1 {{'spectral.channel_mul' op scale must be [1, 8, 1, ...] of rank 4 (one value per channel of the input)}}
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8x5x5xf32>, tensor<1x8x5x1xf32>
  return %y : tensor<1x8x5x5xf32>
}

// -----

func.func @mul_channels(%x: tensor<1x8x5x5xf32>, %s: tensor<1x4x1x1xf32>) -> tensor<1x8x5x5xf32> {
  // expected-error @+1 {{'spectral.channel_mul' op scale must be [1, 8, 1, ...] of rank 4 (one value per channel of the input)}}
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8x5x5xf32>, tensor<1x4x1x1xf32>
  return %y : tensor<1x8x5x5xf32>
}

// -----

func.func @mul_rank(%x: tensor<1x8x5x5xf32>, %s: tensor<1x8xf32>) -> tensor<1x8x5x5xf32> {
  // expected-error @+1 {{'spectral.channel_mul' op scale must be [1, 8, 1, ...] of rank 4 (one value per channel of the input)}}
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<1x8x5x5xf32>, tensor<1x8xf32>
  return %y : tensor<1x8x5x5xf32>
}

// -----

func.func @mul_batch(%x: tensor<2x8x5x5xf32>, %s: tensor<1x8x1x1xf32>) -> tensor<2x8x5x5xf32> {
  // expected-error @+1 {{'spectral.channel_mul' op scale must be [2, 8, 1, ...] of rank 4 (one value per channel of the input)}}
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32} : tensor<2x8x5x5xf32>, tensor<1x8x1x1xf32>
  return %y : tensor<2x8x5x5xf32>
}
