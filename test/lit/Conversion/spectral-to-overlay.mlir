// spec2-spectral-to-overlay: a quantised spectral @main becomes an
// ovl.program for the target: tensors and weight segments in DRAM, one
// group of loads, computes and stores per layer block, and dependency
// tokens between the load, compute and store modules.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics --spec2-set-target=target=small --spec2-spectral-to-overlay | FileCheck %s
// RUN: not spec2-opt %s -split-input-file --spec2-set-target=target=tiny --spec2-spectral-to-overlay 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: error: unknown target 'tiny' (built-in targets: small, u200; or pass a path to a .json file)

// conv 3x3 (+ fused ReLU) -> 2x2 max pool -> reshape -> FC on the small
// target (N = 8, 2x4 MAC lanes): a 6x6 plane is one 6x6 tile (L = 8 - 3 + 1).
//
// Tokens: the first load waits for nothing; the last load of a group
// pushes to compute, whose first instruction pops it; the last compute
// pushes to store; the store pops it and pushes back to compute, where a NOP
// hands it on to the next layer's first load (which reads what the store
// wrote); FINISH waits for the last store.
// CHECK-NOT: func.func
// CHECK-LABEL: ovl.program attributes {config = "small", config_hash = {{-?[0-9]+}} : i64, dram_bytes = 832 : i64} {
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 1, 6, 6>, dram_addr = 0 : i64, frac = 14 : i32, kind = "input", name = "image"}
// CHECK-NEXT: ovl.segment {data = dense_resource<[[CONVW:conv.weights]]> : tensor<168xi8>, dram_addr = 128 : i64, name = "conv.weights"}
// CHECK-NEXT: ovl.segment {data = dense_resource<[[FCW:fc.weights]]> : tensor<156xi8>, dram_addr = 576 : i64, name = "fc.weights"}
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 3>, dram_addr = 768 : i64, frac = 10 : i32, kind = "output", name = "logits"}
// Layer 1, conv: INP, KER (1 block x 1 group x 4 non-zeros x 8 lanes, packed:
// ker_format = 3, 5 bytes an entry), BIAS.
// CHECK-NEXT: ovl.load {buffer = "inp", dst_pitch = 6 : i64, dst_plane = 36 : i64, nc = 1 : i64, nx = 6 : i64, ny = 6 : i64, src_h = 6 : i64, src_w = 6 : i64}
// CHECK-NEXT: ovl.load {buffer = "ker", count = 32 : i64, dram_addr = 128 : i64, ker_format = 3 : i64}
// CHECK-NEXT: ovl.load {buffer = "bias", count = 2 : i64, dram_addr = 288 : i64, push_next}
// CHECK-NEXT: ovl.fft {inp_pitch = 6 : i64, inp_stride = 36 : i64, nc = 1 : i64, pop_prev, shift = 5 : i64, tile = 6 : i64}
// CHECK-NEXT: ovl.sconv {acc_shift = 2 : i64, ifft_shift = 1 : i64, ncig = 1 : i64, nco = 2 : i64, ncob = 1 : i64, nnz = 4 : i64, oacc_h = 6 : i64, oacc_pitch = 6 : i64, oacc_plane = 36 : i64, ox = -1 : i64, oy = -1 : i64}
// ReLU: clamp_lo = 0 (omitted), clamp_hi = int16 max.
// CHECK-NEXT: ovl.outq {clamp_hi = 32767 : i64, clear = 1 : i64, nc = 2 : i64, oacc_pitch = 6 : i64, oacc_plane = 36 : i64, oh = 6 : i64, ow = 6 : i64, push_next, shift = 14 : i64, sx = 1 : i64, sy = 1 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 320 : i64, dst_h = 6 : i64, dst_w = 6 : i64, nc = 2 : i64, nx = 6 : i64, ny = 6 : i64, pop_prev, push_prev, src_pitch = 6 : i64, src_plane = 36 : i64}
// Layer 2, max pool.
// CHECK-NEXT: ovl.nop {pop_next, push_prev}
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 320 : i64, dst_pitch = 6 : i64, dst_plane = 36 : i64, nc = 2 : i64, nx = 6 : i64, ny = 6 : i64, pop_next, push_next, src_h = 6 : i64, src_w = 6 : i64}
// CHECK-NEXT: ovl.vec {clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, h = 6 : i64, kh = 2 : i64, kw = 2 : i64, nc = 2 : i64, oh = 3 : i64, op = "maxpool", ow = 3 : i64, pop_prev, push_next, sx = 2 : i64, sy = 2 : i64, w = 6 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 512 : i64, dst_h = 3 : i64, dst_w = 3 : i64, nc = 2 : i64, nx = 3 : i64, ny = 3 : i64, pop_prev, push_prev, src_pitch = 3 : i64, src_plane = 9 : i64}
// Layer 3, FC: reads the pool's output (512) flattened through the reshape.
// CHECK-NEXT: ovl.nop {pop_next, push_prev}
// CHECK-NEXT: ovl.load {buffer = "fcx", dram_addr = 512 : i64, dst_pitch = 18 : i64, dst_plane = 18 : i64, nc = 1 : i64, nx = 18 : i64, ny = 1 : i64, pop_next, src_h = 1 : i64, src_w = 18 : i64}
// Dense rows store values only (ker_format = 2, fc_dense): 72 entries of 2 bytes.
// CHECK-NEXT: ovl.load {buffer = "ker", count = 72 : i64, dram_addr = 576 : i64, ker_format = 2 : i64}
// CHECK-NEXT: ovl.load {buffer = "bias", count = 3 : i64, dram_addr = 720 : i64, push_next}
// CHECK-NEXT: ovl.gemv {clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, first = 1 : i64, last = 1 : i64, nnz = 18 : i64, nrows = 3 : i64, pop_prev, push_next, shift = 17 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 768 : i64, dst_h = 1 : i64, dst_w = 3 : i64, nc = 1 : i64, nx = 3 : i64, ny = 1 : i64, pop_prev, push_prev, src_pitch = 3 : i64, src_plane = 3 : i64}
// CHECK-NEXT: ovl.finish {pop_next}
// CHECK-NEXT: }
//
// Conv weights: spectra at 2^13 (largest |component| 2), {re, im, index
// byte} per lane (pi, po), 0xFF for padding; lane (0, 0) is (co 0, ci 0):
// 1.0 -> 0x2000, lane (0, 1) is (co 1, ci 0): 2.0 -> 0x4000. Biases at the accumulator format 2^25:
// 0.5 -> 0x01000000, -0.25 -> 0xFF800000.
// CHECK: [[CONVW]]: "0x010000000020000000004000000000000000FF{{[0-9A-F]+}}00000001000080FF"
// FC weights {value} at 2^16 (largest weight 0.25 just below 2^14), the rows
// being dense: 0.25 -> 0x4000, rows 0..2 (and padding lane 3) of column 0
// first; biases at 2^(11 + 16): 1 -> 0x08000000, -1 -> 0xF8000000, 0.
// CHECK: [[FCW]]: "0x0100000000400040004000000040004000400000{{[0-9A-F]+}}00000008000000F800000000"
func.func @main(%x: tensor<1x1x6x6xf32> {spec2.frac = 14 : i32, onnx.name = "image"}) -> (tensor<1x3xf32> {onnx.name = "logits"}) {
  %c = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [0.5, -0.5], [0.25, 0.0], [-0.5, 0.5]]], [[[2.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.5, 0.25]]]]> : tensor<2x1x4x2xf32>,
         bins = dense<[[[0, 1, 5, 9]], [[0, 2, 6, 10]]]> : tensor<2x1x4xi32>, bias = dense<[0.5, -0.25]> : tensor<2xf32>,
         clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32, in_frac = 14 : i32, out_frac = 11 : i32,
         spec2.absmax = 6.0 : f32, spec2.absmax_pre = 7.5 : f32} : tensor<1x1x6x6xf32> -> tensor<1x2x6x6xf32>
  %p = spectral.pool2d %c {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 11 : i32, out_frac = 11 : i32} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %s = tosa.const_shape {values = dense<[1, 18]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %p, %s : (tensor<1x2x3x3xf32>, !tosa.shape<2>) -> tensor<1x18xf32>
  %f = spectral.fully_connected %r {values = dense<0.25> : tensor<3x18xf32>,
         columns = dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]]> : tensor<3x18xi32>,
         bias = dense<[1.0, -1.0, 0.0]> : tensor<3xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 11 : i32, out_frac = 10 : i32} : tensor<1x18xf32> -> tensor<1x3xf32>
  return %f : tensor<1x3xf32>
}

