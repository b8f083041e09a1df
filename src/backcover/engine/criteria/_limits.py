"""Criterion tests about limits: how often, how long since, age, nicotine, lab values, attestations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from backcover.codesets import concept_label
from backcover.engine._timeline import add_months, region_group, sessions
from backcover.engine.criteria._context import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    diag_text,
    in_region,
    in_sentence,
    iso,
    items_with,
    labels,
    procedures,
    reached,
)
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, number, whole
from backcover.record.model import ItemKind

__all__ = ["AgeParams", "FrequencyParams", "IntervalParams", "LabParams", "NicotineParams", "NoParams"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NoParams(Params):
    """A test that takes no parameters."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FrequencyParams(Params):
    concepts: tuple[str, ...] = concept_list("the procedures counted")
    max: int = whole("the most sessions allowed in the window")
    months: int | None = whole("the rolling window, in calendar months", None)
    days: int | None = whole("the rolling window, in days (when no months are given)", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class IntervalParams(Params):
    concepts: tuple[str, ...] = concept_list("the earlier procedures the time is counted from")
    days: int | None = whole("the waiting time in days", None)
    weeks: int | None = whole("the waiting time in weeks (instead of days)", None)
    months: int | None = whole("the waiting time in calendar months (instead of weeks)", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeParams(Params):
    min: int | None = whole("the youngest age covered", None)
    max: int | None = whole("the oldest age covered", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class NicotineParams(Params):
    weeks: int = whole("how many weeks before the date of the question the patient must be nicotine-free")
    max_cotinine: Decimal = field(
        metadata=number("the highest cotinine result (ng/mL) that counts as nicotine-free")
    )
    test_concepts: tuple[str, ...] = concept_list("the lab tests that measure nicotine (cotinine)")
    use_concepts: tuple[str, ...] = concept_list("the record items that show nicotine use")
    status_concepts: tuple[str, ...] = concept_list("the smoking statuses that show no use")


@dataclass(frozen=True, slots=True, kw_only=True)
class LabParams(Params):
    concepts: tuple[str, ...] = concept_list("the lab test (e.g. hba1c)")
    below: Decimal | None = field(default=None, metadata=number("the latest result must be under this value"))
    at_least: Decimal | None = field(
        default=None, metadata=number("the latest result must be at least this value (e.g. a T-score)")
    )
    only_if: tuple[str, ...] = concept_list("the test applies only with one of these diagnoses", ())


@criterion_test(
    "frequency",
    FrequencyParams,
    """No more than ``max`` sessions of the concepts in the rolling window before the date of the
    question (a session is every procedure of the family on one calendar day, counted in the
    procedure's spinal region). When the limit is reached, not met, with the date the oldest
    session leaves the window.""",
)
def frequency(p: FrequencyParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    maximum = p.max
    months = p.months or 0
    days_window = p.days or 0
    start = add_months(ctx.as_of, -months) if months else ctx.as_of - timedelta(days=days_window)
    window_text = f"{months} months" if months else f"{days_window} days"
    group = region_group(ctx.procedure.region)
    procs = [
        it
        for it in procedures(ctx, concepts)
        if it.date is not None
        and start < it.date <= ctx.as_of
        and (group is None or it.region is None or region_group(it.region) == group)
    ]
    days = [d for d, _ in sessions(procs)]
    where = f" in the {group} region" if group else ""
    if len(days) < maximum:
        return Outcome(
            MET,
            f"{len(days)} session{'s' if len(days) != 1 else ''}{where} in the {window_text} before "
            f"{iso(ctx.as_of)}; up to {maximum} allowed, so one more fits.",
            procs,
        )
    k = len(days) - maximum
    drop = days[k]
    eligible = add_months(drop, months) if months else drop + timedelta(days=days_window)
    return Outcome(
        NOT_MET,
        f"{len(days)} sessions{where} in the {window_text} before {iso(ctx.as_of)} "
        f"({', '.join(iso(d) for d in days)}); the limit is {maximum}. The next one fits from "
        f"{iso(eligible)}.",
        procs,
        eligible_on=eligible,
    )


@criterion_test(
    "interval",
    IntervalParams,
    """At least the given time has passed since the last procedure of the concepts (in the same spinal
    region). Not applicable when there was none; not met before, with the date it will have
    passed.""",
)
def interval(p: IntervalParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    procs = in_region(ctx, procedures(ctx, concepts))
    if not procs:
        return Outcome(
            NOT_APPLICABLE, f"No earlier {in_sentence(labels(concepts))}: no waiting time applies."
        )
    last = procs[-1]
    assert last.date is not None
    need_on, need_text = reached(last.date, months=p.months, weeks=p.weeks, days=p.days)
    if ctx.as_of >= need_on:
        return Outcome(MET, f"The last one was on {iso(last.date)}, at least {need_text} before.", [last])
    return Outcome(
        NOT_MET,
        f"The last one was on {iso(last.date)}; {need_text} must pass, until {iso(need_on)}.",
        [last],
        eligible_on=need_on,
    )


@criterion_test(
    "age",
    AgeParams,
    """The patient's age on the date of the question is within the policy's range (from the birth
    date in the record).""",
)
def age(p: AgeParams, ctx: Ctx) -> Outcome:
    years = ctx.record.patient.age_on(ctx.as_of)
    lo, hi = p.min, p.max
    rng = (
        f"{lo}–{hi}"
        if lo is not None and hi is not None
        else f"at least {lo}"
        if lo is not None
        else f"at most {hi}"
    )
    if years is None:
        return Outcome(UNKNOWN, "The record has no birth date.")
    if (lo is not None and years < lo) or (hi is not None and years > hi):
        return Outcome(NOT_MET, f"Age {years} on {iso(ctx.as_of)}; the policy's range is {rng}.")
    return Outcome(MET, f"Age {years} on {iso(ctx.as_of)} (range {rng}).")


@criterion_test(
    "nicotine_free",
    NicotineParams,
    """The patient has been nicotine-free for the given weeks: a cotinine test in that time at or under
    the limit, or else no nicotine use in that time (a later never/former-smoker status outweighs
    older use). Not documented when the record has neither a test nor a smoking status.""",
)
def nicotine_free(p: NicotineParams, ctx: Ctx) -> Outcome:
    weeks = p.weeks
    since = ctx.as_of - timedelta(days=7 * weeks)
    cap = p.max_cotinine
    tests = [
        t
        for t in items_with(ctx, list(p.test_concepts))
        if isinstance(t.value, Decimal) and t.date is not None and t.date >= since
    ]
    if tests:
        t = max(tests, key=lambda t: t.date or date.min)
        assert isinstance(t.value, Decimal)
        tday = iso(t.date or ctx.as_of)
        if t.value <= cap:
            return Outcome(MET, f"Cotinine {t.value} {t.unit or ''} on {tday} (at most {cap} ng/mL).", [t])
        return Outcome(
            NOT_MET, f"Cotinine {t.value} {t.unit or ''} on {tday}; at most {cap} ng/mL is needed.", [t]
        )
    use = items_with(ctx, list(p.use_concepts))
    using = [
        u for u in use if u.when is not None and (u.when.ongoing or (u.when.end_as_of(ctx.as_of) >= since))
    ]
    status = sorted(
        (s for s in items_with(ctx, list(p.status_concepts)) if s.date is not None),
        key=lambda s: s.date or date.min,
    )
    last_use = max((u.date for u in using if u.date), default=None)
    if using and not (status and last_use is not None and status[-1].date and status[-1].date > last_use):
        return Outcome(
            NOT_MET,
            f"Nicotine use is documented within the last {weeks} weeks: {diag_text(using)}.",
            using,
        )
    if status:
        s = status[-1]
        return Outcome(MET, f"{concept_label(s.concept or p.status_concepts[0])} on {iso(s.date)}.", [s])  # type: ignore[arg-type]
    return Outcome(
        UNKNOWN, f"Smoking status is not documented (nicotine-free for {weeks} weeks, or a cotinine test)."
    )


@criterion_test(
    "lab_value",
    LabParams,
    """The latest laboratory result of the concepts is under ``below`` (or at least ``at_least``).
    With ``only_if``, the test applies only when one of those diagnoses is documented (otherwise
    not applicable).""",
)
def lab_value(p: LabParams, ctx: Ctx) -> Outcome:
    if p.only_if:
        cond = items_with(ctx, list(p.only_if), (ItemKind.DIAGNOSIS,))
        if not cond:
            return Outcome(
                NOT_APPLICABLE,
                f"Applies only with {in_sentence(labels(list(p.only_if)))}, which is not documented.",
            )
    concepts = list(p.concepts)
    labs = sorted(
        (i for i in items_with(ctx, concepts) if isinstance(i.value, Decimal) and i.date is not None),
        key=lambda i: i.date or date.min,
    )
    if not labs:
        return Outcome(UNKNOWN, f"No {in_sentence(labels(concepts))} result is documented.")
    last = labs[-1]
    assert isinstance(last.value, Decimal)
    text = f"{concept_label(last.concept or concepts[0])} {last.value}{last.unit or ''} on {iso(last.date)}"  # type: ignore[arg-type]
    need = " and ".join(
        ([f"under {p.below}"] if p.below is not None else [])
        + ([f"at least {p.at_least}"] if p.at_least is not None else [])
    )
    if (p.below is None or last.value < p.below) and (p.at_least is None or last.value >= p.at_least):
        return Outcome(MET, f"{text} ({need} needed).", [last])
    return Outcome(NOT_MET, f"{text}; {need} is needed.", [last])


@criterion_test(
    "attestation",
    NoParams,
    """A condition the claim or the clinician attests (credentials, equipment, a plan of care): a
    patient record cannot show it, so it is always "not documented" and is usually marked
    ``required: false`` so that it never blocks a decision.""",
)
def attestation(p: NoParams, ctx: Ctx) -> Outcome:
    return Outcome(UNKNOWN, "A patient record does not show this; the clinician's claim or notes must.")
