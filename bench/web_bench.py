"""Latency of POST /api/check under 20 concurrent clients on loopback.

Starts `backcover serve` on 127.0.0.1 (a separate process, so the clients do not share its GIL),
with a workspace holding the Synthea bulk export and the patient with chronic low back pain chosen,
then sends a bounded number of requests from 20 concurrent clients and prints p50/p99 latency and
throughput. Two cases: the record already imported (the app's usual path), and the record sent in
the request body (a small FHIR bundle from ../shared/examples).

    .venv/bin/python bench/web_bench.py [--requests 2000] [--clients 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from backcover.web._workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"
AUTH: dict[str, str] = {}  # the access key of the server started below (its BACKCOVER_HOME)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def run(url: str, body: dict[str, Any], total: int, clients: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=60, headers=AUTH) as c:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                r = await c.post("/api/check", json=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - t0, errors


def report(name: str, lat: list[float], wall: float, errors: int) -> None:
    ms = [x * 1000 for x in lat]
    print(
        f"{name}:\n  {len(ms)} requests, {errors} non-200; p50 {percentile(ms, 50):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, mean {statistics.fmean(ms):.1f} ms, {len(ms) / wall:.0f} req/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="backcover-bench-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        for f in sorted((SHARED / "data").glob("synthea-bulk10-*.ndjson")):
            ws.add_upload(f.name, f.read_bytes())
        ws.select_patient(PATIENT)
        port = free_port()
        exe = Path(sys.executable).parent / "backcover"
        proc = subprocess.Popen(
            [
                str(exe),
                "serve",
                "--port",
                str(port),
                "--data-dir",
                str(Path(tmp) / "ws"),
                "--store",
                f"sqlite:///{tmp}/store.db",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "BACKCOVER_DEBUG": "", "BACKCOVER_HOME": tmp},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/help", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            AUTH["Authorization"] = "Bearer " + (Path(tmp) / "server-key").read_text().strip()
            imported = {"procedure": "72148", "payer": "commercial", "as_of": "2014-04-01"}
            warm = httpx.post(url + "/api/check", json=imported, timeout=60, headers=AUTH)
            print(f"warm-up: HTTP {warm.status_code}, decision {warm.json().get('decision')}")
            lat, wall, errors = asyncio.run(run(url, imported, min(200, args.requests), 1))
            report("imported Synthea record (1 client, for reference)", lat, wall, errors)
            lat, wall, errors = asyncio.run(run(url, imported, args.requests, args.clients))
            report(f"imported Synthea record ({args.clients} clients)", lat, wall, errors)
            example = SHARED / "examples" / "check-mri-commercial-early.json"
            inline = {
                "procedure": "72148",
                "payer": "commercial",
                "setting": "office",
                "state": "PA",
                "as_of": "2026-06-23",
                "records": [{"filename": example.name, "content": example.read_text()}],
            }
            lat, wall, errors = asyncio.run(run(url, inline, args.requests, args.clients))
            report(f"record sent in the request ({args.clients} clients)", lat, wall, errors)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
