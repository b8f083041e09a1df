"""Figures for the cases area: 835 parsing, deadlines, the store on SQLite, and PDF rendering.

Run: .venv/bin/python bench/cases_bench.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from backcover.appeals import deadlines, parse_835
from backcover.store import CodeInput, open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def big_835(claims: int) -> str:
    """The managed-care fixture with its claims repeated, and the SE count fixed."""
    text = (SHARED / "data" / "x12-835-managed-care.835").read_text()
    segs = [s.strip() for s in text.split("~") if s.strip()]
    st = next(i for i, s in enumerate(segs) if s.startswith("ST*"))
    first_clp = next(i for i, s in enumerate(segs) if s.startswith("CLP*"))
    se = next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    head, body, tail = segs[:first_clp], segs[first_clp:se], segs[se + 1 :]
    reps = max(1, claims // 2)
    middle = body * reps
    count = len(head[st:]) + len(middle) + 1
    return "~\n".join([*head, *middle, f"SE*{count}*112233", *tail]) + "~\n"


def timed(label: str, n: int, fn: object) -> None:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    secs = time.perf_counter() - start
    print(f"{label}: {secs:.3f} s for {n} ({n / secs:,.0f}/s)")


def main() -> None:
    text = big_835(20000)
    print(f"835 of {len(text) / 1e6:.1f} MB")
    timed("parse_835 adjustments", len(parse_835(text)), lambda: parse_835(text))
    notice = date(2026, 6, 15)
    kinds = ["commercial", "marketplace", "medicare", "medicare-advantage", "medicaid", "medicaid-ffs"]
    timed(
        "deadlines()",
        6000,
        lambda: [deadlines(k, notice + timedelta(days=i)) for i in range(1000) for k in kinds],
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = open_store(f"sqlite:///{tmp}/bench.db")
        print(f"open_store with migration from empty: {time.perf_counter() - t0:.3f} s")
        p = store.add_patient("Bench Patient")
        cases = [store.new_case(p.id, "63030", "commercial", service="post") for _ in range(300)]

        def denials() -> None:
            for i, c in enumerate(cases):
                store.add_denial(
                    c.id,
                    date(2026, 6, 1) + timedelta(days=i % 150),
                    as_of=date(2026, 11, 27),
                    codes=[CodeInput("carc", "50", "CO", "100.00"), CodeInput("rarc", "N115")],
                )

        timed("add_denial (SQLite, one transaction each)", len(cases), denials)
        timed("cases_due over 300 cases", 300, lambda: store.cases_due(date(2026, 11, 27), 30))
        store.close()
    from backcover.documents import render_pdf
    from tests._letters_support import all_letters

    for kind, doc in all_letters().items():
        t0 = time.perf_counter()
        data = render_pdf(doc)
        print(f"render_pdf {kind}: {time.perf_counter() - t0:.3f} s, {len(data) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
