// spec2-tile-convs records per dataflow the best tiling that fits the
// target's buffers; spec2-select-dataflow models each with the cost model and
// keeps the fastest, recording every alternative's cost. Target small: a
// 4 -> 64 channel conv on 64 x 64 takes five strips of 13 rows and eight
// output-channel blocks of 8, double-buffered with OACC in halves (each
// OUTQ runs beside the next group's SCONVs), recomputing the border tile
// rows of each strip (the last four fields of the tiling: double_buffered,
// carry, oacc_halves, whole_input).
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-tile-convs | FileCheck %s --check-prefix=TILE
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-tile-convs --spec2-select-dataflow | FileCheck %s --check-prefix=PICK
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-select-dataflow=force=kernel_reuse | FileCheck %s --check-prefix=FORCE
// RUN: not spec2-opt %s --spec2-set-target=target=small --spec2-select-dataflow=force=weight_stationary 2>&1 | FileCheck %s --check-prefix=BAD
// The lowering runs the chosen loop order: activation reuse loads each strip
// of input once and the kernels per strip (5 + 40 loads); kernel reuse loads
// each kernel block once and the input per block (40 + 8).
// RUN: spec2-opt %s --pass-pipeline="builtin.module(spec2-set-target{target=small},func.func(spec2-select-dataflow{force=activation_reuse}),spec2-spectral-to-overlay)" -o %t.AR
// RUN: grep -c 'buffer = "inp"' %t.AR | FileCheck %s --check-prefix=AR-INP
// RUN: grep -c 'buffer = "ker"' %t.AR | FileCheck %s --check-prefix=AR-KER
// RUN: spec2-opt %s --pass-pipeline="builtin.module(spec2-set-target{target=small},func.func(spec2-select-dataflow{force=kernel_reuse}),spec2-spectral-to-overlay)" -o %t.KR
// RUN: grep -c 'buffer = "inp"' %t.KR | FileCheck %s --check-prefix=KR-INP
// RUN: grep -c 'buffer = "ker"' %t.KR | FileCheck %s --check-prefix=KR-KER

// TILE: spec2.tilings = {activation_reuse = array<i64: 13, 8, 4, 1, 0, 1, 0>, kernel_reuse = array<i64: 13, 8, 4, 1, 0, 1, 0>}

// Activation reuse: input 45056 B once, kernels per strip (5 x 13056 B, in
// 5-byte packed entries); kernel reuse: kernels once (13056 B), input per
// block (8 x 45056 B), which costs it a little time on the shared DDR.
// PICK: spec2.dataflow = "activation_reuse"
// PICK-SAME: spec2.dataflow_costs = {activation_reuse = {cycles = 99037 : i64, ddr_bytes = 634624 : i64, input_bytes = 45056 : i64, kernel_bytes = 65280 : i64, output_bytes = 524288 : i64}, kernel_reuse = {cycles = 99155 : i64, ddr_bytes = 897792 : i64, input_bytes = 360448 : i64, kernel_bytes = 13056 : i64, output_bytes = 524288 : i64}}
// PICK-SAME: spec2.tiling = array<i64: 13, 8, 4, 1, 0, 1, 0>
// FORCE: spec2.dataflow = "kernel_reuse"
// BAD: unknown dataflow 'weight_stationary' (activation_reuse or kernel_reuse)

// AR-INP: {{^}}5{{$}}
// AR-KER: {{^}}40{{$}}
// KR-INP: {{^}}40{{$}}
// KR-KER: {{^}}8{{$}}

