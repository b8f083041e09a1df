"""Clinic mode under load: 20 signed-in users on the worklist and the case pages, on PostgreSQL, for 60 s.

Makes a database of its own on the PostgreSQL at BACKCOVER_TEST_PG_URL's server (default
127.0.0.1:5432, trust auth), puts 40 patients with 2 cases each and 20 staff users in it, starts
`backcover serve --clinic` (a separate process), signs every user in, then runs one client per user
for --seconds, each fetching the pages of --paths in turn (``{case}`` is a random case; by default
the worklist page and API and the case page). Prints the load average, the sign-in time, p50/p99
latency and errors per path and overall, and how many audit entries the run wrote (every read writes
one, in the same transaction). ``--workers N`` runs `serve --clinic --workers N`. The database is
dropped at the end.

    .venv/bin/python bench/clinic_bench.py [--seconds 60] [--clients 20] [--workers 1]
        [--paths "/worklist,/api/worklist,/cases/{case}"]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backcover import clinic
from backcover.store import Accounts, open_store

PG = os.environ.get("BACKCOVER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench password long enough"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def seed(url: str, clients: int) -> list[int]:
    store = open_store(url, actor="bench:setup")
    accounts = Accounts(store.engine, store.actor)
    for i in range(clients):
        clinic.add_user(accounts, f"staff{i}", "staff", PASSWORD)
    cases = []
    for i in range(40):
        p = store.add_patient(f"Bench Patient {i}")
        cases.append(store.new_case(p.id, "63030", "commercial", state="PA").id)
        cases.append(store.new_case(p.id, "72148", "medicare", state="NY").id)
    store.close()
    return cases


async def load(
    url: str, tokens: list[str], paths: list[str], cases: list[int], seconds: float
) -> dict[str, tuple[list[float], int]]:
    results: dict[str, tuple[list[float], int]] = {p: ([], 0) for p in paths}
    errors = dict.fromkeys(paths, 0)
    deadline = time.monotonic() + seconds

    async def client(token: str, seed_: int) -> None:
        rnd = random.Random(seed_)
        async with httpx.AsyncClient(
            base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            i = 0
            while time.monotonic() < deadline:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = await c.get(path.replace("{case}", str(rnd.choice(cases))))
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                results[path][0].append(time.perf_counter() - t0)
                if not ok:
                    errors[path] += 1

    await asyncio.gather(*(client(t, n) for n, t in enumerate(tokens)))
    return {p: (results[p][0], errors[p]) for p in paths}


def line(name: str, lat: list[float], errors: int, wall: float) -> str:
    ms = [x * 1000 for x in lat] or [0.0]
    return (
        f"  {name}: {len(lat)} requests, {errors} errors; p50 {percentile(ms, 50):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, mean {statistics.fmean(ms):.1f} ms, {len(lat) / wall:.0f} req/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--paths", default="/worklist,/api/worklist,/cases/{case}")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    name = f"bc_clinic_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG).set(database=name).render_as_string(hide_password=False)
    proc = None
    try:
        cases = seed(url, args.clients)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory(prefix="backcover-clinic-bench-") as tmp:
            cli = [sys.executable, "-c", "from backcover.cli import main; main()"]
            proc = subprocess.Popen(
                [
                    *cli,
                    *("serve", "--clinic", "--port", str(port)),
                    *(("--workers", str(args.workers)) if args.workers != 1 else ()),
                    *("--store", url, "--data-dir", f"{tmp}/ws"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "BACKCOVER_HOME": tmp, "BACKCOVER_DEBUG": ""},
            )
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            t0 = time.perf_counter()
            tokens = []
            for i in range(args.clients):
                r = httpx.post(base + "/api/session", json={"username": f"staff{i}", "password": PASSWORD})
                r.raise_for_status()
                tokens.append(r.json()["token"])
            signin = (time.perf_counter() - t0) / args.clients
            print(f"sign-in (Argon2id, default parameters): {signin * 1000:.0f} ms each, one at a time")
            with create_engine(url).connect() as conn:
                before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
            load_before = os.getloadavg()
            t0 = time.perf_counter()
            res = asyncio.run(load(base, tokens, paths, cases, args.seconds))
            wall = time.perf_counter() - t0
            load_after = os.getloadavg()
            with create_engine(url).connect() as conn:
                after = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
            print(
                f"{args.clients} signed-in clients for {args.seconds:.0f} s on PostgreSQL, "
                f"{args.workers} server worker(s), {os.cpu_count()} cores; load average "
                f"{load_before[0]:.1f} before, {load_after[0]:.1f} after:"
            )
            for p, (lat, err) in res.items():
                print(line(p, lat, err, wall))
            every = [x for lat, _e in res.values() for x in lat]
            print(line("all", every, sum(e for _l, e in res.values()), wall))
            print(
                f"  audit entries written: {after - before} "
                f"({(after - before) / max(len(every), 1):.1f} a request)"
            )
            proc.terminate()
            proc.wait(timeout=10)
            proc = None
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
