#!/usr/bin/python3
"""Make a fixed-batch copy of a batch-1 model whose graph is batch-agnostic apart from
its declared input/output shapes (lenet_fmnist.onnx: Conv/Relu/MaxPool, Flatten axis 1,
Gemm), for the batch > 1 tests.

    /usr/bin/python3 models/make_batch.py [--model models/lenet_fmnist.onnx]
        [--batch 4] [--out models/lenet_fmnist_b4.onnx]

Only dimension 0 of every graph input and output is rewritten (value_info is dropped,
so shapes are inferred again). Refuses a model with a Reshape (its shape constant would
carry the batch) or a Flatten not on axis 1. The result is checked with onnx_numpy_ref:
each image's output of the batched model must equal the batch-1 model's output for that
image (max abs difference printed; exit 1 above 1e-5).
"""
import argparse
import os
import sys

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import onnx_numpy_ref  # noqa: E402


def batched(model, n):
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for node in m.graph.node:
        if node.op_type == "Reshape":
            sys.exit(f"make_batch: Reshape node '{node.name}' carries the batch in its shape")
        if node.op_type == "Flatten":
            axis = [a.i for a in node.attribute if a.name == "axis"]
            if axis and axis[0] != 1:
                sys.exit(f"make_batch: Flatten node '{node.name}' on axis {axis[0]}, not 1")
    for v in list(m.graph.input) + list(m.graph.output):
        d0 = v.type.tensor_type.shape.dim[0]
        d0.Clear()
        d0.dim_value = n
    del m.graph.value_info[:]
    onnx.checker.check_model(m)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "lenet_fmnist.onnx"))
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(HERE, "lenet_fmnist_b4.onnx"))
    args = ap.parse_args()
    one = onnx.load(args.model)
    many = batched(one, args.batch)
    x = np.random.default_rng(18).random(
        [args.batch] + [d.dim_value for d in one.graph.input[0].type.tensor_type.shape.dim[1:]],
        dtype=np.float32)
    name = one.graph.input[0].name
    out_many = onnx_numpy_ref.run(many, {name: x})[0]
    out_one = np.concatenate([onnx_numpy_ref.run(one, {name: x[i:i + 1]})[0]
                              for i in range(args.batch)])
    err = float(np.max(np.abs(out_many - out_one)))
    print(f"{args.out}: batch {args.batch}, outputs {list(out_many.shape)}, "
          f"max |batched - per image| = {err:.3g}")
    if err > 1e-5:
        sys.exit(1)
    tmp = args.out + ".tmp"
    onnx.save(many, tmp)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
