// spec2-quantize: every spectral layer gets the int16 formats of its
// operands and result, frac = 14 - ceil(log2(absmax)) clamped to [-8, 60];
// pools and clamps keep their input's format.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics --spec2-quantize | FileCheck %s

// Argument: absmax 1 -> 14. Conv: 6.87 -> ceil(2.78) = 3 -> 11. The pool's
// own range (100) would give 7, but it keeps 11. The FC reads the pool
// through a reshape: in 11; 0.3 -> ceil(-1.74) = -1 -> 15. The clamp keeps
// 15 although its range (2) would give 13.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%arg0: tensor<1x1x4x4xf32> {spec2.absmax = 1.000000e+00 : f32, spec2.frac = 14 : i32})
// CHECK: %[[C:.*]] = spectral.conv2d %arg0 {{.*}}in_frac = 14 : i32{{.*}}out_frac = 11 : i32
// CHECK: %[[P:.*]] = spectral.pool2d %[[C]] {{.*}}in_frac = 11 : i32{{.*}}out_frac = 11 : i32
// CHECK: %[[R:.*]] = tosa.reshape %[[P]]
// CHECK: %[[F:.*]] = spectral.fully_connected %[[R]] {{.*}}in_frac = 11 : i32, out_frac = 15 : i32
// CHECK: spectral.clamp %[[F]] {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, in_frac = 15 : i32, out_frac = 15 : i32, spec2.absmax = 2.000000e+00 : f32}
func.func @chain(%x: tensor<1x1x4x4xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x2xf32> {
  %c = spectral.conv2d %x {fft_size = 4 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, spectra = dense<1.0> : tensor<2x1x2x2xf32>, bins = dense<0> : tensor<2x1x2xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 6.87 : f32} : tensor<1x1x4x4xf32> -> tensor<1x2x4x4xf32>
  %p = spectral.pool2d %c {kind = "max", kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, count_include_pad = false, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 100.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %s = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %p, %s : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %f = spectral.fully_connected %r {values = dense<1.0> : tensor<2x8xf32>, columns = dense<[[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<2x8xi32>, bias = dense<0.0> : tensor<2xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 0.3 : f32} : tensor<1x8xf32> -> tensor<1x2xf32>
  %k = spectral.clamp %f {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32, spec2.absmax = 2.0 : f32} : tensor<1x2xf32>
  return %k : tensor<1x2xf32>
}

// An add takes each operand's format. Powers of two: 2 -> 13, 4 -> 12. A
// range of 0 gives 14; tiny and huge ranges stop at 60 and -8; 1e6 -> -6.
// CHECK-LABEL: func.func @formats
// CHECK-SAME: (%arg0: tensor<1x4xf32> {spec2.absmax = 2.000000e+00 : f32, spec2.frac = 13 : i32}, %arg1: tensor<1x4xf32> {spec2.absmax = 0.000000e+00 : f32, spec2.frac = 14 : i32})
// CHECK: %[[A:.*]] = spectral.clamp %arg0 {{.*}}in_frac = 13 : i32, out_frac = 13 : i32
// CHECK: %[[S:.*]] = spectral.add %[[A]], %arg1 {{.*}}lhs_frac = 13 : i32, out_frac = 12 : i32, rhs_frac = 14 : i32
// CHECK: spectral.add %[[S]], %[[S]] {{.*}}lhs_frac = 12 : i32, out_frac = 60 : i32, rhs_frac = 12 : i32
// CHECK: spectral.add %[[S]], %arg0 {{.*}}lhs_frac = 12 : i32, out_frac = -8 : i32, rhs_frac = 13 : i32
// CHECK: spectral.add %arg1, %arg1 {{.*}}lhs_frac = 14 : i32, out_frac = -6 : i32, rhs_frac = 14 : i32
func.func @formats(%a: tensor<1x4xf32> {spec2.absmax = 2.0 : f32}, %b: tensor<1x4xf32> {spec2.absmax = 0.0 : f32}) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %k = spectral.clamp %a {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 2.0 : f32} : tensor<1x4xf32>
  %s = spectral.add %k, %b {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 4.0 : f32} : tensor<1x4xf32>
  %tiny = spectral.add %s, %s {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 1.0e-15 : f32} : tensor<1x4xf32>
  %huge = spectral.add %s, %a {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 1.0e9 : f32} : tensor<1x4xf32>
  %big = spectral.add %b, %b {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 1.0e6 : f32} : tensor<1x4xf32>
  return %tiny, %huge, %big : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// expected-error @+1 {{argument 0 has no calibrated range; run spec2-calibrate first}}
func.func @uncalibrated_argument(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %k = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, spec2.absmax = 1.0 : f32} : tensor<1x4xf32>
  return %k : tensor<1x4xf32>
}

// -----

func.func @uncalibrated_layer(%x: tensor<1x4xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x4xf32> {
  // expected-error @+1 {{no calibrated range; run spec2-calibrate first}}
  %k = spectral.clamp %x {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32} : tensor<1x4xf32>
  return %k : tensor<1x4xf32>
}

// -----

// A TOSA op left in the graph has no format the overlay knows: the layer
// reading it stays unquantised (no in_frac/out_frac), and
// spec2-spectral-to-overlay reports the op without an engine.
// CHECK-LABEL: func.func @unknown_input_format
// CHECK: spectral.clamp
// CHECK-NOT: _frac
// CHECK-SAME: spec2.absmax
func.func @unknown_input_format(%x: tensor<1x4xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x4xf32> {
  %t = tosa.abs %x {spec2.absmax = 1.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %k = spectral.clamp %t {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, spec2.absmax = 1.0 : f32} : tensor<1x4xf32>
  return %k : tensor<1x4xf32>
}

// -----

// The same for either operand of an add, seen through reshapes; a layer
// reading an unquantised one stays unquantised too.
// CHECK-LABEL: func.func @unknown_rhs_format
// CHECK: spectral.add
// CHECK-NOT: _frac
// CHECK-SAME: spec2.absmax
// CHECK: spectral.clamp
// CHECK-NOT: _frac
// CHECK-SAME: spec2.absmax
func.func @unknown_rhs_format(%x: tensor<1x4xf32> {spec2.absmax = 1.0 : f32}) -> tensor<1x4xf32> {
  %t = tosa.abs %x {spec2.absmax = 1.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %t, %s4 : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %s = spectral.add %x, %r {clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, spec2.absmax = 1.0 : f32} : tensor<1x4xf32>
  %k = spectral.clamp %s {clamp_min = 0.0 : f32, clamp_max = 1.0 : f32, spec2.absmax = 1.0 : f32} : tensor<1x4xf32>
  return %k : tensor<1x4xf32>
}
