"""Figures for the clinic's worklist and metrics: a store with many open cases across patients, each
with a prior-authorization request (half denied), on SQLite (and PostgreSQL when BENCH_PG_URL is set).

Run: .venv/bin/python bench/worklist_bench.py [CASES]   (prints figures; asserts nothing)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from backcover import services
from backcover.store import Store, open_store

TODAY = date(2026, 11, 27)


def fill(store: Store, cases: int) -> None:
    start = time.perf_counter()
    for n in range(cases):
        with store.transaction():
            case = services.open_case(
                store,
                services.case_input("72148" if n % 2 else "64483", "commercial", urgent=n % 7 == 0),
                patient=services.PatientInput(f"Patient {n % (cases // 5 or 1)}"),
            )
            sent = TODAY - timedelta(days=5 + n % 200)
            services.set_prior_auth(store, case.id, "submitted", on_date=sent)
            status = "denied" if n % 2 else "approved"
            services.set_prior_auth(
                store,
                case.id,
                status,
                on_date=sent + timedelta(days=n % 9),
                auth_number="A" if status == "approved" else None,
                expires_on=sent + timedelta(days=90) if status == "approved" else None,
                as_of=TODAY,
            )
            if n % 5 == 0:
                services.assign_case(store, case.id, f"user{n % 3}", TODAY)
    secs = time.perf_counter() - start
    print(f"  filled {cases} cases in {secs:.1f} s")


def measure(label: str, fn: object, repeat: int = 7) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    print(f"  {label}: median {statistics.median(times) * 1000:.0f} ms (best {min(times) * 1000:.0f} ms)")


def run(url: str, cases: int) -> None:
    store = open_store(url, actor="bench")
    try:
        fill(store, cases)
        measure("worklist, all open cases", lambda: services.worklist(store, TODAY))
        measure("worklist, assignee filter", lambda: services.worklist(store, TODAY, assignee="user1"))
        measure("worklist, due within 14 days", lambda: services.worklist(store, TODAY, due_within_days=14))
        measure("metrics, the year", lambda: services.pa_metrics(store, date(2026, 1, 1), TODAY))
        measure("metrics as CSV", lambda: services.pa_metrics(store, date(2026, 1, 1), TODAY).to_csv())
    finally:
        store.close()


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {cases} open cases:")
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", cases)
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        schema = f"bc_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            print(f"PostgreSQL, {cases} open cases:")
            run(f"{pg}?options=-csearch_path%3D{schema}", cases)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
