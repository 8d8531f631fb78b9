#!/usr/bin/python3
"""Holds docs/report.schema.json to the report reader and to real reports.

    validate_reports.py corpus MEMBENCH SOURCE_DIR WORK_DIR
        Every JSON file of fuzz/corpus/ (and fuzz/regressions/) that the reader
        accepts must validate; every file named refused-* must be refused by
        the reader, and those refused for a structural reason by the schema too.
    validate_reports.py runs MEMBENCH SOURCE_DIR WORK_DIR
        Reports the real binary writes (a quick hash run, a selftest faults run,
        a run --command of real programs,
        a --cachegrind run where Valgrind is installed, and merge's rewrite of
        each) must validate, and hold the invariants a
        schema cannot state (counts that agree, medians of the samples).

A failure names the file and the JSON pointer of the first violation.
The reader's verdict is `membench merge FILE -o OUT` (it reads the file with
the reader every command uses, and writes it back).
"""

import json
import math
import os
import shutil
import subprocess
import sys

import jsonschema

# Refused by the reader, and by the schema too (a missing or mistyped field,
# a version the schema describes differently). The others are refused for
# what a schema cannot see (an id that does not match its parts, one id twice).
STRUCTURAL = {"refused-null-figure.json", "refused-other-version.json"}

STATUSES = {"ok", "failed", "timeout", "oom", "mismatch", "skipped"}


class Failure(Exception):
    pass


