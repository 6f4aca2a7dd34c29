// spec2-spectral-to-overlay: spectral.channel_affine becomes VEC.affine with
// its {int16 scale, int32 shift} pairs in a segment loaded into BIAS;
// spectral.channel_mul becomes VEC.mul with the run-time gate loaded into INP
// after the planes; planes too large for INP are cut into row chunks.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics --spec2-set-target=target=small --spec2-spectral-to-overlay | FileCheck %s

// Affine: in 2^-12, scales at 2^-13, out 2^-11: shift_out = 12 + 13 - 11 =
// 14. Pairs: 0.5 -> 0x1000, 0.25 at 2^-25 -> 0x00800000; -2 -> 0xFFFFC000
// (the engine reads the low half), 1 -> 0x02000000. The ReLU is clamp_lo 0.
// Mul: in 2^-11, gate 2^-14, out 2^-12: shift_out = 13; the two factors are
// one LOAD into INP at 24 = 2 planes of 12, b_addr = 24.
// CHECK-LABEL: ovl.program
// CHECK: ovl.segment {data = dense<[0, 16, 0, 0, 0, 0, -128, 0, 0, -64, -1, -1, 0, 0, 0, 2]> : tensor<16xi8>, dram_addr = 128 : i64, name = "channel_affine.pairs"}
// CHECK: ovl.load {buffer = "inp", dst_pitch = 4 : i64, dst_plane = 12 : i64, nc = 2 : i64, nx = 4 : i64, ny = 3 : i64, src_h = 3 : i64, src_w = 4 : i64}
// CHECK-NEXT: ovl.load {buffer = "bias", count = 4 : i64, dram_addr = 128 : i64, push_next}
// CHECK-NEXT: ovl.vec {clamp_hi = 32767 : i64, h = 3 : i64, nc = 2 : i64, oh = 3 : i64, op = "affine", ow = 4 : i64, pop_prev, push_next, shift_out = 14 : i64, w = 4 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 192 : i64
// CHECK: ovl.load {buffer = "inp", dram_addr = 192 : i64, dst_pitch = 4 : i64, dst_plane = 12 : i64, nc = 2 : i64, nx = 4 : i64, ny = 3 : i64, pop_next, src_h = 3 : i64, src_w = 4 : i64}
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 64 : i64, dst_pitch = 2 : i64, dst_plane = 2 : i64, nc = 1 : i64, nx = 2 : i64, ny = 1 : i64, push_next, sram_addr = 24 : i64, src_h = 1 : i64, src_w = 2 : i64}
// CHECK-NEXT: ovl.vec {b_addr = 24 : i64, clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, h = 3 : i64, nc = 2 : i64, oh = 3 : i64, op = "mul", ow = 4 : i64, pop_prev, push_next, shift_out = 13 : i64, w = 4 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 256 : i64
func.func @main(%x: tensor<1x2x3x4xf32> {spec2.frac = 12 : i32, onnx.name = "x"}, %s: tensor<1x2x1x1xf32> {spec2.frac = 14 : i32, onnx.name = "gate"}) -> (tensor<1x2x3x4xf32> {onnx.name = "y"}) {
  %a = spectral.channel_affine %x {scale = dense<[0.5, -2.0]> : tensor<2xf32>, shift = dense<[0.25, 1.0]> : tensor<2xf32>, clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32, in_frac = 12 : i32, out_frac = 11 : i32, scale_frac = 13 : i32} : tensor<1x2x3x4xf32>
  %y = spectral.channel_mul %a, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 11 : i32, scale_frac = 14 : i32, out_frac = 12 : i32} : tensor<1x2x3x4xf32>, tensor<1x2x1x1xf32>
  return %y : tensor<1x2x3x4xf32>
}

// -----

// A 200 x 100 plane does not fit small's 16384-element INP: row chunks of
// 163 and 37 rows per channel, each loading its channel's factor (x0 = c)
// after its rows. out 2^-28 is finer than the product's 2^-26: shift_a = 2.
// CHECK-LABEL: ovl.program
// CHECK: ovl.load {buffer = "inp", dst_pitch = 100 : i64, dst_plane = 16300 : i64, nc = 1 : i64, nx = 100 : i64, ny = 163 : i64, src_h = 200 : i64, src_w = 100 : i64}
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 80000 : i64, dst_pitch = 1 : i64, dst_plane = 1 : i64, nc = 1 : i64, nx = 1 : i64, ny = 1 : i64, push_next, sram_addr = 16300 : i64, src_h = 1 : i64, src_w = 2 : i64}
// CHECK-NEXT: ovl.vec {b_addr = 16300 : i64, clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, h = 163 : i64, nc = 1 : i64, oh = 163 : i64, op = "mul", ow = 100 : i64, pop_prev, push_next, shift_a = 2 : i64, w = 100 : i64}
// CHECK: ovl.vec {b_addr = 3700 : i64, {{.*}}, h = 37 : i64, nc = 1 : i64
// CHECK: ovl.load {buffer = "inp", dram_addr = 40000 : i64, {{.*}}, ny = 163 : i64
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 80000 : i64, {{.*}}, sram_addr = 16300 : i64, src_h = 1 : i64, src_w = 2 : i64, x0 = 1 : i64}
// CHECK: ovl.vec {b_addr = 3700 : i64, {{.*}}, h = 37 : i64
// CHECK-NOT: ovl.vec
// CHECK: ovl.finish
func.func @main(%x: tensor<1x2x200x100xf32> {spec2.frac = 12 : i32, onnx.name = "x"}, %s: tensor<1x2x1x1xf32> {spec2.frac = 14 : i32, onnx.name = "gate"}) -> (tensor<1x2x200x100xf32> {onnx.name = "y"}) {
  %y = spectral.channel_mul %x, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 12 : i32, scale_frac = 14 : i32, out_frac = 28 : i32} : tensor<1x2x200x100xf32>, tensor<1x2x1x1xf32>
  return %y : tensor<1x2x200x100xf32>
}

// -----

// An output format 16 bits finer than the product's is beyond the 48-bit
// accumulator.
func.func @main(%x: tensor<1x2x3x4xf32> {spec2.frac = 2 : i32, onnx.name = "x"}) -> (tensor<1x2x3x4xf32> {onnx.name = "y"}) {
  // expected-error @+1 {{'spectral.channel_affine' op formats 2^-2 x 2^-2 cannot produce 2^-20 on the vector unit}}
  %a = spectral.channel_affine %x {scale = dense<1.0> : tensor<2xf32>, shift = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 2 : i32, out_frac = 20 : i32, scale_frac = 2 : i32} : tensor<1x2x3x4xf32>
  return %a : tensor<1x2x3x4xf32>
}
