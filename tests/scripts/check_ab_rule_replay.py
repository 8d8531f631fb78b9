#!/usr/bin/env python3
"""The rules scripts/ab_rule_replay.py replays, on kept reports made up here
with known per-process times: an unchanged case, a tight +10% case, and a
+10% case whose first 8 pairs happen to centre on no change while their
interval is wide. Every rule leaves the first alone and catches the second;
ab's rule, which gives such a case one more batch, catches the third, and the
rule that looks at the estimate alone stops at 8 pairs. A fourth case is
still wide at 16 pairs: ab's rule gives it no third batch. In a fifth, each
head process has three repetitions, its fastest unchanged and the other two
slower: a process's time is its fastest, so nothing is caught.

Usage: check_ab_rule_replay.py SOURCE_DIR
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import ab_rule_replay as replay  # noqa: E402

PAIRS = 40
# Small, fixed wobble so that no two runs are equal and the Wilcoxon test has
# ranks to work with; far under the 5% minimum effect.
WOBBLE = [1.000, 1.002, 0.999, 1.001, 0.998, 1.003, 0.997, 1.001]


def wobble(i):
    return WOBBLE[i % len(WOBBLE)]


def result(case_id, times_ns):
    # A process's time is a number (one repetition) or a list of repetitions.
    per_process = [{"real_ns": t, "cpu_ns": t} if isinstance(t, list) else {"real_ns": [t], "cpu_ns": [t]}
                   for t in times_ns]
    return {"id": case_id, "time": {"per_process": per_process}}


def cases():
    base = [1e6 * wobble(i) for i in range(PAIRS)]
    unchanged = [1e6 * wobble(i + 3) for i in range(PAIRS)]
    tight = [1.10e6 * wobble(i + 5) for i in range(PAIRS)]
    # The first 8 ratios straddle 1 (median 0.995, interval about
    # [0.83, 1.28]); every later pair is +10%.
    first = [0.80, 1.30, 0.85, 1.25, 0.98, 1.40, 1.01, 0.82]
    late = [1e6 * r for r in first] + [1.10e6 * wobble(i + 1) for i in range(len(first), PAIRS)]
    # The same straddle twice: still wide at 16 pairs, where ab's rule stops.
    later = [1e6 * r for r in first * 2] + [1.10e6 * wobble(i + 1) for i in range(2 * len(first), PAIRS)]
    # Slower repetitions beside an unchanged fastest: +20% and +30% in the median.
    slower = [[1e6 * wobble(i + 2), 1.2e6 * wobble(i + 4), 1.3e6 * wobble(i + 6)] for i in range(PAIRS)]
    return base, {"aa/unchanged": unchanged, "time10/tight": tight, "time10/late": late, "time10/later": later,
                  "time10/slower-repetitions": slower}


def write_trial(root, kind, base, head_times):
    path = os.path.join(root, f"{kind}-1")
    os.makedirs(path)
    ids = [c for c in head_times if c.startswith(kind + "/")]
    with open(os.path.join(path, "base.json"), "w") as f:
        json.dump({"results": [result(c, base) for c in ids]}, f)
    with open(os.path.join(path, "head.json"), "w") as f:
        json.dump({"results": [result(c, head_times[c]) for c in ids]}, f)


def main():
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: got {got!r}, want {want!r}")

    rules = dict(replay.RULES)
    abs_rule = next(rule for name, rule in replay.RULES if name.endswith("(ab's)"))
    estimate_rule = rules["8 to 40, more past the minimum effect, spread floor"]
    every_look_rule = rules["8 to 40, more while the interval reaches past twice the minimum effect, spread floor"]
    with tempfile.TemporaryDirectory() as root:
        base, heads = cases()
        write_trial(root, "aa", base, heads)
        write_trial(root, "time10", base, heads)
        (aa,) = replay.trials([root], "aa")
        (detect,) = replay.trials([root], "time10")
        rng = random.Random(1)
        for name, rule in replay.RULES:
            expect(f"{name}: unchanged", replay.judge(aa["aa/unchanged"], rule, 1000, rng)[0], "-")
            expect(f"{name}: tight +10%", replay.judge(detect["time10/tight"], rule, 1000, rng)[0], "R")
        expect("ab's rule, +10% hidden at 8 pairs", replay.judge(detect["time10/late"], abs_rule, 1000, rng), ("R", 24))
        expect("the estimate rule, +10% hidden at 8 pairs", replay.judge(detect["time10/late"], estimate_rule, 1000, rng),
               ("-", 8))
        expect("ab's rule, still wide at 16 pairs", replay.judge(detect["time10/later"], abs_rule, 1000, rng), ("-", 16))
        expect("asking at every look, still wide at 16 pairs",
               replay.judge(detect["time10/later"], every_look_rule, 1000, rng)[0], "R")
        expect("ab's rule, the fastest repetition unchanged",
               replay.judge(detect["time10/slower-repetitions"], abs_rule, 1000, rng)[0], "-")
        expect("a tight +10% needs no more than 8 pairs", replay.judge(detect["time10/tight"], abs_rule, 1000, rng), ("R", 8))

        script = os.path.join(sys.argv[1], "scripts", "ab_rule_replay.py")
        table = subprocess.run([sys.executable, script, root, "--resamples", "300"], capture_output=True, text=True)
        expect("exit code of a replay", table.returncode, 0)
        expect("trials counted", table.stdout.splitlines()[0] if table.stdout else "", "1 A/A and 1 +10% trials")
        empty = subprocess.run([sys.executable, script, os.path.join(root, "aa-1")], capture_output=True, text=True)
        expect("exit code with no trials", empty.returncode, 2)
        expect("one line on stderr with no trials", len(empty.stderr.strip().splitlines()), 1)

    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
