"""Text a person reads, without the program's own names (pure).

The engine's explanations are written for people, but some carry its internals: criterion ids
(``mri.red_flag``), backticked field names, durations counted in weeks for years, date ranges as
``2026-03-09..2026-04-16``, and a policy named twice. :func:`plain` rewrites those; real names (policy
ids such as L39240 or CMM-200, denial codes such as CO-50, NPIs, ICD-10 codes) stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["duration_words", "plain"]

_WEEKS = re.compile(r"\b(\d+) weeks?(?: (\d+) days?)?\b")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
_TWICE = re.compile(r"(\([^()]{2,80}\))(?:\s*\1)+")
_TICKS = re.compile(r"`([^`]*)`")
_CRITERION_ID = re.compile(r"(?<![\w/.:@-])[a-z][a-z0-9]+(?:\.[a-z][a-z0-9_]+)+\b(?![\w/-])")
_WEB = re.compile(r"\.(?:gov|com|org|net|edu|io|us)$")
_LOG_KEY = re.compile(r"\blog/(\w+)\[(\d+)\]")
_ACRONYMS = re.compile(r"\b(mri|ct|emg|nsaid|rfa|esi)\b")
_DAYS_PER_YEAR = 365.2425
_DAYS_PER_MONTH = _DAYS_PER_YEAR / 12


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def duration_words(days: int) -> str:
    """A length of time as a person says it: weeks up to two months, then months, then years."""
    if days < 60:
        w, d = divmod(days, 7)
        if w == 0:
            return _n(d, "day")
        return _n(w, "week") + (f", {_n(d, 'day')}" if d else "")
    months = round(days / _DAYS_PER_MONTH)
    years, months = divmod(months, 12)
    if years == 0:
        return _n(months, "month")
    return _n(years, "year") + (f", {_n(months, 'month')}" if months else "")


def _weeks(m: re.Match[str]) -> str:
    days = int(m.group(1)) * 7 + int(m.group(2) or 0)
    return duration_words(days) if days >= 60 else m.group(0)


def plain(text: str | None, names: Mapping[str, str] | None = None) -> str:
    """``names`` maps criterion ids to what the page calls them (their summaries)."""
    if not text:
        return ""
    names = names or {}
    out = _TWICE.sub(r"\1", text)
    out = _RANGE.sub(r"\1 to \2", out)
    out = _WEEKS.sub(_weeks, out)
    out = out.replace(
        "Each one's `confidence` says why.", "Each one marked \u201cnot fully confirmed\u201d says why."
    )
    out = _TICKS.sub(r"\1", out)
    out = _LOG_KEY.sub(lambda m: f"entry {int(m.group(2)) + 1} of your log's {m.group(1)}", out)

    def _id(m: re.Match[str]) -> str:
        key = m.group(0)
        if key in names:
            return f"\u201c{names[key]}\u201d"
        if _WEB.search(key) or re.search(r"\.(?:ya?ml|json|ndjson|md|py|html|pdf)$", key):
            return key  # a web address or a file name
        if "_" not in key and key.count(".") < 2:
            return key
        return key.rsplit(".", 1)[-1].replace("_", " ")

    out = _CRITERION_ID.sub(_id, out)
    return _ACRONYMS.sub(lambda m: m.group(1).upper(), out)
