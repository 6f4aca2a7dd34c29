// spec2-calibrate with fc-covariance records, on every matrix-vector
// tosa.matmul, the second moment of its input vector over the calibration
// inputs (sum of x x^T), for pruning the fully-connected rows.
// RUN: rm -rf %t && mkdir -p %t/calib
// RUN: cp %S/../tools/Inputs/ramp-1x1x4x4.npy %t/calib/
// RUN: spec2-opt %s --spec2-calibrate="source=%t/calib fc-covariance=1" | FileCheck %s
// RUN: spec2-opt %s --spec2-calibrate="source=%t/calib" | FileCheck %s --check-prefix=OFF

// One input, x = (arange(16) - 8) / 4: row 0 of C is -2 * x = 4, 3.5, 3,
// 2.5, 2, 1.5, 1, 0.5, 0, -0.5 ... (little-endian float32 in the blob).
// CHECK: tosa.matmul
// CHECK-SAME: spec2.input_covariance = dense_resource<input_covariance> : tensor<16x16xf32>
// CHECK: input_covariance: "0x04000000
// CHECK-SAME: 00008040000060400000404000002040000000400000C03F0000803F0000003F00000000000000BF
// OFF-NOT: spec2.input_covariance
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x16x2xf32>}> : () -> tensor<1x16x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %xr = tosa.reshape %x, %s3 : (tensor<1x1x4x4xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
  %m = tosa.matmul %xr, %w, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %m : tensor<1x1x2xf32>
}