// A double-buffered tiling given in the IR (16-row strips): each new load
// goes to the other half of its buffer (small: INP 16384, KER 16384, BIAS
// 1024 entries), and so does each OUTQ and store (OUT 16384); the loads of
// group i wait only for the computes of group i-2, the OUTQ for the store
// of group i-2. A row of 11 tiles runs as one FFT and SCONV of 8 tiles and
// one of 3, alternating SPEC halves; every FFT but the layer's first is
// async (runs beside the SCONV before it), and a group's first FFT goes
// before the previous group's OUTQ, beside its last SCONV.
// RUN: sed 's/in_frac = 10 : i32,/in_frac = 10 : i32, spec2.dataflow = "activation_reuse", spec2.tiling = array<i64: 16, 8, 4, 1>,/' %s | spec2-opt --spec2-set-target=target=small --spec2-spectral-to-overlay | FileCheck %s --check-prefix=HALVES
// HALVES: ovl.load {buffer = "inp", dst_pitch = 66 : i64, dst_plane = 1188 : i64, nc = 4 : i64, nx = 66 : i64, ny = 18 : i64, src_h = 64 : i64, src_w = 64 : i64}
// HALVES-NEXT: ovl.load {buffer = "ker", count = 320 : i64, dram_addr = 32768 : i64, ker_format = 3 : i64}
// HALVES-NEXT: ovl.load {buffer = "bias", count = 8 : i64, dram_addr = 45568 : i64, push_next}
// HALVES-NEXT: ovl.fft {inp_pitch = 66 : i64, inp_stride = 1188 : i64, nc = 4 : i64, ntx = 8 : i64, pop_prev, shift = 5 : i64, spec_tile = 160 : i64, tile = 6 : i64}
// HALVES-NEXT: ovl.sconv {ncig = 2 : i64, nco = 8 : i64, ncob = 2 : i64, nnz = 20 : i64, ntx = 8 : i64, oacc_h = 16 : i64, oacc_pitch = 64 : i64, oacc_plane = 1024 : i64, ox = -1 : i64, oy = -1 : i64, tx_step = 6 : i64}
// HALVES-NEXT: ovl.fft {async = 1 : i64, inp_addr = 48 : i64, {{.*}}ntx = 3 : i64, shift = 5 : i64, spec_addr = 1280 : i64, spec_tile = 160 : i64, tile = 6 : i64}
// HALVES-NEXT: ovl.sconv {{{.*}}ntx = 3 : i64, {{.*}}ox = 47 : i64, oy = -1 : i64, spec_addr = 1280 : i64, tx_step = 6 : i64}
// HALVES-NEXT: ovl.fft {async = 1 : i64, inp_addr = 396 : i64, {{.*}}ntx = 8 : i64, shift = 5 : i64, spec_tile = 160 : i64, tile = 6 : i64}
// HALVES: ovl.sconv {{{.*}}ntx = 3 : i64, {{.*}}oy = 11 : i64, spec_addr = 1280
// HALVES-NEXT: ovl.fft {async = 1 : i64, inp_pitch = 66 : i64, {{.*}}pop_prev
// HALVES-NEXT: ovl.outq {clamp_hi{{.*}}push_next, push_prev
// HALVES-NEXT: ovl.store {{{.*}}pop_prev, push_prev
// HALVES-NEXT: ovl.load {buffer = "ker", count = 320 : i64, dram_addr = 34368 : i64, ker_format = 3 : i64, sram_addr = 8192 : i64}
// HALVES-NEXT: ovl.load {buffer = "bias", {{.*}}push_next, sram_addr = 512 : i64}
// HALVES-NEXT: ovl.sconv {ker_addr = 8192 : i64
// HALVES: ovl.fft {async = 1 : i64, inp_pitch = 66 : i64, {{.*}}pop_prev
// HALVES-NEXT: ovl.outq {bias_addr = 512 : i64, {{.*}}out_addr = 8192 : i64
// HALVES-NEXT: ovl.store {{{.*}}pop_prev, push_prev, sram_addr = 8192 : i64
// HALVES-NEXT: ovl.load {buffer = "ker", count = 320 : i64, dram_addr = 35968 : i64, ker_format = 3 : i64, pop_next}
// HALVES-NEXT: ovl.load {buffer = "bias", {{.*}}push_next}
// HALVES-NEXT: ovl.sconv
// The third group's OUTQ writes the OUT half of the first group's store: a
// NOP waits for that store just before it.
// HALVES: ovl.nop {pop_next}
// HALVES-NEXT: ovl.outq {clamp_hi
// The second strip's input goes to INP's other half while the first strip's
// last block computes.
// HALVES: ovl.load {buffer = "inp", {{.*}}pop_next, sram_addr = 8192 : i64, {{.*}}y0 = 12 : i64}
// HALVES: ovl.fft {async = 1 : i64, inp_addr = 8192 : i64

