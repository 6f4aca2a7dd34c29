// The registered pipelines end to end on a tiny imported-style graph (NCHW
// argument, NHWC TOSA layers between transposes): spec2-to-spectral
// calibrates, lowers, folds the FC bias, fuses the ReLU and quantises;
// spec2-to-overlay turns the result into an ovl.program.
// RUN: spec2-opt %s --pass-pipeline='builtin.module(spec2-to-spectral{calib=random calib-count=4 target=small engine=spectral})' --mlir-print-op-on-diagnostic=false 2>%t.err | FileCheck %s --check-prefix=SPECTRAL
// RUN: FileCheck %s --check-prefix=WARN < %t.err
// RUN: spec2-opt %s --pass-pipeline='builtin.module(spec2-to-spectral{calib=random calib-count=4 target=small engine=spectral}, spec2-to-overlay{target=small})' 2>/dev/null | FileCheck %s --check-prefix=OVL
// A module is compiled for one target: the overlay pipeline cannot retarget it.
// RUN: not spec2-opt %s --pass-pipeline='builtin.module(spec2-to-spectral{calib=random calib-count=4 target=u200 engine=spectral}, spec2-to-overlay{target=small})' --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=RETARGET

// WARN: warning: no calibration data: activation ranges come from 4 random inputs uniform in [0, 1]

// RETARGET: error: the module is compiled for the overlay 'u200'; it cannot also target 'small'

// Inputs in [0, 1) give the argument 2^-14 whatever the random draw.
// SPECTRAL-LABEL: func.func @main
// SPECTRAL-SAME: spec2.frac = 14 : i32
// SPECTRAL-NOT: tosa.
// SPECTRAL: %[[C:.*]] = spectral.conv2d %arg0 {bias = dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>, bins = dense_resource<{{[^>]+}}> : tensor<2x1x34xi32>, clamp_max = 0x7F800000 : f32, clamp_min = 0.000000e+00 : f32, fft_size = 8 : i64, in_frac = 14 : i32, kernel = array<i64: 3, 3>, out_frac = [[CF:-?[0-9]+]] : i32, pad = array<i64: 1, 1, 1, 1>
// SPECTRAL-NOT: tosa.
// SPECTRAL: %[[P:.*]] = spectral.pool2d %[[C]] {{.*}}in_frac = [[CF]] : i32, kernel = array<i64: 2, 2>, kind = "max", out_frac = [[CF]] : i32
// SPECTRAL-NOT: tosa.
// SPECTRAL: %[[F:.*]] = spectral.fully_connected %[[P]] {bias = dense<[1.000000e+00, -1.000000e+00, 5.000000e-01]> : tensor<3xf32>, {{.*}}in_frac = [[CF]] : i32, out_frac = {{-?[0-9]+}} : i32
// SPECTRAL-NOT: tosa.
// SPECTRAL: return %[[F]]

// OVL-NOT: func.func
// OVL-LABEL: ovl.program attributes {config = "small"
// OVL-NEXT: ovl.tensor {dims = array<i64: 1, 1, 6, 6>, dram_addr = 0 : i64, frac = 14 : i32, kind = "input", name = "image"}
// OVL-NEXT: ovl.segment {{{.*}}name = "conv.weights"}
// OVL-NEXT: ovl.segment {{{.*}}name = "fc.weights"}
// OVL-NEXT: ovl.tensor {dims = array<i64: 1, 3>, {{.*}}kind = "output", name = "logits"}
// OVL-NEXT: ovl.load {buffer = "inp"
// OVL-NEXT: ovl.load {buffer = "ker", count = 272 : i64
// OVL-NEXT: ovl.load {buffer = "bias", count = 2 : i64, {{.*}}push_next}
// OVL-NEXT: ovl.fft {{{.*}}pop_prev
// OVL-NEXT: ovl.sconv {{{.*}}nco = 2 : i64, ncob = 1 : i64, nnz = 34 : i64
// OVL-NEXT: ovl.outq {clamp_hi = 32767 : i64, clear = 1 : i64, {{.*}}push_next
// OVL-NEXT: ovl.store {{{.*}}pop_prev, push_prev
// OVL-NEXT: ovl.nop {pop_next, push_prev}
// OVL-NEXT: ovl.load {buffer = "inp", {{.*}}pop_next, push_next
// OVL-NEXT: ovl.vec {{{.*}}op = "maxpool"{{.*}}pop_prev, push_next
// OVL-NEXT: ovl.store {{{.*}}pop_prev, push_prev
// OVL-NEXT: ovl.nop {pop_next, push_prev}
// OVL-NEXT: ovl.load {buffer = "fcx", {{.*}}nx = 18 : i64, {{.*}}pop_next
// OVL-NEXT: ovl.load {buffer = "ker", count = 72 : i64, {{.*}}ker_format = 2 : i64}
// OVL-NEXT: ovl.load {buffer = "bias", count = 3 : i64, {{.*}}push_next}
// OVL-NEXT: ovl.gemv {{{.*}}nnz = 18 : i64, nrows = 3 : i64, pop_prev, push_next
// OVL-NEXT: ovl.store {{{.*}}pop_prev, push_prev
// OVL-NEXT: ovl.finish {pop_next}
// OVL-NEXT: }
func.func @main(%x: tensor<1x1x6x6xf32> {onnx.name = "image"}) -> (tensor<1x3xf32> {onnx.name = "logits"}) {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [0.0], [-1.0]], [[2.0], [0.0], [-2.0]], [[1.0], [0.0], [-1.0]]], [[[0.5], [0.5], [0.5]], [[0.5], [0.5], [0.5]], [[0.5], [0.5], [0.5]]]]> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -0.25]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %fcw = "tosa.const"() <{values = dense<0.125> : tensor<18x3xf32>}> : () -> tensor<18x3xf32>
  %fcb = "tosa.const"() <{values = dense<[[1.0, -1.0, 0.5]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 18]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %sw = tosa.const_shape {values = dense<[1, 18, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x6x6xf32>) -> tensor<1x6x6x1xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x2xf32>
  %cn = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x6x6x2xf32>) -> tensor<1x2x6x6xf32>
  %r = tosa.clamp %cn {min_val = 0.0 : f32, max_val = 0x7F800000 : f32} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %rt = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x6x6xf32>) -> tensor<1x6x6x2xf32>
  %m = tosa.max_pool2d %rt {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x2xf32>) -> tensor<1x3x3x2xf32>
  %mn = tosa.transpose %m {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  %xr = tosa.reshape %mn, %s3 : (tensor<1x2x3x3xf32>, !tosa.shape<3>) -> tensor<1x1x18xf32>
  %wr = tosa.reshape %fcw, %sw : (tensor<18x3xf32>, !tosa.shape<3>) -> tensor<1x18x3xf32>
  %mm = tosa.matmul %xr, %wr, %zp, %zp : (tensor<1x1x18xf32>, tensor<1x18x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %y = tosa.reshape %mm, %s2 : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  %yb = tosa.add %y, %fcb : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  return %yb : tensor<1x3xf32>
}
