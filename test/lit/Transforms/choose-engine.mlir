// spec2-choose-engine: each conv both engines can run goes where the cost
// model times it fastest (each engine's best tiling walked into
// instructions); both figures stay on the op. On the small target a 64 -> 64
// pointwise conv is cheaper direct, a 3x3 one with as many channels in the
// spectral domain (9 taps per channel pair against 34 bins, each bin product
// shared by a whole 6x6 tile); a depthwise conv has only the spatial engine.
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine | FileCheck %s
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=engine=spectral | FileCheck %s --check-prefix=SPECTRAL
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=engine=spatial | FileCheck %s --check-prefix=SPATIAL
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine="engine=spatial layer-engine=wide=spectral,pw=spectral" | FileCheck %s --check-prefix=LAYER
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=sparsity=0.9 | FileCheck %s --check-prefix=SPARSE
// RUN: spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small "--spec2-choose-engine=layer-sparsity=pw=0.9" | FileCheck %s --check-prefix=PERLAYER
// RUN: not spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=layer-engine=dw=spectral 2>&1 | FileCheck %s --check-prefix=NODW
// RUN: not spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=layer-engine=conv9=spatial 2>&1 | FileCheck %s --check-prefix=NONAME
// RUN: not spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=layer-engine=pw=systolic 2>&1 | FileCheck %s --check-prefix=BADE
// RUN: not spec2-opt %s --mlir-print-debuginfo --mlir-print-local-scope --spec2-set-target=target=small --spec2-choose-engine=engine=fastest 2>&1 | FileCheck %s --check-prefix=BADG

// CHECK: tosa.conv2d {{.*}}spec2.engine = "spatial", spec2.engine_cycles = {spatial = [[PWD:[0-9]+]] : i64, spectral = [[PWS:[0-9]+]] : i64}
// CHECK-SAME: loc("pw")
// CHECK: tosa.conv2d {{.*}}spec2.engine = "spectral", spec2.engine_cycles = {spatial = [[WD:[0-9]+]] : i64, spectral = [[WS:[0-9]+]] : i64}
// CHECK-SAME: loc("wide")
// CHECK: tosa.depthwise_conv2d {{.*}}spec2.engine = "spatial", spec2.engine_cycles = {spatial = {{[0-9]+}} : i64}
// CHECK-SAME: loc("dw")

// Forcing an engine keeps both figures; a conv only one engine runs stays there.
// SPECTRAL: tosa.conv2d {{.*}}spec2.engine = "spectral", spec2.engine_cycles = {spatial = {{[0-9]+}} : i64, spectral = {{[0-9]+}} : i64}
// SPECTRAL: tosa.conv2d {{.*}}spec2.engine = "spectral"
// SPECTRAL: tosa.depthwise_conv2d {{.*}}spec2.engine = "spatial"
// SPATIAL: tosa.conv2d {{.*}}spec2.engine = "spatial"
// SPATIAL: tosa.conv2d {{.*}}spec2.engine = "spatial"
// SPATIAL: tosa.depthwise_conv2d {{.*}}spec2.engine = "spatial"
// A per-layer choice wins over the global one.
// LAYER: tosa.conv2d {{.*}}spec2.engine = "spectral"
// LAYER-SAME: loc("pw")
// LAYER: tosa.conv2d {{.*}}spec2.engine = "spectral"
// LAYER-SAME: loc("wide")
// LAYER: tosa.depthwise_conv2d {{.*}}spec2.engine = "spatial"

// Both engines priced at what the pruning will leave (10%): the spectral
// kernels at 10% of their bins, the spatial lane blocks' lists at 10% of
// their entries (6 of 64 for the pointwise conv, 57 of 576 for the 3x3,
// 1 of 9 taps for the depthwise one). The pointwise conv stays direct.
// SPARSE: tosa.conv2d {{.*}}spec2.engine = "spatial", spec2.engine_cycles = {spatial = 25998 : i64, spectral = 39250 : i64}
// SPARSE-SAME: loc("pw")
// SPARSE: tosa.conv2d {{.*}}spec2.engine = "spectral", spec2.engine_cycles = {spatial = 107691 : i64, spectral = 57462 : i64}
// SPARSE-SAME: loc("wide")
// SPARSE: tosa.depthwise_conv2d {{.*}}spec2.engine_cycles = {spatial = 15252 : i64}
// Dense, the same layers cost 113910, 917071 and 27805 direct.
// PERLAYER: spec2.engine_cycles = {spatial = 25998 : i64, spectral = 39250 : i64}
// PERLAYER-SAME: loc("pw")
// PERLAYER: spec2.engine_cycles = {spatial = 917071 : i64, spectral = 447173 : i64}
// PERLAYER-SAME: loc("wide")

// NODW: error: {{.*}}layer-engine: the spectral engine cannot run layer 'dw' (grouped: the spectral engine sums over every input channel)
// NONAME: error: {{.*}}layer-engine names 'conv9', which is no conv layer of this model (convs: pw, wide, dw)
// BADE: error: {{.*}}layer-engine: 'pw=systolic' is not NAME=E with E spectral or spatial
// BADG: error: {{.*}}engine must be auto, spectral or spatial, got 'fastest'

func.func @net(%x: tensor<1x28x28x64xf32>) -> (tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>) {
  %w1 = "tosa.const"() <{values = dense<0.5> : tensor<64x1x1x64xf32>}> : () -> tensor<64x1x1x64xf32>
  %w3 = "tosa.const"() <{values = dense<0.5> : tensor<64x3x3x64xf32>}> : () -> tensor<64x3x3x64xf32>
  %wd = "tosa.const"() <{values = dense<0.5> : tensor<3x3x64x1xf32>}> : () -> tensor<3x3x64x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<64xf32>}> : () -> tensor<64xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x28x28x64xf32>, tensor<64x1x1x64xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x64xf32> loc("pw")
  %c = tosa.conv2d %x, %w3, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x28x28x64xf32>, tensor<64x3x3x64xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x64xf32> loc("wide")
  %d = tosa.depthwise_conv2d %x, %wd, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x28x28x64xf32>, tensor<3x3x64x1xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x64xf32> loc("dw")
  return %p, %c, %d : tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>
}
