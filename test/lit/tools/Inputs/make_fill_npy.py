"""Writes a float32 .npy of the given shape, every element VALUE, or with
--only I,J,... zero except elements I, J, ... (flat indices), without numpy.

    make_fill_npy.py OUT.npy VALUE D0 D1 ... [--only I,J,...]
"""
import sys

import npy_f32

args = sys.argv[1:]
only = None
if "--only" in args:
    k = args.index("--only")
    only = {int(i) for i in args[k + 1].split(",")}
    del args[k : k + 2]
out, value, dims = args[0], float(args[1]), [int(d) for d in args[2:]]
n = 1
for d in dims:
    n *= d
npy_f32.write(out, dims, [value if only is None or i in only else 0.0 for i in range(n)])
