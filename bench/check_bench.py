"""Coverage-check speed: one in-process check, next to importing the same record.

Loads the Synthea low-back-pain patient (the 10-patient bulk NDJSON export), then times
``backcover.engine.check`` on it (lumbar MRI under commercial, as of 2014-04-01) and on the shared
worked examples. Prints checks per second, p50 and p99 latency of one check, and the median time to
import the same record, so the two can be compared.

It also times the knowledge the check needs: parsing the policy packs from their YAML (cold), loading
them from the disk cache ``Knowledge.cached`` keeps (warm, in a fresh process: ``Knowledge.packaged()``
plus ``packs()``), and a whole ``backcover check`` process on a shared worked example (median of
``--runs`` runs; the first run fills the caches and is not counted).

Run: .venv/bin/python bench/check_bench.py [--n 2000] [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from backcover.engine import check
from backcover.engine._packs import build_packs
from backcover.knowledge import Knowledge
from backcover.record.load import load_record
from backcover.record.model import Record

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm up: packs and code sets load once per process
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def report(label: str, times: list[float]) -> None:
    total = sum(times)
    print(
        f"{label:44s} {len(times) / total:9.0f} checks/s   p50 {pct(times, 0.5) * 1e3:7.3f} ms"
        f"   p99 {pct(times, 0.99) * 1e3:7.3f} ms"
    )


_WARM = """
import time
t0 = time.perf_counter()
from backcover.knowledge import Knowledge
from backcover.engine import packs
t1 = time.perf_counter()
packs(Knowledge.packaged())
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1e3:.1f} {(t2 - t1) * 1e3:.1f}")
"""
_CHECK_ARGS = [
    "check",
    "--record",
    str(SHARED / "examples" / "check-tfesi-medicare.json"),
    "--procedure",
    "64483",
    "--payer",
    "medicare",
    "--setting",
    "office",
    "--state",
    "NY",
    "--as-of",
    "2026-06-01",
    "--format",
    "json",
]


def knowledge_figures(runs: int) -> None:
    """Cold pack parse, warm load from the disk cache, and a whole `backcover check` process."""
    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        build_packs(Knowledge((Knowledge.packaged().roots[0],)))
        cold.append(time.perf_counter() - t0)
    print(f"{'parse the policy packs from YAML (cold)':44s} median {statistics.median(cold) * 1e3:8.1f} ms")
    cache = Path(tempfile.mkdtemp(prefix="backcover-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"BACKCOVER_CACHE": str(cache / "knowledge"), "PYTHONPYCACHEPREFIX": str(cache / "pyc")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    try:
        warm: list[tuple[float, float]] = []
        for i in range(runs + 1):
            out = subprocess.run(
                [sys.executable, "-c", _WARM], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
            if i:  # the first run writes the caches
                warm.append((float(out[0]), float(out[1])))
        imp = statistics.median(w[0] for w in warm)
        load = statistics.median(w[1] for w in warm)
        label = "Knowledge.packaged() + packs() (disk cache)"
        print(f"{label:44s} median {load:8.1f} ms   (import of the engine {imp:.1f} ms)")
        whole = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "from backcover.cli import main; main()", *_CHECK_ARGS],
                env=env,
                capture_output=True,
                check=True,
            )
            if i:
                whole.append(time.perf_counter() - t0)
        label = "whole `backcover check` process (TFESI)"
        print(f"{label:44s} median {statistics.median(whole) * 1e3:8.1f} ms   over {len(whole)} runs")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    knowledge_figures(args.runs)
    files = sorted((SHARED / "data").glob("synthea-bulk10-*.ndjson"))

    def load() -> Record:
        return load_record(files, patient=PATIENT)

    import_times = timed(load, max(3, args.n // 200))
    rec = load()
    print(f"record: Synthea patient {PATIENT[:8]}..., {len(rec)} items from {len(files)} NDJSON files")
    label = "import of the same record (load_record)"
    print(f"{label:44s} median {statistics.median(import_times) * 1e3:8.1f} ms")
    report(
        "check 72148 commercial (Synthea patient)",
        timed(lambda: check(rec, "72148", "commercial", as_of=date(2014, 4, 1)), args.n),
    )
    report(
        "check 62323 medicare PA (Synthea patient)",
        timed(lambda: check(rec, "62323", "medicare", state="PA", as_of=date(2014, 4, 1)), args.n),
    )
    examples = [
        ("check-tfesi-medicare.json", "64483", "medicare", "office", "NY", date(2026, 6, 1)),
        ("check-mri-commercial-early.json", "72148", "commercial", "office", "PA", date(2026, 6, 23)),
        ("check-rfa-opd.json", "64635", "medicare", "hospital-outpatient", "PA", date(2026, 11, 27)),
    ]
    for name, code, payer, setting, state, as_of in examples:
        r = load_record([SHARED / "examples" / name])
        report(
            f"check {code} {payer} ({name.removeprefix('check-').removesuffix('.json')})",
            timed(
                lambda r=r, c=code, p=payer, s=setting, st=state, a=as_of: check(
                    r, c, p, setting=s, state=st, as_of=a
                ),
                args.n,
            ),  # type: ignore[misc]
        )
    one = pct(timed(lambda: check(rec, "72148", "commercial", as_of=date(2014, 4, 1)), args.n), 0.5)
    print(f"one check (p50) is {statistics.median(import_times) / one:.0f}x faster than importing the record")


if __name__ == "__main__":
    main()
