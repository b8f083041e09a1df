"""Mappers for what was measured and seen: Observation, DiagnosticReport, ImagingStudy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backcover.record.codes import Coding
from backcover.record.details import ImagingDetails, ObservationDetails, ScoreDetails, shared
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._values import categories, codings, decimal_of, lst, notes, refs, text_of
from backcover.record.model import Item, make_when
from backcover.vocab import ItemKind

__all__ = ["diagnostic_report", "imaging_study", "observation"]

_score = shared(ScoreDetails)
_observation = shared(ObservationDetails)
_imaging = shared(ImagingDetails)

_IMAGING_CATEGORIES = ("RAD", "IMG", "imaging", "LP29684-5")


def observation(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("code"))
    text = text_of(res.get("code"))
    when = ctx.choice_when(res, "effective")
    if when is None and res.get("issued"):
        when = make_when(ctx.when_value(res["issued"], "issued")[0])
    concepts, region, scale = ctx.concepts_for(codes)
    coded = list(concepts)
    if not concepts:
        hit = ctx.cs.match_observation_text(text)
        if hit:
            concepts.append(hit.concept)
            scale = scale or hit.scale
    value: Decimal | str | None = None
    unit = None
    value_codes: list[Coding] = []
    if isinstance(res.get("valueQuantity"), dict):
        q = res["valueQuantity"]
        value = decimal_of(q.get("value"))
        unit = q.get("unit") or q.get("code")
    elif res.get("valueInteger") is not None:
        value = decimal_of(res["valueInteger"])
    elif isinstance(res.get("valueString"), str):
        value = res["valueString"]
    elif isinstance(res.get("valueCodeableConcept"), dict):
        value_codes = codings(res["valueCodeableConcept"])
        value = text_of(res["valueCodeableConcept"])
        concepts.extend(ctx.concepts_for(value_codes)[0])
    elif isinstance(res.get("valueBoolean"), bool):
        value = "true" if res["valueBoolean"] else "false"
    cats = categories(res)
    kind = ItemKind.SCORE if scale else ItemKind.LAB if "laboratory" in cats else ItemKind.OBSERVATION
    if scale and isinstance(value, str):
        raise ctx.bad(
            f"the {scale.upper()} score is text, not a number",
            "record the score as valueInteger or valueQuantity",
        )
    make = _score if kind is ItemKind.SCORE else _observation
    details = make(category=cats, value_codes=tuple(value_codes), note=notes(res))
    return [
        ctx.item(
            res,
            kind,
            when,
            codes,
            matched=(coded, region, scale),
            text=text,
            extra_concepts=[c for c in concepts if c not in coded],
            value=value,
            unit=unit,
            scale=scale,
            region=region,
            refs=refs(res, "partOf", "derivedFrom", "focus", "basedOn"),
            details=details,
        )
    ]


def diagnostic_report(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("code"))
    when = ctx.choice_when(res, "effective")
    if when is None and res.get("issued"):
        when = make_when(ctx.when_value(res["issued"], "issued")[0])
    cats = categories(res)
    matched = ctx.concepts_for(codes)
    concepts = matched[0]
    imaging = any(c in _IMAGING_CATEGORIES for c in cats) or any(ctx.cs.is_a(c, "imaging") for c in concepts)
    conclusion = res.get("conclusion") if isinstance(res.get("conclusion"), str) else None
    ccodes = [c for cc in lst(res.get("conclusionCode")) for c in codings(cc)]
    extra = ctx.concepts_for(ccodes)[0] if ccodes else []
    make = _imaging if imaging else _observation
    details = make(category=cats, conclusion=conclusion or None, conclusion_codes=tuple(ccodes))
    return [
        ctx.item(
            res,
            ItemKind.IMAGING if imaging else ItemKind.LAB,
            when,
            codes,
            matched=matched,
            text=conclusion or text_of(res.get("code")),
            extra_concepts=extra,
            refs=refs(res, "imagingStudy", "result", "basedOn"),
            details=details,
        )
    ]


def imaging_study(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = [c for cc in lst(res.get("procedureCode")) for c in codings(cc)]
    when = make_when(ctx.when_value(res["started"], "started")[0]) if res.get("started") else None
    modality = tuple(str(m.get("code")) for m in lst(res.get("modality")) if isinstance(m, dict))
    desc = res.get("description") if isinstance(res.get("description"), str) else None
    matched = ctx.concepts_for(codes)
    extra = [] if matched[0] else ["imaging"]
    return [
        ctx.item(
            res,
            ItemKind.IMAGING,
            when,
            codes,
            matched=matched,
            text=desc or text_of((res.get("procedureCode") or [None])[0]),
            extra_concepts=extra,
            details=_imaging(modality=modality),
        )
    ]
