"""The same screening job on three engines: local worker processes, Dask distributed, Spark (local mode).

Phase one (split by patient) runs once, in this process; then phase two (check each partition's
people) runs on each engine over the same partitions, and the wall time of phase two is printed.
Spark is measured with pyspark in local mode (``local[N]``), each partition a task of an RDD;
pyspark is not a dependency of backcover: `pip install pyspark` (and a Java runtime) to include it.

    python bench/screen_engines.py --patients 1300 --workers 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backcover.screen import Question
from backcover.screen._check import check_partition, warm
from backcover.screen._partition import input_files, partition_chunk, plan_chunks, private_dir
from backcover.screen._run import PARTITION_BYTES, _jobs, _Runner
from population import generate

QUESTION = Question("72148", "commercial", None, None, date(2020, 12, 1))


def _phase1(folder: Path, spill: Path, partitions: int) -> list[tuple[int, list[str], list[str]]]:
    files, warnings = input_files([folder])
    chunks = plan_chunks(files)
    results = [partition_chunk(c, i, partitions, str(spill)) for i, c in enumerate(chunks)]
    return _jobs(results, partitions, warnings)


def _run_ours(engine: str, workers: int, jobs: list[Any], out: Path) -> float:
    if engine == "local":
        warm(QUESTION)
    runner = _Runner(engine, workers, None)  # type: ignore[arg-type]
    try:
        started = time.perf_counter()
        runner.map(check_partition, [(p, f, b, QUESTION, str(out)) for p, f, b in jobs], lambda n: None)
        return time.perf_counter() - started
    finally:
        runner.close()


def _run_spark(workers: int, jobs: list[Any], out: Path) -> float | None:
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError:
        return None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = (
        SparkConf()
        .setMaster(f"local[{workers}]")
        .setAppName("backcover-screen")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.python.worker.reuse", "true")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        args = [(p, f, b, str(out)) for p, f, b in jobs]
        warmup = sc.parallelize(range(workers), workers).map(lambda _: warm(QUESTION) or 0)
        warmup.collect()  # start the Python workers and load the knowledge once, as the pool does
        started = time.perf_counter()
        rdd = sc.parallelize(args, len(args))
        rdd.map(lambda a: check_partition(a[0], a[1], a[2], QUESTION, a[3]).patients).collect()
        return time.perf_counter() - started
    finally:
        sc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--patients", type=int, default=1300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="reuse a population folder kept here")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bc-engines-"))
    folder = root / f"pop{args.patients}"
    if not folder.is_dir():
        generate(args.patients, folder)
    total = sum(f.stat().st_size for f in folder.glob("*.ndjson"))
    partitions = max(2 * args.workers, -(-total // PARTITION_BYTES))
    spill = private_dir(root)
    try:
        jobs = _phase1(folder, spill, partitions)
        print(
            f"{args.patients} patients, {total / 1e6:.0f} MB, {len(jobs)} partitions, {args.workers} workers"
        )
        for engine in ("local", "dask"):
            out = spill / engine
            out.mkdir()
            print(f"  {engine:6} phase two: {_run_ours(engine, args.workers, jobs, out):6.2f} s")
        out = spill / "spark"
        out.mkdir()
        spark = _run_spark(args.workers, jobs, out)
        if spark is None:
            print("  spark  not measured: pip install pyspark (and a Java runtime) to include it")
        else:
            print(f"  spark  phase two: {spark:6.2f} s")
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