// -----

// A residual add of operands at 2^-12 and 2^-14 into 2^-11 (shift a up by
// 2, the sum down by 3) with a fused ReLU, then a clamp to [0, 1] that
// keeps 2^-11: clamp_hi = 1 * 2^11. Unnamed arguments and results are
// inputN / outputN.
// CHECK-LABEL: ovl.program attributes {config = "small", config_hash = {{-?[0-9]+}} : i64, dram_bytes = 256 : i64} {
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 2, 4>, dram_addr = 0 : i64, frac = 12 : i32, kind = "input", name = "input0"}
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 2, 4>, dram_addr = 64 : i64, frac = 14 : i32, kind = "input", name = "input1"}
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 2, 4>, dram_addr = 192 : i64, frac = 11 : i32, kind = "output", name = "output0"}
// CHECK-NEXT: ovl.load {buffer = "inp", dst_pitch = 4 : i64, dst_plane = 8 : i64, nc = 1 : i64, nx = 4 : i64, ny = 2 : i64, src_h = 2 : i64, src_w = 4 : i64}
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 64 : i64, dst_pitch = 4 : i64, dst_plane = 8 : i64, nc = 1 : i64, nx = 4 : i64, ny = 2 : i64, push_next, sram_addr = 8 : i64, src_h = 2 : i64, src_w = 4 : i64}
// CHECK-NEXT: ovl.vec {b_addr = 8 : i64, clamp_hi = 32767 : i64, h = 2 : i64, nc = 1 : i64, oh = 2 : i64, op = "add", ow = 4 : i64, pop_prev, push_next, shift_a = 2 : i64, shift_out = 3 : i64, w = 4 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 128 : i64, dst_h = 2 : i64, dst_w = 4 : i64, nc = 1 : i64, nx = 4 : i64, ny = 2 : i64, pop_prev, push_prev, src_pitch = 4 : i64, src_plane = 8 : i64}
// CHECK-NEXT: ovl.nop {pop_next, push_prev}
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 128 : i64, dst_pitch = 4 : i64, dst_plane = 8 : i64, nc = 1 : i64, nx = 4 : i64, ny = 2 : i64, pop_next, push_next, src_h = 2 : i64, src_w = 4 : i64}
// CHECK-NEXT: ovl.vec {clamp_hi = 2048 : i64, h = 2 : i64, nc = 1 : i64, oh = 2 : i64, op = "req", ow = 4 : i64, pop_prev, push_next, w = 4 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 192 : i64, dst_h = 2 : i64, dst_w = 4 : i64, nc = 1 : i64, nx = 4 : i64, ny = 2 : i64, pop_prev, push_prev, src_pitch = 4 : i64, src_plane = 8 : i64}
// CHECK-NEXT: ovl.finish {pop_next}
func.func @main(%a: tensor<1x2x4xf32> {spec2.frac = 12 : i32}, %b: tensor<1x2x4xf32> {spec2.frac = 14 : i32}) -> tensor<1x2x4xf32> {
  %s = spectral.add %a, %b {clamp_min = 0.0 : f32, clamp_max = 0x7F800000 : f32, lhs_frac = 12 : i32, rhs_frac = 14 : i32, out_frac = 11 : i32} : tensor<1x2x4xf32>
  %k = spectral.clamp %s {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, in_frac = 11 : i32, out_frac = 11 : i32} : tensor<1x2x4xf32>
  return %k : tensor<1x2x4xf32>
}

