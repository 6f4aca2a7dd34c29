#!/usr/bin/python3
"""Train a small LeNet-style CNN on Fashion-MNIST and export it to ONNX.

    /usr/bin/python3 models/train_lenet.py [--epochs N] [--seed S] [--out models/lenet_fmnist.onnx]

Input contract of the exported model (the runtime feeds exactly this):
    name "input", float32 NCHW [1,1,28,28], value = uint8 pixel / 255, nothing else
    (no mean/std normalisation).
Output: name "logits", float32 [1,10] (class order as in fashion_mnist.CLASSES).

CPU only, deterministic (fixed seed, torch deterministic algorithms, 2 threads).
Writes <out> and <out without .onnx>.accuracy.json.
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


class LeNetFMNIST(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)   # 16x28x28
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 5)             # 32x10x10
        self.bn2 = nn.BatchNorm2d(32)
        self.fc1 = nn.Linear(32 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)   # 16x14x14
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)   # 32x5x5
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def evaluate(model, x, y, bs=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), bs):
            correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default=os.path.join(HERE, "lenet_fmnist.onnx"))
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    xtr, ytr = fashion_mnist.load_float("train")
    xte, yte = fashion_mnist.load_float("test")
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)

    model = LeNetFMNIST()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = (len(xtr) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = xtr[idx], ytr[idx]
            # random horizontal flip (Fashion-MNIST items are roughly mirror symmetric)
            flip = torch.rand(len(idx), generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc = evaluate(model, xte, yte)
        print("epoch %d  loss %.4f  test acc %.4f  (%.0fs)" % (epoch + 1, total / len(xtr), acc, time.time() - t0),
              flush=True)

    model.eval()
    acc = evaluate(model, xte, yte)
    print("float accuracy (torch, eval mode, 10000 test images): %.4f" % acc)

    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, args.out, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    print("wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)))

    import onnx
    m = onnx.load(args.out)
    onnx.checker.check_model(m)
    print("ops:", sorted({n.op_type for n in m.graph.node}))

    result = {"float_accuracy": acc, "test_images": len(xte), "epochs": args.epochs, "seed": args.seed,
              "torch_version": torch.__version__, "onnx_opset": 13,
              "input": {"name": "input", "shape": [1, 1, 28, 28], "dtype": "float32",
                        "preprocessing": "pixel / 255, nothing else"},
              "output": {"name": "logits", "shape": [1, 10]}}

    # Cross-check the exported ONNX file itself. onnx 1.12 has no onnx.reference,
    # so use onnx.reference if present, else the numpy interpreter in onnx_numpy_ref.py.
    try:
        from onnx.reference import ReferenceEvaluator  # onnx >= 1.13
        sess = ReferenceEvaluator(m)
        outs = np.concatenate([sess.run(None, {"input": xte[i:i + 1].numpy()})[0] for i in range(len(xte))])
        checker = "onnx.reference"
    except ImportError:
        import onnx_numpy_ref
        outs = np.concatenate([onnx_numpy_ref.run(m, {"input": xte[i:i + 500].numpy()})[0]
                               for i in range(0, len(xte), 500)])
        checker = "onnx_numpy_ref (numpy)"
    with torch.no_grad():
        ref = torch.cat([model(xte[i:i + 1000]) for i in range(0, len(xte), 1000)]).numpy()
    onnx_acc = float((outs.argmax(1) == yte.numpy()).mean())
    agree = float((outs.argmax(1) == ref.argmax(1)).mean())
    maxdiff = float(np.abs(outs - ref).max())
    print("ONNX check via %s: accuracy %.4f, argmax agreement with torch %.4f, max |logit diff| %.2e"
          % (checker, onnx_acc, agree, maxdiff))
    result.update({"onnx_check": checker, "onnx_float_accuracy": onnx_acc,
                   "onnx_torch_argmax_agreement": agree, "onnx_torch_max_abs_logit_diff": maxdiff})

    json_path = os.path.splitext(args.out)[0] + ".accuracy.json"
    with open(json_path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print("wrote", json_path)


if __name__ == "__main__":
    main()