// Carried rows (kernel reuse, 16-row strips, carry): strip 0 transforms tile
// rows 0-2 (full-res tops -1, 5, 11), whose overlap-and-add reaches row 18;
// its OUTQ emits rows 0-15 and moves rows 16-18 to the top of each plane.
// Strip 1 starts at tile row 3 (top 17 = plane row 1), loading input from
// row 18; the tile row strip 0 ended with is not transformed again.
// RUN: sed 's/in_frac = 10 : i32,/in_frac = 10 : i32, spec2.dataflow = "kernel_reuse", spec2.tiling = array<i64: 16, 8, 4, 0, 1>,/' %s | spec2-opt --spec2-set-target=target=small --spec2-spectral-to-overlay | FileCheck %s --check-prefix=CARRY
// CARRY: ovl.load {buffer = "inp", {{.*}}ny = 18 : i64, src_h = 64 : i64, src_w = 64 : i64}
// CARRY: ovl.sconv {{{.*}}oacc_h = 23 : i64, oacc_pitch = 64 : i64, oacc_plane = 1472 : i64, ox = -1 : i64, oy = -1 : i64
// CARRY: ovl.sconv {{{.*}}ntx = 3 : i64, {{.*}}oy = 11 : i64
// CARRY-NEXT: ovl.outq {{{.*}}clear = 1 : i64, keep = 3 : i64, keep_from = 16 : i64, {{.*}}oh = 16 : i64
// CARRY: ovl.load {buffer = "inp", {{.*}}ny = 18 : i64, pop_next, push_next, src_h = 64 : i64, src_w = 64 : i64, y0 = 18 : i64}
// CARRY-NEXT: ovl.fft
// CARRY-NEXT: ovl.sconv {{{.*}}ox = -1 : i64, oy = 1 : i64
// OACC in halves (kernel reuse, 8-row strips, double-buffered, carried): the
// strips of a block alternate halves (small: OACC 16384, half 8192); each
// OUTQ moves the rows its strip spilled to the top of the other half
// (keep_swap), where the next strip accumulates, and runs detached beside
// it. The strips of the next block start again in the first half; the
// layer's last OUTQ is not detached (what follows may use its half).
// RUN: sed 's/in_frac = 10 : i32,/in_frac = 10 : i32, spec2.dataflow = "kernel_reuse", spec2.tiling = array<i64: 8, 8, 4, 1, 1, 1>,/' %s | spec2-opt --spec2-set-target=target=small --spec2-spectral-to-overlay | FileCheck %s --check-prefix=SWAP
// SWAP: ovl.sconv {{{.*}}oacc_h = 15 : i64, oacc_pitch = 64 : i64, oacc_plane = 960 : i64, ox = -1 : i64, oy = -1 : i64
// SWAP: ovl.outq {{{.*}}clear = 1 : i64, detach = 1 : i64, keep = 5 : i64, keep_from = 8 : i64, keep_swap = 1 : i64, {{.*}}oh = 8 : i64
// SWAP: ovl.sconv {{{.*}}oacc_addr = 8192 : i64, {{.*}}oy = 3 : i64
// SWAP: ovl.outq {{{.*}}detach = 1 : i64, keep = 3 : i64, keep_from = 8 : i64, keep_swap = 1 : i64, {{.*}}oacc_addr = 8192 : i64
// SWAP: ovl.outq {clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, clear = 1 : i64, detach = 1 : i64, nc = 8 : i64, oacc_addr = 8192 : i64
// SWAP: ovl.sconv {ker_addr = 8192 : i64, ncig = 2 : i64, nco = 8 : i64, ncob = 2 : i64, nnz = 20 : i64, ntx = 8 : i64, oacc_h = 15 : i64, oacc_pitch = 64 : i64, oacc_plane = 960 : i64, ox = -1 : i64, oy = -1 : i64
// SWAP: ovl.outq {bias_addr = 512 : i64, clamp_hi = 32767 : i64, clamp_lo = -32768 : i64, clear = 1 : i64, nc = 8 : i64, oacc_addr = 8192 : i64
// SWAP-NEXT: ovl.store
// SWAP-NEXT: ovl.nop
func.func @main(%x: tensor<1x4x64x64xf32> {spec2.frac = 10 : i32}) -> tensor<1x64x64x64xf32> {
  %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<0.01> : tensor<64x4x10x2xf32>,
         bins = dense<3> : tensor<64x4x10xi32>,
         bias = dense<0.0> : tensor<64xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         in_frac = 10 : i32, out_frac = 10 : i32}
       : tensor<1x4x64x64xf32> -> tensor<1x64x64x64xf32>
  return %y : tensor<1x64x64x64xf32>
}
