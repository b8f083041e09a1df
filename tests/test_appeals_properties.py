"""Properties: the 835 parser never crashes on damaged input; file_by is exactly the rule's days."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backcover.appeals import PLAN_KINDS, deadlines, parse_835
from backcover.errors import BadInput
from tests._cases_support import SHARED

TEXT = (SHARED / "data" / "x12-835-managed-care.835").read_text()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TEXT) - 1))
def test_any_cut_is_bad_input_not_a_crash(cut: int) -> None:
    try:
        parse_835(TEXT[:cut], "x.835")
    except BadInput as exc:
        assert exc.file == "x.835"
    else:  # only a cut after the complete IEA segment (its terminator or trailing space) still parses
        assert TEXT[cut:].strip() in ("", "~")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TEXT) - 1), st.characters(codec="ascii"))
def test_any_one_character_change_is_handled(pos: int, ch: str) -> None:
    with contextlib.suppress(BadInput):
        parse_835(TEXT[:pos] + ch + TEXT[pos + 1 :], "x.835")


@given(st.sampled_from(PLAN_KINDS), st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_file_by_is_never_moved(kind: str, notice: date) -> None:
    first = deadlines(kind, notice).levels[0]
    assert first.file_by is not None and first.clock_starts is not None and first.file_within is not None
    assert first.file_by - first.clock_starts == timedelta(days=int(first.file_within[1:-1]))
    assert first.clock_starts in (notice, notice + timedelta(days=5))
    weekend = first.file_by.weekday() >= 5
    assert weekend == any("is a Saturday" in n or "is a Sunday" in n for n in first.notes)
