// Every verifier error of the overlay dialect (OverlayDialect.cpp): fields
// that do not fit their ISA width, names that are not fields, selectors
// without an instruction form, and program, segment and tensor errors.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Field widths (hw/include/spec2/isa.h)
//===----------------------------------------------------------------------===//

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'dram_addr' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 32-bit unsigned field}}
  ovl.load {buffer = "inp", dram_addr = 4294967296 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'nc' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit unsigned field}}
  ovl.load {buffer = "inp", nc = -1 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'y0' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit signed field}}
  ovl.load {buffer = "inp", y0 = 32768 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'count' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 24-bit unsigned field}}
  ovl.load {buffer = "ker", count = 16777216 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'ker_format' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 2-bit unsigned field}}
  ovl.load {buffer = "ker", ker_format = 4 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.store' op attribute 'x0' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit signed field}}
  ovl.store {x0 = -32769 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.store' op attribute 'src_plane' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 20-bit unsigned field}}
  ovl.store {src_plane = 1048576 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.fft' op attribute 'tile' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 5-bit unsigned field}}
  ovl.fft {tile = 32 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.fft' op attribute 'shift' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 6-bit unsigned field}}
  ovl.fft {shift = 64 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.sconv' op attribute 'oy' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit signed field}}
  ovl.sconv {oy = -32769 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.sconv' op attribute 'ker_addr' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 20-bit unsigned field}}
  ovl.sconv {ker_addr = 1048576 : i64}
  ovl.finish
}

// -----

// OUTQ's origin is unsigned, unlike LOAD's and STORE's.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.outq' op attribute 'y0' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit unsigned field}}
  ovl.outq {y0 = -1 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.outq' op attribute 'sy' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 4-bit unsigned field}}
  ovl.outq {sy = 16 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.outq' op attribute 'clamp_hi' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit signed field}}
  ovl.outq {clamp_hi = 32768 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.gemv' op attribute 'first' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 1-bit unsigned field}}
  ovl.gemv {first = 2 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.gemv' op attribute 'clamp_lo' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 16-bit signed field}}
  ovl.gemv {clamp_lo = -32769 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op attribute 'kh' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 5-bit unsigned field}}
  ovl.vec {op = "maxpool", kh = 32 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op attribute 'shift_a' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 5-bit unsigned field}}
  ovl.vec {op = "add", shift_a = 32 : i64}
  ovl.finish
}

// -----

// CONV's tile fields are 12 bits, signed for the tap origins.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.conv' op attribute 'y0' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 12-bit signed field}}
  ovl.conv {y0 = -2049 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.conv' op attribute 'vh' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 12-bit unsigned field}}
  ovl.conv {vh = 4096 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.conv' op attribute 'sy' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 3-bit unsigned field}}
  ovl.conv {sy = 8 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.conv' op attribute 'chain' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 1-bit unsigned field}}
  ovl.conv {chain = 2 : i64}
  ovl.finish
}

// -----

// CONVQ's residual shift is signed: -32 .. 31.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.convq' op attribute 'res_shift' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 6-bit signed field}}
  ovl.convq {res_shift = 32 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.convq' op attribute 'dst_buf' failed to satisfy constraint: 64-bit signless integer attribute whose value fits the 1-bit unsigned field}}
  ovl.convq {dst_buf = -1 : i64}
  ovl.finish
}

// -----

// A field of CONV is not a field of CONVQ.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.convq' op 'src_buf' is not a field of convq}}
  ovl.convq {src_buf = 1 : i64}
  ovl.finish
}

//===----------------------------------------------------------------------===//
// Names that are not fields or flags
//===----------------------------------------------------------------------===//

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.fft' op 'stride' is not a field of fft}}
  ovl.fft {stride = 1 : i64}
  ovl.finish
}

// -----

// A field of another instruction is not a field of this one.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op 'count' is not a field of vec}}
  ovl.vec {op = "req", count = 1 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.finish' op 'nc' is not a field of finish}}
  ovl.finish {nc = 1 : i64}
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.store' op 'note' is not a field of store}}
  ovl.store {note = "not an integer"}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.nop' op 'pop_both' is not a field of nop}}
  ovl.nop {pop_both}
  ovl.finish
}

// -----

// The selector attribute of LOAD and VEC is not a field of any other op.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.fft' op 'op' is not a field of fft}}
  ovl.fft {op = "add"}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op 'buffer' is not a field of vec}}
  ovl.vec {op = "add", buffer = "inp"}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op 'op' is not a field of load}}
  ovl.load {buffer = "ker", op = 3 : i64}
  ovl.finish
}

//===----------------------------------------------------------------------===//
// Selectors
//===----------------------------------------------------------------------===//

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'buffer' failed to satisfy constraint: string attribute is a LoadBuffer (inp, ker, bias, fcx)}}
  ovl.load {buffer = "out", count = 1 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op attribute 'op' failed to satisfy constraint: string attribute is a VecOp (maxpool, avgpool, add, req, lut, affine, mul, softmax)}}
  ovl.vec {op = "div"}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.vec' op attribute 'op' failed to satisfy constraint: string attribute is a VecOp (maxpool, avgpool, add, req, lut, affine, mul, softmax)}}
  ovl.vec {op = ""}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op requires attribute 'buffer'}}
  ovl.load {count = 1 : i64}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.load' op attribute 'count' failed to satisfy constraint: 64-bit signless integer attribute}}
  ovl.load {buffer = "ker", count = 1 : i32}
  ovl.finish
}

