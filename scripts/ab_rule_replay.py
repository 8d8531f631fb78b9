#!/usr/bin/env python3
"""Replays `membench ab`'s paired time rule, and variants of it, over the
reports that `ab --reports` kept, to choose a rule before trials test it
(docs/time-gate-loaded.md, "More, shorter timed processes").

Usage: ab_rule_replay.py DIR [DIR...] [--resamples N] [--per-case]

Each DIR holds trials as `make gate-accuracy` writes them: `aa-N/` (the
normal build on both sides) and `time10-N/` (the +10% build as head), each
with base.json and head.json. Measure them at a fixed, large number of pairs
(AB_OPTIONS="--pairs 24 --max-pairs 24"): a rule that starts with fewer pairs
and asks for more is then replayed on the first 8, 16, 24 pairs of a case.

Per trial and case it rebuilds what ab judged: a timed process's time is
its fastest repetition, pair p is (base[p], head[p]),
run base first when p is even and head first when it is odd, so the
same-build runs next to each other are (head[p-1], head[p]) for odd p and
(base[p-1], base[p]) for even p. Real and CPU time are each judged as ab
judges them (median ratio with a bootstrap interval, Wilcoxon signed-rank,
the interval clearing the larger of the minimum effect and the floor, at
least 6 pairs); a case is caught when either measure shows a slowdown.

The bootstrap here uses Python's generator and, by default, 2,000 resamples
(ab: 10,000), so a verdict on the edge can differ from ab's.
"""
import argparse
import glob
import json
import math
import os
import random
import re
import statistics
import sys
from collections import Counter

MIN_EFFECT = 0.05
ALPHA = 0.05
MIN_PAIRS = 6


def quantile_sorted(values, q):
    pos = q * (len(values) - 1)
    below = math.floor(pos)
    above = min(below + 1, len(values) - 1)
    return values[below] + (pos - below) * (values[above] - values[below])


def bootstrap_median(ratios, resamples, rng):
    n = len(ratios)
    medians = sorted(statistics.median(rng.choices(ratios, k=n)) for _ in range(resamples))
    return statistics.median(ratios), quantile_sorted(medians, 0.025), quantile_sorted(medians, 0.975)


