// spec2-calibrate on random inputs: every op and argument gets the largest
// magnitude it took (spec2.absmax), and a warning says the ranges come from
// random data. The graph is built so that most ranges do not depend on the
// random values: a conv with zero weights outputs its bias, a clamp to
// [2, 3] of inputs in [0, 1) outputs 2.
// Some inputs below are errors, so spec2-opt fails as a whole; the modules
// that calibrate are still printed.
// RUN: not spec2-opt %s -split-input-file --spec2-calibrate="source=random count=4" --mlir-print-op-on-diagnostic=false 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=DIAG < %t.err
// The worker threads merge maxima: the result must not depend on them.
// RUN: not spec2-opt %s -split-input-file --spec2-calibrate="source=random count=16" 2>/dev/null > %t.a
// RUN: not spec2-opt %s -split-input-file --spec2-calibrate="source=random count=16" 2>/dev/null > %t.b
// RUN: diff %t.a %t.b
// The data set feeds models with one input only (checked before loading it).
// RUN: echo 'func.func @main(%%a: tensor<4xf32>, %%b: tensor<4xf32>) { return }' | not spec2-opt --spec2-calibrate="source=fashion-mnist count=1" 2>&1 | FileCheck %s --check-prefix=TWO

// TWO: error: calibration data feeds one input; the model has 2

// Uniform [0, 1) samples: the input's range is just below 1; the transpose
// of the input and 0 - input have the input's range exactly.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %arg0: tensor<1x1x6x6xf32> {spec2.absmax = [[IN:0\.9[0-9]+|9\.[0-9]+e-01]] : f32}
// CHECK: "tosa.const"() <{values = dense<0.000000e+00> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
// CHECK: %[[T:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>, spec2.absmax = [[IN]] : f32}
// CHECK: tosa.conv2d %[[T]], {{.*}} spec2.absmax = 2.500000e+00 : f32
// CHECK: tosa.clamp %arg0 {max_val = 3.000000e+00 : f32, min_val = 2.000000e+00 : f32, spec2.absmax = 2.000000e+00 : f32}
// CHECK: tosa.sub %{{.*}}, %arg0 {spec2.absmax = [[IN]] : f32}
// CHECK: return
// DIAG: calibrate.mlir:[[@LINE+1]]:1: warning: no calibration data: activation ranges come from 4 random inputs uniform in [0, 1]; accuracy may suffer (pass --calib=fashion-mnist or a directory of inputs)
func.func @main(%x: tensor<1x1x6x6xf32>) -> (tensor<1x6x6x2xf32>, tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>) {
  %w = "tosa.const"() <{values = dense<0.0> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<[1.5, -2.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x6x6xf32>) -> tensor<1x6x6x1xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x2xf32>
  %k = tosa.clamp %x {min_val = 2.0 : f32, max_val = 3.0 : f32} : (tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32>
  // Magnitudes, not signed maxima: 0 - x has the range of x.
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %n = tosa.sub %z, %x : (tensor<1x1x1x1xf32>, tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32>
  return %c, %k, %n : tensor<1x6x6x2xf32>, tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>
}

// -----

// CHECK-NOT: @not_main
// DIAG: calibrate.mlir:[[@LINE+1]]:1: error: spec2-calibrate needs a function @main
module {
  func.func @not_main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

// -----

// The executor is prepared before any input is made: no warning.
// DIAG-NOT: warning
// DIAG: calibrate.mlir:[[@LINE+2]]:8: error: reference executor does not implement 'tosa.erf'
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = tosa.erf %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Random inputs feed every argument; each gets its own range.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %arg0: tensor<1x4xf32> {spec2.absmax = {{[0-9.e+-]+}} : f32}
// CHECK-SAME: %arg1: tensor<1x4xf32> {spec2.absmax = {{[0-9.e+-]+}} : f32}
// CHECK: tosa.sub %arg0, %arg0 {spec2.absmax = 0.000000e+00 : f32}
// DIAG: calibrate.mlir:[[@LINE+2]]:1: warning: no calibration data
// DIAG-NOT: {{error|warning}}
func.func @main(%a: tensor<1x4xf32>, %b: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %z = tosa.sub %a, %a : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %z, %b : tensor<1x4xf32>, tensor<1x4xf32>
}
