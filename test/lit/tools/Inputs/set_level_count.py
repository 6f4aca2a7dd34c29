"""Rewrites the level count of a version-2 .s2b (the u32 after the tensor
descriptors) and reseals its CRC-32, so that only the loader's own checks
can refuse it.

    set_level_count.py IN.s2b OUT.s2b COUNT
"""
import struct
import sys
import zlib

data = bytearray(open(sys.argv[1], "rb").read())
inputs, outputs = struct.unpack_from("<II", data, 24)
at = 64
for _ in range(inputs + outputs):
    rank, name = data[at + 8], data[at + 10]
    at += 16 + (rank * 4 + name + 7) // 8 * 8
struct.pack_into("<I", data, at, int(sys.argv[3]))
struct.pack_into("<I", data, len(data) - 4, zlib.crc32(bytes(data[:-4])))
open(sys.argv[2], "wb").write(data)
