"""Writes element I of dimension 0 of a float32 .npy (keeping the dimension,
as [1, ...]), without numpy:

    take_npy.py IN.npy I OUT.npy
"""
import ast
import struct
import sys

import npy_f32

path, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
n = struct.unpack("<H", data[8:10])[0]
header = ast.literal_eval(data[10:10 + n].decode())
assert header["descr"] == "<f4" and not header["fortran_order"], header
shape = list(header["shape"])
per = 1
for d in shape[1:]:
    per *= d
body = data[10 + n:]
values = struct.unpack_from("<%df" % per, body, 4 * per * index)
npy_f32.write(out, [1] + shape[1:], list(values))
