"""Criterion tests about relief: diagnostic blocks, relief that lasted, trials, a different approach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from backcover.engine._timeline import Relief, add_months, relief_for, sessions
from backcover.engine.criteria._context import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    all_scores,
    fmt_pct,
    in_sentence,
    iso,
    labels,
    procedures,
    reached,
)
from backcover.engine.criteria._findings import ConceptParams
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, flag, number, whole
from backcover.record.details import ProcedureDetails
from backcover.record.model import Item

__all__ = ["FUNCTION_SCALES", "BlockReliefParams", "SustainedReliefParams", "TrialReliefParams"]

FUNCTION_SCALES = ("odi", "rmdq")


_PCT = "the minimum relief, in percent of the score before the procedure"


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockReliefParams(Params):
    concepts: tuple[str, ...] = concept_list("the blocks that count (e.g. medial_branch_block)")
    min_relief_pct: Decimal = field(metadata=number(_PCT))
    count: int = whole("how many blocks must reach the minimum", 1)
    min_days_apart: int = whole("the least number of days between two qualifying blocks", 0)
    only_if_prior: bool = flag("not applicable (rather than undocumented) when there was no block yet")


@dataclass(frozen=True, slots=True, kw_only=True)
class SustainedReliefParams(Params):
    concepts: tuple[str, ...] = concept_list("the earlier procedures whose relief counts")
    min_relief_pct: Decimal = field(metadata=number(_PCT))
    weeks: int | None = whole("how long the relief must last, in weeks", None)
    months: int | None = whole("how long the relief must last, in months (instead of weeks)", None)
    within_months: int | None = whole("only an earlier procedure of the last this many months counts", None)
    on_function: bool = flag(
        "measure the improvement on a function scale (Oswestry, Roland-Morris) instead of pain"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialReliefParams(Params):
    concepts: tuple[str, ...] = concept_list("the trial procedures")
    min_relief_pct: Decimal = field(metadata=number(_PCT))
    within_days: int = whole("scores up to this many days after the trial count")


@criterion_test(
    "block_relief",
    BlockReliefParams,
    """Diagnostic blocks of the concepts gave enough relief: for each session, the pain score before
    the block is compared with the best score after it on the same day and scale. Met when enough
    blocks reach the minimum relief (far enough apart when asked); not documented when paired scores
    are missing; not met otherwise.""",
)
def block_relief(p: BlockReliefParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    need = p.count
    minimum = p.min_relief_pct
    days = sessions(procedures(ctx, concepts))
    if not days and p.only_if_prior:
        return Outcome(
            NOT_APPLICABLE, f"No earlier {in_sentence(labels(concepts))}: this would be the first."
        )
    if not days:
        return Outcome(UNKNOWN, f"No {in_sentence(labels(concepts))} is documented.")
    scores = all_scores(ctx)
    good: list[tuple[date, Item, Relief, Item, Decimal]] = []
    bad: list[str] = []
    unscored: list[date] = []
    used: list[Item] = []
    for day, procs in days:
        reliefs = [r for proc in procs for r in relief_for(proc, scores) if r.best is not None]
        if not reliefs:
            unscored.append(day)
            used.extend(procs)
            continue
        r = reliefs[0]
        best = r.best
        assert best is not None
        after, value = best
        used.extend([r.procedure, r.baseline, after])
        if value >= minimum:
            good.append((day, r.procedure, r, after, value))
        else:
            bad.append(
                f"{iso(day)}: {r.scale.upper()} {r.baseline.value} to {after.value} ({fmt_pct(value)} relief)"
            )
    gap = p.min_days_apart
    described = [
        f"{iso(day)}: {r.scale.upper()} {r.baseline.value} to {after.value} ({fmt_pct(v)} relief)"
        for day, _, r, after, v in good
    ]
    if len(good) >= need:
        if gap and need > 1:
            dates = [g[0] for g in good]
            if any((b - a).days < gap for a, b in pairwise(dates)):
                return Outcome(
                    NOT_MET,
                    f"Blocks with enough relief: {'; '.join(described)}, but they are less than {gap} days "
                    "apart.",
                    used,
                )
        return Outcome(
            MET,
            f"{len(good)} block{'s' if len(good) != 1 else ''} with at least {minimum}% relief: "
            f"{'; '.join(described)}.",
            used,
        )
    if len(good) + len(unscored) >= need and unscored:
        return Outcome(
            UNKNOWN,
            f"Pain scores before and after the block on {', '.join(iso(d) for d in unscored)} are "
            "not documented" + (f"; with enough relief: {'; '.join(described)}" if described else "") + ".",
            used,
        )
    parts = []
    if described:
        parts.append(f"with at least {minimum}% relief: {'; '.join(described)}")
    if bad:
        parts.append(f"with less: {'; '.join(bad)}")
    if unscored:
        parts.append(f"without paired scores: {', '.join(iso(d) for d in unscored)}")
    return Outcome(
        NOT_MET,
        f"{need} blocks with at least {minimum}% relief each are needed; the record has {len(good)} "
        f"({'; '.join(parts)}).",
        used,
    )


@criterion_test(
    "sustained_relief",
    SustainedReliefParams,
    """An earlier procedure of the concepts gave lasting relief before it is repeated: the score before
    it is compared with the scores after it until the duration has passed (or the relief the person
    reported for it). Not applicable when there was no earlier procedure (in the window).""",
)
def sustained_relief(p: SustainedReliefParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    minimum = p.min_relief_pct
    procs = procedures(ctx, concepts)
    if p.within_months:
        since = add_months(ctx.as_of, -p.within_months)
        procs = [x for x in procs if x.date is not None and x.date > since]
    if not procs:
        return Outcome(
            NOT_APPLICABLE, f"No earlier {in_sentence(labels(concepts))}: this would be the first."
        )
    last = procs[-1]
    assert last.date is not None
    need_on, need_text = reached(last.date, months=p.months, weeks=p.weeks)
    reliefs = relief_for(last, all_scores(ctx), later_until=ctx.as_of)
    if p.on_function:
        reliefs = [r for r in reliefs if r.scale in FUNCTION_SCALES]
        if not reliefs:
            return Outcome(
                UNKNOWN,
                f"The earlier procedure on {iso(last.date)} has no function score (Oswestry, Roland-Morris) "
                "from the same day before it, so its functional improvement cannot be measured.",
                [last],
            )
    reported = None if p.on_function else _reported_relief(last, p, minimum, need_text)
    if reported is not None and not any(
        s.date is not None and s.date > last.date for r in reliefs for s in r.after
    ):
        return reported
    if not reliefs:
        return Outcome(
            UNKNOWN,
            f"The earlier procedure on {iso(last.date)} has no pain score from the same day before it, so "
            "its relief cannot be measured.",
            [last],
        )
    r = reliefs[0]
    later = [s for s in r.after if s.date is not None and s.date > last.date]
    if not later:
        return Outcome(
            UNKNOWN,
            f"No {r.scale.upper()} score after the procedure on {iso(last.date)}.",
            [last, r.baseline],
        )
    window = [s for s in later if s.date is not None and s.date <= need_on]
    beyond = [s for s in later if s.date is not None and s.date >= need_on]
    considered = window + beyond[:1]
    used = [last, r.baseline, *considered]
    lows = [s for s in considered if r.relief_of(s) < minimum]
    base = f"{r.scale.upper()} {r.baseline.value} before the procedure on {iso(last.date)}"
    if lows:
        s = lows[0]
        return Outcome(
            NOT_MET,
            f"{base}; {s.value} on {iso(s.date)} "  # type: ignore[arg-type]
            f"({fmt_pct(r.relief_of(s))} relief), under the {minimum}% needed.",
            used,
        )
    last_seen = max(s.date for s in considered if s.date is not None)
    shown = ", ".join(f"{s.value} on {iso(s.date)} ({fmt_pct(r.relief_of(s))})" for s in considered)  # type: ignore[arg-type]
    if last_seen >= need_on:
        return Outcome(MET, f"{base}; after: {shown}: at least {minimum}% relief for {need_text}.", used)
    if ctx.as_of >= need_on:
        return Outcome(
            UNKNOWN,
            f"{base}; after: {shown}. The relief held until {iso(last_seen)}; a score on or after "
            f"{iso(need_on)} is needed to show it lasted {need_text}.",
            used,
        )
    return Outcome(
        NOT_MET,
        f"{base}; after: {shown}. The relief has lasted until {iso(last_seen)} so far; {need_text} (to "
        f"{iso(need_on)}) are needed.",
        used,
        eligible_on=need_on,
    )


def _reported_relief(
    proc: Item, p: SustainedReliefParams, minimum: Decimal, need_text: str
) -> Outcome | None:
    """Relief the person reported for a procedure (treatment log: relief_percent, relief_weeks)."""
    relief = proc.details if isinstance(proc.details, ProcedureDetails) else ProcedureDetails()
    pct_v, weeks_v = relief.relief_percent, relief.relief_weeks
    if pct_v is None or weeks_v is None or proc.date is None:
        return None
    pct_d, weeks_d = Decimal(str(pct_v)), Decimal(str(weeks_v))
    need_on, _ = reached(proc.date, months=p.months, weeks=p.weeks)
    lasted_to = proc.date + timedelta(days=int(weeks_d * 7))
    text = f"Reported for the procedure on {iso(proc.date)}: {pct_d}% relief lasting {weeks_d} weeks"
    if pct_d < minimum:
        return Outcome(NOT_MET, f"{text}; at least {minimum}% is needed.", [proc])
    if lasted_to >= need_on:
        return Outcome(MET, f"{text} (at least {minimum}% for {need_text} needed).", [proc])
    return Outcome(NOT_MET, f"{text}; it must last {need_text}.", [proc])


@criterion_test(
    "trial_relief",
    TrialReliefParams,
    """A trial (e.g. of spinal cord stimulation) of the concepts gave enough relief: the score before
    the last trial is compared with the best score during it, up to the given number of days.""",
)
def trial_relief(p: TrialReliefParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    minimum = p.min_relief_pct
    procs = procedures(ctx, concepts)
    if not procs:
        return Outcome(UNKNOWN, f"No {in_sentence(labels(concepts))} is documented.")
    last = procs[-1]
    assert last.date is not None
    until = last.date + timedelta(days=p.within_days)
    reliefs = relief_for(last, all_scores(ctx), later_until=min(until, ctx.as_of))
    if not reliefs or reliefs[0].best is None:
        return Outcome(
            UNKNOWN,
            f"The trial on {iso(last.date)} has no paired pain scores (before it, and during it).",
            [last],
        )
    r = reliefs[0]
    best = r.best
    assert best is not None
    s, value = best
    text = f"Trial on {iso(last.date)}: {r.scale.upper()} {r.baseline.value} to {s.value}"
    text += f" ({fmt_pct(value)} relief)"
    if value >= minimum:
        return Outcome(MET, f"{text}; {minimum}% needed.", [last, r.baseline, s])
    return Outcome(NOT_MET, f"{text}; {minimum}% is needed.", [last, r.baseline, s])


@criterion_test(
    "different_approach",
    ConceptParams,
    """A repeat after no response uses a different approach than the last procedure of the concepts
    (another code of the family). Not applicable when there was no earlier procedure; not
    documented when the same approach was used (a different level or drug also qualifies).""",
)
def different_approach(p: ConceptParams, ctx: Ctx) -> Outcome:
    procs = procedures(ctx, list(p.concepts))
    if not procs:
        return Outcome(NOT_APPLICABLE, "No earlier procedure of this kind.")
    last = procs[-1]
    code = last.codes[0].code if last.codes else "?"
    if ctx.procedure.concept not in last.concepts:
        return Outcome(
            MET,
            f"The last one ({code}) on {iso(last.date or ctx.as_of)} used another approach than "
            f"{ctx.procedure.code}.",
            [last],
        )
    return Outcome(
        UNKNOWN,
        f"The last one ({code}) on {iso(last.date or ctx.as_of)} used the same approach; a different level "
        "or drug also qualifies, but the record does not show it.",
        [last],
    )
