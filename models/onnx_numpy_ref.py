"""Tiny numpy-only ONNX interpreter used to cross-check exported models.

The installed onnx (1.12) has no onnx.reference and onnxruntime is not
available, so this covers exactly the op subset used by the models in this
directory: Conv, BatchNormalization, Relu, LeakyRelu, Clip, Tanh, Sigmoid,
MaxPool, AveragePool, GlobalAveragePool, Pad (constant), Flatten, Reshape, Gemm, MatMul, Add,
Mul, Concat, Softmax, Shape, Gather, Unsqueeze, Constant, Identity, Dropout.

The batch dimension of the graph input is not enforced, so a model exported
with a static [1,1,28,28] input can be evaluated on a batch [N,1,28,28] as
long as it contains no hard-coded batch size (Flatten is fine).

Usage:
    from onnx_numpy_ref import run
    (logits,) = run(onnx.load(path), {"input": x})
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads_2d(a, kshape):
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("auto_pad")
    p = list(a.get("pads", [0, 0, 0, 0]))
    return p  # [top, left, bottom, right]


def _im2col(x, kh, kw, sh, sw, dh, dw, pads, pad_value=0.0):
    n, c, h, w = x.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
               constant_values=pad_value)
    oh = (x.shape[2] - (dh * (kh - 1) + 1)) // sh + 1
    ow = (x.shape[3] - (dw * (kw - 1) + 1)) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i * dh:i * dh + sh * oh:sh, j * dw:j * dw + sw * ow:sw][:, :, :oh, :ow]
    return cols, oh, ow


def _conv(x, w, b, a):
    group = a.get("group", 1)
    kh, kw = w.shape[2:]
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    cols, oh, ow = _im2col(x, kh, kw, sh, sw, dh, dw, _pads_2d(a, (kh, kw)))
    n, c = x.shape[:2]
    m = w.shape[0]
    cg, mg = c // group, m // group
    out = np.empty((n, m, oh, ow), dtype=np.float32)
    for g in range(group):
        cg_cols = cols[:, g * cg:(g + 1) * cg].reshape(n, cg * kh * kw, oh * ow)
        wg = w[g * mg:(g + 1) * mg].reshape(mg, cg * kh * kw)
        out[:, g * mg:(g + 1) * mg] = np.einsum("mk,nkp->nmp", wg, cg_cols).reshape(n, mg, oh, ow)
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _pool(x, a, kind):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = _pads_2d(a, (kh, kw))
    if a.get("ceil_mode", 0):
        raise NotImplementedError("ceil_mode")
    if kind == "max":
        cols, oh, ow = _im2col(x, kh, kw, sh, sw, 1, 1, pads, pad_value=-np.inf)
        return cols.max(axis=(2, 3))
    cols, oh, ow = _im2col(x, kh, kw, sh, sw, 1, 1, pads, pad_value=0.0)
    s = cols.sum(axis=(2, 3))
    if a.get("count_include_pad", 0) or not any(pads):
        return s / (kh * kw)
    ones = np.ones((1, 1) + x.shape[2:], dtype=x.dtype)
    cnt, _, _ = _im2col(ones, kh, kw, sh, sw, 1, 1, pads)
    return s / cnt.sum(axis=(2, 3))


def run(model, feeds):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for node in g.node:
        op, a = node.op_type, _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        if op == "Conv":
            r = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "BatchNormalization":
            x, s, b, mean, var = ins[:5]
            sh = (1, -1) + (1,) * (x.ndim - 2)
            r = (x - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + a.get("epsilon", 1e-5)) * s.reshape(sh) + b.reshape(sh)
        elif op == "Relu":
            r = np.maximum(ins[0], 0)
        elif op == "LeakyRelu":
            al = a.get("alpha", 0.01)
            r = np.where(ins[0] >= 0, ins[0], ins[0] * al)
        elif op == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", -np.inf)
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", np.inf)
            r = np.clip(ins[0], lo, hi)
        elif op == "Tanh":
            r = np.tanh(ins[0])
        elif op == "Sigmoid":
            r = 1.0 / (1.0 + np.exp(-ins[0]))
        elif op == "MaxPool":
            r = _pool(ins[0], a, "max")
        elif op == "AveragePool":
            r = _pool(ins[0], a, "avg")
        elif op == "GlobalAveragePool":
            r = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            r = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(ins[1].tolist())]
            r = ins[0].reshape(shape)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            r = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                r = r + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            r = ins[0] @ ins[1]
        elif op == "Add":
            r = ins[0] + ins[1]
        elif op == "Mul":
            r = ins[0] * ins[1]
        elif op == "Concat":
            r = np.concatenate(ins, axis=a["axis"])
        elif op == "Softmax":
            ax = a.get("axis", -1 if model.opset_import[0].version >= 13 else 1)
            e = np.exp(ins[0] - ins[0].max(axis=ax, keepdims=True))
            r = e / e.sum(axis=ax, keepdims=True)
        elif op == "Shape":
            r = np.array(ins[0].shape, dtype=np.int64)
        elif op == "Gather":
            r = np.take(ins[0], ins[1], axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            axes = a["axes"] if "axes" in a else ins[1].tolist()
            r = ins[0]
            for ax in sorted(axes):
                r = np.expand_dims(r, ax)
        elif op == "Pad":
            if a.get("mode", b"constant") not in (b"constant", "constant"):
                raise NotImplementedError("Pad mode")
            pads = a["pads"] if "pads" in a else ins[1].tolist()
            cval = a.get("value", 0.0) if len(ins) < 3 or ins[2] is None else ins[2].item()
            nd = ins[0].ndim
            r = np.pad(ins[0], [(pads[i], pads[i + nd]) for i in range(nd)], constant_values=cval)
        elif op == "Constant":
            r = numpy_helper.to_array(a["value"])
        elif op in ("Identity", "Dropout"):
            r = ins[0]
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = np.asarray(r, dtype=np.asarray(r).dtype)
        if op == "Dropout" and len(node.output) > 1 and node.output[1]:
            env[node.output[1]] = np.ones_like(ins[0], dtype=bool)
    return [env[o.name] for o in g.output]
