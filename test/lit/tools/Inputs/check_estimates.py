"""Checks that the tiling search's estimate of each conv layer (the chosen
dataflow's `cycles` in `dataflow_alternatives`) is within TOLERANCE of what the
cost model gives the compiled program (`modeled_cycles`) in spec2c reports.

    check_estimates.py TOLERANCE REPORT.json...
"""
import json
import sys

tolerance = float(sys.argv[1])
bad = 0
for path in sys.argv[2:]:
    for row in json.load(open(path))["layers"]:
        if row["kind"] != "spectral_conv":
            continue
        est = row["dataflow_alternatives"][row["dataflow"]]["cycles"]
        got = row["modeled_cycles"]
        ok = abs(est - got) <= tolerance * got
        bad += not ok
        print("%s %s: estimated %d, modeled %d" % ("ok" if ok else "FAIL", row["name"], est, got))
sys.exit(1 if bad else 0)
