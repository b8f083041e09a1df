"""Counting over the record's timeline: care spans, sessions, rolling windows and relief.

These are the exact counting rules of CONTRACTS.md section 1 and docs/engine.md:

- a period's length is counted in whole days from its start; "N weeks" is start + 7N days;
- a medication order with no end and no supply is a 30-day course (the importer sets its end);
  an active statement with no end runs to ``as_of``;
- care items of every modality are joined into one span when the next starts no more than
  ``CARE_GAP_DAYS`` after the last ended (a weekly therapy series is one span);
- a session is every procedure of one family on one calendar day; a rolling window of N months
  before day D holds the sessions after D minus N months;
- relief compares scores on the same scale: the last score before the procedure on the same day
  against the score(s) after it. Scores link to a procedure by ``partOf`` or pair by time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from backcover.codesets import concept_label
from backcover.dates import add_months, sort_key
from backcover.record.details import ScoreDetails, Timing
from backcover.record.model import Item, ItemKind, Region

__all__ = [
    "CARE_GAP_DAYS",
    "INACTIVE_STATUSES",
    "Relief",
    "Span",
    "add_months",
    "care_spans",
    "modality",
    "pct",
    "region_group",
    "relief_for",
    "sessions",
    "usable",
]

# backcover's convention (not a payer's number): care that resumes within two weeks continues the span.
CARE_GAP_DAYS = 14
INACTIVE_STATUSES = frozenset(
    {"not-done", "entered-in-error", "cancelled", "revoked", "refuted", "draft", "on-hold", "not-taken"}
)
_MODALITIES = (
    "medication_trial",
    "physical_therapy",
    "occupational_therapy",
    "chiropractic_manipulation",
    "osteopathic_manipulation",
    "acupuncture",
    "massage",
    "home_exercise",
    "cognitive_behavioral_therapy",
    "activity_modification",
    "spine_injection",
)
_PAIN_SCALES = ("nrs", "peg", "vas")


def usable(item: Item, as_of: date) -> bool:
    """Dated on or before ``as_of`` (undated items count) and not cancelled or in error."""
    if item.status and item.status.lower() in INACTIVE_STATUSES:
        return False
    if item.when is None:
        return True
    start = item.when.start
    return (start.date() if isinstance(start, datetime) else start) <= as_of


def region_group(region: Region | None) -> str | None:
    """The spinal region a session counts against: cervical, thoracic or lumbosacral."""
    if region is None:
        return None
    if region is Region.CERVICAL:
        return "cervical"
    if region is Region.THORACIC:
        return "thoracic"
    return "lumbosacral"


def modality(item: Item) -> str:
    for m in _MODALITIES:
        if item.has(m):
            return m
    return item.concept or "care"


def name_of(item: Item) -> str:
    if item.kind is ItemKind.MEDICATION and item.text:
        return item.text.split(" ")[0].lower() if len(item.text) > 40 else item.text
    return concept_label(modality(item)) if item.concept else (item.text or item.id)


@dataclass(frozen=True, slots=True)
class Span:
    """Continuous care: ``end`` is exclusive (the span lasts ``end - start`` days)."""

    start: date
    end: date
    items: tuple[Item, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def modalities(self) -> list[str]:
        return list(dict.fromkeys(modality(i) for i in self.items))


def _interval(item: Item, as_of: date) -> tuple[date, date] | None:
    if item.when is None:
        return None
    start = item.when.start_date
    if start > as_of:
        return None
    if item.when.ongoing and item.when.end is None:
        return start, as_of
    end = item.when.end_date
    if end is None:
        return start, min(start + timedelta(days=1), as_of) if start < as_of else start
    if end >= as_of:
        return start, as_of
    return start, end + timedelta(days=1)


def care_spans(items: Iterable[Item], as_of: date) -> list[Span]:
    """Join care of every modality into continuous spans, oldest first."""
    ivs = sorted(
        ((iv, it) for it in items if (iv := _interval(it, as_of)) is not None),
        key=lambda p: (p[0][0], p[0][1]),
    )
    spans: list[Span] = []
    for (s, e), it in ivs:
        if spans and (s - spans[-1].end).days <= CARE_GAP_DAYS:
            last = spans[-1]
            spans[-1] = Span(last.start, max(last.end, e), (*last.items, it))
        else:
            spans.append(Span(s, e, (it,)))
    return spans


def sessions(items: Iterable[Item]) -> list[tuple[date, list[Item]]]:
    """Procedures grouped by calendar day (one session per day), oldest first."""
    days: dict[date, list[Item]] = {}
    for it in items:
        if it.date is not None:
            days.setdefault(it.date, []).append(it)
    return sorted(days.items())


def pct(before: Decimal, after: Decimal) -> Decimal:
    """Percent relief, exact (rounded only when shown, so a threshold is never met by rounding)."""
    return (before - after) / before * 100


@dataclass(frozen=True, slots=True)
class Relief:
    """A procedure's baseline score and the scores after it, on one scale."""

    procedure: Item
    scale: str
    baseline: Item
    after: tuple[Item, ...]

    def relief_of(self, score: Item) -> Decimal:
        assert isinstance(self.baseline.value, Decimal) and isinstance(score.value, Decimal)
        return pct(self.baseline.value, score.value)

    @property
    def best(self) -> tuple[Item, Decimal] | None:
        if not self.after:
            return None
        s = min(self.after, key=lambda x: (x.value, sort_key(x.when.start) if x.when else (date.max, 0, 0.0)))
        return s, self.relief_of(s)


