"""Checks the energy estimate of spec2c reports against itself and against
spec2-run: the layers add up to the total, the breakdown adds up, the power
and efficiency follow from the time and the operation count, a sparser
program costs less, and spec2-run --json gives the same energy.

    check_energy.py DENSE.json SPARSE.json RUN.json
"""
import json
import sys

def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)

bad = 0
def check(ok, what):
    global bad
    bad += not ok
    print("%s %s" % ("ok" if ok else "FAIL", what))

reports = [json.load(open(p)) for p in sys.argv[1:3]]
for name, r in zip(("dense", "sparse"), reports):
    t = r["total"]
    e = t["energy"]
    layers = sum(row["energy_modeled_uj"] for row in r["layers"]) * 1e-3
    # Up to the program's last FINISH, which belongs to no layer (one cycle
    # of static power).
    check(close(layers, e["total_mj"], 1e-4) and layers <= e["total_mj"],
          "%s: layers add up to the total" % name)
    parts = e["compute_mj"] + e["onchip_mj"] + e["ddr_mj"] + e["static_mj"]
    check(close(parts, e["total_mj"]), "%s: the breakdown adds up" % name)
    check(close(sum(e["onchip_mj_by_memory"].values()), e["onchip_mj"]),
          "%s: the memories add up to on-chip" % name)
    check(close(e["average_power_w"], e["total_mj"] / t["modeled_ms"]), "%s: power" % name)
    check(close(e["static_mj"], e["static_w"] * t["modeled_ms"]), "%s: static" % name)
    check(close(e["gop_per_s_per_w"], e["ops"] / (e["total_mj"] * 1e-3) * 1e-9),
          "%s: GOP/s/W" % name)
    check(all(e[k] > 0 for k in ("compute_mj", "onchip_mj", "ddr_mj", "static_mj")),
          "%s: every part is positive" % name)
dense, sparse = (r["total"]["energy"] for r in reports)
check(dense["ops"] == sparse["ops"], "the same network: the same operations")
check(sparse["compute_mj"] < dense["compute_mj"], "sparser: less compute energy")
check(sparse["total_mj"] < dense["total_mj"], "sparser: less energy")
run = json.load(open(sys.argv[3]))
check(close(run["modeled_energy_mj"], sparse["total_mj"]), "spec2-run: the report's energy")
sys.exit(1 if bad else 0)
