"""Import speed: the 10-patient Synthea NDJSON export, next to orjson parsing the same bytes.

For each stage it prints the best time over the rounds, and its ratio to orjson alone:
- orjson: ``orjson.loads`` on every line, each result dropped at once (the floor for any reader);
- kept: the same, every resource kept until the end (the floor for a reader that parses a file
  before it maps it: holding them costs about as much again as parsing them);
- read: bytes -> resources (``fhir.iter_resources``: the JSON, the places, the R4 check);
- mapping: bytes -> record items (``source_from_bytes``: for NDJSON, read and mapped in one pass);
- import: mapping, then ``merge`` into the record of one patient (what `record show` does).

The stages run in turn within each round, so a machine shared with other work slows them alike;
the best round is the one least disturbed. Goal (issue 16): the mapping within 2x orjson.

    python bench/import_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from backcover.record import fhir
from backcover.record.load import source_from_bytes
from backcover.record.merge import merge

# ../shared/data beside the repo (from a git worktree: the nearest folder above that holds it).
DATA = next(
    (p / "shared" / "data" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)
PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    files = sorted(DATA.glob("synthea-bulk10-*.ndjson"))
    blobs = [(f.name, f.read_bytes()) for f in files]
    n_resources = sum(b.count(b"\n") for _, b in blobs)
    n_bytes = sum(len(b) for _, b in blobs)

    def orjson_only() -> None:
        for _, b in blobs:
            for line in b.split(b"\n"):
                if line:
                    orjson.loads(line)

    def kept() -> None:
        docs = [orjson.loads(line) for _, b in blobs for line in b.split(b"\n") if line]
        del docs

    def read() -> None:
        for name, b in blobs:
            fhir.iter_resources(b, name, True)

    def mapping() -> None:
        for name, b in blobs:
            source_from_bytes(b, name)

    def full_import() -> None:
        merge([source_from_bytes(b, name) for name, b in blobs], PATIENT)

    stages: dict[str, Callable[[], None]] = {
        "orjson": orjson_only,
        "kept": kept,
        "read": read,
        "mapping": mapping,
        "import": full_import,
    }
    best = dict.fromkeys(stages, float("inf"))
    best_cpu = dict.fromkeys(stages, float("inf"))
    for fn in stages.values():
        fn()  # warm up (code sets load once per process)
    for _ in range(args.rounds):
        for label, fn in stages.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            best[label] = min(best[label], time.perf_counter() - t0)
            best_cpu[label] = min(best_cpu[label], time.process_time() - c0)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"input: {len(files)} NDJSON files, {n_resources} resources, {n_bytes / 1e6:.1f} MB")
    print(f"best of {args.rounds} rounds; load average {load} on {os.cpu_count()} cores")
    base, base_cpu = best["orjson"], best_cpu["orjson"]
    for label in stages:
        secs = best[label]
        print(
            f"{label:8s} {secs * 1000:7.1f} ms  {n_resources / secs:9.0f} resources/s  "
            f"{secs / base:5.2f}x orjson   (CPU {best_cpu[label] * 1000:6.1f} ms, "
            f"{best_cpu[label] / base_cpu:5.2f}x)"
        )
    print(f"the mapping takes {best['mapping'] / base:.2f}x the time of orjson alone (goal: at most 2x)")


if __name__ == "__main__":
    main()
