"""Checks the runtime levels of a spec2c report against spec2-run: the
levels go from dense to sparse and keep fewer spectral weights each, their
modeled cycles, DDR bytes and energy do not grow, the one program is smaller
than the levels compiled one by one, and spec2-run --level=K --json ran level
K with the cycles and energy the report gives it.

    check_levels.py REPORT.json RUN0.json RUN1.json ...
"""
import json
import sys

bad = 0
def check(ok, what):
    global bad
    bad += not ok
    print("%s %s" % ("ok" if ok else "FAIL", what))

report = json.load(open(sys.argv[1]))
levels = report["runtime_levels"]
runs = [json.load(open(p)) for p in sys.argv[2:]]
check(len(levels) == len(runs), "one spec2-run per level")
check(report["total"]["modeled_cycles"] == levels[0]["modeled_cycles"],
      "the report's top is level 0")
for a, b in zip(levels, levels[1:]):
    k = b["level"]
    check(b["sparsity"] > a["sparsity"], "level %d is sparser" % k)
    check(b["spectral_nonzeros"] < a["spectral_nonzeros"],
          "level %d keeps fewer spectral weights" % k)
    for key in ("modeled_cycles", "ddr_bytes", "energy_mj"):
        check(b[key] <= a[key], "level %d: %s does not grow" % (k, key))
check(levels[-1]["energy_mj"] < levels[0]["energy_mj"],
      "the sparsest level costs less energy than the densest")
sizes = report["program_bytes"]
check(sizes["levels_in_one"] < sizes["levels_one_by_one"],
      "one program is smaller than the levels one by one")
for level, run in zip(levels, runs):
    k = level["level"]
    check(run["level"] == k and run["levels"] == len(levels),
          "spec2-run ran level %d of %d" % (k, len(levels)))
    check(abs(run["level_sparsity"] - level["sparsity"]) < 1e-9,
          "level %d: spec2-run's sparsity is the report's" % k)
    check(run["modeled_cycles"] == level["modeled_cycles"],
          "level %d: the C-simulation's cycles are the report's" % k)
    check(abs(run["modeled_energy_mj"] - level["energy_mj"]) <=
          1e-9 * level["energy_mj"],
          "level %d: spec2-run's energy is the report's" % k)
print("%s runtime levels" % ("FAIL" if bad else "ok"))
sys.exit(1 if bad else 0)
