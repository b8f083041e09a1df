"""`make fuzz`: generated hostile inputs through every parser and the HTTP API, with counts.

Uses the strategies of tests/_fuzz_support.py (dates at the ends of the calendar, huge and
non-finite numbers, deep nesting, YAML aliases) at a size CI cannot afford, and prints how many
inputs ran, how many crashed (an exception other than BadInput), how many HTTP answers were 5xx
and how many calls took longer than 10 s. Exits 1 if any of those is not zero.

    .venv/bin/python bench/fuzz.py [--per-parser 1600] [--per-endpoint 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from backcover.errors import BadInput  # noqa: E402
from backcover.web import create_app  # noqa: E402
from tests._fuzz_support import PARSERS, fhir_inputs, lines_inputs, log_inputs, plan_inputs  # noqa: E402
from tests._web_support import AUTH, WEB_KEY  # noqa: E402

HANG_S = 10.0


class Tally:
    def __init__(self) -> None:
        self.inputs: collections.Counter[str] = collections.Counter()
        self.crashes: collections.Counter[str] = collections.Counter()
        self.server_errors: collections.Counter[str] = collections.Counter()
        self.hangs: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, str] = {}

    def timed(self, name: str, call: Callable[[], Any]) -> Any:
        self.inputs[name] += 1
        t0 = time.perf_counter()
        try:
            return call()
        finally:
            if time.perf_counter() - t0 > HANG_S:
                self.hangs[name] += 1


def _drive(strategy: st.SearchStrategy[Any], n: int, rng_seed: int, body: Callable[[Any], None]) -> None:
    @seed(rng_seed)
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        body(value)

    run()


def fuzz_parsers(t: Tally, n: int, rng_seed: int) -> None:
    for name, (strategy, parse) in PARSERS.items():

        def body(value: Any, name: str = name, parse: Any = parse) -> None:
            try:
                t.timed(name, lambda: parse(value))
            except BadInput:
                pass
            except Exception as exc:  # a crash: count it, keep going
                t.crashes[name] += 1
                t.examples.setdefault(f"{name}:{type(exc).__name__}", repr(value)[:300])

        _drive(strategy, n, rng_seed, body)


def _requests() -> dict[str, st.SearchStrategy[tuple[str, str, dict[str, Any]]]]:
    def files(name: str, text: Any) -> list[dict[str, str]]:
        content = text.decode() if isinstance(text, bytes) else text
        return [{"filename": name, "content": content}]

    return {
        "POST /api/check (FHIR)": fhir_inputs().map(
            lambda b: (
                "json",
                "/api/check",
                {"procedure": "64483", "payer": "commercial", "records": files("r.json", b)},
            )
        ),
        "POST /api/check (log)": log_inputs().map(
            lambda t: (
                "json",
                "/api/check",
                {"procedure": "72148", "payer": "medicare", "records": files("l.yaml", t)},
            )
        ),
        "POST /api/records": st.one_of(fhir_inputs(), log_inputs()).map(
            lambda x: (
                "json",
                "/api/records",
                {"records": files("r.json" if isinstance(x, bytes) else "l.yaml", x)},
            )
        ),
        "POST /api/estimate": st.tuples(plan_inputs(), lines_inputs()).map(
            lambda pl: ("json", "/api/estimate", {"plan": pl[0], "lines": pl[1]})
        ),
        "POST /start/plan-text": plan_inputs().map(
            lambda p: ("form", "/start/plan-text", {"name": "p", "text": p})
        ),
    }


def fuzz_api(t: Tally, n: int, rng_seed: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="backcover-fuzz-"))
    app = create_app(
        f"sqlite:///{tmp / 'store.db'}",
        data_dir=tmp / "ws",
        access_key=WEB_KEY,
        today=lambda: date(2026, 6, 1),
    )
    client = TestClient(app, base_url="http://127.0.0.1", headers=AUTH, raise_server_exceptions=False)
    import re

    page = client.get("/record").text
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    token = m.group(1) if m else ""
    for name, strategy in _requests().items():

        def body(req: tuple[str, str, dict[str, Any]], name: str = name) -> None:
            how, path, payload = req
            if how == "json":
                r = t.timed(name, lambda: client.post(path, json=payload))
            else:
                r = t.timed(name, lambda: client.post(path, data={**payload, "csrf_token": token}))
            if r.status_code >= 500:
                t.server_errors[name] += 1
                t.examples.setdefault(f"{name}:{r.status_code}", repr(payload)[:300])

        _drive(strategy, n, rng_seed, body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-parser", type=int, default=1600)
    ap.add_argument("--per-endpoint", type=int, default=500)
    ap.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2**32))
    args = ap.parse_args()
    warnings.filterwarnings("ignore")  # ruamel's notes on reused anchors: the inputs mean them
    t = Tally()
    t0 = time.perf_counter()
    fuzz_parsers(t, args.per_parser, args.seed)
    fuzz_api(t, args.per_endpoint, args.seed)
    wall = time.perf_counter() - t0
    print(f"seed {args.seed}; {wall:.0f} s")
    print(f"{'input':<28}{'inputs':>8}{'crashes':>9}{'HTTP 5xx':>10}{'hangs>10s':>11}")
    for name in t.inputs:
        print(
            f"{name:<28}{t.inputs[name]:>8}{t.crashes[name]:>9}{t.server_errors[name]:>10}{t.hangs[name]:>11}"
        )
    total = sum(t.inputs.values())
    bad = sum(t.crashes.values()), sum(t.server_errors.values()), sum(t.hangs.values())
    print(f"{'total':<28}{total:>8}{bad[0]:>9}{bad[1]:>10}{bad[2]:>11}")
    for key, example in t.examples.items():
        print(f"  {key}: {example}")
    raise SystemExit(1 if any(bad) else 0)


if __name__ == "__main__":
    main()
