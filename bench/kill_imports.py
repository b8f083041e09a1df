"""kill -9 during web imports, N times: after each restart the workspace must still work.

Starts `backcover serve` (its own BACKCOVER_HOME, workspace and SQLite store), sends imports of the
Synthea bulk export through POST /api/records (and a plan through the Start page's API path), kills
the server with SIGKILL at a random moment, restarts it, and checks that: it starts; no temporary
file is listed as an import; GET /api/patients answers; POST /api/check on the kept files answers
200 or a clear 4xx (never 5xx); and a fresh import succeeds.

    .venv/bin/python bench/kill_imports.py [--runs 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(home: Path, port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "backcover"
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--store", f"sqlite:///{home}/store.db"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BACKCOVER_HOME": str(home), "BACKCOVER_DEBUG": ""},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    files = [
        {"filename": f.name, "content": f.read_text()}
        for f in sorted((SHARED / "data").glob("synthea-bulk10-*.ndjson"))
    ]
    failures: list[str] = []
    killed_mid_write = 0  # runs whose kill left a cut-off temporary file (swept on restart)
    with tempfile.TemporaryDirectory(prefix="backcover-kill-") as tmp:
        home = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start(home, port)
        auth = {"Authorization": "Bearer " + (home / "server-key").read_text().strip()}
        t0 = time.monotonic()
        for run in range(args.runs):
            done = threading.Event()

            def imports(done: threading.Event = done) -> None:
                with httpx.Client(base_url=url, headers=auth, timeout=30) as c:
                    while not done.is_set():
                        try:
                            c.post("/api/records", json={"records": files, "replace": rnd.random() < 0.5})
                        except httpx.HTTPError:
                            return

            worker = threading.Thread(target=imports)
            worker.start()
            time.sleep(rnd.uniform(0.05, 1.5))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            done.set()
            worker.join()
            records = home / "web" / "records"
            cut_off = [p for p in records.iterdir() if p.name.startswith(".")] if records.exists() else []
            killed_mid_write += bool(cut_off)
            proc = start(home, port)
            with httpx.Client(base_url=url, headers=auth, timeout=60) as c:
                listed = c.get("/api/patients")
                tmp_left = [p.name for p in (home / "web" / "records").iterdir() if p.name.startswith(".")]
                if listed.status_code != 200:
                    failures.append(f"run {run}: /api/patients answered {listed.status_code}")
                if tmp_left:
                    failures.append(f"run {run}: temporary files left after restart: {tmp_left}")
                body = {
                    "procedure": "72148",
                    "payer": "commercial",
                    "as_of": "2014-04-01",
                    "patient": PATIENT,
                }
                check = c.post("/api/check", json=body)
                if check.status_code >= 500:
                    failures.append(f"run {run}: /api/check on the kept files answered {check.status_code}")
                again = c.post("/api/records", json={"records": files, "replace": True})
                if again.status_code != 200:
                    failures.append(f"run {run}: a fresh import answered {again.status_code}")
                check = c.post("/api/check", json=body)
                if check.status_code != 200:
                    failures.append(
                        f"run {run}: /api/check after a fresh import answered {check.status_code}"
                    )
        proc.terminate()
        proc.wait(timeout=10)
    wall = time.monotonic() - t0
    print(
        f"{args.runs} kill -9 runs during imports in {wall:.0f} s; {killed_mid_write} killed mid-write "
        f"(a cut-off temporary file left); {len(failures)} failures after restart"
    )
    for f in failures:
        print("  " + f)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
