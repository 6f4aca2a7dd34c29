#!/usr/bin/python3
"""Small ONNX models for the vector unit's per-channel operations (issue #18).

    /usr/bin/python3 models/make_chanops.py [OUTDIR]      (default models/chanops)

Writes, with python3-onnx only (random weights, fixed seed, opset 13):
  chan_affine.onnx  [1,4,12,12] -> Conv 3x3 -> MaxPool 2x2 -> BatchNormalization
                    (standalone: a pool before it, nothing to fold into) -> Relu ->
                    Conv 1x1 -> Add residual -> Mul by a [1,C,1,1] constant ->
                    Add a [C,1,1] constant -> output [1,6,6,6]
                    (plus one BatchNormalization right after a conv, which must fold)
  se_block.onnx     [1,8,10,10] -> Conv 3x3 -> Relu -> x; squeeze-and-excitation
                    s = GlobalAveragePool(x) -> Conv 1x1 (8->4) -> Relu -> Conv 1x1
                    (4->8) -> HardSigmoid; y = x * s; a second one with Sigmoid
                    (efficientnet's) -> Conv 1x1 -> output [1,8,10,10]
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.RandomState(18)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def conv(nodes, inits, x, name, cin, cout, k, pad):
    w = rng.randn(cout, cin, k, k).astype(np.float32) / np.sqrt(cin * k * k)
    b = 0.1 * rng.randn(cout).astype(np.float32)
    inits += [const(name + ".w", w), const(name + ".b", b)]
    nodes.append(helper.make_node("Conv", [x, name + ".w", name + ".b"], [name],
                                  name=name, kernel_shape=[k, k], pads=[pad] * 4))
    return name


def batchnorm(nodes, inits, x, name, c):
    inits += [const(name + ".scale", 0.5 + rng.rand(c)),
              const(name + ".bias", 0.3 * rng.randn(c)),
              const(name + ".mean", 0.2 * rng.randn(c)),
              const(name + ".var", 0.5 + rng.rand(c))]
    nodes.append(helper.make_node(
        "BatchNormalization",
        [x, name + ".scale", name + ".bias", name + ".mean", name + ".var"], [name],
        name=name, epsilon=1e-5))
    return name


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="spec2c models/make_chanops.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print("wrote", path)


def chan_affine(path):
    nodes, inits = [], []
    x = conv(nodes, inits, "input", "conv1", 4, 6, 3, 1)
    x = batchnorm(nodes, inits, x, "bn_folded", 6)          # folds into conv1
    nodes.append(helper.make_node("MaxPool", [x], ["pool"], name="pool",
                                  kernel_shape=[2, 2], strides=[2, 2]))
    x = batchnorm(nodes, inits, "pool", "bn_standalone", 6)  # after a pool
    nodes.append(helper.make_node("Relu", [x], ["relu"], name="relu"))
    x = conv(nodes, inits, "relu", "conv2", 6, 6, 1, 0)
    nodes.append(helper.make_node("Add", [x, "pool"], ["res"], name="res"))
    inits.append(const("mul.k", (0.5 + rng.rand(1, 6, 1, 1)) *
                       np.sign(rng.randn(1, 6, 1, 1))))
    nodes.append(helper.make_node("Mul", ["res", "mul.k"], ["mul"], name="mul"))
    inits.append(const("add.k", 0.5 * rng.randn(6, 1, 1)))
    nodes.append(helper.make_node("Add", ["mul", "add.k"], ["output"], name="add"))
    graph = helper.make_graph(
        nodes, "chan_affine",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 12, 12])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 6, 6, 6])],
        inits)
    save(graph, path)


def squeeze_excite(nodes, inits, x, name, c, gate):
    nodes.append(helper.make_node("GlobalAveragePool", [x], [name + ".gap"],
                                  name=name + ".gap"))
    s = conv(nodes, inits, name + ".gap", name + ".fc1", c, c // 2, 1, 0)
    nodes.append(helper.make_node("Relu", [s], [name + ".relu"], name=name + ".relu"))
    s = conv(nodes, inits, name + ".relu", name + ".fc2", c // 2, c, 1, 0)
    if gate == "hardsigmoid":
        nodes.append(helper.make_node("HardSigmoid", [s], [name + ".gate"],
                                      name=name + ".gate", alpha=1.0 / 6, beta=0.5))
    else:
        nodes.append(helper.make_node("Sigmoid", [s], [name + ".gate"],
                                      name=name + ".gate"))
    nodes.append(helper.make_node("Mul", [x, name + ".gate"], [name], name=name))
    return name


def se_block(path):
    nodes, inits = [], []
    x = conv(nodes, inits, "input", "conv1", 8, 8, 3, 1)
    nodes.append(helper.make_node("Relu", [x], ["relu1"], name="relu1"))
    x = squeeze_excite(nodes, inits, "relu1", "se1", 8, "hardsigmoid")
    x = conv(nodes, inits, x, "conv2", 8, 8, 3, 1)
    x = squeeze_excite(nodes, inits, x, "se2", 8, "sigmoid")
    x = conv(nodes, inits, x, "conv3", 8, 8, 1, 0)
    nodes[-1].output[0] = "output"
    graph = helper.make_graph(
        nodes, "se_block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 8, 10, 10])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 8, 10, 10])],
        inits)
    save(graph, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "chanops")
    os.makedirs(out, exist_ok=True)
    chan_affine(os.path.join(out, "chan_affine.onnx"))
    se_block(os.path.join(out, "se_block.onnx"))


if __name__ == "__main__":
    main()
