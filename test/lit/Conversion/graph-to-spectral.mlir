// spec2-graph-to-spectral: NHWC TOSA layers between layout transposes become
// NCHW spectral layers and the transposes cancel.
// RUN: spec2-opt %s --spec2-set-target=target=small --spec2-graph-to-spectral | FileCheck %s
// RUN: spec2-opt %s --spec2-graph-to-spectral=fft-size=4 | FileCheck %s --check-prefix=FFT4
// RUN: not spec2-opt %s --spec2-graph-to-spectral=fft-size=6 2>&1 | FileCheck %s --check-prefix=BADN

// BADN: error: fft-size must be a power of two in [4, 64]

// Both convolutions are in one function: FFTW's planner is not thread-safe
// and spec2-opt runs functions in parallel.
//
// TOSA pads are (top, bottom, left, right), spectral ones (top, left,
// bottom, right): [1, 0, 2, 1] becomes [1, 2, 0, 1]. Channel 0's kernel is
// 1..9, so its DC bin is 45 + 0i; channel 1's is 2 at the bottom-right
// corner, which the flip moves to the origin: every bin is 2 + 0i.
// A 5x5 kernel fits N = 8 but not N = 4, where that conv becomes direct
// (spectral.spatial_conv2d). A
// scalar bias applies to every output channel.
// CHECK-LABEL: func.func @convs
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x6x6xf32>)
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.conv2d
// CHECK: %[[Y:.*]] = spectral.conv2d %[[X]] {bias = dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>, bins = dense_resource<[[BINS:[^>]+]]> : tensor<2x1x34xi32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, fft_size = 8 : i64, kernel = array<i64: 3, 3>, pad = array<i64: 1, 2, 0, 1>, spec2.absmax = 3.500000e+00 : f32, spectra = dense_resource<[[SPECTRA:[^>]+]]> : tensor<2x1x34x2xf32>, stride = array<i64: 2, 1>} : tensor<1x1x6x6xf32> -> tensor<1x2x3x7xf32>
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.conv2d
// CHECK: %[[Z:.*]] = spectral.conv2d %[[X]] {bias = dense<2.500000e-01> : tensor<2xf32>, bins = dense_resource<{{[^>]+}}> : tensor<2x1x34xi32>, {{.*}}, kernel = array<i64: 5, 5>, pad = array<i64: 0, 0, 0, 0>, spectra = dense_resource<{{[^>]+}}> : tensor<2x1x34x2xf32>, stride = array<i64: 1, 1>} : tensor<1x1x6x6xf32> -> tensor<1x2x2x2xf32>
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.conv2d
// CHECK: return %[[Y]], %[[Z]]

// N = 4 keeps 10 bins, few enough to print inline. Bin (ky, kx) = (0, 1) of
// the flipped kernel [[9,8,7],[6,5,4],[3,2,1]] is 18 - 15i - 12 = 6 - 15i
// (unflipped it would be -6 - 15i); (1, 0) is 24 - 15i - 6 = 18 - 15i,
// stored folded (with its mirror (3, 0), bin 9) as 36 - 30i; bin 5 = (1, 2)
// likewise, bin 11 = (3, 2) is its mirror.
// FFT4-LABEL: func.func @convs
// FFT4: spectral.conv2d %arg0 {bias = dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>, bins = dense<{{\[\[\[}}0, 1, 2, 3, 4, 5, 6, 7, 8, 10]], {{\[\[}}0, 1, 2, 3, 4, 5, 6, 7, 8, 10]]]> : tensor<2x1x10xi32>
// FFT4-SAME: fft_size = 4 : i64
// FFT4-SAME: spectra = dense<{{\[\[\[\[}}4.500000e+01, 0.000000e+00], [6.000000e+00, -1.500000e+01], [1.500000e+01, 0.000000e+00], [3.600000e+01, -3.000000e+01], [-5.000000e+00, -8.000000e+00], [1.200000e+01, -1.000000e+01], [1.500000e+01, 0.000000e+00], [2.000000e+00, -5.000000e+00], [5.000000e+00, 0.000000e+00], [5.000000e+00, -4.000000e+00]]], {{\[\[\[}}2.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [4.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [4.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00]]]]> : tensor<2x1x10x2xf32>
// FFT4-NOT: spectral.conv2d
// FFT4: spectral.spatial_conv2d %arg0 {bias = dense<2.500000e-01> : tensor<2xf32>, {{.*}}, kernel = array<i64: 5, 5>, {{.*}}, weights = dense<1.000000e+00> : tensor<2x1x5x5xf32>} : tensor<1x1x6x6xf32> -> tensor<1x2x2x2xf32>
// FFT4-NOT: spectral.conv2d
// FFT4: return
func.func @convs(%x: tensor<1x1x6x6xf32>) -> (tensor<1x2x3x7xf32>, tensor<1x2x2x2xf32>) {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]], [[[0.0], [0.0], [0.0]], [[0.0], [0.0], [0.0]], [[0.0], [0.0], [2.0]]]]> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w5 = "tosa.const"() <{values = dense<1.0> : tensor<2x5x5x1xf32>}> : () -> tensor<2x5x5x1xf32>
  %b5 = "tosa.const"() <{values = dense<0.25> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x6x6xf32>) -> tensor<1x6x6x1xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 2, 1>, stride = array<i64: 2, 1>, spec2.absmax = 3.5 : f32} : (tensor<1x6x6x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x7x2xf32>
  %r = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x7x2xf32>) -> tensor<1x2x3x7xf32>
  %c5 = tosa.conv2d %t, %w5, %b5, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x1xf32>, tensor<2x5x5x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r5 = tosa.transpose %c5 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r, %r5 : tensor<1x2x3x7xf32>, tensor<1x2x2x2xf32>
}

