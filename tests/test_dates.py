"""FHIR date parsing: dates stay dates, instants keep their offset, bad dates say why."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from backcover.dates import add_months, add_weeks, local_date, parse_fhir_datetime
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
