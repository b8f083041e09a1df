"""Cost engine speed: claim lines priced per second, and plans compared per second.

The web app calls `estimate` for every POST /api/estimate; compare-plans runs a whole year of care per
plan. Run: .venv/bin/python bench/costs_bench.py [--lines N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from backcover.costs import Line, compare_plans, estimate, load_plan, pathway, template_path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    plan = load_plan(template_path("ppo"))
    kinds = [
        dict(benefit="outpatient_physician", network="in"),
        dict(benefit="rehabilitation", network="in"),
        dict(benefit="anesthesia", network="out", facility_network="in", setting="asc", role="anesthesia"),
        dict(benefit="outpatient_physician", network="out", setting="office", billed=Decimal("900")),
    ]
    lines = [
        Line(id=f"l{i}", allowed=Decimal("123.45") + i % 50, **kinds[i % len(kinds)])  # type: ignore[arg-type]
        for i in range(args.lines)
    ]
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        estimate(plan, lines)
        times.append(time.perf_counter() - t)
    best = min(times)
    print(f"estimate: {args.lines} lines in {best * 1000:.1f} ms (best of {args.repeat}), "
          f"{args.lines / best:,.0f} lines/s; median {statistics.median(times) * 1000:.1f} ms")  # fmt: skip
    plans = [
        load_plan(template_path(n))
        for n in ("ppo", "hmo", "hdhp-hsa", "marketplace-silver", "original-medicare")
    ]
    _, care = pathway("fusion-year")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        compare_plans(plans, care)
        times.append(time.perf_counter() - t)
    print(
        f"compare-plans: {len(plans)} plans x fusion year in {min(times) * 1000:.1f} ms "
        f"(best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
