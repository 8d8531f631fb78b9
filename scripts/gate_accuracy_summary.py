#!/usr/bin/env python3
"""Summarises `make gate-accuracy` directories as Markdown tables, per workload.

    gate_accuracy_summary.py DIR [DIR...]

Several directories (measurements of one suite, say by different builds)
are pooled: their trials count together; machine and cost are per directory.

Reads the comparison JSON that `membench ab --out` and `membench compare --out`
wrote (aa-N.json, time10-N.json, time5-N.json, alloc1-N.json, rss256-N.json,
unpaired-N.json), costs.txt and run.json (the machine). The unpaired rates are
the verdicts that compare wrote into unpaired-N.json (nothing is recomputed
here): the rule of the membench that ran the measurement. To replay the
current unpaired rule, and others, over the same reports:
scripts/unpaired_gate_study.py.
"""
import glob
import json
import os
import re
import statistics
import sys
from collections import defaultdict

REGRESSED = "REGRESSED"


def load(pattern):
    out = []
    for path in sorted(glob.glob(pattern), key=lambda p: int(re.findall(r"-(\d+)\.json$", p)[0])):
        with open(path) as f:
            out.append(json.load(f))
    return out


def workload(case_id):
    return case_id.split("/")[0]


def metric(case, name):
    for m in case["metrics"]:
        if m["metric"] == name:
            return m
    return None


def clears_effect_and_floor(m):
    """A paired time or throughput verdict stands only when its 95% interval
    clears the minimum effect and the case's noise floor (docs/ab.md, "The
    time verdict"). Builds before that rule wrote the interval and the floor with a
    verdict that did not ask it; applying it here judges their pairs as the
    current build does, and changes nothing in what a current build wrote."""
    if "interval" not in m or m.get("relative") is None:
        return True
    low, high = m["interval"]
    near = low if m["relative"] > 0 else -high
    return near > max(m["threshold_relative"], m.get("noise_floor", 0))


def metric_regressed(m):
    # A verdict judged on real and CPU time (docs/time-gate.md) says which
    # measure decided; its own interval rule was applied by the build.
    if "decided_by" in m:
        return m["verdict"] == REGRESSED
    return m["verdict"] == REGRESSED and clears_effect_and_floor(m)


def real_time_alone_regressed(m):
    """What the real-time verdict alone gave in the same trial: the top-level
    interval, floor and p are real time's."""
    return m.get("real_verdict", m["verdict"]) == REGRESSED and clears_effect_and_floor(m)


def flagged_real_time_alone(case):
    """flagged(), with time and throughput judged on real time alone."""
    if case.get("status_regressed", False):
        return True
    return any(real_time_alone_regressed(m) if "decided_by" in m else metric_regressed(m) for m in case["metrics"])


def cases_caught(trials, test, share=0.95):
    """(cases caught in at least `share` of their trials, cases judged)."""
    per_case = defaultdict(lambda: [0, 0])
    for t in trials:
        for c in t["cases"]:
            hit = test(c)
            if hit is None:
                continue
            per_case[c["id"]][0] += 1 if hit else 0
            per_case[c["id"]][1] += 1
    return sum(1 for h, n in per_case.values() if n and h >= share * n), len(per_case)


def flagged(case):
    """Any regression the gate would fail on (a metric or the status)."""
    return case.get("status_regressed", False) or any(metric_regressed(m) for m in case["metrics"])


def falsely_improved(case):
    """A time verdict of "improved" where nothing changed: the gate does not
    fail on it, but it is a change claimed that is not there."""
    m = metric(case, "time.median_real_ns")
    return None if m is None else m["verdict"] == "improved"


def per_workload(trials, test):
    """(hits, total) per workload over every case of every trial."""
    counts = defaultdict(lambda: [0, 0])
    for t in trials:
        for c in t["cases"]:
            hit = test(c)
            if hit is None:
                continue
            w = counts[workload(c["id"])]
            w[0] += 1 if hit else 0
            w[1] += 1
    return counts


def rate(hits, total):
    return "–" if total == 0 else f"{hits}/{total} ({100.0 * hits / total:.1f}%)"


