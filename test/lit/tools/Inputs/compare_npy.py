"""Compares two float32 .npy files of the same shape without numpy: exits 1
unless max |a - b| <= TOL times the range of b.

    compare_npy.py A.npy B.npy TOL
"""
import ast
import struct
import sys


def load(path):
    data = open(path, "rb").read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    n = struct.unpack("<H", data[8:10])[0]
    header = ast.literal_eval(data[10:10 + n].decode())
    if header["descr"] != "<f4":
        sys.exit(f"{path}: dtype {header['descr']}, expected <f4")
    count = 1
    for d in header["shape"]:
        count *= d
    return header["shape"], struct.unpack(f"<{count}f", data[10 + n:10 + n + 4 * count])


a_shape, a = load(sys.argv[1])
b_shape, b = load(sys.argv[2])
tol = float(sys.argv[3])
if a_shape != b_shape:
    sys.exit(f"shapes differ: {a_shape} vs {b_shape}")
span = max(b) - min(b) or 1.0
err = max(abs(x - y) for x, y in zip(a, b)) / span
print(f"max error {err:.3g} of the range")
sys.exit(0 if err <= tol else 1)
