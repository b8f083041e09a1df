"""Mappers for what was diagnosed and done: Condition, Procedure, MedicationRequest/Statement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backcover.dates import Instant
from backcover.record.codes import Coding
from backcover.record.details import (
    Details,
    DurationBasis,
    ImagingDetails,
    MedicationDetails,
    ProcedureDetails,
    shared,
)
from backcover.record.fhir._context import (
    Ctx,
    as_date,
    categories,
    codings,
    decimal_of,
    lst,
    notes,
    reasons,
    refs,
    status_of,
    text_of,
)
from backcover.record.model import Item, When
from backcover.vocab import ItemKind

__all__ = ["condition", "medication_request", "medication_statement", "procedure"]

_details = shared(Details)
_medication = shared(MedicationDetails)
_procedure = shared(ProcedureDetails)
_imaging = shared(ImagingDetails)

_SUPPLY_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "wk": 7,
    "week": 7,
    "weeks": 7,
    "mo": 30,
    "month": 30,
    "months": 30,
}


def condition(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("code"))
    when = ctx.choice_when(res, "onset")
    if when is None and res.get("recordedDate"):
        when = When(ctx.when_value(res["recordedDate"], "recordedDate")[0])
    abated = ctx.choice_when(res, "abatement")
    clinical = status_of(res, "clinicalStatus")
    if isinstance(res.get("clinicalStatus"), str):
        # Older (STU3-style) shape seen in real R4 exports, e.g. the Da Vinci prior-auth reference
        # implementation: tolerated, and said.
        ctx.notes.append(f"{ctx.rid}: clinicalStatus is plain text (an STU3 habit); read as {clinical!r}")
    if when is not None:
        if abated is not None:
            when = When(when.start, abated.end or abated.start)
        elif clinical in (None, "active", "recurrence", "relapse"):
            when = When(when.start, None, ongoing=True)
    return [
        ctx.item(
            res,
            ItemKind.DIAGNOSIS,
            when,
            codes,
            text=text_of(res.get("code")),
            status=clinical,
            details=_details(category=categories(res)),
        )
    ]


def procedure(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("code"))
    when = ctx.choice_when(res, "performed")
    concepts, _, _ = ctx.concepts_for(codes)
    kind = ctx.kind_for(concepts, ItemKind.PROCEDURE)
    names, specialties = ctx.performers(
        res, (p.get("actor") for p in lst(res.get("performer")) if isinstance(p, dict))
    )
    details = (_imaging if kind is ItemKind.IMAGING else _procedure)(
        note=notes(res), performer=names, specialty=specialties or None, reason=reasons(res) or None
    )
    return [
        ctx.item(
            res, kind, when, codes, text=text_of(res.get("code")), details=details, refs=refs(res, "basedOn")
        )
    ]


def _medication_codes(ctx: Ctx, res: dict[str, Any]) -> tuple[list[Coding], str | None]:
    if isinstance(res.get("medicationCodeableConcept"), dict):
        cc = res["medicationCodeableConcept"]
        return codings(cc), text_of(cc)
    med = ctx.resolve(res.get("medicationReference"), res)
    if med is not None:
        return codings(med.get("code")), text_of(med.get("code"))
    ref = res.get("medicationReference")
    return [], ref.get("display") if isinstance(ref, dict) else None


def _med_concepts(ctx: Ctx, codes: list[Coding], text: str | None) -> list[str]:
    concepts, _, _ = ctx.concepts_for(codes)
    if not concepts:
        for c in codes:
            hit = ctx.cs.match_medication_text(c.display)
            if hit:
                concepts.append(hit)
        hit = ctx.cs.match_medication_text(text)
        if hit:
            concepts.append(hit)
    return concepts


def medication_request(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    start: Instant | None = None
    end: Instant | None = None
    basis: DurationBasis | None = None
    supply_text: str | None = None
    for d in lst(res.get("dosageInstruction")):
        bounds = (
            ((d.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") if isinstance(d, dict) else None
        )
        if isinstance(bounds, dict):
            p = ctx.period(bounds, "dosageInstruction.timing.repeat.boundsPeriod")
            if p is not None:
                start, end = p.start, p.end
                basis = DurationBasis.DOSAGE_BOUNDS if end is not None else None
                break
    if res.get("authoredOn") is not None:
        authored = ctx.when_value(res["authoredOn"], "authoredOn")[0]
        start = start or authored
    dispense = res.get("dispenseRequest") or {}
    if start is not None and end is None:
        supply = dispense.get("expectedSupplyDuration") if isinstance(dispense, dict) else None
        value = decimal_of(supply.get("value")) if isinstance(supply, dict) else None
        if isinstance(supply, dict) and value is not None:
            unit = str(supply.get("code") or supply.get("unit") or "d").lower()
            days = int(value * _SUPPLY_UNITS.get(unit, 1))
            end = as_date(start) + timedelta(days=max(days - 1, 0))
            basis, supply_text = DurationBasis.SUPPLY, f"{supply.get('value')} {unit}"
        else:
            end = as_date(start) + timedelta(days=29)
            basis = DurationBasis.ASSUMED_30_DAYS
    if start is None:
        raise ctx.bad(
            "MedicationRequest has no date (authoredOn or dosage bounds)", "add authoredOn to the order"
        )
    dosage = [
        d.get("text") for d in lst(res.get("dosageInstruction")) if isinstance(d, dict) and d.get("text")
    ]
    names, specialties = ctx.performers(res, [res.get("requester")])
    details = _medication(
        duration_basis=basis,
        supply=supply_text,
        dose="; ".join(str(x) for x in dosage) if dosage else None,
        performer=names,
        specialty=specialties or None,
    )
    return [
        ctx.item(
            res,
            ItemKind.MEDICATION,
            When(start, end),
            codes,
            text=text,
            extra_concepts=_med_concepts(ctx, codes, text),
            details=details,
        )
    ]


def medication_statement(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    when = ctx.choice_when(res, "effective")
    if when is None and res.get("dateAsserted"):
        when = When(ctx.when_value(res["dateAsserted"], "dateAsserted")[0])
    if when is not None and when.end is None and status_of(res) in ("active", "intended", None):
        when = When(when.start, None, ongoing=True)
    return [
        ctx.item(
            res,
            ItemKind.MEDICATION,
            when,
            codes,
            text=text,
            extra_concepts=_med_concepts(ctx, codes, text),
            details=_medication(note=notes(res)),
        )
    ]
