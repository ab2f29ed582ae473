"""Per-step harness overhead against the embedded reference seller.

Runs the Retail forward flow N times in-process (real servers, real signatures, real checks)
and reports, per step, the time the harness itself spends: building, signing and sending a
request minus the participant's answer time, and checking and saving a callback once it has
arrived.  Waiting for the participant is excluded.  Target: median under 5 ms per step.

    python benchmarks/bench_step_overhead.py [--runs 20]

Not a test: it prints numbers and exits 0; a regression shows up as a number, not a red CI.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from ondc_harness.config import HarnessSettings
from ondc_harness.flow import FlowRun, Outcome
from ondc_harness.scenario import load_scenario
from ondc_harness.session import HarnessSession

REPO = Path(__file__).resolve().parents[1]
TARGET_MS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scenario", type=Path,
                        default=REPO / "scenarios" / "retail" / "forward.yaml")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    per_step: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as reports:
        session = HarnessSession(HarnessSettings(report_root=Path(reports)), None).start()
        try:
            for _ in range(args.runs):
                flow = FlowRun(scenario, session)
                flow.run_through(len(scenario.steps) - 1)
                for result in flow.results:
                    if result.outcome is Outcome.BROKEN:
                        raise SystemExit(f"step {result.step.name} broke: {result.note}")
                    per_step[result.step.name].append(result.overhead_s * 1000)
        finally:
            session.close()
    everything = [v for values in per_step.values() for v in values]
    print(f"{'step':<28} {'median ms':>10} {'p95 ms':>10}")
    for name, values in per_step.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"{name:<28} {statistics.median(values):>10.3f} {p95:>10.3f}")
    median = statistics.median(everything)
    verdict = "within" if median < TARGET_MS else "OVER"
    print(f"\nall steps: median {median:.3f} ms over {len(everything)} steps "
          f"({verdict} the {TARGET_MS} ms target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
