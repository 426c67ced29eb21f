#!/usr/bin/env python3
"""Run the benchmarks in bench/benches.txt; each writes bench/results/."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
only = [b for b in os.environ.get("BENCH", "").split(",") if b]
status = 0
with open(os.path.join(here, "benches.txt")) as f:
    for raw in f:
        raw = raw.split("#", 1)[0].strip()
        if not raw:
            continue
        name, cmd = (x.strip() for x in raw.split(":", 1))
        if only and name not in only:
            continue
        print(f"=== bench {name}: {cmd}", flush=True)
        rc = subprocess.call(cmd, shell=True, cwd=os.path.dirname(here))
        if rc:
            print(f"=== bench {name} failed (exit {rc})")
            status = 1
sys.exit(status)
