"""Writes a one-layer ONNX model, Conv (3x3, pad 1, He-scaled normal weights
from seed 0, zero bias) then Relu, for the lit tests. Run offline (needs
python3-onnx and numpy); the tests use the committed output.

    make_conv_onnx.py OUT.onnx IN_CHANNELS OUT_CHANNELS SIZE
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out, ci, co, size = sys.argv[1], *map(int, sys.argv[2:5])
rng = np.random.default_rng(0)
w = (rng.standard_normal((co, ci, 3, 3)) * np.sqrt(2 / (ci * 9))).astype(np.float32)
nodes = [
    helper.make_node("Conv", ["x", "W", "B"], ["y"], pads=[1, 1, 1, 1], name="conv"),
    helper.make_node("Relu", ["y"], ["z"], name="relu"),
]
graph = helper.make_graph(
    nodes, "conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, ci, size, size])],
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, co, size, size])],
    [numpy_helper.from_array(w, "W"), numpy_helper.from_array(np.zeros(co, np.float32), "B")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)
