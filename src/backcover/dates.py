"""FHIR R4 date, dateTime and instant parsing.

A date-only value becomes a :class:`datetime.date`. A value with a time keeps its time and UTC
offset (an aware :class:`datetime.datetime`); its local date is the date in that offset. Partial
dates (``2014`` or ``2014-03``) are allowed by FHIR; they become the first day of the period and
their precision is reported so that callers can say so.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone

from backcover.errors import BadInput

__all__ = [
    "Instant",
    "add_months",
    "add_weeks",
    "fast_datetime",
    "local_date",
    "parse_date_only",
    "parse_fhir_datetime",
    "sort_key",
]

Instant = date | datetime

# The regular expression of the FHIR R4 dateTime type (http://hl7.org/fhir/R4/datatypes.html#dateTime).
_FHIR_DATETIME = re.compile(
    r"^(?P<y>[0-9]{4})(-(?P<m>0[1-9]|1[0-2])(-(?P<d>0[1-9]|[12][0-9]|3[01])"
    r"(T(?P<H>[01][0-9]|2[0-3]):(?P<M>[0-5][0-9]):(?P<S>[0-5][0-9]|60)(?P<f>\.[0-9]+)?"
    r"(?P<tz>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?)?)?$"
)

_FIX = "use an ISO date such as 2026-05-04, or a FHIR dateTime such as 2026-05-04T09:30:00-04:00"


def parse_fhir_datetime(text: object) -> tuple[Instant, str]:
    """Parse a FHIR date/dateTime/instant. Returns the value and its precision.

    Precision is one of ``year``, ``month``, ``day``, ``time``. A time without a zone is refused,
    as FHIR requires a zone whenever a time is given.
    """
    if not isinstance(text, str):
        raise BadInput(f"a date must be text, got {type(text).__name__}", _FIX)
    fast = fast_datetime(text)
    if fast is not None:
        return fast
    return _strict(text)


def _strict(text: str) -> tuple[Instant, str]:
    """Every shape FHIR allows, by its regular expression; the messages for what it does not allow."""
    m = _FHIR_DATETIME.match(text.strip())
    if not m:
        raise BadInput(f"{text!r} is not a valid date or dateTime", _FIX)
    y = int(m["y"])
    try:
        if m["m"] is None:
            return date(y, 1, 1), "year"
        if m["d"] is None:
            return date(y, int(m["m"]), 1), "month"
        day = date(y, int(m["m"]), int(m["d"]))
    except ValueError as exc:
        raise BadInput(f"{text!r} is not a real calendar date ({exc})", _FIX) from None
    if m["H"] is None:
        return day, "day"
    if m["tz"] is None:
        raise BadInput(f"{text!r} has a time but no time zone", "add Z or an offset such as -04:00")
    sec = min(int(m["S"]), 59)
    micro = int((m["f"] or ".0")[1:7].ljust(6, "0"))
    if m["tz"] == "Z":
        tz = UTC
    else:
        sign = 1 if m["tz"][0] == "+" else -1
        hh, mm = m["tz"][1:].split(":")
        tz = timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))
    return datetime(y, int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), sec, micro, tzinfo=tz), "time"


def fast_datetime(text: str) -> tuple[Instant, str] | None:
    """The common shapes without the regular expression: ``2026-05-04``, and the full instant
    ``2026-05-04T09:30:00[.fff](Z|-04:00)`` with an offset FHIR allows.

    The shape is checked here character by character; the digits and the calendar by
    ``fromisoformat``, which rejects a non-digit where a digit belongs and any impossible value.
    Anything else, and anything ``fromisoformat`` refuses, returns ``None`` and takes the strict
    path, which also writes the message (a leap second, an offset outside -12:00..+14:00, ...).
    """
    n = len(text)
    if n == 10:
        if text[4] == "-" and text[7] == "-" and text.isascii():
            try:
                return date.fromisoformat(text), "day"
            except ValueError:
                return None
        return None
    if n < 20 or text[4:17:3] != "--T::":  # the separators at 4, 7, 10, 13 and 16
        return None
    if text[-1] == "Z":
        body = n - 1
    elif text[-3] == ":" and text[-6] in "+-":
        hours, minutes = text[-5:-3], text[-2:]
        if not ((hours < "14" and minutes < "60") or (hours == "14" and minutes == "00")):
            return None
        body = n - 6
    else:
        return None
    if body != 19 and not (body > 20 and text[19] == "." and text[20:body].isdigit()):
        return None
    if not text.isascii():
        return None
    try:
        return datetime.fromisoformat(text), "time"
    except ValueError:
        return None


def parse_date_only(text: object) -> date:
    """Parse a full ``YYYY-MM-DD`` date (for CLI options and hand-written files)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value, precision = parse_fhir_datetime(text)
    if precision != "day" or isinstance(value, datetime):
        raise BadInput(f"{text!r} must be a full date (YYYY-MM-DD)", "write the date as YYYY-MM-DD")
    return value


def local_date(value: Instant) -> date:
    """The calendar date of a value, in its own UTC offset."""
    return value.date() if isinstance(value, datetime) else value


def sort_key(value: Instant) -> tuple[date, int, float]:
    """Order dates and instants together: by local date, then date-only first, then by true time."""
    if isinstance(value, datetime):
        return (value.date(), 1, value.timestamp())
    return (value, 0, 0.0)


def add_weeks(start: date, weeks: int) -> date:
    """ "N weeks" after a date means the start date plus 7 x N days (CONTRACTS.md section 1)."""
    return start + timedelta(days=7 * weeks)


def add_months(start: date, months: int) -> date:
    """Same day N months later (or earlier); a day the month lacks becomes its last (Jan 31 -> Feb 28/29)."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
