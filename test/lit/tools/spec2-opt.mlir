// The imported graph round-trips through spec2-opt, and the registered
// clean-up pipeline cancels the transposes between a conv and a pool.
// RUN: spec2c %S/../Import/pool.onnxtxt --emit=graph --no-cleanup -o %t.mlir
// RUN: spec2-opt %t.mlir | spec2-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: spec2-opt %t.mlir --spec2-graph-cleanup | FileCheck %s --check-prefix=CLEAN
// RUN: spec2-opt %s --spec2-graph-cleanup | FileCheck %s

// ROUNDTRIP: tosa.max_pool2d
// ROUNDTRIP: tosa.avg_pool2d

// CLEAN-LABEL: func.func @main
// CLEAN: tosa.transpose
// CLEAN-NEXT: tosa.max_pool2d
// CLEAN-NEXT: tosa.pad
// CLEAN-NEXT: tosa.avg_pool2d
// CLEAN-NEXT: tosa.transpose

// CHECK-LABEL: func.func @transpose_pair
// CHECK-NEXT: return %arg0
func.func @transpose_pair(%arg0: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  return %1 : tensor<1x2x3x4xf32>
}
