"""Writes a spectral.fully_connected of M rows over K inputs (dense rows),
by default 3 x 1200: on `small` it takes three input chunks of 512, i.e.
three overlapped groups.

    make_fc_overlap.py [K M]
"""
import sys

k, m = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (1200, 3)
bias = ", ".join(("1.0", "-1.0", "0.0")[r % 3] for r in range(m))
cols = ", ".join("[" + ", ".join(str(c) for c in range(k)) + "]" for _ in range(m))
print(f"""func.func @main(%x: tensor<1x{k}xf32> {{spec2.frac = 11 : i32, onnx.name = "x"}}) -> (tensor<1x{m}xf32> {{onnx.name = "y"}}) {{
  %f = spectral.fully_connected %x {{values = dense<0.01> : tensor<{m}x{k}xf32>,
         columns = dense<[{cols}]> : tensor<{m}x{k}xi32>,
         bias = dense<[{bias}]> : tensor<{m}xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 11 : i32, out_frac = 10 : i32}} : tensor<1x{k}xf32> -> tensor<1x{m}xf32>
  return %f : tensor<1x{m}xf32>
}}""")
