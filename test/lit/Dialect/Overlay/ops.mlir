// An overlay program using every instruction op (CONV and CONVQ at the ends
// of their fields' ranges, a negative and a positive residual shift), every
// load buffer and vec selector, all four dependency flags and fields at the ends of their
// ranges survives printing and re-parsing (custom and generic form). Zero
// fields are elided when printed.
// RUN: spec2-opt %s | spec2-opt | FileCheck %s
// RUN: spec2-opt %s --mlir-print-op-generic | spec2-opt | FileCheck %s

// CHECK-LABEL: ovl.program attributes {config = "small", config_hash = 1311768465173141104 : i64, dram_bytes = 4294967296 : i64} {
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 1, 4, 4>, dram_addr = 0 : i64, frac = -128 : i32, kind = "input", name = "x"}
// CHECK-NEXT: ovl.segment {data = dense<[1, 2, -3, 127]> : tensor<4xi8>, dram_addr = 64 : i64, name = "w"}
// CHECK-NEXT: ovl.tensor {dims = array<i64: 1, 2>, dram_addr = 128 : i64, frac = 127 : i32, kind = "output", name = "y"}
// Box load: signed origins at both ends of 16 bits, the largest DRAM address.
// CHECK-NEXT: ovl.load {buffer = "inp", dram_addr = 4294967295 : i64, dst_pitch = 65535 : i64, dst_plane = 1048575 : i64, nc = 1 : i64, nx = 4 : i64, ny = 4 : i64, sram_addr = 1048575 : i64, src_h = 4 : i64, src_w = 4 : i64, x0 = 32767 : i64, y0 = -32768 : i64}
// CHECK-NEXT: ovl.load {buffer = "ker", count = 16777215 : i64, dram_addr = 64 : i64, ker_format = 1 : i64}
// CHECK-NEXT: ovl.load {buffer = "bias", count = 2 : i64, dram_addr = 64 : i64, pop_next}
// CHECK-NEXT: ovl.load {buffer = "fcx", dram_addr = 128 : i64, dst_pitch = 2 : i64, dst_plane = 2 : i64, nc = 1 : i64, nx = 2 : i64, ny = 1 : i64, push_next, src_h = 1 : i64, src_w = 2 : i64, x0 = -1 : i64}
// CHECK-NEXT: ovl.fft {inp_addr = 1048575 : i64, inp_pitch = 4 : i64, inp_stride = 16 : i64, nc = 1 : i64, pop_prev, shift = 63 : i64, spec_addr = 40 : i64, tile = 31 : i64}
// CHECK-NEXT: ovl.sconv {acc_shift = 63 : i64, ifft_shift = 1 : i64, ker_addr = 3 : i64, ncig = 1 : i64, nco = 2 : i64, ncob = 65535 : i64, nnz = 40 : i64, oacc_addr = 5 : i64, oacc_h = 4 : i64, oacc_pitch = 4 : i64, oacc_plane = 1048575 : i64, ox = 32767 : i64, oy = -32768 : i64, spec_addr = 7 : i64}
// CHECK-NEXT: ovl.outq {bias_addr = 1 : i64, clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, clear = 1 : i64, nc = 2 : i64, oacc_addr = 2 : i64, oacc_pitch = 4 : i64, oacc_plane = 16 : i64, oh = 4 : i64, out_addr = 3 : i64, ow = 4 : i64, shift = 63 : i64, sx = 15 : i64, sy = 15 : i64, x0 = 65535 : i64, y0 = 1 : i64}
// CHECK-NEXT: ovl.gemv {acc_addr = 4 : i64, bias_addr = 5 : i64, clamp_hi = 100 : i64, clamp_lo = -100 : i64, first = 1 : i64, ker_addr = 1 : i64, last = 1 : i64, nnz = 2 : i64, nrows = 2 : i64, out_addr = 6 : i64, shift = 12 : i64, x_addr = 7 : i64}
// CHECK-NEXT: ovl.vec {clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, h = 4 : i64, include_pad = 1 : i64, kh = 31 : i64, kw = 2 : i64, nc = 1 : i64, oh = 2 : i64, op = "maxpool", ow = 2 : i64, pl = 15 : i64, pt = 1 : i64, shift_a = 31 : i64, shift_out = 63 : i64, sx = 2 : i64, sy = 15 : i64, w = 4 : i64}
// CHECK-NEXT: ovl.vec {a_addr = 16 : i64, h = 4 : i64, include_pad = 1 : i64, kh = 3 : i64, kw = 3 : i64, nc = 1 : i64, oh = 4 : i64, op = "avgpool", out_addr = 1048575 : i64, ow = 4 : i64, pl = 1 : i64, pt = 1 : i64, sx = 1 : i64, sy = 1 : i64, w = 4 : i64}
// CHECK-NEXT: ovl.vec {b_addr = 16 : i64, h = 1 : i64, nc = 1 : i64, oh = 1 : i64, op = "add", ow = 16 : i64, shift_b = 31 : i64, w = 16 : i64}
// CHECK-NEXT: ovl.vec {h = 1 : i64, nc = 1 : i64, oh = 1 : i64, op = "req", ow = 16 : i64, push_next, push_prev, w = 16 : i64}
// CHECK-NEXT: ovl.vec {b_addr = 3 : i64, h = 2 : i64, nc = 1 : i64, oh = 2 : i64, op = "lut", ow = 8 : i64, w = 8 : i64}
// CHECK-NEXT: ovl.conv {acc_shift = 63 : i64, chain = 1 : i64, cpg = 1 : i64, dx = 1 : i64, dy = 15 : i64, first = 1 : i64, ker_addr = 1048575 : i64, kh = 31 : i64, kw = 31 : i64, nco = 65535 : i64, nr = 65535 : i64, oacc_addr = 3 : i64, oh = 4095 : i64, opg = 65535 : i64, ow = 1 : i64, src_addr = 1048575 : i64, src_buf = 1 : i64, src_pitch = 4095 : i64, sx = 1 : i64, sy = 7 : i64, vh = 4095 : i64, vw = 1 : i64, x0 = 2047 : i64, y0 = -2048 : i64}
// CHECK-NEXT: ovl.convq {bias_addr = 2 : i64, clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, dst_buf = 1 : i64, lut = 1 : i64, lut_addr = 6 : i64, lut_shift = 63 : i64, nc = 65535 : i64, oacc_addr = 1048575 : i64, oh = 4095 : i64, out_addr = 4 : i64, ow = 1 : i64, res = 1 : i64, res_addr = 5 : i64, res_buf = 1 : i64, res_pitch = 4095 : i64, res_plane = 1048575 : i64, res_shift = -32 : i64, shift = 63 : i64}
// CHECK-NEXT: ovl.convq {nc = 1 : i64, oh = 1 : i64, ow = 1 : i64, res_shift = 31 : i64}
// CHECK-NEXT: ovl.store {dram_addr = 128 : i64, dst_h = 1 : i64, dst_w = 2 : i64, nc = 1 : i64, nx = 2 : i64, ny = 1 : i64, pop_prev, push_prev, sram_addr = 1048575 : i64, src_pitch = 2 : i64, src_plane = 1048575 : i64, x0 = 32767 : i64, y0 = -32768 : i64}
// CHECK-NEXT: ovl.nop {pop_next, push_prev}
// CHECK-NEXT: ovl.nop
// CHECK-NEXT: ovl.finish {pop_next, pop_prev, push_next, push_prev}
// CHECK-NEXT: }
ovl.program attributes {config = "small", config_hash = 0x1234567812345670 : i64, dram_bytes = 4294967296 : i64} {
  ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64: 1, 1, 4, 4>, frac = -128 : i32}
  ovl.segment {name = "w", dram_addr = 64 : i64, data = dense<[1, 2, -3, 127]> : tensor<4xi8>}
  ovl.tensor {kind = "output", name = "y", dram_addr = 128 : i64, dims = array<i64: 1, 2>, frac = 127 : i32}
  ovl.load {buffer = "inp", dram_addr = 4294967295 : i64, sram_addr = 1048575 : i64, src_h = 4 : i64, src_w = 4 : i64, y0 = -32768 : i64, x0 = 32767 : i64, nc = 1 : i64, ny = 4 : i64, nx = 4 : i64, dst_pitch = 65535 : i64, dst_plane = 1048575 : i64}
  ovl.load {buffer = "ker", dram_addr = 64 : i64, count = 16777215 : i64, ker_format = 1 : i64}
  // An explicit zero field is the same as an omitted one.
  ovl.load {buffer = "bias", dram_addr = 64 : i64, sram_addr = 0 : i64, count = 2 : i64, pop_next}
  ovl.load {buffer = "fcx", dram_addr = 128 : i64, src_h = 1 : i64, src_w = 2 : i64, x0 = -1 : i64, nc = 1 : i64, ny = 1 : i64, nx = 2 : i64, dst_pitch = 2 : i64, dst_plane = 2 : i64, push_next}
  ovl.fft {inp_addr = 1048575 : i64, inp_stride = 16 : i64, inp_pitch = 4 : i64, spec_addr = 40 : i64, nc = 1 : i64, tile = 31 : i64, shift = 63 : i64, pop_prev}
  ovl.sconv {ker_addr = 3 : i64, spec_addr = 7 : i64, nnz = 40 : i64, ncig = 1 : i64, ncob = 65535 : i64, nco = 2 : i64, oacc_addr = 5 : i64, oacc_pitch = 4 : i64, oacc_plane = 1048575 : i64, oacc_h = 4 : i64, oy = -32768 : i64, ox = 32767 : i64, acc_shift = 63 : i64, ifft_shift = 1 : i64}
  ovl.outq {oacc_addr = 2 : i64, oacc_pitch = 4 : i64, oacc_plane = 16 : i64, out_addr = 3 : i64, bias_addr = 1 : i64, nc = 2 : i64, oh = 4 : i64, ow = 4 : i64, y0 = 1 : i64, x0 = 65535 : i64, sy = 15 : i64, sx = 15 : i64, shift = 63 : i64, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, clear = 1 : i64}
  ovl.gemv {ker_addr = 1 : i64, x_addr = 7 : i64, nrows = 2 : i64, nnz = 2 : i64, acc_addr = 4 : i64, first = 1 : i64, last = 1 : i64, out_addr = 6 : i64, bias_addr = 5 : i64, shift = 12 : i64, clamp_lo = -100 : i64, clamp_hi = 100 : i64}
  ovl.vec {op = "maxpool", nc = 1 : i64, h = 4 : i64, w = 4 : i64, kh = 31 : i64, kw = 2 : i64, sy = 15 : i64, sx = 2 : i64, pt = 1 : i64, pl = 15 : i64, oh = 2 : i64, ow = 2 : i64, shift_a = 31 : i64, shift_out = 63 : i64, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, include_pad = 1 : i64}
  ovl.vec {op = "avgpool", a_addr = 16 : i64, out_addr = 1048575 : i64, nc = 1 : i64, h = 4 : i64, w = 4 : i64, kh = 3 : i64, kw = 3 : i64, sy = 1 : i64, sx = 1 : i64, pt = 1 : i64, pl = 1 : i64, oh = 4 : i64, ow = 4 : i64, include_pad = 1 : i64}
  ovl.vec {op = "add", b_addr = 16 : i64, nc = 1 : i64, h = 1 : i64, w = 16 : i64, oh = 1 : i64, ow = 16 : i64, shift_b = 31 : i64}
  ovl.vec {op = "req", nc = 1 : i64, h = 1 : i64, w = 16 : i64, oh = 1 : i64, ow = 16 : i64, push_prev, push_next}
  ovl.vec {op = "lut", b_addr = 3 : i64, nc = 1 : i64, h = 2 : i64, w = 8 : i64, oh = 2 : i64, ow = 8 : i64}
  ovl.conv {src_buf = 1 : i64, src_addr = 1048575 : i64, src_pitch = 4095 : i64, y0 = -2048 : i64, x0 = 2047 : i64, vh = 4095 : i64, vw = 1 : i64, kh = 31 : i64, kw = 31 : i64, sy = 7 : i64, sx = 1 : i64, dy = 15 : i64, dx = 1 : i64, oh = 4095 : i64, ow = 1 : i64, oacc_addr = 3 : i64, nco = 65535 : i64, cpg = 1 : i64, opg = 65535 : i64, ker_addr = 1048575 : i64, nr = 65535 : i64, acc_shift = 63 : i64, first = 1 : i64, chain = 1 : i64}
  ovl.convq {oacc_addr = 1048575 : i64, nc = 65535 : i64, oh = 4095 : i64, ow = 1 : i64, bias_addr = 2 : i64, shift = 63 : i64, dst_buf = 1 : i64, out_addr = 4 : i64, res = 1 : i64, res_buf = 1 : i64, res_addr = 5 : i64, res_pitch = 4095 : i64, res_plane = 1048575 : i64, res_shift = -32 : i64, lut = 1 : i64, lut_addr = 6 : i64, lut_shift = 63 : i64, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64}
  ovl.convq {nc = 1 : i64, oh = 1 : i64, ow = 1 : i64, res_shift = 31 : i64}
  ovl.store {dram_addr = 128 : i64, sram_addr = 1048575 : i64, dst_h = 1 : i64, dst_w = 2 : i64, y0 = -32768 : i64, x0 = 32767 : i64, nc = 1 : i64, ny = 1 : i64, nx = 2 : i64, src_pitch = 2 : i64, src_plane = 1048575 : i64, pop_prev, push_prev}
  ovl.nop {pop_next, push_prev}
  ovl.nop
  ovl.finish {pop_prev, pop_next, push_prev, push_next}
}
