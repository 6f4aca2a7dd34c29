// spec2-tile-convs records per dataflow the best tiling that fits the
// target's buffers; spec2-select-dataflow models each with the cost model and
// keeps the fastest, recording every alternative's cost. Target small: a
// 2 -> 64 channel conv on 48 x 48 takes two strips (28 and 20 rows) and six
// output-channel blocks of 12 (the last holds 4; OACC holds 12 channels x 30
// rows), with INP, KER and BIAS double-buffered (the last 1 of the tiling):
// loads then overlap computes, which take a whole row of 8 tiles per FFT and
// SCONV.
// RUN: spec2-opt %s --spec2-tile-convs=target=small | FileCheck %s --check-prefix=TILE
// RUN: spec2-opt %s --spec2-tile-convs=target=small --spec2-select-dataflow=target=small | FileCheck %s --check-prefix=PICK
// RUN: spec2-opt %s --spec2-select-dataflow="target=small force=kernel_reuse" | FileCheck %s --check-prefix=FORCE
// RUN: not spec2-opt %s --spec2-select-dataflow="target=small force=weight_stationary" 2>&1 | FileCheck %s --check-prefix=BAD
// The lowering runs the chosen loop order: activation reuse loads each strip
// of input once and the kernels per strip (2 + 12 loads); kernel reuse loads
// each kernel block once and the input per block (12 + 6).
// RUN: spec2-opt %s --pass-pipeline="builtin.module(func.func(spec2-select-dataflow{target=small force=activation_reuse}),spec2-spectral-to-overlay{target=small})" -o %t.AR
// RUN: grep -c 'buffer = "inp"' %t.AR | FileCheck %s --check-prefix=AR-INP
// RUN: grep -c 'buffer = "ker"' %t.AR | FileCheck %s --check-prefix=AR-KER
// RUN: spec2-opt %s --pass-pipeline="builtin.module(func.func(spec2-select-dataflow{target=small force=kernel_reuse}),spec2-spectral-to-overlay{target=small})" -o %t.KR
// RUN: grep -c 'buffer = "inp"' %t.KR | FileCheck %s --check-prefix=KR-INP
// RUN: grep -c 'buffer = "ker"' %t.KR | FileCheck %s --check-prefix=KR-KER

// TILE: spec2.tilings = {activation_reuse = array<i64: 28, 12, 2, 1>, kernel_reuse = array<i64: 28, 12, 2, 1>}

// Activation reuse: input 10368 B once, kernels twice (17792 B); kernel
// reuse: kernels once (8896 B), input 6 x 10368 B. The loads hide behind the
// computes either way (equal cycles); activation reuse moves fewer bytes.
// PICK: spec2.dataflow = "activation_reuse"
// PICK-SAME: spec2.dataflow_costs = {activation_reuse = {cycles = [[CYCLES:[0-9]+]] : i64, ddr_bytes = 323072 : i64, input_bytes = 10368 : i64, kernel_bytes = 17792 : i64, output_bytes = 294912 : i64}, kernel_reuse = {cycles = [[CYCLES]] : i64, ddr_bytes = 366016 : i64, input_bytes = 62208 : i64, kernel_bytes = 8896 : i64, output_bytes = 294912 : i64}}
// PICK-SAME: spec2.tiling = array<i64: 28, 12, 2, 1>
// FORCE: spec2.dataflow = "kernel_reuse"
// BAD: unknown dataflow 'weight_stationary' (activation_reuse or kernel_reuse)

// RUN: FileCheck %s --check-prefix=HALVES < %t.AR
// AR-INP: {{^}}2{{$}}
// AR-KER: {{^}}12{{$}}
// KR-INP: {{^}}12{{$}}
// KR-KER: {{^}}6{{$}}

// Double-buffered groups: each new load goes to the other half of its buffer
// (small: INP 16384, KER 16384, BIAS 1024 entries), the loads of group i wait
// only for the computes of group i-2, the computes for group i-1's store.
// HALVES: ovl.load {buffer = "inp", {{[^}]*}}nc = 2 : i64, nx = 48 : i64, ny = 30 : i64, src_h
// HALVES-NEXT: ovl.load {buffer = "ker", count = 240 : i64, dram_addr = 9216 : i64}
// HALVES-NEXT: ovl.load {buffer = "bias", count = 12 : i64, dram_addr = 17856 : i64, push_next}
// HALVES-NEXT: ovl.fft {inp_pitch = 48 : i64, inp_stride = 1440 : i64, nc = 2 : i64, ntx = 8 : i64, pop_prev, shift = 5 : i64, spec_tile = 80 : i64, tile = 6 : i64}
// HALVES-NEXT: ovl.sconv {ncig = 1 : i64, nco = 12 : i64, ncob = 3 : i64, nnz = 10 : i64, ntx = 8 : i64, oacc_h = 28 : i64, oacc_pitch = 48 : i64, oacc_plane = 1344 : i64, ox = -1 : i64, oy = -1 : i64, tx_step = 6 : i64}
// HALVES: ovl.outq {clamp_hi{{.*}}push_next, push_prev
// HALVES-NEXT: ovl.store {{{.*}}pop_prev, push_prev
// HALVES-NEXT: ovl.load {buffer = "ker", count = 240 : i64, dram_addr = 10656 : i64, sram_addr = 8192 : i64}
// HALVES-NEXT: ovl.load {buffer = "bias", {{.*}}push_next, sram_addr = 512 : i64}
// HALVES-NEXT: ovl.nop {pop_next}
// HALVES-NEXT: ovl.fft {inp_pitch = 48
// HALVES-NEXT: ovl.sconv {ker_addr = 8192 : i64
// HALVES: ovl.outq {bias_addr = 512 : i64
// HALVES: ovl.load {buffer = "ker", count = 240 : i64, dram_addr = 12096 : i64, pop_next}
// The second strip's input goes to INP's other half while the first strip's
// last block computes.
// HALVES: ovl.load {buffer = "inp", {{.*}}pop_next, sram_addr = 8192 : i64, {{.*}}y0 = 24 : i64}
// HALVES: ovl.fft {inp_addr = 8192 : i64
func.func @main(%x: tensor<1x2x48x48xf32> {spec2.frac = 10 : i32}) -> tensor<1x64x48x48xf32> {
  %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<0.01> : tensor<64x2x10x2xf32>,
         bins = dense<3> : tensor<64x2x10xi32>,
         bias = dense<0.0> : tensor<64xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32,
         in_frac = 10 : i32, out_frac = 10 : i32}
       : tensor<1x2x48x48xf32> -> tensor<1x64x48x48xf32>
  return %y : tensor<1x64x48x48xf32>
}
