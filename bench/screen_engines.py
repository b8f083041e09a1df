"""The same screening job on three engines: local worker processes, Dask distributed, Spark (local mode).

Both phases run on each engine over the same chunks and partitions: phase one (split by patient,
leaving out what no criterion reads), then phase two (check each partition's people); the wall time
of each phase is printed. Spark is measured with pyspark in local mode (``local[N]``), each chunk and
then each partition a task of an RDD;
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


def _plan(folder: Path) -> list[Any]:
    files, _ = input_files([folder])
    return plan_chunks(files)


def _run_ours(
    engine: str, workers: int, chunks: list[Any], partitions: int, spill: Path
) -> tuple[float, float]:
    if engine == "local":
        warm(QUESTION)
    runner = _Runner(engine, workers, None)  # type: ignore[arg-type]
    try:
        started = time.perf_counter()
        args = [(c, i, partitions, str(spill)) for i, c in enumerate(chunks)]
        jobs = _jobs(runner.map(partition_chunk, args, lambda n: None), partitions, [])
        middle = time.perf_counter()
        runner.map(check_partition, [(p, f, b, QUESTION, str(spill)) for p, f, b in jobs], lambda n: None)
        return middle - started, time.perf_counter() - middle
    finally:
        runner.close()


def _run_spark(workers: int, chunks: list[Any], partitions: int, spill: Path) -> tuple[float, float] | None:
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
        warmup = sc.parallelize(range(workers), workers).map(lambda _: warm(QUESTION) or 0)
        warmup.collect()  # start the Python workers and load the knowledge once, as the pool does
        where = str(spill)
        started = time.perf_counter()
        args = [(c, i) for i, c in enumerate(chunks)]
        results = sc.parallelize(args, len(args)).map(
            lambda a: partition_chunk(a[0], a[1], partitions, where)
        )
        jobs = _jobs(results.collect(), partitions, [])
        middle = time.perf_counter()
        rdd = sc.parallelize(jobs, len(jobs))
        rdd.map(lambda j: check_partition(j[0], j[1], j[2], QUESTION, where).patients).collect()
        return middle - started, time.perf_counter() - middle
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
        chunks = _plan(folder)
        print(
            f"{args.patients} patients, {total / 1e6:.0f} MB, {len(chunks)} chunks, "
            f"{partitions} partitions, {args.workers} workers"
        )
        for engine in ("local", "dask", "spark"):
            out = spill / engine
            out.mkdir()
            took = _run_spark(args.workers, chunks, partitions, out) if engine == "spark" else (
                _run_ours(engine, args.workers, chunks, partitions, out)
            )  # fmt: skip
            if took is None:
                print("  spark  not measured: pip install pyspark (and a Java runtime) to include it")
            else:
                one, two = took
                print(f"  {engine:6} phase one {one:6.2f} s, phase two {two:6.2f} s, both {one + two:6.2f} s")
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
