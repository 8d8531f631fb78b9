#!/usr/bin/env python3
"""The cachegrind part of `make gate-accuracy`: exactness and detection.

Reads cg-aa-N.json (compare of the normal build's first `run --cachegrind`
with its N-th) and cg-detect-N.json (compare of the normal build with the one
that runs 240 extra loop turns per KiB of input, in the same trial), both
written by `membench compare --out`, and prints a Markdown section: in how
many case comparisons the instruction counts of one build differed (the
target is none), how far the cache-miss counts moved, and in how many the
injected instruction change was caught, with the size of that change.
"""
import glob
import json
import sys


def metric(case, name):
    for m in case["metrics"]:
        if m["metric"] == name:
            return m
    return None


def load_all(directory, prefix):
    out = []
    for path in sorted(glob.glob(f"{directory}/{prefix}-*.json")):
        with open(path) as f:
            out.append(json.load(f))
    return out


def main(directory):
    aa = load_all(directory, "cg-aa")
    detect = load_all(directory, "cg-detect")
    if not aa and not detect:
        return
    print("### Cachegrind (instructions and simulated cache misses)\n")
    compared = differing = alarms = 0
    largest = 0.0
    miss_moves = []
    for comparison in aa:
        for case in comparison["cases"]:
            m = metric(case, "cachegrind.instructions")
            if m is None:
                continue
            compared += 1
            differing += m["base"] != m["head"]
            alarms += m["verdict"] not in ("unchanged", "within threshold")
            if m["base"] > 0:
                largest = max(largest, abs(m["head"] / m["base"] - 1))
            for name in ("cachegrind.d1_misses", "cachegrind.ll_misses"):
                miss = metric(case, name)
                if miss is not None and miss["base"] > 0:
                    miss_moves.append(abs(miss["head"] - miss["base"]) / miss["base"])
    print(f"- A/A, one build: instruction counts differed in {differing} of {compared} case comparisons "
          f"({len(aa)} pairs of runs; by at most {100 * largest:.4f}%); false alarms: {alarms}.")
    if miss_moves:
        print(f"- A/A cache misses (D1 and LL) moved by at most {100 * max(miss_moves):.3f}% "
              f"(median {100 * sorted(miss_moves)[len(miss_moves) // 2]:.3f}%).")
    caught = total = 0
    changes = []
    for comparison in detect:
        for case in comparison["cases"]:
            m = metric(case, "cachegrind.instructions")
            if m is None:
                continue
            total += 1
            caught += m["verdict"] == "REGRESSED"
            if m["base"] > 0:
                changes.append(m["head"] / m["base"] - 1)
    if total:
        print(f"- Injected instruction change ({100 * min(changes):.2f}% to {100 * max(changes):.2f}% "
              f"of the case's instructions): caught in {caught} of {total} case comparisons.")
    print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "reports/gate-accuracy")