// -----

func.func @main(%x: tensor<1x8xf32> {spec2.frac = 14 : i32}) -> tensor<1x8xf32> {
  // expected-error @+1 {{'spectral.clamp' op is not quantised; run spec2-quantize first}}
  %k = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32} : tensor<1x8xf32>
  return %k : tensor<1x8xf32>
}

// -----

func.func @main(%x: tensor<1x8xf32> {spec2.frac = 14 : i32}) -> tensor<1x8xf32> {
  %k = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, in_frac = 14 : i32, out_frac = 14 : i32} : tensor<1x8xf32>
  // expected-error @+1 {{'tosa.sigmoid' has no engine on the overlay}}
  %y = tosa.sigmoid %k : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// expected-error @+1 {{argument 0 is not quantised; run spec2-quantize first}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %k = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, in_frac = 14 : i32, out_frac = 14 : i32} : tensor<1x8xf32>
  return %k : tensor<1x8xf32>
}

// -----

// The kernels' spectra were made for another FFT size than the target's.
func.func @main(%x: tensor<1x1x6x6xf32> {spec2.frac = 14 : i32}) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'spectral.conv2d' op was made for fft_size 4; the target 'small' has 8}}
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<1.0> : tensor<1x1x1x2xf32>, bins = dense<0> : tensor<1x1x1xi32>, bias = dense<0.0> : tensor<1xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 14 : i32, out_frac = 11 : i32} : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xf32>
  return %c : tensor<1x1x6x6xf32>
}

// -----

func.func @main(%x: tensor<1x2x4x4xf32> {spec2.frac = 14 : i32}) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'spectral.pool2d' op formats 2^--20 and 2^-14 are too far apart}}
  %p = spectral.pool2d %x {kind = "avg", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = -20 : i32, out_frac = 14 : i32} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// -----

// expected-error @+1 {{spec2-spectral-to-overlay needs a function @main}}
module {
  func.func @not_main(%x: tensor<1x8xf32> {spec2.frac = 14 : i32}) -> tensor<1x8xf32> {
    return %x : tensor<1x8xf32>
  }
}
