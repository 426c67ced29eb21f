#!/usr/bin/env python3
"""Run every suite in tests/suites.txt and print one closing line.

Each suite is a make target that prints its own results and ends with a
line "N passed, N failed[, N skipped]". A suite that exits non-zero without
such a line counts as one failure. SUITES=name,name runs a subset.
"""
import os
import re
import subprocess
import sys
import time

LINE = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


def suites():
    here = os.path.dirname(os.path.abspath(__file__))
    only = [s for s in os.environ.get("SUITES", "").split(",") if s]
    with open(os.path.join(here, "suites.txt")) as f:
        for raw in f:
            raw = raw.split("#", 1)[0].strip()
            if not raw:
                continue
            name, target = (x.strip() for x in raw.split(":", 1))
            if not only or name in only:
                yield name, target


def run(name, target):
    print(f"=== suite {name} (make {target})", flush=True)
    t0 = time.monotonic()
    p = subprocess.Popen(["make", "--no-print-directory", "-s", target],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    last = None
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = LINE.match(line.strip())
        if m:
            last = m
    rc = p.wait()
    dt = time.monotonic() - t0
    if last is None:
        print(f"=== suite {name}: no result line, exit {rc} ({dt:.0f}s)")
        return 0, 1, 0
    ok, bad, skip = int(last[1]), int(last[2]), int(last[3] or 0)
    if rc != 0 and bad == 0:
        print(f"=== suite {name}: exit {rc} with no failure counted; counting one")
        bad = 1
    print(f"=== suite {name}: {ok} passed, {bad} failed, {skip} skipped ({dt:.0f}s)")
    return ok, bad, skip


def main():
    tot = [0, 0, 0]
    for name, target in suites():
        for i, n in enumerate(run(name, target)):
            tot[i] += n
    tail = f", {tot[2]} skipped" if tot[2] else ""
    print(f"{tot[0]} passed, {tot[1]} failed{tail}")
    return 1 if tot[1] else 0


if __name__ == "__main__":
    sys.exit(main())
