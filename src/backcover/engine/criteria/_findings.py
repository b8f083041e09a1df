"""Criterion tests about findings: red flags, conditions present or absent, documents, improvement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from backcover.codesets import concept_label
from backcover.engine._timeline import add_months
from backcover.engine.criteria._context import (
    FINDING_KINDS,
    MET,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    all_scores,
    conditions,
    current,
    diag_text,
    in_sentence,
    iso,
    items_with,
    labels,
    score_text,
)
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, item_kinds, whole
from backcover.record.model import ItemKind

__all__ = ["ConceptParams", "DocumentedParams", "ImprovingParams"]

_WITHIN = "only items of the last this many months count (none: any date)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConceptParams(Params):
    concepts: tuple[str, ...] = concept_list("the concepts (from codesets/concepts.yaml) the test looks for")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentedParams(Params):
    concepts: tuple[str, ...] = concept_list("what must be documented")
    within_months: int | None = whole(_WITHIN, None)
    kinds: tuple[ItemKind, ...] | None = item_kinds("only record items of these kinds count (none: any)")
    at_least: int = whole("how many different concepts of the list must be documented", 1)
    including: tuple[str, ...] = concept_list("one of these must be among them (none: any)", ())


@dataclass(frozen=True, slots=True, kw_only=True)
class ImprovingParams(Params):
    days: int = whole("the window, in days before the date of the question, the scores are taken from")


@criterion_test(
    "red_flag",
    ConceptParams,
    """A red flag of the concepts (e.g. cauda equina syndrome, cancer history) is documented as a
    current diagnosis, symptom or finding. Used as an alternative: not met (rather than not
    documented) when none is, so that another alternative can apply.""",
)
def red_flag(p: ConceptParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = current(ctx, concepts, FINDING_KINDS)
    if found:
        return Outcome(MET, f"Red flag documented: {diag_text(found)}.", found)
    return Outcome(NOT_MET, "No red flag is documented.")


@criterion_test(
    "documented",
    DocumentedParams,
    """Something of the concepts is in the record (an exam, an evaluation, a visit, a referral), of
    the given item kinds and recent enough when a window is given; with ``at_least``, that many
    different concepts of the list (one of them of ``including``). Met when found; otherwise not
    yet documented.""",
)
def documented(p: DocumentedParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = items_with(ctx, concepts, p.kinds)
    months = p.within_months
    if months:
        limit = add_months(ctx.as_of, -months)
        found = [i for i in found if i.date is None or i.date >= limit]
    if found and (p.at_least > 1 or p.including):
        have = [c for c in concepts if items_with(ctx, [c], p.kinds)]
        missing = [c for c in concepts if c not in have]
        need = f"at least {p.at_least} of: {in_sentence(labels(concepts))}"
        if p.including:
            need += f", one of them {in_sentence(labels(list(p.including)))}"
        if len(have) < p.at_least or (p.including and not set(have) & set(p.including)):
            return Outcome(
                UNKNOWN,
                f"Documented: {in_sentence(labels(have))}; {need} is needed "
                f"(not shown: {in_sentence(labels(missing))}).",
                found,
            )
    if found:
        shown = "; ".join(
            dict.fromkeys(
                f"{concept_label(i.concept) if i.concept else i.text}{f' on {iso(i.date)}' if i.date else ''}"
                for i in found
            )
        )
        return Outcome(MET, f"Documented: {shown}.", found)
    within = f" in the last {months} months" if months else ""
    return Outcome(UNKNOWN, f"No {in_sentence(labels(concepts))} is documented{within}.")


@criterion_test(
    "improving",
    ImprovingParams,
    """Pain or function is better now than at the start of the window: the first and the last score
    on the same scale within the last ``days`` days are compared. Not yet documented without two
    scores on one scale.""",
)
def improving(p: ImprovingParams, ctx: Ctx) -> Outcome:
    since = ctx.as_of - timedelta(days=p.days)
    scores = sorted(
        (
            s
            for s in all_scores(ctx)
            if isinstance(s.value, Decimal) and s.date is not None and s.date >= since
        ),
        key=lambda s: s.date or date.min,
    )
    for scale in dict.fromkeys(s.scale for s in scores):
        same = [s for s in scores if s.scale == scale]
        if len(same) >= 2:
            first, last = same[0], same[-1]
            assert isinstance(first.value, Decimal) and isinstance(last.value, Decimal)
            text = f"{score_text(first)} and {score_text(last)}"
            if last.value < first.value:
                return Outcome(MET, f"Improving: {text}.", [first, last])
            return Outcome(NOT_MET, f"Not improving: {text}.", [first, last])
    return Outcome(UNKNOWN, "There are not two scores on the same scale to show improvement.")


@criterion_test(
    "present",
    ConceptParams,
    """An alternative that applies only when a condition of the concepts is documented as a current
    diagnosis or symptom: met when it is, not met (rather than not documented) when it is not.""",
)
def present(p: ConceptParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = conditions(ctx, concepts)
    if found:
        return Outcome(MET, f"Documented: {diag_text(found)}.", found)
    return Outcome(NOT_MET, f"No {in_sentence(labels(concepts))} is documented.")


@criterion_test(
    "absent",
    ConceptParams,
    """None of the concepts (conditions that rule the service out) is documented as a current
    diagnosis or symptom. Not met when one is.""",
)
def absent(p: ConceptParams, ctx: Ctx) -> Outcome:
    concepts = list(p.concepts)
    found = conditions(ctx, concepts)
    if found:
        return Outcome(NOT_MET, f"Documented: {diag_text(found)}.", found)
    return Outcome(MET, f"No {in_sentence(labels(concepts))} is documented.")
