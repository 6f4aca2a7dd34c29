"""Writes a float32 .npy of the given shape holding ((i * 37) mod 64) / 64
(exact in any fixed-point format with 6 or more fraction bits), without numpy.

    make_ramp_npy.py OUT.npy D0 D1 ... [--scale S]

--scale multiplies every value by S.
"""
import sys

import npy_f32

args = sys.argv[1:]
scale = 1.0
if "--scale" in args:
    k = args.index("--scale")
    scale = float(args[k + 1])
    del args[k : k + 2]
out, dims = args[0], [int(d) for d in args[1:]]
n = 1
for d in dims:
    n *= d
npy_f32.write(out, dims, [scale * ((i * 37) % 64) / 64 for i in range(n)])
