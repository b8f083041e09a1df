"""Import speed: the 10-patient Synthea NDJSON export, next to orjson parsing the same bytes.

Prints resources per second for backcover's import (parse + map to record items + merge for one
patient) and for orjson alone. Run: .venv/bin/python bench/import_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import orjson

from backcover.record.load import source_from_bytes
from backcover.record.merge import merge

# ../shared/data beside the repo (from a git worktree: the nearest folder above that holds it).
DATA = next(
    (p / "shared" / "data" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)
PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(DATA.glob("synthea-bulk10-*.ndjson"))
    blobs = [(f.name, f.read_bytes()) for f in files]
    n_resources = sum(b.count(b"\n") for _, b in blobs)
    n_bytes = sum(len(b) for _, b in blobs)

    def orjson_only() -> None:
        for _, b in blobs:
            for line in b.splitlines():
                if line:
                    orjson.loads(line)

    def full_import() -> None:
        sources = [source_from_bytes(b, name) for name, b in blobs]
        merge(sources, PATIENT)

    results = {}
    for label, fn in (("orjson parse only", orjson_only), ("backcover import", full_import)):
        fn()  # warm up (code sets load once per process)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        results[label] = statistics.median(times)
    print(f"input: {len(files)} NDJSON files, {n_resources} resources, {n_bytes / 1e6:.1f} MB")
    for label, secs in results.items():
        print(f"{label:20s} median {secs * 1000:8.1f} ms   {n_resources / secs:10.0f} resources/s")
    ratio = results["backcover import"] / results["orjson parse only"]
    print(f"backcover import takes {ratio:.1f}x the time of orjson parsing alone")


if __name__ == "__main__":
    main()
