"""Exclusion tests: when ``not_met``, the payer does not cover the service at all."""

from __future__ import annotations

from dataclasses import dataclass

from backcover.engine.criteria._context import (
    MET,
    NOT_MET,
    UNKNOWN,
    Ctx,
    Outcome,
    current,
    diag_text,
    in_sentence,
    iso,
    labels,
)
from backcover.engine.criteria._registry import Params, concept_list, criterion_test, whole
from backcover.record.model import ItemKind

__all__ = ["AgeOverParams", "ExcludedIndicationParams", "RequiresIndicationParams"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExcludedIndicationParams(Params):
    excluded: tuple[str, ...] = concept_list("the indications the policy does not cover")
    covered: tuple[str, ...] = concept_list("indications that, documented too, keep the service covered", ())


@dataclass(frozen=True, slots=True, kw_only=True)
class RequiresIndicationParams(Params):
    covered: tuple[str, ...] = concept_list("the only indications the policy covers")
    other_conditions: tuple[str, ...] = concept_list(
        "diagnoses that, documented without a covered one, show the service is asked for something else"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeOverParams(Params):
    max: int = whole("the oldest age covered")


@criterion_test(
    "excluded_indication",
    ExcludedIndicationParams,
    """An exclusion: the service is not covered when the only indications documented are ones the
    policy excludes. Not met (not covered) when an excluded indication is documented without a
    covered one; met otherwise.""",
)
def excluded_indication(p: ExcludedIndicationParams, ctx: Ctx) -> Outcome:
    excluded = current(ctx, list(p.excluded), (ItemKind.DIAGNOSIS,))
    covered = current(ctx, list(p.covered), (ItemKind.DIAGNOSIS,))
    if excluded and not covered:
        return Outcome(
            NOT_MET,
            (
                f"The only indication documented is one the policy does not cover: {diag_text(excluded)}. "
                f"Covered indications include {in_sentence(labels(list(p.covered)))}."
            )
            if p.covered
            else f"The policy does not cover the service with: {diag_text(excluded)}.",
            excluded,
        )
    if excluded:
        return Outcome(
            MET,
            f"{diag_text(excluded)} is documented together with a covered indication: {diag_text(covered)}.",
            excluded + covered,
        )
    return Outcome(MET, "None of the indications the policy does not cover is documented.")


@criterion_test(
    "requires_indication",
    RequiresIndicationParams,
    """An exclusion: the service is covered only for the listed indications. Met when one is
    documented; not met (not covered) when only other back or pain conditions are; not documented
    when there is no diagnosis at all.""",
)
def requires_indication(p: RequiresIndicationParams, ctx: Ctx) -> Outcome:
    covered = current(ctx, list(p.covered), (ItemKind.DIAGNOSIS,))
    if covered:
        return Outcome(MET, f"Covered indication documented: {diag_text(covered)}.", covered)
    other = current(ctx, list(p.other_conditions), (ItemKind.DIAGNOSIS,))
    if other:
        return Outcome(
            NOT_MET,
            f"The documented conditions ({diag_text(other)}) are not ones the policy covers "
            f"({in_sentence(labels(list(p.covered)))}).",
            other,
        )
    return Outcome(
        UNKNOWN,
        f"No diagnosis is documented; the policy covers only {in_sentence(labels(list(p.covered)))}.",
    )


@criterion_test(
    "age_over",
    AgeOverParams,
    """An exclusion: the policy does not cover people over the given age (on the date of the
    question).""",
)
def age_over(p: AgeOverParams, ctx: Ctx) -> Outcome:
    years = ctx.record.patient.age_on(ctx.as_of)
    cap = p.max
    if years is None:
        return Outcome(UNKNOWN, f"The record has no birth date; the policy does not cover people over {cap}.")
    if years > cap:
        return Outcome(
            NOT_MET, f"Age {years} on {iso(ctx.as_of)}: the policy does not cover people over {cap}."
        )
    return Outcome(MET, f"Age {years} on {iso(ctx.as_of)} (not over {cap}).")
