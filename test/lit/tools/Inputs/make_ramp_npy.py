"""Writes a float32 .npy of the given shape holding ((i * 37) mod 64) / 64
(exact in any fixed-point format with 6 or more fraction bits), without numpy.

    make_ramp_npy.py OUT.npy D0 D1 ...
"""
import sys

import npy_f32

out, dims = sys.argv[1], [int(d) for d in sys.argv[2:]]
n = 1
for d in dims:
    n *= d
npy_f32.write(out, dims, [((i * 37) % 64) / 64 for i in range(n)])