def wilcoxon_p(differences):
    d = sorted((x for x in differences if x != 0), key=abs)
    n = len(d)
    if n == 0:
        return 1.0
    w_plus = sum(rank + 1 for rank, x in enumerate(d) if x > 0)
    counts = [0] * (n * (n + 1) // 2 + 1)
    counts[0] = 1
    reach = 0
    for rank in range(1, n + 1):
        reach += rank
        for s in range(reach, rank - 1, -1):
            counts[s] += counts[s - rank]
    total = sum(counts)
    return min(1.0, 2 * min(sum(counts[: w_plus + 1]), sum(counts[w_plus:])) / total)


def bootstrap_floor(ratios, resamples, rng):
    _, low, high = bootstrap_median(ratios, resamples, rng)
    return max(high - 1, 1 - low)


def spread_floor(ratios, resamples, rng):
    logs = [math.log(r) for r in ratios]
    center = statistics.median(logs)
    sigma = 1.4826 * statistics.median(abs(x - center) for x in logs)
    return math.expm1(1.959964 * math.sqrt(math.pi / 2) * sigma / math.sqrt(len(logs)))


FLOORS = {"bootstrap": bootstrap_floor, "spread": spread_floor, "none": None}


def evidence(base, head, floor_rule, resamples, rng):
    ratios = [h / b for b, h in zip(base, head)]
    ratio, low, high = bootstrap_median(ratios, resamples, rng)
    p = wilcoxon_p([math.log(h) - math.log(b) for b, h in zip(base, head)])
    same = [(head[i - 1], head[i]) if i % 2 else (base[i - 1], base[i]) for i in range(1, len(base))]
    noise = 0.0
    if FLOORS[floor_rule] and len(same) >= 3:
        noise = FLOORS[floor_rule]([b / a for a, b in same], resamples, rng)
    floor = max(MIN_EFFECT, noise)
    clears = (low - 1 > floor) if ratio > 1 else (1 - high > floor)
    return {"ratio": ratio, "low": low, "high": high, "floor": floor,
            "significant": len(base) >= MIN_PAIRS and clears and p < ALPHA}


# Rules that also ask while the interval reaches past this many times the
# minimum effect: (times, on the first look only).
INTERVAL_RULES = {"interval": (1, False), "interval2": (2, False), "interval2-first": (2, True)}


def wants_more(e, extend, first_look):
    if e["significant"]:
        return False
    if extend in INTERVAL_RULES:
        times, first_only = INTERVAL_RULES[extend]
        reach = times * MIN_EFFECT
        wide = (e["low"] < 1 - reach or e["high"] > 1 + reach) and (first_look or not first_only)
        return wide or abs(e["ratio"] - 1) > MIN_EFFECT
    reach = e["floor"] if extend == "floor" else MIN_EFFECT
    return abs(e["ratio"] - 1) > reach


def judge(case, rule, resamples, rng):
    """(verdict, pairs): verdict 'R' slower, 'I' faster, '-' none."""
    first, most, floor_rule, extend = rule
    available = len(case["real"][0])
    n = min(first, available)
    while True:
        found = [evidence(b[:n], h[:n], floor_rule, resamples, rng) for b, h in (case["real"], case["cpu"])]
        decided = [e for e in found if e["significant"]]
        if decided:
            return ("R" if decided[0]["ratio"] > 1 else "I"), n
        if extend == "never" or n + first > min(most, available) or not any(wants_more(e, extend, n <= first) for e in found):
            return "-", n
        n += first


def load_trial(path):
    with open(os.path.join(path, "base.json")) as f:
        base = json.load(f)
    with open(os.path.join(path, "head.json")) as f:
        head = {r["id"]: r for r in json.load(f)["results"]}
    cases = {}
    for r in base["results"]:
        h = head.get(r["id"])
        if not r.get("time") or not h or not h.get("time"):
            continue
        bp, hp = r["time"]["per_process"], h["time"]["per_process"]
        n = min(len(bp), len(hp))
        cases[r["id"]] = {
            measure: ([min(p[key]) for p in bp[:n]], [min(p[key]) for p in hp[:n]])
            for measure, key in (("real", "real_ns"), ("cpu", "cpu_ns"))
        }
    return cases


def trials(dirs, kind):
    for d in dirs:
        found = [p for p in glob.glob(os.path.join(d, kind + "-*")) if re.search(r"-\d+$", p) and os.path.isdir(p)]
        for path in sorted(found, key=lambda p: int(re.search(r"-(\d+)$", p).group(1))):
            if os.path.exists(os.path.join(path, "head.json")):
                yield load_trial(path)


RULES = [
    ("8 pairs, no more", (8, 8, "bootstrap", "never")),
    ("24 pairs, bootstrap floor", (24, 24, "bootstrap", "never")),
    ("24 pairs, spread floor", (24, 24, "spread", "never")),
    ("8 to 24, more past the floor, bootstrap floor", (8, 24, "bootstrap", "floor")),
    ("8 to 24, more past the minimum effect, bootstrap floor", (8, 24, "bootstrap", "min")),
    ("8 to 24, more past the minimum effect, spread floor", (8, 24, "spread", "min")),
    ("8 to 24, more past the minimum effect, no floor (the minimum effect alone)", (8, 24, "none", "min")),
    ("8 to 40, more past the minimum effect, spread floor", (8, 40, "spread", "min")),
    ("8 to 24, more while the interval reaches past the minimum effect, spread floor", (8, 24, "spread", "interval")),
    ("8 to 40, more while the interval reaches past the minimum effect, spread floor", (8, 40, "spread", "interval")),
    ("8 to 40, more while the interval reaches past twice the minimum effect, spread floor",
     (8, 40, "spread", "interval2")),
    ("8 to 40, more past the minimum effect, or at 8 pairs where the interval reaches past twice it, "
     "spread floor (ab's)", (8, 40, "spread", "interval2-first")),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--per-case", action="store_true", help="list the cases each rule missed")
    args = parser.parse_args()
    aa = list(trials(args.dirs, "aa"))
    detect = list(trials(args.dirs, "time10"))
    if not aa and not detect:
        print(f"ab_rule_replay.py: no aa-N/ or time10-N/ trials in {', '.join(args.dirs)}", file=sys.stderr)
        return 2
    print(f"{len(aa)} A/A and {len(detect)} +10% trials\n")
    print("| rule | A/A false alarms | mean pairs, A/A | +10% caught | mean pairs, +10% | cases caught in every trial |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, rule in RULES:
        rng = random.Random(20261206)
        alarms = judged = pairs_aa = 0
        for t in aa:
            for case in t.values():
                verdict, n = judge(case, rule, args.resamples, rng)
                judged += 1
                alarms += verdict != "-"
                pairs_aa += n
        caught, seen = Counter(), Counter()
        pairs_detect = 0
        for t in detect:
            for cid, case in t.items():
                verdict, n = judge(case, rule, args.resamples, rng)
                seen[cid] += 1
                caught[cid] += verdict == "R"
                pairs_detect += n
        total, trials_run = sum(caught.values()), sum(seen.values())
        every = sum(caught[c] == seen[c] for c in seen)
        print(f"| {name} | {alarms} of {judged} | {pairs_aa / max(judged, 1):.1f} | {total} of {trials_run} "
              f"({100 * total / max(trials_run, 1):.0f}%) | {pairs_detect / max(trials_run, 1):.1f} | {every} of {len(seen)} |")
        if args.per_case:
            missed = ", ".join(f"`{c}` {caught[c]}/{seen[c]}" for c in sorted(seen) if caught[c] < seen[c])
            print(f"|  missed: {missed or 'none'} | | | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
