"""Where ``check`` spends its time, rule by rule: the profile to read before optimising a rule.

    python benchmarks/bench_rules.py [PATH] [--prefix RET-CAT] [--top 30] [--repeat 3]

Runs the offline check of PATH (default ../shared/ondc/real-logs) ``--repeat`` times with every
rule timed (each rule's findings consumed under the clock) and prints, from the fastest run:
the total, the time outside the rules (reading, grouping, JSON Schema, reports), the time per
rule family and the slowest rules with their call counts.  ``--prefix`` keeps the rules whose
id starts with it.  Timing each rule costs a little itself; compare runs of this script with
each other, and the end-to-end ratio with ``bench_offline.py``.  Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ondc_harness.checks import engine
from ondc_harness.checks.catalog import CheckContext, Rule, RuleFn
from ondc_harness.checks.findings import Violation
from ondc_harness.logs import check_path
from ondc_harness.message import Message

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO.parent / "shared" / "ondc" / "real-logs"


@dataclass
class Clock:
    """Seconds and calls per rule id, for one run."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def timed(self, rule: Rule) -> Rule:
        fn: RuleFn | None = rule.fn
        if fn is None:
            return rule

        def run(ctx: CheckContext) -> Iterator[Violation]:
            start = time.process_time()
            found = list(fn(ctx))
            self.seconds[rule.id] += time.process_time() - start
            self.calls[rule.id] += 1
            return iter(found)

        return replace(rule, fn=run)


def timed_run(path: Path) -> tuple[float, Clock]:
    """One check of ``path`` with every rule on the clock: (total seconds, the clock)."""
    clock = Clock()
    plain = engine.applicable_rules
    wrapped: dict[str, Rule] = {}

    def applicable(message: Message) -> list[Rule]:
        out = []
        for rule in plain(message):
            if rule.id not in wrapped:
                wrapped[rule.id] = clock.timed(rule)
            out.append(wrapped[rule.id])
        return out

    engine.applicable_rules = applicable  # type: ignore[assignment]
    try:
        start = time.process_time()
        check_path(path)
        return time.process_time() - start, clock
    finally:
        engine.applicable_rules = plain  # type: ignore[assignment]


def family(rule_id: str) -> str:
    return rule_id.rsplit("-", 1)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.path.exists():
        print(f"no such path: {args.path}")
        return 0
    check_path(args.path)  # warm the file cache, compile the schemas
    total, clock = min((timed_run(args.path) for _ in range(args.repeat)),
                       key=lambda run: run[0])
    in_rules = sum(clock.seconds.values())
    print(f"check {total:.2f} s: rules {in_rules:.2f} s, everything else "
          f"{total - in_rules:.2f} s")
    families: dict[str, float] = defaultdict(float)
    for rule_id, seconds in clock.seconds.items():
        families[family(rule_id)] += seconds
    shown = {k: v for k, v in clock.seconds.items() if k.startswith(args.prefix)}
    print(f"\nper family ({args.prefix or 'all'}):")
    for name, seconds in sorted(families.items(), key=lambda kv: -kv[1]):
        if name.startswith(args.prefix):
            print(f"  {name:16} {seconds:6.3f} s")
    print(f"\nslowest rules ({sum(shown.values()):.3f} s in {len(shown)} rules):")
    for rule_id, seconds in sorted(shown.items(), key=lambda kv: -kv[1])[:args.top]:
        calls = clock.calls[rule_id]
        print(f"  {rule_id:16} {seconds:6.3f} s  {calls:6} calls  "
              f"{seconds / calls * 1e6:7.1f} µs/call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
