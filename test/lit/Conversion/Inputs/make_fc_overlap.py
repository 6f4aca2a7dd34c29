"""Writes a spectral.fully_connected of 3 rows over 1200 inputs (dense rows):
on `small` it takes three input chunks of 512, i.e. three overlapped groups."""
k, m = 1200, 3
cols = ", ".join("[" + ", ".join(str(c) for c in range(k)) + "]" for _ in range(m))
print(f"""func.func @main(%x: tensor<1x{k}xf32> {{spec2.frac = 11 : i32, onnx.name = "x"}}) -> (tensor<1x{m}xf32> {{onnx.name = "y"}}) {{
  %f = spectral.fully_connected %x {{values = dense<0.01> : tensor<{m}x{k}xf32>,
         columns = dense<[{cols}]> : tensor<{m}x{k}xi32>,
         bias = dense<[1.0, -1.0, 0.0]> : tensor<{m}xf32>, clamp_min = 0xFF800000 : f32, clamp_max = 0x7F800000 : f32, in_frac = 11 : i32, out_frac = 10 : i32}} : tensor<1x{k}xf32> -> tensor<1x{m}xf32>
  return %f : tensor<1x{m}xf32>
}}""")
