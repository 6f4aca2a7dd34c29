#!/usr/bin/python3
"""Export torchvision reference CNNs (random weights) to ONNX.

    /usr/bin/python3 models/export_torchvision.py OUTDIR [--external-data] [--models vgg16,mobilenet_v2,resnet18]

Writes OUTDIR/{vgg16,mobilenet_v2,resnet18}.onnx: weights=None (random init, fixed seed),
eval mode, input "input" float32 [1,3,224,224], output "logits" [1,1000], opset 13,
do_constant_folding=True (BatchNorm folded into Conv).

With --external-data the weights are stored as ONNX external data in one file
OUTDIR/NAME.data next to OUTDIR/NAME.onnx (onnx.save_model(..., save_as_external_data=True,
all_tensors_to_one_file=True, location="NAME.data")).

These files are large (vgg16 ~528 MB): write them OUTSIDE the repository (e.g. /tmp/tv);
they are not committed.
"""
import argparse
import os
import tempfile

import onnx
import torch
import torchvision

MODELS = ("vgg16", "mobilenet_v2", "resnet18")


def export(name, outdir, external_data=False, seed=0):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None).eval()
    dummy = torch.zeros(1, 3, 224, 224)
    path = os.path.join(outdir, name + ".onnx")
    kwargs = dict(opset_version=13, input_names=["input"], output_names=["logits"],
                  do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    with torch.no_grad():
        if not external_data:
            torch.onnx.export(model, dummy, path, **kwargs)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                tmp_path = os.path.join(tmp, name + ".onnx")
                torch.onnx.export(model, dummy, tmp_path, **kwargs)
                m = onnx.load(tmp_path)
            data_name = name + ".data"
            if os.path.exists(os.path.join(outdir, data_name)):
                os.remove(os.path.join(outdir, data_name))   # save_model appends otherwise
            onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                            location=data_name)
    onnx.checker.check_model(path)   # path form works for models with external data / >2GB
    m = onnx.load(path, load_external_data=False)
    ops = sorted({n.op_type for n in m.graph.node})
    files = [path] + ([os.path.join(outdir, name + ".data")] if external_data else [])
    sizes = ", ".join("%s %.1f MB" % (os.path.basename(f), os.path.getsize(f) / 1e6) for f in files)
    print("%-13s opset %d  %s  nodes %d  ops: %s" % (name, m.opset_import[0].version, sizes,
                                                     len(m.graph.node), " ".join(ops)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--external-data", action="store_true")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.set_num_threads(2)
    for name in args.models.split(","):
        export(name, args.outdir, args.external_data, args.seed)


if __name__ == "__main__":
    main()
