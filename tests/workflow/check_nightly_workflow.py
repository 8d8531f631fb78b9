#!/usr/bin/python3
"""Checks the example GitHub Actions workflow without GitHub: the YAML parses,
the jobs chain build -> shard -> compare, every action is pinned to a major
version, every `run:` script is valid bash, and every membench option it uses
is one the built binary's --help lists (so the example cannot drift from the CLI).

usage: check_nightly_workflow.py WORKFLOW.yml MEMBENCH_BINARY
"""
import re
import subprocess
import sys

import yaml


def fail(message):
    print("nightly workflow: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    workflow_path, membench = sys.argv[1], sys.argv[2]
    with open(workflow_path) as f:
        workflow = yaml.safe_load(f)
    jobs = workflow.get("jobs") or fail("no jobs")
    for job, needs in (("shard", "build"), ("compare", "shard")):
        if jobs.get(job, {}).get("needs") != needs:
            fail(f"job {job} must need {needs}")
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    if shards != list(range(1, int(workflow["env"]["SHARDS"]) + 1)):
        fail(f"matrix {shards} does not cover SHARDS={workflow['env']['SHARDS']}")

    help_cache = {}
    for job_name, job in jobs.items():
        for step in job["steps"]:
            if "uses" in step and not re.search(r"@v\d+$", step["uses"]):
                fail(f"{job_name}: action {step['uses']} is not pinned to a major version")
            script = step.get("run")
            if script is None:
                continue
            # GitHub expressions become a plain word, as they would after substitution.
            shell_text = re.sub(r"\$\{\{.*?\}\}", "X", script)
            check = subprocess.run(["bash", "-n", "-c", shell_text], capture_output=True, text=True)
            if check.returncode != 0:
                fail(f"{job_name}: bash rejects a run step: {check.stderr.strip()}\n{script}")
            joined = shell_text.replace("\\\n", " ")
            for line in joined.splitlines():
                for command, rest in re.findall(r"build/membench (\w+)([^|;&]*)", line):
                    if command not in help_cache:
                        out = subprocess.run([membench, command, "--help"], capture_output=True, text=True)
                        if out.returncode != 0:
                            fail(f"{job_name}: membench {command} --help failed: {out.stderr.strip()}")
                        help_cache[command] = out.stdout
                    for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-o)(?=[\s=]|$)", rest):
                        if option not in help_cache[command]:
                            fail(f"{job_name}: membench {command} has no option {option}")
    print(f"nightly workflow: {len(jobs)} jobs, {len(help_cache)} membench commands checked")


main()