def pointer(path):
    """RFC 6901 JSON pointer of a jsonschema error path."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else "/"


def reject_constant(name):
    # Python's json reads NaN and Infinity; JSON (and the reader) does not.
    raise ValueError("not JSON: " + name)


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"), parse_constant=reject_constant)


def validator(source_dir):
    schema_path = os.path.join(source_dir, "docs", "report.schema.json")
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def document_position(doc, path):
    """Where a path lies in the document, in the order its text gives it."""
    position = []
    node = doc
    for step in path:
        if isinstance(node, dict) and step in node:
            position.append(list(node).index(step))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            position.append(step)
            node = node[step]
        else:
            break
    return position


def first_violation(v, doc):
    errors = list(v.iter_errors(doc))
    if not errors:
        return None
    # The first in the document; among several at one place, the most telling.
    first = min(document_position(doc, e.absolute_path) for e in errors)
    best = jsonschema.exceptions.best_match(e for e in errors if document_position(doc, e.absolute_path) == first)
    return "%s: %s (%d violation%s)" % (pointer(best.absolute_path), best.message[:300], len(errors),
                                         "" if len(errors) == 1 else "s")


def reader_accepts(membench, path, work_dir):
    out = os.path.join(work_dir, "reader-check.json")
    if os.path.exists(out):
        os.remove(out)
    r = subprocess.run([membench, "merge", path, "-o", out], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode not in (0, 2):
        raise Failure("%s: membench merge exited %d: %s" % (path, r.returncode, r.stderr.decode(errors="replace")))
    return r.returncode == 0, r.stderr.decode(errors="replace").strip(), out


def check_valid(v, path, doc):
    why = first_violation(v, doc)
    if why:
        raise Failure("%s: does not match docs/report.schema.json at %s" % (path, why))


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def check_invariants(path, doc):
    """What docs/report-format.md states and a schema cannot: figures that agree."""
    ids = set()
    for i, c in enumerate(doc["results"]):
        at = "%s: /results/%d" % (path, i)
        if c["id"] in ids:
            raise Failure("%s/id: '%s' appears twice" % (at, c["id"]))
        ids.add(c["id"])
        if c["id"] != "/".join([c["workload"], c["strategy"], c["dataset"], c["allocator"]]):
            raise Failure("%s/id: does not match workload/strategy/dataset/allocator" % at)
        t = c.get("time")
        if t is None:
            continue
        if not (t["repetitions"] == len(t["real_ns"]) == len(t["cpu_ns"])):
            raise Failure("%s/time/repetitions: %d, but %d real_ns and %d cpu_ns" %
                          (at, t["repetitions"], len(t["real_ns"]), len(t["cpu_ns"])))
        if not close(t["median_real_ns"], median(t["real_ns"])):
            raise Failure("%s/time/median_real_ns: %r is not the median of real_ns" % (at, t["median_real_ns"]))
        if doc["schema"] != "membench.report/2":
            continue
        k = t["processes"]
        if len(t["per_process"]) != k or len(t["process_medians_ns"]) != k:
            raise Failure("%s/time/processes: %d, but %d per_process and %d process_medians_ns" %
                          (at, k, len(t["per_process"]), len(t["process_medians_ns"])))
        real = [x for p in t["per_process"] for x in p["real_ns"]]
        cpu = [x for p in t["per_process"] for x in p["cpu_ns"]]
        if len(real) != len(t["real_ns"]) or not all(close(a, b) for a, b in zip(real, t["real_ns"])):
            raise Failure("%s/time/real_ns: is not per_process[].real_ns concatenated in process order" % at)
        if len(cpu) != len(t["cpu_ns"]) or not all(close(a, b) for a, b in zip(cpu, t["cpu_ns"])):
            raise Failure("%s/time/cpu_ns: is not per_process[].cpu_ns concatenated in process order" % at)
        for p, (proc, m) in enumerate(zip(t["per_process"], t["process_medians_ns"])):
            if proc["real_ns"] and not close(m, median(proc["real_ns"])):
                raise Failure("%s/time/process_medians_ns/%d: %r is not the median of per_process/%d/real_ns" %
                              (at, p, m, p))


def json_files(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if os.path.isfile(os.path.join(directory, n)))


def corpus(membench, source_dir, work_dir):
    v = validator(source_dir)
    checked = 0
    statuses = set()
    for path in json_files(os.path.join(source_dir, "fuzz", "corpus")) + \
            json_files(os.path.join(source_dir, "fuzz", "regressions")):
        name = os.path.basename(path)
        accepted, why, rewritten = reader_accepts(membench, path, work_dir)
        if name.startswith("refused-"):
            if accepted:
                raise Failure("%s: named refused-*, but the reader accepts it" % path)
            if name in STRUCTURAL:
                try:
                    doc = load(path)
                except ValueError:
                    doc = None
                if doc is not None and first_violation(v, doc) is None:
                    raise Failure("%s: refused by the reader (%s), but valid under the schema" % (path, why))
            checked += 1
            continue
        if not accepted:
            if "/fuzz/corpus/" in path.replace(os.sep, "/"):
                raise Failure("%s: a corpus report the reader refuses (%s); name it refused-* if it should be" %
                              (path, why))
            continue  # a fuzz regression the reader refuses: nothing to validate
        doc = load(path)
        check_valid(v, path, doc)
        check_valid(v, path + " (as merge writes it back)", load(rewritten))
        statuses.update(c["status"] for c in doc["results"])
        checked += 1
    if checked == 0:
        raise Failure("no report found under %s/fuzz/corpus" % source_dir)
    print("validated %d corpus files; statuses seen: %s" % (checked, ", ".join(sorted(statuses))))
    missing = STATUSES - statuses
    if missing:
        raise Failure("the corpus has no case with status %s" % ", ".join(sorted(missing)))


def run(membench, args, env):
    r = subprocess.run([membench] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=900)
    return r.returncode, r.stderr.decode(errors="replace")


def runs(membench, source_dir, work_dir):
    v = validator(source_dir)
    env = dict(os.environ)
    hash_report = os.path.join(work_dir, "hash-stream.json")
    code, err = run(membench, ["run", "--quick", "--filter", "^hash/stream/", "--repetitions", "2",
                               "--min-time", "0.01", "--out", hash_report], env)
    if code != 0:
        raise Failure("membench run --quick --filter ^hash/stream/ exited %d: %s" % (code, err[-2000:]))
    hash_doc = load(hash_report)
    sanitizer = "sanitizer" in hash_doc.get("context", {})

    # The selftest faults (hidden strategies: the filter names the workload).
    data = os.path.join(work_dir, "in.bin")
    with open(data, "wb") as f:
        f.write(bytes(range(256)) * 400)
    strategies = "touch|leak|segfault|throw|garbage|hang|exit_silently"
    # The timeout only ends the hang: the other cases end on their own far
    # below it, also on a loaded machine (allocate_forever meets the memory
    # limit; the leak is once per process, whatever the number of calls).
    args = ["run", "--dataset", data, "--timeout", "10", "--repetitions", "2", "--min-time", "0.01",
            "--sample-interval", "20"]
    if not sanitizer:  # RLIMIT_DATA cannot hold a sanitizer's shadow memory
        strategies += "|allocate_forever"
        args += ["--memory-limit", "256MiB"]
    faults_report = os.path.join(work_dir, "selftest-faults.json")
    args += ["--filter", "^selftest/(%s)/" % strategies, "--out", faults_report]
    code, err = run(membench, args, env)
    if code != 1:  # cases failed on purpose
        raise Failure("membench run of the selftest faults exited %d, expected 1: %s" % (code, err[-2000:]))
    faults_doc = load(faults_report)

    produced = [(hash_report, hash_doc), (faults_report, faults_doc)]
    # The cachegrind figures, where Valgrind is installed (a sanitizer build refuses it).
    if shutil.which("valgrind") and not sanitizer:
        cg_report = os.path.join(work_dir, "cachegrind.json")
        code, err = run(membench, ["run", "--filter", "^hash/stream/", "--dataset", data, "--cachegrind",
                                   "--processes", "1", "--repetitions", "1", "--min-time", "0.01",
                                   "--out", cg_report], env)
        if code != 0:
            raise Failure("membench run --cachegrind exited %d: %s" % (code, err[-2000:]))
        cg_doc = load(cg_report)
        if not any("cachegrind" in c for c in cg_doc["results"]):
            raise Failure("%s: run --cachegrind wrote no cachegrind figures" % cg_report)
        produced.append((cg_report, cg_doc))

    # Command cases (run --command): a dynamic program (allocations counted),
    # a static one (allocations unavailable), a failing one, a mismatching one.
    cmd_report = os.path.join(work_dir, "commands.json")
    cmd_args = ["run", "--dataset", data, "--processes", "1", "--repetitions", "1", "--warmup", "0",
                "--command", "cat=cat {input}", "--command", "wc=wc -c",
                "--command", "fails=/bin/sh -c 'echo oops >&2; exit 4'", "--out", cmd_report]
    if os.path.exists("/sbin/ldconfig"):
        cmd_args += ["--command", "static=/sbin/ldconfig --version"]
    code, err = run(membench, cmd_args, env)
    if code != 1:  # one command fails, others mismatch on purpose
        raise Failure("membench run --command exited %d, expected 1: %s" % (code, err[-2000:]))
    cmd_doc = load(cmd_report)
    if not any("command" in c and "allocations" in c for c in cmd_doc["results"]):
        raise Failure("%s: no command case with counted allocations" % cmd_report)
    produced.append((cmd_report, cmd_doc))

    statuses = set()
    for path, doc in produced:
        check_valid(v, path, doc)
        check_invariants(path, doc)
        accepted, why, rewritten = reader_accepts(membench, path, work_dir)
        if not accepted:
            raise Failure("%s: written by membench run, refused by its reader: %s" % (path, why))
        check_valid(v, path + " (as merge writes it back)", load(rewritten))
        statuses.update(c["status"] for c in doc["results"])
        print("%s: %s, %d cases, valid" % (path, doc["schema"], len(doc["results"])))
    wanted = {"ok", "failed", "timeout"} | (set() if sanitizer else {"oom"})
    if wanted - statuses:
        raise Failure("the real runs gave no case with status %s (got %s)" %
                      (", ".join(sorted(wanted - statuses)), ", ".join(sorted(statuses))))
    print("statuses seen: %s" % ", ".join(sorted(statuses)))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("corpus", "runs"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, membench, source_dir, work_dir = sys.argv[1:]
    os.makedirs(work_dir, exist_ok=True)
    try:
        (corpus if mode == "corpus" else runs)(membench, source_dir, work_dir)
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
