"""Exits non-zero unless every spec2-run --json file given reports the same
saturation counts (total, per layer, per input) as the first."""
import json
import sys

runs = [json.load(open(p)) for p in sys.argv[1:]]


def counts(o):
    return (o["counters"]["saturated"], o["layers"], o["inputs_saturated"])


first = counts(runs[0])
assert first[0] > 0, "the first run saturated nothing"
for path, o in zip(sys.argv[2:], runs[1:]):
    if counts(o) != first:
        sys.exit("%s: %r differs from %r" % (path, counts(o), first))
