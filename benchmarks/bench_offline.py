"""Offline checking speed and memory: ``check`` of a whole log tree against just parsing it.

Parsing every JSON file is the floor no checker can beat; the ratio says what grouping, the
schema and the rules cost on top.  Peak memory is measured in a separate pass with tracemalloc
(which slows Python down, so it is not timed) and as the process's maximum resident size.
Targets: check within 5× the parse time, peak under 1 GiB.

    python benchmarks/bench_offline.py [PATH] [--repeat 3]

PATH defaults to ../shared/ondc/real-logs.  Not a test: it prints numbers and exits 0; a
regression shows up as a number, not a red CI.  Measured numbers and where the time goes are
recorded in docs/offline.md ("Speed"); last run: parse 0.48 s, check 2.33 s (4.9×, target
met), peak traced 14 MiB, max RSS 137 MiB.  ``bench_rules.py`` shows where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ondc_harness.checks import runner_rules
from ondc_harness.logs import FlowReport, check_path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO.parent / "shared" / "ondc" / "real-logs"
TARGET_RATIO = 5.0
TARGET_BYTES = 1024**3


def parse_all(path: Path) -> int:
    """Read and parse every file that parses as JSON; the number of files parsed."""
    parsed = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                json.loads((Path(folder) / name).read_bytes())
            except (ValueError, RecursionError, OSError):
                continue
            parsed += 1
    return parsed


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def traced_peak(path: Path) -> int:
    tracemalloc.start()
    try:
        check_path(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss_bytes() -> int:
    """ru_maxrss is KiB on Linux (bytes on macOS)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if os.uname().sysname == "Darwin" else value * 1024


def describe(reports: list[FlowReport]) -> str:
    findings = Counter(f.rule_id for r in reports for f in r.findings)
    crashed = findings.get(runner_rules.RULE_CRASHED, 0)
    return (f"{len(reports)} flows, {sum(r.messages for r in reports)} messages, "
            f"{sum(findings.values())} findings, {crashed} internal errors")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.path.exists():
        print(f"no such path: {args.path}")
        return 0
    files = parse_all(args.path)  # also warms the file cache for both timings
    parse_s = best_of(args.repeat, lambda: parse_all(args.path))
    check_s = best_of(args.repeat, lambda: check_path(args.path))
    reports, _ = check_path(args.path)
    peak = traced_peak(args.path)
    ratio = check_s / parse_s if parse_s else float("inf")
    print(f"path: {args.path} ({files} JSON files)")
    print(f"check: {describe(reports)}")
    print(f"parse only: {parse_s:.2f} s")
    print(f"check:      {check_s:.2f} s  ({ratio:.1f}× parse; target ≤ {TARGET_RATIO:.0f}×)")
    print(f"peak traced memory: {peak / 2**20:.0f} MiB; max RSS: {max_rss_bytes() / 2**20:.0f} "
          f"MiB (target < {TARGET_BYTES / 2**30:.0f} GiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
