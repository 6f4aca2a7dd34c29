// spec2-tile-convs records per dataflow the best tiling that fits the
// target's buffers; spec2-select-dataflow models each with the cost model and
// keeps the fastest, recording every alternative's cost. Target small: a
// 2 -> 64 channel conv on 48 x 48 takes three strips (20, 20 and 8 rows) and
// four output-channel blocks of 16 (OACC holds 16 channels x 20 rows).
// RUN: spec2-opt %s --spec2-tile-convs=target=small | FileCheck %s --check-prefix=TILE
// RUN: spec2-opt %s --spec2-tile-convs=target=small --spec2-select-dataflow=target=small | FileCheck %s --check-prefix=PICK
// RUN: spec2-opt %s --spec2-select-dataflow="target=small force=kernel_reuse" | FileCheck %s --check-prefix=FORCE
// RUN: not spec2-opt %s --spec2-select-dataflow="target=small force=weight_stationary" 2>&1 | FileCheck %s --check-prefix=BAD
// The lowering runs the chosen loop order: activation reuse loads each strip
// of input once and the kernels per strip (5 + 10 loads); kernel reuse loads
// each kernel block once and the input per block (10 + 2).
// RUN: spec2-opt %s --pass-pipeline="builtin.module(func.func(spec2-select-dataflow{target=small force=activation_reuse}),spec2-spectral-to-overlay{target=small})" -o %t.AR
// RUN: grep -c 'buffer = "inp"' %t.AR | FileCheck %s --check-prefix=AR-INP
// RUN: grep -c 'buffer = "ker"' %t.AR | FileCheck %s --check-prefix=AR-KER
// RUN: spec2-opt %s --pass-pipeline="builtin.module(func.func(spec2-select-dataflow{target=small force=kernel_reuse}),spec2-spectral-to-overlay{target=small})" -o %t.KR
// RUN: grep -c 'buffer = "inp"' %t.KR | FileCheck %s --check-prefix=KR-INP
// RUN: grep -c 'buffer = "ker"' %t.KR | FileCheck %s --check-prefix=KR-KER

// TILE: spec2.tilings = {activation_reuse = array<i64: 20, 16, 2>, kernel_reuse = array<i64: 20, 16, 2>}

// Activation reuse: input 11520 B once, kernels 3 x 7936 B; kernel reuse:
// kernels once, input 4 x 11520 B: activation reuse moves fewer bytes and is
// (slightly) faster.
// PICK: spec2.dataflow = "activation_reuse"
// PICK-SAME: spec2.dataflow_costs = {activation_reuse = {cycles = {{[0-9]+}} : i64, ddr_bytes = 330240 : i64, input_bytes = 11520 : i64, kernel_bytes = 23808 : i64, output_bytes = 294912 : i64}, kernel_reuse = {cycles = {{[0-9]+}} : i64, ddr_bytes = 348928 : i64, input_bytes = 46080 : i64, kernel_bytes = 7936 : i64, output_bytes = 294912 : i64}}
// PICK-SAME: spec2.tiling = array<i64: 20, 16, 2>
// FORCE: spec2.dataflow = "kernel_reuse"
// BAD: unknown dataflow 'weight_stationary' (activation_reuse or kernel_reuse)

// AR-INP: {{^}}3{{$}}
// AR-KER: {{^}}12{{$}}
// KR-INP: {{^}}12{{$}}
// KR-KER: {{^}}4{{$}}
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
