"""Criterion tests about the history in the record: diagnoses, how long, care tried, imaging, scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backcover.codesets import concept_label
from backcover.engine._timeline import CARE_GAP_DAYS, add_months, care_spans, modality, name_of, region_group
from backcover.engine.criteria._context import (
    MET,
    NOT_CARE,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    conditions,
    diag_text,
    in_sentence,
    iso,
    items_with,
    labels,
    reached,
    score_text,
    weeks_text,
)
from backcover.engine.criteria._registry import (
    Params,
    concept_list,
    criterion_test,
    flag,
    scale_minimums,
    whole,
)
from backcover.record.details import DurationBasis, MedicationDetails, report_text, sessions_of
from backcover.record.model import Item, ItemKind

__all__ = [
    "CURRENT_EPISODE_MONTHS",
    "ConservativeCareParams",
    "DiagnosisParams",
    "DurationParams",
    "ImagingParams",
    "SeverityParams",
]


# Conservative care counts for the current episode when it went on within this many months
# (backcover's reading of "for the current episode"; no payer gives a number).
CURRENT_EPISODE_MONTHS = 12

_WEEKS = "the duration in weeks (from the start)"
_MONTHS = "the duration in calendar months (used instead of weeks when given)"
_WITHIN = "only items of the last this many months count (none: any date)"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiagnosisParams(Params):
    concepts: tuple[str, ...] = concept_list("the diagnoses that support the service")
    low_back_only: bool = flag("count only diagnoses of the lower back (or of no stated region)")


@dataclass(frozen=True, slots=True, kw_only=True)
class DurationParams(Params):
    concepts: tuple[str, ...] = concept_list("the diagnoses or symptoms whose onset starts the count")
    scores: tuple[str, ...] = concept_list(
        "score concepts that also show the pain was there when recorded for the procedure's region"
    )
    weeks: int | None = whole(_WEEKS, None)
    months: int | None = whole(_MONTHS, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConservativeCareParams(Params):
    concepts: tuple[str, ...] = concept_list(
        "the kinds of care that count (e.g. conservative_care, spine_injection)"
    )
    weeks: int | None = whole(_WEEKS, None)
    months: int | None = whole(_MONTHS, None)
    min_modalities: int = whole("how many different kinds of care the span must include", 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImagingParams(Params):
    concepts: tuple[str, ...] = concept_list("the imaging studies that count")
    within_months: int | None = whole(_WITHIN, None)
    report_needed: bool = flag("the study's report (findings or conclusion) must be in the record")


@dataclass(frozen=True, slots=True, kw_only=True)
class SeverityParams(Params):
    concepts: tuple[str, ...] = concept_list("the score concepts that count (pain_score, function_score)")
    min: tuple[tuple[str, Decimal], ...] = scale_minimums(
        "score scale -> the minimum the latest score on it must reach (e.g. nrs: 7); none: any score"
    )
    within_months: int | None = whole(_WITHIN, None)
    baseline_before: tuple[str, ...] = concept_list(
        "judge the scores from before the last of these procedures (the trial or block), not the latest",
        (),
    )


@criterion_test(
    "diagnosis",
    DiagnosisParams,
    """A current diagnosis (or reported symptom) of one of the concepts is in the record. Diagnoses
    that had resolved before the date of the question do not count. Met when one is documented;
    otherwise not yet documented.""",
)
def diagnosis(p: DiagnosisParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = conditions(ctx, concepts)
    if p.low_back_only:
        found = [it for it in found if it.region is None or region_group(it.region) == "lumbosacral"]
    if found:
        return Outcome(MET, f"Documented: {diag_text(found)}.", found)
    return Outcome(UNKNOWN, f"No diagnosis of {in_sentence(labels(concepts))} is documented.")


@criterion_test(
    "symptom_duration",
    DurationParams,
    """The symptoms have lasted long enough: counted from the earliest dated diagnosis or symptom of
    the concepts (or a pain score recorded for the same region). Not met before the duration is
    reached, with the date it will be; not yet documented when the record does not say when the
    pain started.""",
)
def symptom_duration(p: DurationParams, ctx: Ctx) -> Outcome:
    found = [it for it in conditions(ctx, list(p.concepts)) if it.date]
    # A pain score recorded for the lower back (e.g. in the treatment log) also shows the pain was there.
    found += [
        s
        for s in items_with(ctx, list(p.scores), (ItemKind.SCORE,))
        if s.date and s.region is not None and region_group(s.region) == region_group(ctx.procedure.region)
    ]
    if not found:
        return Outcome(UNKNOWN, "The record does not say when the pain started.")
    first = min(found, key=lambda it: it.date or date.max)
    onset = first.date
    assert onset is not None
    need_on, need_text = reached(onset, months=p.months, weeks=p.weeks)
    so_far = weeks_text((ctx.as_of - onset).days)
    if ctx.as_of >= need_on:
        return Outcome(
            MET, f"Symptoms documented since {iso(onset)} ({so_far}); {need_text} needed.", [first]
        )
    return Outcome(
        NOT_MET,
        f"Symptoms documented since {iso(onset)}: {so_far} as of {iso(ctx.as_of)}, where {need_text} are "
        f"needed (reached on {iso(need_on)}).",
        [first],
        eligible_on=need_on,
    )


def _span_text(items: Sequence[Item], as_of: date) -> str:
    by_mod: dict[str, list[Item]] = {}
    for it in items:
        by_mod.setdefault(modality(it), []).append(it)
    parts = []
    for mod, its in by_mod.items():
        its = sorted(its, key=lambda i: i.date or date.min)
        if mod == "medication_trial":
            for med in its:
                assert med.when is not None
                name = name_of(med)
                basis = med.details.duration_basis if isinstance(med.details, MedicationDetails) else None
                if med.when.ongoing and med.when.end is None:
                    parts.append(f"{name} since {iso(med.when.start_date)}")
                else:
                    end = med.when.end_as_of(as_of)
                    extra = f", {basis.label}" if basis is DurationBasis.ASSUMED_30_DAYS else ""
                    parts.append(f"{name} {iso(med.when.start_date)}..{iso(end)}{extra}")
        else:
            first = min(i.when.start_date for i in its if i.when is not None)
            last = max(i.when.end_as_of(as_of) for i in its if i.when is not None)
            n = sum(sessions_of(i.details) or 0 for i in its) + len(
                {i.date for i in its if not sessions_of(i.details)}
            )
            label = concept_label(mod)
            if n <= 1 and first == last:
                parts.append(f"{label} on {iso(first)}")
            else:
                parts.append(f"{label} {iso(first)}..{iso(last)} ({n} session{'s' if n != 1 else ''})")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


@criterion_test(
    "conservative_care",
    ConservativeCareParams,
    """Conservative care (therapy, medication, exercise, manipulation...) of the concepts went on for
    long enough. Care of every kind is joined into continuous spans (a gap of up to 14 days does
    not break a span), and only spans that went on within the last 12 months count as the current
    episode (both backcover's reading; no payer gives a number). Met when the longest span reaches
    the duration with enough different kinds of care; not met before, with the date it will be if
    the current care goes on.""",
)
def conservative_care(p: ConservativeCareParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    items = [it for it in items_with(ctx, concepts) if it.kind not in NOT_CARE and it.when is not None]
    if not items:
        return Outcome(UNKNOWN, "No conservative care (therapy, medication, exercise program) is documented.")
    all_spans = care_spans(items, ctx.as_of)
    # The current episode: care that went on within the last CURRENT_EPISODE_MONTHS (backcover's rule).
    since = add_months(ctx.as_of, -CURRENT_EPISODE_MONTHS)
    spans = [sp for sp in all_spans if sp.end > since]
    if not spans:
        old = all_spans[-1]
        return Outcome(
            NOT_MET,
            f"The only conservative care documented ({_span_text(old.items, ctx.as_of)}) ended more than "
            f"{CURRENT_EPISODE_MONTHS} months ago; care for the current episode is needed.",
            list(old.items),
        )
    best = max(spans, key=lambda s: (s.days, s.start))
    need_on, need_text = reached(best.start, months=p.months, weeks=p.weeks)
    min_mod = p.min_modalities
    if best.end >= need_on:
        mods = best.modalities()
        text = f"{_span_text(best.items, ctx.as_of)}: {weeks_text(best.days)} of care"
        text += f"; {need_text} needed." if best.start < need_on else "."
        if len(mods) < min_mod:
            return Outcome(
                NOT_MET,
                f"{text} Only {len(mods)} kind of care "
                f"({', '.join(in_sentence(concept_label(m)) for m in mods)}); {min_mod} different kinds are "
                "needed.",
                list(best.items),
            )
        return Outcome(MET, text, list(best.items))
    latest = spans[-1]
    ongoing = (ctx.as_of - latest.end).days <= CARE_GAP_DAYS
    eligible = max(reached(latest.start, months=p.months, weeks=p.weeks)[0], ctx.as_of) if ongoing else None
    text = (
        f"{_span_text(best.items, ctx.as_of)}: {weeks_text(best.days)} of care documented as of "
        f"{iso(ctx.as_of)}, where {need_text} are needed."
    )
    if eligible is not None:
        text += f" If the current care goes on, {need_text} are reached on {iso(eligible)}."
    else:
        text += " The care has stopped; it would have to start again."
    return Outcome(NOT_MET, text, list(best.items), eligible_on=eligible)


@criterion_test(
    "imaging",
    ImagingParams,
    """An imaging study of the concepts is documented, recent enough when a window is given, with its
    report (findings) when one is needed. Not met when the latest study is older than the window;
    not yet documented when there is none or its report is missing.""",
)
def imaging(p: ImagingParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = sorted(
        items_with(ctx, concepts, (ItemKind.IMAGING, ItemKind.PROCEDURE)), key=lambda i: i.date or date.min
    )
    found = [i for i in found if i.date is not None]
    if not found:
        return Outcome(UNKNOWN, f"No {in_sentence(labels(concepts))} is documented.")
    months = p.within_months
    limit = add_months(ctx.as_of, -months) if months else None
    recent = [i for i in found if limit is None or (i.date is not None and i.date >= limit)]
    if not recent:
        last = found[-1]
        return Outcome(
            NOT_MET,
            f"The latest {in_sentence(concept_label(last.concept or concepts[0]))} is from {iso(last.date)}"  # type: ignore[arg-type]
            f", more than {months} months before {iso(ctx.as_of)}.",
            [last],
        )
    day = recent[-1].date
    same = [i for i in recent if i.date == day]
    findings = [str(report_text(i.details)) for i in same if report_text(i.details)]
    label = concept_label(same[0].concept or concepts[0])
    text = f"{label} on {iso(day)}"  # type: ignore[arg-type]
    if findings:
        text += f": {' '.join(dict.fromkeys(f.strip().rstrip('.') for f in findings))}"
    elif p.report_needed:
        return Outcome(UNKNOWN, f"{text}, but its report (findings) is not in the record.", same)
    return Outcome(MET, text + ".", same)


@criterion_test(
    "severity",
    SeverityParams,
    """Pain or function scores of the concepts are documented (recent enough when a window is given),
    and, when minimums are given, the latest score on a named scale reaches its minimum. A score
    recorded as part of a procedure (e.g. after a block) is used only when there is no other.""",
)
def severity(p: SeverityParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    scores = [
        s for s in items_with(ctx, concepts, (ItemKind.SCORE,)) if isinstance(s.value, Decimal) and s.date
    ]
    if p.within_months:
        limit = add_months(ctx.as_of, -p.within_months)
        scores = [s for s in scores if s.date is not None and s.date >= limit]
    if not scores:
        return Outcome(
            UNKNOWN, "No pain or function score (NRS, PEG, Oswestry, Roland-Morris) is documented."
        )
    # A baseline is a score taken on its own, not one recorded as part of a procedure (e.g. after a block).
    standalone = [s for s in scores if not any(r.startswith("Procedure/") for r in s.refs)]
    scores = standalone or scores
    when = ""
    if p.baseline_before:
        scores, when = _before_procedure(ctx, p.baseline_before, scores)
        if not scores:
            return Outcome(UNKNOWN, f"No pain or function score is documented {when}.")
    latest: dict[str, Item] = {}
    for s in sorted(scores, key=lambda s: s.date or date.min):
        latest[s.scale or "score"] = s
    mins = dict(p.min)
    shown = "; ".join(score_text(s) for s in latest.values()) + (f" ({when})" if when else "")
    if not mins:
        return Outcome(MET, f"Documented: {shown}.", list(latest.values()))
    judged = {k: s for k, s in latest.items() if k in mins}
    if not judged:
        need = ", ".join(f"{k.upper()} ≥ {v}" for k, v in mins.items())
        return Outcome(
            UNKNOWN,
            f"Documented: {shown}; none on a scale the policy names ({need}).",
            list(latest.values()),
        )
    ok = [s for k, s in judged.items() if isinstance(s.value, Decimal) and s.value >= mins[k]]
    need = " or ".join(f"{k.upper()} ≥ {v}" for k, v in mins.items())
    if ok:
        at = f", {when}" if when else ""
        return Outcome(MET, f"{'; '.join(score_text(s) for s in ok)}{at} ({need} needed).", ok)
    return Outcome(
        NOT_MET,
        f"Latest: {'; '.join(score_text(s) for s in judged.values())}; {need} is needed.",
        list(judged.values()),
    )


def _before_procedure(ctx: Ctx, concepts: Sequence[str], scores: list[Item]) -> tuple[list[Item], str]:
    """The scores from before the last procedure of ``concepts`` (its same-day baseline included)."""
    from backcover.engine._timeline import relief_for
    from backcover.engine.criteria._context import all_scores, procedures

    procs = procedures(ctx, list(concepts))
    if not procs:
        return scores, ""
    last = procs[-1]
    assert last.date is not None
    baselines = {r.baseline.id for r in relief_for(last, all_scores(ctx))}
    before = [s for s in scores if s.date is not None and (s.date < last.date or s.id in baselines)]
    return before, f"at baseline, before the {in_sentence(labels(list(concepts)))} on {iso(last.date)}"
