"""Writes small ONNX models (text format) ending in a Softmax, random weights
from a fixed seed, no numpy:

    make_softmax_onnxtxt.py head|loghead|pixels OUT.onnxtxt

head:   a classifier head: Flatten, Gemm (16 -> 10), Softmax over the 10
        logits (axis 1, the last).
loghead: the same head with LogSoftmax.
pixels: a 1x1 Conv (3 -> 5 channels) on 8x8, then Softmax over the channels
        at every pixel (opset 13's axis 1 of NCHW).
"""
import random
import sys

rng = random.Random(11)
kind, out = sys.argv[1], sys.argv[2]


def floats(n, scale):
    return ", ".join(f"{rng.uniform(-scale, scale):.5f}" for _ in range(n))


def dims(shape):
    return " ".join(f"dim {{ dim_value: {d} }}" for d in shape)


if kind in ("head", "loghead"):
    op = "Softmax" if kind == "head" else "LogSoftmax"
    shape = [1, 1, 4, 4]
    body = f'''  node {{ name: "flat" op_type: "Flatten" input: "x" output: "f" }}
  node {{ name: "fc" op_type: "Gemm" input: "f" input: "w" input: "b" output: "z"
         attribute {{ name: "transB" i: 1 type: INT }} }}
  node {{ name: "probs" op_type: "{op}" input: "z" output: "y"
         attribute {{ name: "axis" i: 1 type: INT }} }}
  initializer {{ name: "w" dims: 10 dims: 16 data_type: 1 float_data: [{floats(160, 1.5)}] }}
  initializer {{ name: "b" dims: 10 data_type: 1 float_data: [{floats(10, 0.5)}] }}'''
else:
    shape = [1, 3, 8, 8]
    body = f'''  node {{ name: "conv" op_type: "Conv" input: "x" input: "w" input: "b" output: "z" }}
  node {{ name: "probs" op_type: "Softmax" input: "z" output: "y"
         attribute {{ name: "axis" i: 1 type: INT }} }}
  initializer {{ name: "w" dims: 5 dims: 3 dims: 1 dims: 1 data_type: 1 float_data: [{floats(15, 2.0)}] }}
  initializer {{ name: "b" dims: 5 data_type: 1 float_data: [{floats(5, 0.5)}] }}'''
with open(out, "w") as f:
    f.write(f'''ir_version: 8
opset_import {{ version: 13 }}
graph {{
  name: "g"
{body}
  input {{ name: "x" type {{ tensor_type {{ elem_type: 1 shape {{ {dims(shape)} }} }} }} }}
  output {{ name: "y" }}
}}
''')
