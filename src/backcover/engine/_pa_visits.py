"""A prior-authorization rule with a visit threshold: none for the first N visits, required from N+1.

The visits counted are the record's procedures and encounters of the rule's ``visits_counted``
concepts dated before the date of the question, one a day. Their episode of care is counted back
from that date: it begins at the latest visit of an ``episode_starts`` concept (an evaluation, as
the source says), and a break of more than ``episode_gap_days`` without a visit begins a new one.
When the record shows neither, backcover counts every visit it has and says that the episode's
start is not known. Pure.
"""

from __future__ import annotations

from datetime import date

from backcover.codesets import lookup
from backcover.engine._model import PriorAuth
from backcover.engine._pack_model import VisitThreshold
from backcover.engine._timeline import sessions
from backcover.engine.criteria._context import Ctx, in_sentence, iso, items_with, labels, lineage
from backcover.record.model import ItemKind

__all__ = ["episode_visits", "visit_answer"]


def _starts(t: VisitThreshold, concepts: tuple[str, ...]) -> bool:
    return bool(t.starts) and not lineage(concepts).isdisjoint(t.starts)


def episode_visits(t: VisitThreshold, ctx: Ctx) -> tuple[list[date], str, bool]:
    """The days of the current episode's earlier visits, how it began (words), and whether that is known.

    Known: it began at an episode-starting visit, or after a break longer than ``gap_days`` (or the
    record shows no earlier visit, or the source sets no episode at all).
    """
    found = items_with(ctx, list(t.concepts), (ItemKind.PROCEDURE, ItemKind.ENCOUNTER))
    days = [(d, its) for d, its in sessions(found) if d < ctx.as_of]
    episode: list[date] = []
    later = ctx.as_of
    for day, items in reversed(days):
        if t.gap_days is not None and (later - day).days > t.gap_days:
            return episode, f"after a break of more than {t.gap_days} days without a visit", True
        episode.insert(0, day)
        later = day
        if any(_starts(t, it.concepts) for it in items):
            return episode, f"at the {in_sentence(labels(list(t.starts)))} on {iso(day)}", True
    if not episode:
        return episode, "", True
    known = not t.starts and t.gap_days is None
    return episode, f"with the first visit the record shows, on {iso(episode[0])}", known


def visit_answer(t: VisitThreshold, ctx: Ctx | None, code: str) -> tuple[PriorAuth, str, list[str]]:
    """This service's answer under the threshold, the words for its basis, and notes."""
    therapy = in_sentence(labels(list(t.concepts)))
    if ctx is None:
        return PriorAuth.REQUIRED, "without a record backcover cannot count the visits already had", []
    match = lookup("cpt", code)
    notes: list[str] = []
    if match is not None and _starts(t, (match.concept,)):
        days: list[date] = []
        began = f"this {in_sentence(labels([match.concept]))} begins a new episode of care"
    else:
        days, how, known = episode_visits(t, ctx)
        began = f"the episode began {how}" if how else "the record shows no earlier visit of this episode"
        if not known:
            notes.append(
                f"The record does not show where this episode of {therapy} began"
                + (f" (no {in_sentence(labels(list(t.starts)))} in it)" if t.starts else "")
                + f"; backcover counted the {len(days)} visit{'s' if len(days) != 1 else ''} it shows. "
                "Visits elsewhere, or before the record begins, are not counted: check the count with "
                "the plan."
            )
    visit = len(days) + 1
    earlier = f"{len(days)} earlier {therapy} visit{'s' if len(days) != 1 else ''} in this episode"
    seen = f" ({iso(days[0])} to {iso(days[-1])})" if len(days) > 1 else f" ({iso(days[0])})" if days else ""
    if visit <= t.after:
        return (
            PriorAuth.NOT_REQUIRED,
            f"this would be visit {visit} of the {t.after} that need none: {earlier}{seen}; {began}",
            notes,
        )
    return (
        PriorAuth.REQUIRED,
        f"this would be visit {visit}: {earlier}{seen}; {began}",
        notes,
    )
