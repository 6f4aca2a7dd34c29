"""Checks a --report of a fused program against the --no-fuse one
(fuse-bottlenecks.test): each block's saved bytes are its unfused minus
fused bytes, each fused block is modeled faster than its layers one by one,
the totals add up, and the whole program is faster than the unfused one."""
import json
import sys

fused, unfused = (json.load(open(p)) for p in sys.argv[1:3])
blocks = [l["bottleneck"] for l in fused["layers"] if "bottleneck" in l]
on = [b for b in blocks if b["fused"]]
words = [f"blocks {len(blocks)}", f"fused {len(on)}"]
ok = all(b["ddr_bytes_saved"] == b["ddr_bytes_unfused"] - b["ddr_bytes"] > 0
         for b in on)
ok = ok and sum(b["ddr_bytes_saved"] for b in on) == \
    fused["total"]["fused_ddr_bytes_saved"]
words.append("saved-adds-up" if ok else "saved-WRONG")
words.append("faster-each" if all(b["cycles"] < b["cycles_unfused"] for b in on)
             else "SLOWER-block")
words.append("faster-total"
             if fused["total"]["modeled_cycles"] < unfused["total"]["modeled_cycles"]
             and unfused["total"]["fused_blocks"] == 0 else "SLOWER-total")
print(" ".join(words))
