"""Cost engine speed: claim lines priced per second, and plans compared per second.

The web app calls `estimate` for every POST /api/estimate; compare-plans runs a whole year of care per
plan. It also times parsing the costs knowledge (program amounts, price tables, episodes, pathways):
from the YAML files in a fresh bundle, and from the packaged bundle's disk cache in a fresh one.
Run: .venv/bin/python bench/costs_bench.py [--lines N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from decimal import Decimal

from backcover.costs import Line, compare_plans, episode_lines, estimate, load_plan, pathway, template_path
from backcover.knowledge import KNOWLEDGE_DIR, Knowledge, _default_cache_dir


def _first_estimate_ms(kb: Knowledge) -> float:
    """One episode estimate with a bundle that has parsed nothing yet."""
    t = time.perf_counter()
    plan = load_plan(template_path("ppo", knowledge=kb), knowledge=kb)
    estimate(plan, episode_lines("63030", "asc", plan, knowledge=kb), knowledge=kb)
    pathway("fusion-year", knowledge=kb)
    return (time.perf_counter() - t) * 1000


def knowledge_timing() -> None:
    with tempfile.TemporaryDirectory() as empty:
        files = min(_first_estimate_ms(Knowledge.from_dir(empty)) for _ in range(3))
    cache = _default_cache_dir()
    if cache is None:
        print(f"knowledge: first estimate parsing the YAML {files:.1f} ms (disk cache disabled)")
        return
    _first_estimate_ms(Knowledge((KNOWLEDGE_DIR,), disk_cache=cache))  # writes the pickles
    cached = min(_first_estimate_ms(Knowledge((KNOWLEDGE_DIR,), disk_cache=cache)) for _ in range(3))
    print(f"knowledge: first estimate parsing the YAML {files:.1f} ms, from the disk cache {cached:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    knowledge_timing()
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