def machine_and_cost(directory):
    machine = ""
    run_path = os.path.join(directory, "run.json")
    if os.path.exists(run_path):
        with open(run_path) as f:
            ctx = json.load(f)["context"]
        machine = (f"{ctx.get('cpu_model', '?')}, {ctx.get('cores', '?')} cores, kernel {ctx.get('kernel', '?')}, "
                   f"membench {ctx.get('membench_version', '?')} ({ctx.get('git_commit', '?')}), "
                   f"{ctx.get('created_utc', '')}")
    costs = defaultdict(list)
    cost_path = os.path.join(directory, "costs.txt")
    if os.path.exists(cost_path):
        with open(cost_path) as f:
            for line in f:
                name, ms = line.split()
                costs[name].append(int(ms) / 1000.0)
    line = ""
    if costs.get("run"):
        run_s = statistics.median(costs["run"])
        ab_s = costs.get("ab-aa", [])
        line = f"Cost: one `run` {run_s:.0f} s"
        if ab_s:
            line += (f"; one A/A `ab` (median of {len(ab_s)}) {statistics.median(ab_s):.0f} s = "
                     f"{statistics.median(ab_s) / run_s:.1f}x one run")
        total = sum(sum(v) for v in costs.values())
        line += f"; this whole measurement {total / 60:.0f} min."
    return machine, line


