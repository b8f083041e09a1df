"""Latency of the CRD service: uvicorn on 127.0.0.1 (its own process) with the CDS router in a tiny
app; 20 concurrent httpx clients POST an order-sign (a lumbar MRI, full prefetch, a fresh ES384 JWT
each) ~2000 times.
Run: .venv/bin/python bench/cds_bench.py [--requests 2000] [--clients 20]   (prints p50/p99; goal p99 < 50 ms)
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
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcover.ehr import CdsSettings, cds_router, load_trust  # noqa: E402
from tests._ehr_support import Keys, make_keys, mri_hook, token, write_trust  # noqa: E402

SIGN = "/cds-services/backcover-order-sign"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--serve", nargs=2, metavar=("PORT", "TRUST"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]))
        return
    keys = make_keys()
    folder = Path(tempfile.mkdtemp(prefix="cds-bench-"))
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    trust = write_trust(folder, keys)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), str(trust)],
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"},
    )
    try:
        _wait(port)
        _measure(args, keys, public)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait(port: int) -> None:
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def serve(port: int, trust: Path) -> None:
    """The server process: uvicorn on 127.0.0.1 with the CDS router in a tiny app."""
    settings = CdsSettings(
        public_url=f"http://127.0.0.1:{port}", trust=load_trust(trust), today=lambda: date(2026, 6, 23)
    )
    app = FastAPI()
    app.include_router(cds_router(settings))
    counted = {"posts": 0, "cpu": time.process_time()}

    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        counted["posts"] += request.method == "POST"
        return await call_next(request)

    @app.get("/bench-stats")
    def stats() -> dict[str, float]:
        """CPU time the server process spent per POST since the last call (its own service time)."""
        cpu, posts = time.process_time() - counted["cpu"], counted["posts"]
        counted.update(posts=0, cpu=time.process_time())
        return {"cpu_ms_per_call": cpu * 1000 / max(posts, 1), "posts": posts}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _measure(args: argparse.Namespace, keys: Keys, public: str) -> None:
    body = mri_hook()
    n_tokens = args.requests + args.clients * 5
    t0 = time.perf_counter()
    tokens = [token(keys, public + SIGN) for _ in range(n_tokens)]  # signed up front: the EHR's cost
    print(f"signed {n_tokens} ES384 tokens in {time.perf_counter() - t0:.2f} s (not counted)")
    latencies: list[float] = []
    failures = 0

    async def client(ids: range) -> None:
        nonlocal failures
        async with httpx.AsyncClient(base_url=public, timeout=60.0) as c:
            for i in ids:
                start = time.perf_counter()
                r = await c.post(SIGN, json=body, headers={"Authorization": f"Bearer {tokens[i]}"})
                latencies.append((time.perf_counter() - start) * 1000)
                if r.status_code != 200:
                    failures += 1

    async def run() -> float:
        await client(range(args.requests, args.requests + 1))  # loads the knowledge packs once
        warm = range(args.requests + 1, args.requests + 1 + args.clients)
        await asyncio.gather(*(client(range(w, w + 1)) for w in warm))
        latencies.clear()
        httpx.get(public + "/bench-stats")
        per = args.requests // args.clients
        start = time.perf_counter()
        await asyncio.gather(*(client(range(k * per, (k + 1) * per)) for k in range(args.clients)))
        return time.perf_counter() - start

    secs = asyncio.run(run())
    inside = httpx.get(public + "/bench-stats").json()
    lat = sorted(latencies)
    p50 = statistics.median(lat)
    p99 = lat[int(len(lat) * 0.99) - 1]
    print(
        f"{len(lat)} order-sign calls, {args.clients} concurrent clients: {secs:.2f} s "
        f"({len(lat) / secs:,.0f}/s), p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lat[-1]:.1f} ms, "
        f"failures {failures}"
    )
    print(f"server CPU per call: {inside['cpu_ms_per_call']:.2f} ms over {int(inside['posts'])} calls")
    print("goal p99 < 50 ms:", "met" if p99 < 50 else "NOT met")


if __name__ == "__main__":
    main()
