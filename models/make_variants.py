#!/usr/bin/python3
"""Generate "other people's LeNets": small LeNet variants exported with different
exporter settings / op choices, to exercise the ONNX front end.

    /usr/bin/python3 models/make_variants.py [--outdir models/variants] [--epochs 2]

Produces in OUTDIR:
  lenet5_classic.onnx        classic LeCun LeNet-5 (Conv 6@5x5 pad 2, Tanh, AveragePool,
                             Conv 16@5x5, Tanh, AveragePool, Flatten, Gemm+Tanh x2, Gemm->10),
                             opset 11, TRAINED for --epochs on Fashion-MNIST (input = pixel/255).
  lenet_dynamic_batch.onnx   symbolic batch dim ("batch") via dynamic_axes, x.view(x.size(0), -1)
                             -> Shape/Gather/Unsqueeze/Concat/Reshape chain, opset 13, random weights.
  lenet_sigmoid_nobias.onnx  bias-free convs, Sigmoid, MaxPool k3 s2 p1, linear layers written as
                             torch.matmul + add (MatMul+Add, no Gemm), opset 9, random weights.
  lenet_leaky_clip.onnx      LeakyReLU(0.1), ReLU6 (Clip), residual Add of two conv branches,
                             channel Concat, Dropout, Softmax output, opset 13, random weights.
                             (the torch exporter drops Dropout in eval mode, so an inference-mode
                             Dropout node is re-inserted with onnx.helper; see README.)
  variants.json              per-model summary (ops, opset, input shape, accuracy if trained)

All models take float32 NCHW [*,1,28,28] input named "input" and produce "logits" [*,10]
(for lenet_leaky_clip the output is softmax probabilities, still named "logits").
Every exported file is re-run through onnx_numpy_ref and compared with torch.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion_mnist  # noqa: E402
import onnx_numpy_ref  # noqa: E402


class LeNet5Classic(nn.Module):
    """LeCun et al. 1998 LeNet-5 (with the usual simplifications: full C3, Tanh, avg-pool)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)      # 6x28x28
        self.s2 = nn.AvgPool2d(2)                    # 6x14x14
        self.c3 = nn.Conv2d(6, 16, 5)                # 16x10x10
        self.s4 = nn.AvgPool2d(2)                    # 16x5x5
        self.f5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = self.s2(torch.tanh(self.c1(x)))
        x = self.s4(torch.tanh(self.c3(x)))
        x = torch.flatten(x, 1)
        x = torch.tanh(self.f5(x))
        x = torch.tanh(self.f6(x))
        return self.out(x)


class LeNetDynamicBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)              # 6x24x24
        self.conv2 = nn.Conv2d(6, 16, 5)             # 16x8x8
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # 6x12x12
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # 16x4x4
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class LeNetSigmoidNoBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2, bias=False)   # 6x28x28
        self.conv2 = nn.Conv2d(6, 16, 5, bias=False)             # 16x10x10
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.w1 = nn.Parameter(torch.randn(16 * 5 * 5, 120) * (1 / 20.0))
        self.b1 = nn.Parameter(torch.zeros(120))
        self.w2 = nn.Parameter(torch.randn(120, 84) * (1 / 120 ** 0.5))
        self.b2 = nn.Parameter(torch.zeros(84))
        self.w3 = nn.Parameter(torch.randn(84, 10) * (1 / 84 ** 0.5))
        self.b3 = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        x = self.pool(torch.sigmoid(self.conv1(x)))   # 6x14x14
        x = self.pool(torch.sigmoid(self.conv2(x)))   # 16x5x5
        x = torch.flatten(x, 1)
        x = torch.sigmoid(torch.matmul(x, self.w1) + self.b1)
        x = torch.sigmoid(torch.matmul(x, self.w2) + self.b2)
        return torch.matmul(x, self.w3) + self.b3


class LeNetLeakyClip(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)            # 8x28x28
        self.branch_a = nn.Conv2d(8, 8, 3, padding=1)         # 8x14x14
        self.branch_b = nn.Conv2d(8, 8, 1)                    # 8x14x14
        self.conv3 = nn.Conv2d(16, 16, 5)                     # 16x10x10
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 5 * 5, 84)
        self.fc2 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.leaky_relu(self.conv1(x), 0.1), 2)  # 8x14x14
        a = F.relu6(self.branch_a(x))
        b = self.branch_b(x)
        r = a + b                                              # residual Add of two branches
        x = torch.cat([r, x], dim=1)                           # 16x14x14
        x = F.max_pool2d(F.relu6(self.conv3(x)), 2)            # 16x5x5
        x = torch.flatten(x, 1)
        x = self.drop(x)
        x = F.leaky_relu(self.fc1(x), 0.1)
        return F.softmax(self.fc2(x), dim=1)


def train(model, epochs, seed):
    xtr, ytr = fashion_mnist.load_float("train")
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print("  epoch %d loss %.4f (%.0fs)" % (epoch + 1, loss.item(), time.time() - t0), flush=True)
    model.eval()


def test_accuracy(model):
    xte, yte = fashion_mnist.load_float("test")
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)
    with torch.no_grad():
        pred = torch.cat([model(xte[i:i + 1000]).argmax(1) for i in range(0, len(xte), 1000)])
    return (pred == yte).sum().item() / len(yte)


