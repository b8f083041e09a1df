"""Coverage-check speed: one in-process check, next to importing the same record.

Loads the Synthea low-back-pain patient (the 10-patient bulk NDJSON export), then times
``backcover.engine.check`` on it (lumbar MRI under commercial, as of 2014-04-01) and on the shared
worked examples. Prints checks per second, p50 and p99 latency of one check, and the median time to
import the same record, so the two can be compared.

Run: .venv/bin/python bench/check_bench.py [--n 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from backcover.engine import check
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
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
