"""FHIR date parsing: dates stay dates, instants keep their offset, bad dates say why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcover.dates import _strict, add_months, add_weeks, fast_datetime, local_date, parse_fhir_datetime
from backcover.errors import BadInput


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        pytest.param("2026-05-04", date(2026, 5, 4), "day", id="date"),
        pytest.param("2026-05", date(2026, 5, 1), "month", id="partial-month"),
        pytest.param("2014", date(2014, 1, 1), "year", id="partial-year"),
    ],
)
def test_date_values(text: str, value: date, precision: str) -> None:
    assert parse_fhir_datetime(text) == (value, precision)


def test_instant_keeps_offset_and_local_date() -> None:
    value, precision = parse_fhir_datetime("2026-09-02T23:30:00-04:00")
    assert precision == "time" and isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=-4)
    assert local_date(value) == date(2026, 9, 2)  # the offset's date, not UTC's (09-03)
    utc = datetime.fromisoformat("2026-09-02T08:00:00.123+00:00")
    assert parse_fhir_datetime("2026-09-02T08:00:00.123Z")[0] == utc


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("2026-02-30", "not a real calendar date", id="feb-30"),
        pytest.param("2026-13-01", "not a valid date", id="month-13"),
        pytest.param("2026-05-04T10:00:00", "no time zone", id="no-zone"),
        pytest.param("05/04/2026", "not a valid date", id="us-format"),
        pytest.param("", "not a valid date", id="empty"),
    ],
)
def test_bad_dates(text: str, problem: str) -> None:
    with pytest.raises(BadInput) as exc:
        parse_fhir_datetime(text)
    assert problem in exc.value.problem and exc.value.fix


def test_n_weeks_is_seven_n_days() -> None:
    assert add_weeks(date(2026, 6, 1), 6) == date(2026, 7, 13)


def test_calendar_months_clamp_to_the_months_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 5, 4), -12) == date(2025, 5, 4)


# The fast path (no regular expression) must agree with the strict path wherever it answers.
_SHAPES = [
    "2026-05-04",
    "2026-05-04T09:30:00Z",
    "2026-05-04T09:30:00-04:00",
    "2026-05-04T09:30:00.123+14:00",
    "1999-12-31T23:59:59.1234567-12:00",
]
_CHARS = st.sampled_from([*"0123456789", *"-:T.Z+ tz,W", "٣", "²", "\n"])


@st.composite
def _near_dates(draw: st.DrawFn) -> str:
    text = list(draw(st.sampled_from(_SHAPES)))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "insert" or not text:
            text.insert(i, draw(_CHARS))
        elif action == "replace":
            text[min(i, len(text) - 1)] = draw(_CHARS)
        else:
            del text[min(i, len(text) - 1)]
    return "".join(text)


def _strict_or_none(text: str) -> tuple[object, str, object] | None:
    try:
        value, precision = _strict(text)
    except BadInput:
        return None
    offset = value.utcoffset() if isinstance(value, datetime) else None
    return value, precision, offset


@settings(max_examples=3000, deadline=None)
@given(_near_dates())
def test_thefast_datetime_agrees_with_the_strict_path(text: str) -> None:
    fast = fast_datetime(text)
    if fast is not None:
        value, precision = fast
        offset = value.utcoffset() if isinstance(value, datetime) else None
        assert (value, precision, offset) == _strict_or_none(text)
        assert type(value) is type(_strict(text)[0])


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [
                UTC,
                timezone(timedelta(hours=-4)),
                timezone(timedelta(hours=14)),
                timezone(timedelta(hours=5, minutes=30)),
            ]
        ),
    )
)
def test_common_instants_take_thefast_datetime(value: datetime) -> None:
    for text in (value.date().isoformat(), value.isoformat(), value.isoformat().replace("+00:00", "Z")):
        fast = fast_datetime(text)
        assert fast is not None and fast == _strict(text)