def main(directories):
    def pooled(name):
        return [t for d in directories for t in load(os.path.join(d, name))]
    aa = pooled("aa-*.json")
    unpaired = pooled("unpaired-*.json")
    detect = {k: pooled(f"{k}-*.json") for k in ("time10", "time5", "alloc1", "rss256")}

    # Noise floor per case: the median over the A/A trials.
    floors = defaultdict(list)
    for t in aa:
        for c in t["cases"]:
            m = metric(c, "time.median_real_ns")
            if m and "noise_floor" in m:
                floors[c["id"]].append(m["noise_floor"])
    floor = {cid: statistics.median(v) for cid, v in floors.items()}
    # The floor a comparison records is never below the minimum effect (5%):
    # at 5% the case's own A/A spread was at most that.
    quiet = {cid for cid, f in floor.items() if f <= 0.05 + 1e-9}

    def time_caught(c):
        m = metric(c, "time.median_real_ns")
        return None if m is None else metric_regressed(m)

    def time_caught_real_alone(c):
        m = metric(c, "time.median_real_ns")
        return None if m is None else real_time_alone_regressed(m)

    def decided_by_cpu(c):
        m = metric(c, "time.median_real_ns")
        return None if m is None or "decided_by" not in m else m["decided_by"] == "cpu"

    def time_caught_quiet(c):
        return time_caught(c) if c["id"] in quiet else None

    def exact_caught(name):
        def test(c):
            m = metric(c, name)
            return None if m is None else m["verdict"] == REGRESSED
        return test

    def rss_caught_at_current_defaults(c):
        # ab's paired peak-RSS rule with its current defaults (1% and 128 KiB,
        # Wilcoxon p < 0.05 over at least 6 pairs), over the stored median
        # difference: builds measured before those defaults are judged as now.
        m = metric(c, "memory.peak_rss_delta_bytes")
        if m is None or "paired memory runs" not in m.get("note", ""):
            return None
        pairs = int(m["note"].split()[0])
        return (m["delta"] > 128 * 1024 and m["base"] > 0 and m["delta"] / m["base"] > 0.01
                and m.get("p_value", 1) < 0.05 and pairs >= 6)

    def judged_on_more_pairs(c):
        # ab's adaptive pairs: the time verdict was judged on more pairs than
        # the first batch (builds before it wrote no "pairs": never).
        m = metric(c, "time.median_real_ns")
        if m is None or "interval" not in m:
            return None
        return m.get("pairs", 0) > min_pairs

    def no_time_verdict(c):
        # compare's note when the two runs waited off the CPU differently.
        m = metric(c, "time.median_real_ns")
        return None if m is None else m.get("note", "").startswith("no time verdict")

    # The first batch: the fewest pairs any paired time verdict was judged on.
    seen_pairs = [m["pairs"] for t in aa + detect["time10"] for c in t["cases"] for m in c["metrics"] if "pairs" in m]
    min_pairs = min(seen_pairs) if seen_pairs else 0

    aa_cases = per_workload(aa, flagged)
    aa_trials_with_alarm = sum(1 for t in aa if any(flagged(c) for c in t["cases"]))
    unpaired_cases = per_workload(unpaired, flagged)
    rows = {
        "A/A false alarms, ab (cases)": aa_cases,
        "A/A false alarms, ab real time alone (cases)": per_workload(aa, flagged_real_time_alone),
        "A/A time verdicts of \"improved\", ab (cases; not a failure)": per_workload(aa, falsely_improved),
        "A/A false alarms, unpaired compare (cases)": unpaired_cases,
        "unpaired compare: no time verdict (cases)": per_workload(unpaired, no_time_verdict),
        "+10% time caught (all cases)": per_workload(detect["time10"], time_caught),
        "+10% time caught, real time alone": per_workload(detect["time10"], time_caught_real_alone),
        "+10% time: decided by CPU time": per_workload(detect["time10"], decided_by_cpu),
        "+10% time caught (noise floor ≤ 5%)": per_workload(detect["time10"], time_caught_quiet),
        "A/A: judged on more pairs (adaptive)": per_workload(aa, judged_on_more_pairs),
        "+10%: judged on more pairs (adaptive)": per_workload(detect["time10"], judged_on_more_pairs),
        "+5% time caught (all cases)": per_workload(detect["time5"], time_caught),
        "+5% time caught, real time alone": per_workload(detect["time5"], time_caught_real_alone),
        "+5% time caught (noise floor ≤ 5%)": per_workload(detect["time5"], time_caught_quiet),
        "+1 allocation caught": per_workload(detect["alloc1"], exact_caught("allocations.count")),
        "+256 KiB RSS caught": per_workload(detect["rss256"], exact_caught("memory.peak_rss_delta_bytes")),
        "+256 KiB RSS caught, ab's current RSS defaults": per_workload(detect["rss256"], rss_caught_at_current_defaults),
    }
    workloads = sorted({w for r in rows.values() for w in r})

    for d in directories:
        machine, _ = machine_and_cost(d)
        print(f"{d}: {machine}\n")
    aa_trials_improved = sum(1 for t in aa if any(falsely_improved(c) for c in t["cases"]))
    print(f"A/A trials: {len(aa)}, with any false alarm: {aa_trials_with_alarm}, "
          f"with any time verdict of \"improved\": {aa_trials_improved}. "
          f"Detection trials: " + ", ".join(f"{k} {len(v)}" for k, v in detect.items()) + ".\n")
    print("| figure | " + " | ".join(workloads) + " | all |")
    print("|---|" + "---|" * (len(workloads) + 1))
    for label, counts in rows.items():
        total = [sum(counts[w][0] for w in workloads), sum(counts[w][1] for w in workloads)]
        print(f"| {label} | " + " | ".join(rate(*counts[w]) for w in workloads) + f" | {rate(*total)} |")
    print()
    aa_real_alone = sum(1 for t in aa if any(flagged_real_time_alone(c) for c in t["cases"]))
    print(f"A/A trials with any false alarm, real time alone: {aa_real_alone} of {len(aa)}.\n")
    for label, trials in (("+10%", detect["time10"]), ("+5%", detect["time5"])):
        if not trials:
            continue
        both, n = cases_caught(trials, time_caught)
        alone, _ = cases_caught(trials, time_caught_real_alone)
        print(f"{label}: cases caught in at least 95% of their {len(trials)} trials: {both} of {n} "
              f"(real time alone: {alone} of {n}).\n")
    cpu_floors = defaultdict(list)
    for t in aa:
        for c in t["cases"]:
            m = metric(c, "time.median_real_ns")
            if m and "cpu" in m:
                cpu_floors[c["id"]].append(m["cpu"]["noise_floor"])
    if cpu_floors:
        med = sorted(statistics.median(v) for v in cpu_floors.values())
        real = sorted(floor.values())
        print(f"Noise floors over {len(med)} cases (median per case over the A/A trials; 5% is the minimum "
              f"effect): CPU time median {100 * statistics.median(med):.1f}%, max {100 * med[-1]:.1f}%; "
              f"real time median {100 * statistics.median(real):.1f}%, max {100 * real[-1]:.1f}%.\n")
    print("Cases with a noise floor of at most 5% (median over the A/A trials): "
          + (", ".join(f"`{c}` {100 * floor[c]:.1f}%" for c in sorted(quiet)) or "none") + ".\n")
    noisy = sorted(set(floor) - quiet)
    if noisy:
        print("Noisier cases: " + ", ".join(f"`{c}` {100 * floor[c]:.1f}%" for c in noisy) + ".\n")
    for d in directories:
        _, cost = machine_and_cost(d)
        if cost:
            print(f"{d}: {cost}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("usage: gate_accuracy_summary.py DIR [DIR...]\n")
        sys.exit(2)
    main(sys.argv[1:])
