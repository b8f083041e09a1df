"""The criterion test that reads imaging reports: a finding affirmed, not negated or uncertain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backcover.engine._timeline import add_months
from backcover.engine.criteria._context import (
    MET,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    in_sentence,
    iso,
    items_with,
    labels,
)
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, finding_list, whole
from backcover.engine.findings import Finding, finding_label, read_findings
from backcover.record.details import report_text
from backcover.record.model import Item, ItemKind

__all__ = ["FindingParams"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingParams(Params):
    concepts: tuple[str, ...] = concept_list("the imaging studies whose reports are read")
    findings: tuple[str, ...] = finding_list("the findings (one is enough) the report must affirm")
    within_months: int | None = whole("only studies of the last this many months count", None)
    min_grade: int | None = whole("a slip must be at least this Meyerding grade (1-5)", None)
    over_mm: int | None = whole("the measurement (e.g. translation) must be over this many millimetres", None)


def _report(it: Item) -> str:
    return report_text(it.details) or it.text or ""


def _measured(f: Finding, p: FindingParams) -> str | None:
    """None when the finding meets the measurements asked for; otherwise why not ("" : not given)."""
    if p.min_grade is not None:
        if f.grade is None:
            return ""
        if f.grade < p.min_grade:
            return f"grade {f.grade}, where grade {p.min_grade} or more is needed"
    if p.over_mm is not None:
        if f.mm is None:
            return ""
        if f.mm <= p.over_mm:
            return f"{f.mm} mm, where more than {p.over_mm} mm is needed"
    return None


@criterion_test(
    "imaging_finding",
    FindingParams,
    """The latest imaging report (of the concepts, in the window) that names one of the findings
    affirms it: "no stenosis", "without instability" (negated) and "possible herniation"
    (uncertain) do not count. The report's words are read with a clinical negation reader (NegEx,
    via negspacy). With ``min_grade`` or ``over_mm`` the slip's grade or the measurement in the
    same sentence must reach it. Not met when the report negates the finding, does not name it, or
    the measurement is too small, or when the latest study is older than the window; not
    documented when there is no report, the finding is only uncertain, or the measurement is not
    given.""",
)
def imaging_finding(p: FindingParams, ctx: Ctx) -> Outcome:
    studies = sorted(
        (i for i in items_with(ctx, list(p.concepts), (ItemKind.IMAGING, ItemKind.PROCEDURE)) if i.date),
        key=lambda i: i.date or date.min,
        reverse=True,
    )
    if p.within_months:
        limit = add_months(ctx.as_of, -p.within_months)
        recent = [i for i in studies if i.date is not None and i.date >= limit]
        if studies and not recent:
            last = studies[0]
            return Outcome(
                NOT_MET,
                f"The latest study is from {iso(last.date)}, more than {p.within_months} months before "  # type: ignore[arg-type]
                f"{iso(ctx.as_of)}.",
                [last],
            )
        studies = recent
    reported = [(i, _report(i)) for i in studies if _report(i)]
    wanted = " or ".join(in_sentence(finding_label(f)) for f in p.findings)
    if not reported:
        within = f" from the last {p.within_months} months" if p.within_months else ""
        return Outcome(
            UNKNOWN, f"No {in_sentence(labels(list(p.concepts)))} report{within} is in the record."
        )
    for study, text in reported:
        named = [f for f in read_findings(text) if f.concept in p.findings]
        if not named:
            continue
        where = f"{study.codes[0].code if study.codes else 'imaging'} report of {iso(study.date)}"  # type: ignore[arg-type]
        affirmed = [f for f in named if f.affirmed]
        good = [f for f in affirmed if _measured(f, p) is None]
        if good:
            f = good[0]
            at = f" at {', '.join(f.levels)}" if f.levels else ""
            return Outcome(
                MET,
                f'The {where} says: "{f.sentence}" ({in_sentence(finding_label(f.concept))}{at}).',
                [study],
            )
        if affirmed:
            f = affirmed[0]
            why = _measured(f, p)
            if why:
                return Outcome(NOT_MET, f'The {where} says: "{f.sentence}": {why}.', [study])
            need = f"grade {p.min_grade} or more" if p.min_grade is not None else f"over {p.over_mm} mm"
            return Outcome(
                UNKNOWN,
                f'The {where} says: "{f.sentence}", but not the measurement ({need} needed).',
                [study],
            )
        if any(f.uncertain and not f.negated for f in named):
            f = next(f for f in named if f.uncertain)
            return Outcome(
                UNKNOWN, f'The {where} is uncertain: "{f.sentence}"; a definite finding is needed.', [study]
            )
        f = named[0]
        return Outcome(NOT_MET, f'The {where} rules it out: "{f.sentence}" ({wanted} needed).', [study])
    last, _ = reported[0]
    return Outcome(NOT_MET, f"The imaging reports do not describe {wanted}.", [last])
