"""What every criterion test reads: the question, the record's usable items, and shared wording.

:class:`Ctx` holds the question and the record's items dated by ``as_of`` (cancelled ones left out),
with a per-check cache of "items having these concepts". :class:`Outcome` is what a test returns:
the status, the sentence that explains it, the items it used and, for a time-based criterion that
is not met yet, the date it would be met if the current care goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from backcover.catalog import Procedure
from backcover.codesets import ancestors, concept_label
from backcover.engine._timeline import add_months, usable
from backcover.record.model import Item, ItemKind, Record
from backcover.vocab import CriterionStatus

__all__ = [
    "FINDING_KINDS",
    "MET",
    "NOT_APPLICABLE",
    "NOT_CARE",
    "NOT_MET",
    "UNKNOWN",
    "Ctx",
    "Outcome",
    "all_scores",
    "conditions",
    "current",
    "diag_text",
    "fmt_pct",
    "in_region",
    "iso",
    "items_with",
    "labels",
    "lineage",
    "procedures",
    "reached",
    "score_text",
    "weeks_text",
]

MET, NOT_MET = CriterionStatus.MET, CriterionStatus.NOT_MET
UNKNOWN, NOT_APPLICABLE = CriterionStatus.UNKNOWN, CriterionStatus.NOT_APPLICABLE

NOT_CARE = (ItemKind.DIAGNOSIS, ItemKind.REFERRAL, ItemKind.DOCUMENT, ItemKind.COVERAGE, ItemKind.SYMPTOM)
FINDING_KINDS = (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM, ItemKind.OBSERVATION, ItemKind.IMAGING, ItemKind.LAB)


@dataclass(frozen=True, slots=True)
class Ctx:
    """The question, and the record's usable items (dated by ``as_of``, not cancelled), computed once."""

    record: Record
    as_of: date
    procedure: Procedure
    payer: str
    setting: str
    state: str | None
    items: tuple[Item, ...] = ()
    cache: dict[tuple[str, ...], list[Item]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, record: Record, as_of: date, procedure: Procedure, payer: str, setting: str, state: str | None
    ) -> Ctx:
        usable_items = tuple(it for it in record.items if usable(it, as_of))
        return cls(record, as_of, procedure, payer, setting, state, usable_items)

    def having(self, concepts: Sequence[str]) -> list[Item]:
        key = tuple(concepts)
        hit = self.cache.get(key)
        if hit is None:
            wanted = frozenset(concepts)
            hit = [it for it in self.items if not lineage(it.concepts).isdisjoint(wanted)]
            self.cache[key] = hit
        return hit


@dataclass(slots=True)
class Outcome:
    status: CriterionStatus
    explanation: str
    evidence: list[Item] = field(default_factory=list)
    eligible_on: date | None = None


@cache
def lineage(concepts: tuple[str, ...]) -> frozenset[str]:
    """Every concept an item with these concepts counts as (the concepts and all their ancestors)."""
    out: set[str] = set()
    for c in concepts:
        out |= ancestors(c)
    return frozenset(out)


def iso(d: date) -> str:
    return d.isoformat()


def weeks_text(days: int) -> str:
    w, r = divmod(days, 7)
    if w == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{w} week{'s' if w != 1 else ''}" + (f" {r} day{'s' if r != 1 else ''}" if r else "")


def reached(
    start: date, *, months: int | None = None, weeks: int | None = None, days: int | None = None
) -> tuple[date, str]:
    """The date on which a duration starting on ``start`` is reached, and the duration in words."""
    if months:
        return add_months(start, months), f"{months} month{'s' if months != 1 else ''}"
    if weeks:
        return start + timedelta(days=7 * weeks), f"{weeks} week{'s' if weeks != 1 else ''}"
    n = days or 0
    return start + timedelta(days=n), f"{n} days"


def in_sentence(text: str) -> str:
    """Words for the middle of a sentence: lower case, except abbreviations (MRI, CT, NSAID, L4-S1)."""
    return " ".join(w if sum(ch.isupper() for ch in w) > 1 else w.lower() for w in text.split(" "))


def labels(concepts: Sequence[str]) -> str:
    if not concepts:
        return "none"
    names = [in_sentence(concept_label(c)) if i else concept_label(c) for i, c in enumerate(concepts)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def items_with(ctx: Ctx, concepts: Sequence[str], kinds: Sequence[ItemKind] | None = None) -> list[Item]:
    found = ctx.having(concepts)
    return found if kinds is None else [it for it in found if it.kind in kinds]


RESOLVED = frozenset({"resolved", "inactive", "remission"})


RESOLVED = frozenset({"resolved", "inactive", "remission"})


def current(ctx: Ctx, concepts: Sequence[str], kinds: Sequence[ItemKind] | None = None) -> list[Item]:
    """Like ``_with``, without diagnoses that had resolved before ``as_of`` (an old episode)."""
    out = []
    for it in items_with(ctx, concepts, kinds):
        if it.kind is ItemKind.DIAGNOSIS:
            if it.status and it.status.lower() in RESOLVED:
                continue
            if it.when is not None and it.when.end is not None and not it.when.ongoing:
                end = it.when.end_date
                if end is not None and end < ctx.as_of:
                    continue
        out.append(it)
    return out


def conditions(ctx: Ctx, concepts: Sequence[str]) -> list[Item]:
    """Current diagnoses and reported symptoms of these concepts."""
    return current(ctx, concepts, (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM))


def diag_text(items: Sequence[Item]) -> str:
    parts = []
    for it in items:
        code = it.codes[0].code if it.codes else None
        label = it.text or (concept_label(it.concept) if it.concept else it.id)
        parts.append(f"{label}{f' ({code})' if code else ''}{f' since {iso(it.date)}' if it.date else ''}")
    return "; ".join(dict.fromkeys(parts))


def procedures(ctx: Ctx, concepts: Sequence[str]) -> list[Item]:
    return sorted(
        (
            it
            for it in items_with(ctx, concepts, (ItemKind.PROCEDURE,))
            if it.date is not None and it.date <= ctx.as_of
        ),
        key=lambda i: i.date or date.min,
    )


def in_region(ctx: Ctx, items: Sequence[Item]) -> list[Item]:
    """The items of the procedure's spinal region group (an item without a region counts anywhere)."""
    from backcover.engine._timeline import region_group

    group = region_group(ctx.procedure.region)
    return [it for it in items if group is None or it.region is None or region_group(it.region) == group]


def all_scores(ctx: Ctx) -> list[Item]:
    return [s for s in ctx.items if s.kind is ItemKind.SCORE]


def fmt_pct(x: Decimal) -> str:
    """Whole percent for display, half up (85.7 -> 86%); comparisons use the exact value."""
    return f"{x.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def score_text(it: Item) -> str:
    unit = "%" if it.unit == "%" or it.scale == "odi" else ""
    scale = (it.scale or "score").upper()
    return f"{scale} {it.value}{unit} on {iso(it.date)}" if it.date else f"{scale} {it.value}{unit}"