// Max pooling, then average pooling with pad (top, bottom, left, right) =
// (1, 1, 0, 1) -> (top, left, bottom, right) = (1, 0, 1, 1). TOSA's average
// excludes the padding from the divisor. The transposes between the two
// pools cancel as well.
// CHECK-LABEL: func.func @pools
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x6x6xf32>)
// CHECK-NOT: tosa.transpose
// CHECK: %[[M:.*]] = spectral.pool2d %[[X]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, count_include_pad = false, kernel = array<i64: 2, 2>, kind = "max", pad = array<i64: 0, 0, 0, 0>, spec2.absmax = 1.250000e+00 : f32, stride = array<i64: 2, 2>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
// CHECK-NEXT: %[[A:.*]] = spectral.pool2d %[[M]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, count_include_pad = false, kernel = array<i64: 3, 3>, kind = "avg", pad = array<i64: 1, 0, 1, 1>, stride = array<i64: 1, 1>} : tensor<1x2x3x3xf32> -> tensor<1x2x3x2xf32>
// CHECK-NEXT: return %[[A]]
func.func @pools(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x6x6xf32>) -> tensor<1x6x6x2xf32>
  %m = tosa.max_pool2d %t {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>, spec2.absmax = 1.25 : f32} : (tensor<1x6x6x2xf32>) -> tensor<1x3x3x2xf32>
  %m1 = tosa.transpose %m {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  %m2 = tosa.transpose %m1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %a = tosa.avg_pool2d %m2, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 0, 1>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x2xf32>
  %r = tosa.transpose %a {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  return %r : tensor<1x2x3x2xf32>
}

// matmul(reshape(x) : [1, 1, 8], reshape(W : [8, 3]) : [1, 8, 3]) is a
// fully-connected layer reading x flattened: row m of `values` is column m
// of W, every row dense (columns 0..7), no bias yet. The reshapes around
// the new op fold away.
// CHECK-LABEL: func.func @fc
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xf32>)
// CHECK-NOT: tosa.matmul
// CHECK: %[[Y:.*]] = spectral.fully_connected %[[X]] {bias = dense<0.000000e+00> : tensor<3xf32>, clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, columns = dense<{{\[\[}}0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<3x8xi32>, spec2.absmax = 7.000000e+00 : f32, values = dense<{{\[\[}}1.000000e+00, 4.000000e+00, 7.000000e+00, 1.000000e+01, 1.300000e+01, 1.600000e+01, 1.900000e+01, 2.200000e+01], [2.000000e+00, 5.000000e+00, 8.000000e+00, 1.100000e+01, 1.400000e+01, 1.700000e+01, 2.000000e+01, 2.300000e+01], [3.000000e+00, 6.000000e+00, 9.000000e+00, 1.200000e+01, 1.500000e+01, 1.800000e+01, 2.100000e+01, 2.400000e+01]]> : tensor<3x8xf32>} : tensor<1x2x2x2xf32> -> tensor<1x3xf32>
// CHECK-NOT: tosa.matmul
// CHECK: return %[[Y]]
func.func @fc(%x: tensor<1x2x2x2xf32>) -> tensor<1x3xf32> {
  %w = "tosa.const"() <{values = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0], [13.0, 14.0, 15.0], [16.0, 17.0, 18.0], [19.0, 20.0, 21.0], [22.0, 23.0, 24.0]]> : tensor<8x3xf32>}> : () -> tensor<8x3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %sw = tosa.const_shape {values = dense<[1, 8, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %xr = tosa.reshape %x, %s3 : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %wr = tosa.reshape %w, %sw : (tensor<8x3xf32>, !tosa.shape<3>) -> tensor<1x8x3xf32>
  %m = tosa.matmul %xr, %wr, %zp, %zp {spec2.absmax = 7.0 : f32} : (tensor<1x1x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %y = tosa.reshape %m, %s2 : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// The sum of two activations is a spectral.add; a constant (bias) operand or
// a broadcast is not, and stays for spec2-fold-batchnorm. Clamps keep their
// bounds.
// CHECK-LABEL: func.func @add_clamp
// CHECK-SAME: (%[[A:.*]]: tensor<1x2x6x6xf32>, %[[B:.*]]: tensor<1x2x6x6xf32>, %[[V:.*]]: tensor<1x2x1x1xf32>)
// CHECK: %[[S:.*]] = spectral.add %[[A]], %[[B]] {clamp_max = 0x7F800000 : f32, clamp_min = 0xFF800000 : f32, spec2.absmax = 2.000000e+00 : f32} : tensor<1x2x6x6xf32>
// CHECK: %[[C:.*]] = spectral.clamp %[[S]] {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, spec2.absmax = 1.500000e+00 : f32} : tensor<1x2x6x6xf32>
// CHECK: %[[K:.*]] = tosa.add %[[C]], %{{.*}} : (tensor<1x2x6x6xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x6x6xf32>
// CHECK: %[[D:.*]] = tosa.add %[[K]], %[[V]] : (tensor<1x2x6x6xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x6x6xf32>
// CHECK: return %[[D]]
func.func @add_clamp(%a: tensor<1x2x6x6xf32>, %b: tensor<1x2x6x6xf32>, %v: tensor<1x2x1x1xf32>) -> tensor<1x2x6x6xf32> {
  %bias = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %s = tosa.add %a, %b {spec2.absmax = 2.0 : f32} : (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %c = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32, spec2.absmax = 1.5 : f32} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %k = tosa.add %c, %bias : (tensor<1x2x6x6xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  %d = tosa.add %k, %v : (tensor<1x2x6x6xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  return %d : tensor<1x2x6x6xf32>
}

// The kernels' spectra at N = 8 on the 34 canonical bins (0..24, 26..28,
// 31..33, 36..38: the mirrors of columns kx = 0 and 4 are folded): channel 0
// starts with its DC bin, 45 + 0i (0x42340000, 0); channel 1's bins are all
// 2 + 0i (0x40000000, 0) except the folded ones, 4 + 0i (0x40800000), the
// first of which is bin 5 = (1, 0).
// CHECK: dialect_resources
// CHECK-DAG: [[BINS]]: "0x04000000000000000100000002000000030000000400000005000000060000000700000008000000090000000A0000000B0000000C0000000D0000000E0000000F0000001000000011000000120000001300000014000000150000001600000017000000180000001A0000001B0000001C0000001F0000002000000021000000240000002500000026000000000000000100000002000000030000000400000005000000060000000700000008000000090000000A0000000B0000000C0000000D0000000E0000000F0000001000000011000000120000001300000014000000150000001600000017000000180000001A0000001B0000001C0000001F0000002000000021000000240000002500000026000000"
// CHECK-DAG: [[SPECTRA]]: "0x040000000000344200000000{{([0-9A-F]{16}){33}0}}00000400000000000000040000000000000004000000000000000400000000000000040000000000000804000000000{{([0-9A-F]{16}){28}"}}