//===----------------------------------------------------------------------===//
// Program
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'ovl.program' op must end with ovl.finish}}
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  ovl.load {buffer = "inp", push_next}
  ovl.nop {pop_prev}
}

// -----

// expected-error @+1 {{'ovl.program' op must end with ovl.finish}}
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
}

// -----

// Only tensors and segments may follow the FINISH.
// expected-error @+1 {{'ovl.program' op must end with ovl.finish}}
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  ovl.finish
  ovl.nop
  ovl.tensor {kind = "output", name = "y", dram_addr = 0 : i64, dims = array<i64: 4>, frac = 8 : i32}
}

// -----

// expected-error @+1 {{'ovl.program' op dram_bytes must be in [1, 2^32]}}
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 0 : i64} {
  ovl.finish
}

// -----

// expected-error @+1 {{'ovl.program' op dram_bytes must be in [1, 2^32]}}
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 4294967297 : i64} {
  ovl.finish
}

// -----

// expected-error @+1 {{'ovl.finish' op expects parent op 'ovl.program'}}
ovl.finish

// -----

func.func @f() {
  // expected-error @+1 {{'ovl.tensor' op expects parent op 'ovl.program'}}
  ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64: 4>, frac = 8 : i32}
  return
}

//===----------------------------------------------------------------------===//
// Segments
//===----------------------------------------------------------------------===//

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.segment' op data must be a 1-D i8 tensor}}
  ovl.segment {name = "w", dram_addr = 0 : i64, data = dense<1> : tensor<4xi16>}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.segment' op data must be a 1-D i8 tensor}}
  ovl.segment {name = "w", dram_addr = 0 : i64, data = dense<1> : tensor<2x2xi8>}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.segment' op dram_addr must be non-negative}}
  ovl.segment {name = "w", dram_addr = -64 : i64, data = dense<1> : tensor<4xi8>}
  ovl.finish
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op kind must be "input" or "output"}}
  ovl.tensor {kind = "weights", name = "x", dram_addr = 0 : i64, dims = array<i64: 4>, frac = 8 : i32}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op needs at least one dimension}}
  ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64>, frac = 8 : i32}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op dimensions must be positive}}
  ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64: 1, 0, 4>, frac = 8 : i32}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op dram_addr must be non-negative}}
  ovl.tensor {kind = "output", name = "y", dram_addr = -2 : i64, dims = array<i64: 4>, frac = 8 : i32}
  ovl.finish
}

// -----

// The program format stores the format as an int8.
ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op frac must be in [-128, 127], got 128}}
  ovl.tensor {kind = "output", name = "y", dram_addr = 0 : i64, dims = array<i64: 4>, frac = 128 : i32}
  ovl.finish
}

// -----

ovl.program attributes {config = "small", config_hash = 0 : i64, dram_bytes = 64 : i64} {
  // expected-error @+1 {{'ovl.tensor' op frac must be in [-128, 127], got -129}}
  ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64: 4>, frac = -129 : i32}
  ovl.finish
}
