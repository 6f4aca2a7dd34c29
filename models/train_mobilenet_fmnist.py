#!/usr/bin/python3
"""Train a small MobileNetV2-style CNN on Fashion-MNIST and export it to ONNX.

    /usr/bin/python3 models/train_mobilenet_fmnist.py [--epochs N] [--seed S]

Same conventions as train_lenet.py (its loader, evaluation, fixed seed, deterministic
algorithms, 2 threads, opset 13 export in eval mode so BatchNorm folds into the convs,
input "input" float32 [1,1,28,28] = pixel / 255, output "logits" [1,10]).

Architecture: 3x3 stem conv, inverted residual blocks (1x1 expand -> ReLU6 -> 3x3
depthwise, some stride 2 -> ReLU6 -> 1x1 project, residual Add where shapes match),
GlobalAveragePool, a final Linear. Writes models/mobilenet_fmnist.onnx and
models/mobilenet_fmnist.accuracy.json (float accuracy of the exported ONNX file on the
10,000 test images, computed by onnx_numpy_ref: no onnxruntime on this machine).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion_mnist  # noqa: E402
import onnx_numpy_ref  # noqa: E402
from train_lenet import evaluate  # noqa: E402


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(*conv_bn(cin, mid, 1), *conv_bn(mid, mid, 3, stride, groups=mid),
                                  *conv_bn(mid, cout, 1, act=False))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetFMNIST(nn.Module):
    # (expand, out channels, stride) per block; 28 -> 28 -> 14 -> 7
    BLOCKS = ((1, 16, 1), (4, 24, 2), (4, 24, 1), (4, 32, 2), (4, 32, 1))

    def __init__(self):
        super().__init__()
        layers = conv_bn(1, 16, 3)
        cin = 16
        for e, c, s in self.BLOCKS:
            layers.append(InvertedResidual(cin, c, s, e))
            cin = c
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, 10)

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--out", default=os.path.join(HERE, "mobilenet_fmnist.onnx"))
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    xtr, ytr = (torch.from_numpy(a) for a in fashion_mnist.load_float("train"))
    xte, yte = (torch.from_numpy(a) for a in fashion_mnist.load_float("test"))

    model = MobileNetFMNIST()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = (len(xtr) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = xtr[idx], ytr[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print("epoch %d  test acc %.4f  (%.0fs)" % (epoch + 1, evaluate(model, xte, yte), time.time() - t0), flush=True)

    model.eval()
    acc = evaluate(model, xte, yte)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    import onnx
    m = onnx.load(args.out)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    print("wrote %s (%d bytes), ops %s" % (args.out, os.path.getsize(args.out), ops))

    outs = np.concatenate([onnx_numpy_ref.run(m, {"input": xte[i:i + 500].numpy()})[0]
                           for i in range(0, len(xte), 500)])
    with torch.no_grad():
        ref = torch.cat([model(xte[i:i + 1000]) for i in range(0, len(xte), 1000)]).numpy()
    onnx_acc = float((outs.argmax(1) == yte.numpy()).mean())
    result = {"float_accuracy": acc, "test_images": len(xte), "epochs": args.epochs, "seed": args.seed,
              "torch_version": torch.__version__, "onnx_opset": 13, "ops": ops,
              "input": {"name": "input", "shape": [1, 1, 28, 28], "dtype": "float32",
                        "preprocessing": "pixel / 255, nothing else"},
              "output": {"name": "logits", "shape": [1, 10]},
              "onnx_check": "onnx_numpy_ref (numpy)", "onnx_float_accuracy": onnx_acc,
              "onnx_torch_argmax_agreement": float((outs.argmax(1) == ref.argmax(1)).mean()),
              "onnx_torch_max_abs_logit_diff": float(np.abs(outs - ref).max())}
    print(result)
    with open(os.path.splitext(args.out)[0] + ".accuracy.json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