def _order(score: Item, proc: Item) -> int:
    """-1 before the procedure, 1 after it, 0 when the times cannot tell."""
    assert score.when is not None and proc.when is not None
    timing = (
        score.details.timing if proc.id in score.refs and isinstance(score.details, ScoreDetails) else None
    )
    if timing is not None:
        return -1 if timing is Timing.BEFORE else 1
    a, b = score.when.start, proc.when.start
    if isinstance(a, datetime) and isinstance(b, datetime):
        return -1 if a < b else 1 if a > b else 0
    return 0


def relief_for(proc: Item, scores: Sequence[Item], *, later_until: date | None = None) -> list[Relief]:
    """Baseline and after-scores for ``proc``, one entry per scale that has a baseline.

    The baseline is the last score before the procedure on the same day. Scores linked to the
    procedure (``partOf``) whose times cannot be ordered are taken in their recorded order: the
    first is the baseline. After-scores are those on the same day after the procedure and, when
    ``later_until`` is given, every score on a later day up to that date.
    """
    if proc.when is None:
        return []
    day = proc.when.start_date
    out: list[Relief] = []
    numeric = [s for s in scores if s.when is not None and isinstance(s.value, Decimal) and s.scale]
    for scale in dict.fromkeys(s.scale for s in numeric if s.scale):
        same = sorted(
            (s for s in numeric if s.scale == scale and s.date == day),
            key=lambda s: sort_key(s.when.start),  # type: ignore[union-attr]
        )
        before: list[Item] = []
        after: list[Item] = []
        unordered_linked: list[Item] = []
        for s in same:
            o = _order(s, proc)
            if o < 0:
                before.append(s)
            elif o > 0:
                after.append(s)
            elif proc.id in s.refs:
                unordered_linked.append(s)
        if unordered_linked:
            if not before:
                before.append(unordered_linked[0])
                after.extend(unordered_linked[1:])
            else:
                after.extend(unordered_linked)
        if later_until is not None:
            after.extend(
                s
                for s in sorted(numeric, key=lambda s: sort_key(s.when.start))  # type: ignore[union-attr]
                if s.scale == scale and s.date is not None and day < s.date <= later_until
            )
        if not before:
            continue
        base = before[-1]
        if not isinstance(base.value, Decimal) or base.value <= 0:
            continue
        out.append(Relief(proc, scale, base, tuple(after)))
    out.sort(
        key=lambda r: (
            r.scale not in _PAIN_SCALES,
            _PAIN_SCALES.index(r.scale) if r.scale in _PAIN_SCALES else 9,
        )
    )
    return out
