"""Writes a float32 .npy of the given shape holding ((i * 37) mod 64) / 64
(exact in any fixed-point format with 6 or more fraction bits), without numpy.

    make_ramp_npy.py OUT.npy D0 D1 ...
"""
import struct
import sys

out, dims = sys.argv[1], [int(d) for d in sys.argv[2:]]
n = 1
for d in dims:
    n *= d
shape = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(out, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%df" % n, *(((i * 37) % 64) / 64 for i in range(n))))
