"""History-aware criterion tests: what the patient already had decides which rule applies.

Initial vs repeat (``first_procedure`` / ``earlier_procedure``, used as the first member of each
alternative of an ``any``), the non-responder path taken once (``nonresponder_repeat``) and the
number of sessions in the current episode (``episode_sessions``). Severity at baseline and relief
against the right baseline are parameters of ``severity`` and ``sustained_relief``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from backcover.engine._timeline import add_months, relief_for, sessions
from backcover.engine.criteria._context import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    all_scores,
    conditions,
    fmt_pct,
    in_region,
    in_sentence,
    iso,
    labels,
    procedures,
)
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, number, whole
from backcover.record.model import Item

__all__ = ["EarlierParams", "EpisodeParams", "NonresponderParams"]

# The current episode, when no current diagnosis dates its start: the last this many months
# (backcover's reading, as for conservative care; no payer gives a number).
EPISODE_FALLBACK_MONTHS = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class EarlierParams(Params):
    concepts: tuple[str, ...] = concept_list("the earlier procedures (or devices) looked for")
    within_months: int | None = whole("only earlier procedures of the last this many months count", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class NonresponderParams(Params):
    concepts: tuple[str, ...] = concept_list("the procedures of the family (e.g. epidural_steroid_injection)")
    min_relief_pct: Decimal = field(
        metadata=number("below this relief (percent of the score before it) the patient did not respond")
    )
    days: int = whole("the waiting time after the injection that did not help, in days")
    within_months: int = whole("the earlier injections of the last this many months make up the episode")
    times: int = whole("how many non-responder repeats the policy allows after the initial one")


@dataclass(frozen=True, slots=True, kw_only=True)
class EpisodeParams(Params):
    concepts: tuple[str, ...] = concept_list("the procedures counted")
    episode: tuple[str, ...] = concept_list("the diagnoses whose onset starts the current episode")
    max: int = whole("the most sessions allowed in one episode (the planned one included)")


def _earlier(p: EarlierParams, ctx: Ctx) -> list[Item]:
    found = procedures(ctx, list(p.concepts))
    if p.within_months:
        since = add_months(ctx.as_of, -p.within_months)
        found = [x for x in found if x.date is not None and x.date > since]
    return found


def _named(items: list[Item]) -> str:
    return "; ".join(
        dict.fromkeys(
            f"{it.codes[0].code if it.codes else it.text or it.id} on {iso(it.date)}"
            for it in items
            if it.date
        )
    )


@criterion_test(
    "first_procedure",
    EarlierParams,
    """This would be the first procedure (or device) of the concepts: none is in the record (in the
    window). Used to choose the initial-procedure alternative of an ``any``: not met when there was
    an earlier one, so that the repeat alternative applies.""",
)
def first_procedure(p: EarlierParams, ctx: Ctx) -> Outcome:
    found = _earlier(p, ctx)
    if found:
        return Outcome(NOT_MET, f"Not the first: earlier {_named(found)}.", found)
    return Outcome(MET, f"No earlier {in_sentence(labels(list(p.concepts)))}: this is the initial one.")


@criterion_test(
    "earlier_procedure",
    EarlierParams,
    """An earlier procedure (or device) of the concepts is in the record (in the window): the
    request is a repeat, a replacement or a revision. Not met when none is, so that the
    initial-procedure alternative applies.""",
)
def earlier_procedure(p: EarlierParams, ctx: Ctx) -> Outcome:
    found = _earlier(p, ctx)
    if found:
        return Outcome(MET, f"Earlier: {_named(found)}.", found)
    return Outcome(NOT_MET, f"No earlier {in_sentence(labels(list(p.concepts)))} is in the record.")


@criterion_test(
    "nonresponder_repeat",
    NonresponderParams,
    """The non-responder path, taken once: after the initial injection of the episode gave less than
    the minimum relief (judged on the latest follow-up score, else the best score that day), a
    repeat is allowed after the waiting time (with a different approach, level or drug, a separate
    criterion). Not applicable when there was no earlier injection; not
    met when the last one helped (the repeat rule applies instead), when the path was already
    taken, or before the waiting time has passed (with the date).""",
)
def nonresponder_repeat(p: NonresponderParams, ctx: Ctx) -> Outcome:
    since = add_months(ctx.as_of, -p.within_months)
    procs = [x for x in in_region(ctx, procedures(ctx, list(p.concepts))) if x.date and x.date > since]
    days = sessions(procs)
    if not days:
        return Outcome(NOT_APPLICABLE, "No earlier injection in this episode: this would be the initial one.")
    if len(days) > p.times:
        return Outcome(
            NOT_MET,
            f"{len(days)} injections in this episode ({', '.join(iso(d) for d, _ in days)}): the "
            f"non-responder repeat is allowed {p.times} time{'s' if p.times != 1 else ''}, after the "
            "initial injection only.",
            procs,
        )
    last_day, last_procs = days[-1]
    last = last_procs[0]
    reliefs = [r for r in relief_for(last, all_scores(ctx), later_until=ctx.as_of) if r.best is not None]
    if not reliefs:
        return Outcome(
            UNKNOWN,
            f"The injection on {iso(last_day)} has no paired pain scores, so whether it helped is not shown.",
            [last],
        )
    r = reliefs[0]
    # The response is judged on the latest follow-up score after the day (relief that wore off is no
    # response); with none yet, on the best score after the injection that day.
    later = [x for x in r.after if x.date is not None and x.date > last_day]
    best = (later[-1], r.relief_of(later[-1])) if later else r.best
    assert best is not None
    after, value = best
    text = f"Injection on {iso(last_day)}: {r.scale.upper()} {r.baseline.value} to {after.value}"
    text += f" ({fmt_pct(value)} relief)"
    used = [last, r.baseline, after]
    if value >= p.min_relief_pct:
        return Outcome(
            NOT_MET, f"{text}: it helped, so the repeat rule (lasting relief) applies instead.", used
        )
    need_on = last_day + timedelta(days=p.days)
    if ctx.as_of >= need_on:
        return Outcome(MET, f"{text}: no response; {p.days} days have passed.", used)
    return Outcome(
        NOT_MET,
        f"{text}: no response; a repeat is allowed {p.days} days after it, from {iso(need_on)}.",
        used,
        eligible_on=need_on,
    )


@criterion_test(
    "episode_sessions",
    EpisodeParams,
    """No more than ``max`` sessions of the concepts in the current episode, the planned one
    included. The episode starts at the onset of the earliest current diagnosis of ``episode``
    (a resolved diagnosis ends its episode); without one, the last 12 months count (backcover's
    reading). Sessions are counted in the procedure's spinal region.""",
)
def episode_sessions(p: EpisodeParams, ctx: Ctx) -> Outcome:
    onsets = [d.date for d in conditions(ctx, list(p.episode)) if d.date is not None]
    start: date = min(onsets) if onsets else add_months(ctx.as_of, -EPISODE_FALLBACK_MONTHS)
    since = f"since {iso(start)}" if onsets else f"in the last {EPISODE_FALLBACK_MONTHS} months"
    procs = [x for x in in_region(ctx, procedures(ctx, list(p.concepts))) if x.date and x.date >= start]
    days = [d for d, _ in sessions(procs)]
    if len(days) < p.max:
        return Outcome(
            MET,
            f"{len(days)} earlier session{'s' if len(days) != 1 else ''} in this episode ({since}); up to "
            f"{p.max} allowed, so one more fits.",
            procs,
        )
    return Outcome(
        NOT_MET,
        f"{len(days)} sessions in this episode ({since}: {', '.join(iso(d) for d in days)}); the limit is "
        f"{p.max} per episode.",
        procs,
    )
