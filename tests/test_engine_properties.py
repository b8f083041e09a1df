"""Property tests of the counting rules: windows, durations and relief thresholds hold for any dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backcover.engine import check
from backcover.engine._timeline import add_months
from tests.engine_builders import at, dx, exam, item, med_statement, mri, nrs, record

AS_OF = date(2026, 6, 1)
BASE = [
    dx("M54.16", date(2025, 1, 1)),
    exam(date(2026, 5, 1)),
    nrs(7, date(2026, 5, 1)),
    mri(date(2026, 5, 2)),
]


def status(d: object, cid: str) -> tuple[str, date | None]:
    c = next(c for c in d.criteria if c.id == cid)  # type: ignore[attr-defined]
    return c.status, c.eligible_on


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=1, max_value=700), min_size=0, max_size=8))
def test_esi_sessions_per_rolling_12_months(days_ago: set[int]) -> None:
    days = sorted(AS_OF - timedelta(days=n) for n in days_ago)
    esis = [item("cpt", "64483", d) for d in days]
    care = med_statement("7258", date(2025, 1, 5))
    window = [d for d in days if d > add_months(AS_OF, -12)]
    d = check(record(*BASE, care, esis), "64483", "medicare", as_of=AS_OF)
    got, eligible = status(d, "esi.frequency")
    if len(window) < 4:
        assert got == "met"
        return
    assert got == "not_met"
    assert eligible == add_months(window[len(window) - 4], 12)
    assert eligible is not None and eligible > AS_OF
    on = check(record(*BASE, care, esis), "64483", "medicare", as_of=eligible)
    assert status(on, "esi.frequency")[0] == "met"
    eve = check(record(*BASE, care, esis), "64483", "medicare", as_of=eligible - timedelta(days=1))
    assert status(eve, "esi.frequency")[0] == "not_met"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=120),
    st.sampled_from([("62323", "medicare", 4), ("72148", "commercial", 6)]),
)
def test_ongoing_care_is_met_exactly_n_weeks_after_it_started(days: int, case: tuple[str, str, int]) -> None:
    code, payer, weeks = case
    start = AS_OF - timedelta(days=days)
    d = check(record(*BASE, med_statement("7258", start)), code, payer, as_of=AS_OF)
    c = next(c for c in d.criteria if c.kind == "conservative_care")
    if days >= 7 * weeks:
        assert c.status == "met"
    else:
        assert (c.status, c.eligible_on) == ("not_met", start + timedelta(days=7 * weeks))


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=10), st.data())
def test_block_relief_threshold_is_inclusive_80_percent(before: int, data: st.DataObject) -> None:
    after = data.draw(st.integers(min_value=0, max_value=before))
    blocks = []
    for day in (date(2026, 4, 1), date(2026, 4, 22)):
        proc = item("cpt", "64493", at(day, 9), rid=f"Procedure/b{day}")
        blocks += [proc, nrs(before, at(day, 8), refs=(proc.id,)), nrs(after, at(day, 10), refs=(proc.id,))]
    r = record(
        dx("M47.816", date(2025, 1, 1)),
        med_statement("41493", date(2025, 2, 1)),
        nrs(7, date(2026, 3, 1)),
        blocks,
    )
    d = check(r, "64635", "medicare", setting="asc", as_of=AS_OF)
    relief = (Decimal(before - after) / Decimal(before)) * 100
    expected = "met" if relief >= 80 else "not_met"
    assert status(d, "facet.rfa.diagnostic_blocks")[0] == expected
