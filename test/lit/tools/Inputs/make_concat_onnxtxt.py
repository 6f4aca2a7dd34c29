"""Writes small ONNX models (text format) with concatenations, channel
slices and a channel shuffle, random weights from a fixed seed, no numpy:

    make_concat_onnxtxt.py fire|dense|shuffle OUT.onnxtxt

fire:    SqueezeNet's Fire module: two convs of one input concatenated, then
         max pooling and a conv.
dense:   a DenseNet block: concatenations that grow by one conv output each
         (placed one inside the next), then one of the graph input, the
         block and a duplicated layer output (copied).
shuffle: ShuffleNet v2's unit: a Split of the channels, a conv on one half,
         the concat and the channel shuffle (Reshape, Transpose, Reshape).
"""
import random
import sys

rng = random.Random(7)
nodes, inits = [], []


def floats(n, scale):
    return ", ".join(f"{rng.uniform(-scale, scale):.5f}" for _ in range(n))


def init(name, dims, values, dtype=1):
    dims_s = " ".join(f"dims: {d}" for d in dims)
    field = "float_data" if dtype == 1 else "int64_data"
    inits.append(f'  initializer {{ name: "{name}" {dims_s} data_type: {dtype} {field}: [{values}] }}')


def node(op, ins, outs, name, attrs=""):
    i = " ".join(f'input: "{x}"' for x in ins)
    o = " ".join(f'output: "{x}"' for x in outs)
    nodes.append(f'  node {{ name: "{name}" op_type: "{op}" {i} {o} {attrs}}}')


def conv(x, cin, cout, k, name, relu=True):
    init(name + ".w", [cout, cin, k, k], floats(cout * cin * k * k, 1.0 / (cin * k * k) ** 0.5 * 1.5))
    init(name + ".b", [cout], floats(cout, 0.1))
    p = k // 2
    node("Conv", [x, name + ".w", name + ".b"], [name + ".y"], name,
         f"attribute {{ name: \"pads\" ints: [{p}, {p}, {p}, {p}] type: INTS }} ")
    if not relu:
        return name + ".y"
    node("Relu", [name + ".y"], [name + ".r"], name + ".relu")
    return name + ".r"


def concat(xs, name):
    node("Concat", xs, [name], name, 'attribute { name: "axis" i: 1 type: INT } ')
    return name


kind, out = sys.argv[1], sys.argv[2]
c_in, hw = 3, 8
if kind == "fire":
    s = conv("x", 3, 8, 3, "squeeze")
    e1 = conv(s, 8, 6, 1, "expand1x1")
    e3 = conv(s, 8, 10, 3, "expand3x3")
    cat = concat([e1, e3], "fire")
    node("MaxPool", [cat], ["pool"], "pool",
         'attribute { name: "kernel_shape" ints: [2, 2] type: INTS } '
         'attribute { name: "strides" ints: [2, 2] type: INTS } ')
    y = conv("pool", 16, 4, 1, "head", relu=False)
elif kind == "dense":
    c0 = conv("x", 3, 4, 3, "stem")
    n1 = conv(c0, 4, 4, 3, "layer1")
    cat1 = concat([c0, n1], "cat1")
    n2 = conv(cat1, 8, 4, 1, "layer2")
    cat2 = concat([c0, n1, n2], "cat2")
    n3 = conv(cat2, 12, 4, 3, "layer3")
    cat3 = concat(["x", cat2, n3, n2], "cat3")
    y = conv(cat3, 3 + 12 + 4 + 4, 5, 1, "head", relu=False)
elif kind == "shuffle":
    c_in = 8
    t = conv("x", 8, 8, 3, "stem")
    init("split", [2], "4, 4", dtype=7)
    node("Split", [t, "split"], ["x1", "x2"], "split",
         'attribute { name: "axis" i: 1 type: INT } ')
    b = conv("x2", 4, 4, 1, "branch")
    cat = concat(["x1", b], "cat")
    init("shape5", [5], f"1, 2, 4, {hw}, {hw}", dtype=7)
    init("shape4", [4], f"1, 8, {hw}, {hw}", dtype=7)
    node("Reshape", [cat, "shape5"], ["r5"], "shuffle.reshape")
    node("Transpose", ["r5"], ["t5"], "shuffle.transpose",
         'attribute { name: "perm" ints: [0, 2, 1, 3, 4] type: INTS } ')
    node("Reshape", ["t5", "shape4"], ["r4"], "shuffle.back")
    y = conv("r4", 8, 4, 1, "head", relu=False)
else:
    sys.exit(f"unknown model {kind}")

with open(out, "w") as f:
    f.write("ir_version: 8\nopset_import { version: 14 }\ngraph {\n")
    f.write(f'  name: "{kind}"\n')
    f.write("\n".join(nodes + inits) + "\n")
    f.write(f'  input {{ name: "x" type {{ tensor_type {{ elem_type: 1 shape {{ dim {{ dim_value: 1 }} '
            f'dim {{ dim_value: {c_in} }} dim {{ dim_value: {hw} }} dim {{ dim_value: {hw} }} }} }} }} }}\n')
    f.write(f'  output {{ name: "{y}" }}\n}}\n')
