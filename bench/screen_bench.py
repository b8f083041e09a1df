"""Population screening speed and memory: `backcover screen` on synthetic populations.

For each size it prints the seconds, ms per patient, the ratio to orjson parsing the same bytes
on one core, and the peak memory of the whole process tree (workers included, sampled every
20 ms), with the one-minute load average before and after (the machine may be shared). Goals
(issue 16): at most 2x the orjson time with 2 workers; peak memory at 13,000 patients within 1.5x
of that at 1,300.

    python bench/screen_bench.py [--sizes 1300 13000] [--workers 2] [--engine local|dask]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from population import base_patients, generate

SRC = Path(__file__).resolve().parents[1] / "src"  # this checkout's code, not an installed copy


def orjson_seconds(folder: Path) -> tuple[float, float]:
    """One core, orjson.loads on every line of every file (the floor for any FHIR reader): the
    wall seconds and the CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    for f in sorted(folder.glob("*.ndjson")):
        with open(f, "rb") as fh:
            for line in fh:
                if line.strip():
                    orjson.loads(line)
    return time.perf_counter() - started, time.process_time() - cpu


def run_screen(folder: Path, out: Path, workers: int, engine: str) -> tuple[float, float, int]:
    """Wall seconds of a `backcover screen` process, the CPU seconds of its process tree (workers
    included), and the tree's peak RSS in bytes."""
    cmd = [
        sys.executable, "-c", "from backcover.cli import main; main()", "screen", "--input", str(folder),
        "--procedure", "72148", "--payer", "commercial",
        "--as-of", "2020-12-01", "--out", str(out), "--workers", str(workers), "--engine", engine,
        "--format", "json",
    ]  # fmt: skip
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    root = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in tree if p.is_running())
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers are reaped by the command
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"backcover screen failed with exit code {proc.returncode}")
    doc = orjson.loads(stdout)
    print(f"    decisions: {doc['decisions']}  partitions: {doc['partitions']}")
    return seconds, cpu, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1300, 13000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    ap.add_argument("--keep", type=Path, help="keep the populations in this folder (reused next time)")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bc-pop-"))
    peaks: dict[int, int] = {}
    try:
        for n in args.sizes:
            folder = root / f"pop{n}"
            if not folder.is_dir():
                generate(n, folder)
            patients = -(-n // base_patients()) * base_patients()
            size = sum(f.stat().st_size for f in folder.glob("*.ndjson"))
            base, base_cpu = orjson_seconds(folder)
            load_before = os.getloadavg()[0]
            secs, cpu, peak = run_screen(folder, root / f"out{n}.parquet", args.workers, args.engine)
            load_after = os.getloadavg()[0]
            peaks[n] = peak
            print(
                f"{patients:>6} patients ({size / 1e6:,.0f} MB): {secs:6.2f} s, "
                f"{1000 * secs / patients:5.2f} ms/patient, "
                f"{secs / base:4.2f}x orjson ({base:.2f} s on one core), peak {peak / 2**20:,.0f} MiB "
                f"({args.engine}, {args.workers} workers; load average {load_before:.2f} before, "
                f"{load_after:.2f} after, on {os.cpu_count()} cores)"
            )
            # On a shared machine the wall time depends on the others; the CPU time much less so.
            # CPU / workers is the wall time on free cores if the work splits evenly.
            ideal = cpu / args.workers
            print(
                f"{'':>6} CPU {cpu:6.2f} s over the process tree; / {args.workers} workers = {ideal:.2f} s, "
                f"{ideal / base_cpu:4.2f}x orjson's CPU ({base_cpu:.2f} s)"
            )
        if len(peaks) > 1:
            small, large = min(peaks), max(peaks)
            print(f"peak memory at {large} / at {small}: {peaks[large] / peaks[small]:.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
