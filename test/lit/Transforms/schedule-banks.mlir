// spec2-schedule-banks orders each channel pair's kernel entries so that the
// MAC lanes reading one input channel's spectrum at the same step hit
// different banks. Target small: 2 x 4 lanes, 4 banks (bank = bin mod 4), one
// port each. Each conv below has one input channel and four output lanes
// with two entries each.
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-schedule-banks | FileCheck %s
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-schedule-banks=naive=1 | FileCheck %s --check-prefix=NAIVE
// RUN: not spec2-opt %s --spec2-set-target=target=nosuch --spec2-schedule-banks 2>&1 | FileCheck %s --check-prefix=TARGET

// In bin order, step 0 reads bins 0, 4 (bank 0) and 2, 6 (bank 2): one stall,
// step 1 likewise. Every bank holds two entries = nnz, so a conflict-free
// order exists (Konig); the spectra move with their bins.
// CHECK-LABEL: func.func @perfect
// CHECK: bins = dense<{{\[\[\[}}1, 0]], {{\[\[}}4, 5]], {{\[\[}}3, 2]], {{\[\[}}6, 7]]]>
// CHECK-SAME: spec2.bank_stalls = 0 : i64, spec2.bank_stalls_bound = 0 : i64, spec2.bank_stalls_naive = 2 : i64, spec2.mac_steps = 2 : i64
// CHECK-SAME: spectra = dense<{{\[\[\[\[}}2.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00]]], {{\[\[\[}}5.000000e+00
// NAIVE-LABEL: func.func @perfect
// NAIVE: bins = dense<{{\[\[\[}}0, 1]], {{\[\[}}4, 5]], {{\[\[}}2, 3]], {{\[\[}}6, 7]]]>
// NAIVE-SAME: spec2.bank_stalls = 2 : i64

// Bins 0, 4, 8, 12 all live in bank 0 and 1, 5, 9, 13 in bank 1: four reads
// per bank over two steps cannot take fewer than 2 + 2 cycles. The greedy
// order reaches that bound (naive: 4 + 4).
// CHECK-LABEL: func.func @overloaded
// CHECK: spec2.bank_stalls = 2 : i64, spec2.bank_stalls_bound = 2 : i64, spec2.bank_stalls_naive = 6 : i64
// TARGET: error: {{.*}}nosuch
func.func @perfect(%x: tensor<1x1x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [2.0, 0.0]]], [[[5.0, 0.0], [6.0, 0.0]]],
                          [[[3.0, 0.0], [4.0, 0.0]]], [[[7.0, 0.0], [8.0, 0.0]]]]> : tensor<4x1x2x2xf32>,
         bins = dense<[[[0, 1]], [[4, 5]], [[2, 3]], [[6, 7]]]> : tensor<4x1x2xi32>,
         bias = dense<0.0> : tensor<4xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x8x8xf32> -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
func.func @overloaded(%x: tensor<1x1x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %y = spectral.conv2d %x {fft_size = 8 : i64, kernel = array<i64: 3, 3>,
         pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
         spectra = dense<[[[[1.0, 0.0], [2.0, 0.0]]], [[[5.0, 0.0], [6.0, 0.0]]],
                          [[[9.0, 0.0], [10.0, 0.0]]], [[[13.0, 0.0], [14.0, 0.0]]]]> : tensor<4x1x2x2xf32>,
         bins = dense<[[[0, 1]], [[4, 5]], [[8, 9]], [[12, 13]]]> : tensor<4x1x2xi32>,
         bias = dense<0.0> : tensor<4xf32>,
         clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32}
       : tensor<1x1x8x8xf32> -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