def add_eval_dropout(path, before_node_op="Gemm"):
    """Insert an inference-mode Dropout (identity; opset 13: training_mode defaults to false)
    in front of the first `before_node_op` node. The torch exporter removes Dropout when
    exporting in eval mode, but many real-world ONNX files (older exporters, Keras/TF
    converters) still carry such nodes, so the front end must cope with them."""
    m = onnx.load(path)
    nodes = list(m.graph.node)
    pos = next(i for i, n in enumerate(nodes) if n.op_type == before_node_op)
    tgt = nodes[pos]
    src = tgt.input[0]
    drop_out = src + "_dropout"
    ratio = onnx.helper.make_tensor("dropout_ratio", onnx.TensorProto.FLOAT, [], [0.25])
    m.graph.initializer.append(ratio)
    drop = onnx.helper.make_node("Dropout", [src, "dropout_ratio"], [drop_out], name="Dropout_eval")
    tgt.input[0] = drop_out
    nodes.insert(pos, drop)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def input_shape(m):
    dims = m.graph.input[0].type.tensor_type.shape.dim
    return [d.dim_param if d.dim_param else d.dim_value for d in dims]


def summarize(path):
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    return {"file": os.path.basename(path), "bytes": os.path.getsize(path),
            "opset": m.opset_import[0].version, "ir_version": m.ir_version,
            "input": {"name": m.graph.input[0].name, "shape": input_shape(m)},
            "output": m.graph.output[0].name, "ops": ops, "num_nodes": len(m.graph.node)}


def check_against_torch(model, path, batch):
    m = onnx.load(path)
    x = torch.from_numpy(fashion_mnist.load_float("test")[0][:batch])
    with torch.no_grad():
        ref = model(x).numpy()
    if input_shape(m)[0] == 1:   # static batch 1 input: run one image at a time
        got = np.concatenate([onnx_numpy_ref.run(m, {"input": x[i:i + 1].numpy()})[0] for i in range(batch)])
    else:
        got = onnx_numpy_ref.run(m, {"input": x.numpy()})[0]
    return float(np.abs(got - ref).max())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", default=os.path.join(HERE, "variants"))
    ap.add_argument("--epochs", type=int, default=2, help="training epochs for lenet5_classic")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    dummy1 = torch.zeros(1, 1, 28, 28)
    common = dict(input_names=["input"], output_names=["logits"], do_constant_folding=True,
                  training=torch.onnx.TrainingMode.EVAL)
    summaries = []

    # 1. classic LeNet-5, trained
    torch.manual_seed(args.seed)
    m1 = LeNet5Classic()
    print("training lenet5_classic for %d epochs" % args.epochs)
    train(m1, args.epochs, args.seed)
    acc = test_accuracy(m1)
    p = os.path.join(args.outdir, "lenet5_classic.onnx")
    torch.onnx.export(m1.eval(), dummy1, p, opset_version=11, **common)
    s = summarize(p)
    s.update(float_accuracy=acc, trained_epochs=args.epochs, seed=args.seed, test_images=10000,
             max_abs_diff_vs_torch=check_against_torch(m1, p, 8))
    summaries.append(s)

    # 2. dynamic batch + view(x.size(0), -1)
    torch.manual_seed(args.seed + 1)
    m2 = LeNetDynamicBatch().eval()
    p = os.path.join(args.outdir, "lenet_dynamic_batch.onnx")
    torch.onnx.export(m2, dummy1, p, opset_version=13,
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **common)
    s = summarize(p)
    s.update(weights="random", seed=args.seed + 1, max_abs_diff_vs_torch=check_against_torch(m2, p, 3))
    summaries.append(s)

    # 3. sigmoid, no bias, maxpool k3 s2 p1, MatMul+Add; opset 9 if possible
    torch.manual_seed(args.seed + 2)
    m3 = LeNetSigmoidNoBias().eval()
    p = os.path.join(args.outdir, "lenet_sigmoid_nobias.onnx")
    try:
        torch.onnx.export(m3, dummy1, p, opset_version=9, **common)
    except Exception as e:  # noqa: BLE001
        print("opset 9 export failed (%s); using opset 11" % e)
        torch.onnx.export(m3, dummy1, p, opset_version=11, **common)
    s = summarize(p)
    s.update(weights="random", seed=args.seed + 2, max_abs_diff_vs_torch=check_against_torch(m3, p, 4))
    summaries.append(s)

    # 4. LeakyReLU, ReLU6/Clip, residual Add, Concat, Dropout, Softmax
    torch.manual_seed(args.seed + 3)
    m4 = LeNetLeakyClip().eval()
    p = os.path.join(args.outdir, "lenet_leaky_clip.onnx")
    torch.onnx.export(m4, dummy1, p, opset_version=13, **common)
    dropout_note = None
    if "Dropout" not in {n.op_type for n in onnx.load(p).graph.node}:
        add_eval_dropout(p)
        dropout_note = "torch exporter removed Dropout (eval mode); inference-mode Dropout re-inserted before first Gemm"
    s = summarize(p)
    s.update(weights="random", seed=args.seed + 3, max_abs_diff_vs_torch=check_against_torch(m4, p, 4))
    if dropout_note:
        s["note"] = dropout_note
    summaries.append(s)

    for s in summaries:
        print("%-27s opset %-2d input %-18s %7d B  ops: %s%s" % (
            s["file"], s["opset"], s["input"]["shape"], s["bytes"], " ".join(s["ops"]),
            ("  acc %.4f" % s["float_accuracy"]) if "float_accuracy" in s else ""))
        print("%-27s max |onnx(numpy ref) - torch| = %.2e%s" % (
            "", s["max_abs_diff_vs_torch"], ("  [" + s["note"] + "]") if "note" in s else ""))
    with open(os.path.join(args.outdir, "variants.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "onnx_version": onnx.__version__,
                   "models": summaries}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
