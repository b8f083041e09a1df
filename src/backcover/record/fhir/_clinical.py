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
    empty_details,
    shared,
)
from backcover.record.fhir._context import Ctx, Matched
from backcover.record.fhir._values import (
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
from backcover.record.model import Item, make_when
from backcover.vocab import ItemKind

__all__ = ["condition", "medication_request", "medication_statement", "procedure"]

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
    code = res.get("code")
    codes = codings(code)
    when = ctx.choice_when(res, "onset")
    if when is None and res.get("recordedDate"):
        when = make_when(ctx.when_value(res["recordedDate"], "recordedDate")[0])
    abated = ctx.choice_when(res, "abatement")
    clinical = status_of(res, "clinicalStatus")
    if isinstance(res.get("clinicalStatus"), str):
        # Older (STU3-style) shape seen in real R4 exports, e.g. the Da Vinci prior-auth reference
        # implementation: tolerated, and said.
        ctx.notes.append(f"{ctx.rid}: clinicalStatus is plain text (an STU3 habit); read as {clinical!r}")
    if when is not None:
        if abated is not None:
            when = make_when(when.start, abated.end or abated.start)
        elif clinical in (None, "active", "recurrence", "relapse"):
            when = make_when(when.start, None, True)
    return [
        ctx.item(
            res,
            ItemKind.DIAGNOSIS,
            when,
            codes,
            text=text_of(code),
            status=clinical,
            details=_condition_details(categories(res)),
        )
    ]


def _condition_details(category: tuple[str, ...]) -> Details:
    found = _CONDITION_DETAILS.get(category)
    if found is None:
        if len(_CONDITION_DETAILS) >= _SHARED_MAX:
            _CONDITION_DETAILS.clear()
        found = _CONDITION_DETAILS[category] = Details(category=category)
    return found


# Shared details (they are immutable), keyed by their values: text and tuples of text only.
_SHARED_MAX = 4096
_CONDITION_DETAILS: dict[tuple[str, ...], Details] = {}
_MEDICATION_DETAILS: dict[tuple[Any, ...], MedicationDetails] = {}


def procedure(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    code = res.get("code")
    codes = codings(code)
    when = ctx.choice_when(res, "performed")
    matched = ctx.concepts_for(codes)
    kind = ctx.kind_for(matched[0], ItemKind.PROCEDURE)
    performer = res.get("performer")
    names, specialties = (
        ctx.performers(res, (p.get("actor") for p in lst(performer) if isinstance(p, dict)))
        if performer
        else _NOBODY
    )
    note = notes(res)
    why = reasons(res)
    if note is None and not names and not specialties and not why:
        details: Details = empty_details(kind)
    else:
        details = (_imaging if kind is ItemKind.IMAGING else _procedure)(
            note=note, performer=names, specialty=specialties or None, reason=why or None
        )
    return [
        ctx.item(
            res,
            kind,
            when,
            codes,
            matched=matched,
            text=text_of(code),
            details=details,
            refs=refs(res, "basedOn"),
        )
    ]


_NOBODY: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def _medication_codes(ctx: Ctx, res: dict[str, Any]) -> tuple[list[Coding], str | None]:
    cc = res.get("medicationCodeableConcept")
    if isinstance(cc, dict):
        return codings(cc), text_of(cc)
    med = ctx.resolve(res.get("medicationReference"), res)
    if med is not None and med.get("resourceType") == "Medication":  # FHIR R4: Reference(Medication)
        return codings(med.get("code")), text_of(med.get("code"))
    ref = res.get("medicationReference")
    return [], ref.get("display") if isinstance(ref, dict) else None


def _med_matched(ctx: Ctx, codes: list[Coding], text: str | None) -> tuple[Matched, list[str]]:
    """The codes' concepts, and the medication concepts: the coded ones, else those named in text."""
    matched = ctx.concepts_for(codes)
    concepts = matched[0]
    if concepts:
        return matched, concepts
    named: list[str] = []
    match = ctx.cs.match_medication_text
    for c in codes:
        hit = match(c.display)
        if hit:
            named.append(hit)
    hit = match(text)
    if hit:
        named.append(hit)
    return matched, named


def medication_request(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    start: Instant | None = None
    end: Instant | None = None
    basis: DurationBasis | None = None
    supply_text: str | None = None
    dosages = lst(res.get("dosageInstruction"))
    for d in dosages:
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
            end = as_date(start) + _THIRTY_DAYS
            basis = DurationBasis.ASSUMED_30_DAYS
    if start is None:
        raise ctx.bad(
            "MedicationRequest has no date (authoredOn or dosage bounds)", "add authoredOn to the order"
        )
    dosage = [d.get("text") for d in dosages if isinstance(d, dict) and d.get("text")]
    names, specialties = ctx.performers(res, [res.get("requester")])
    dose = "; ".join(str(x) for x in dosage) if dosage else None
    key = (basis, supply_text, dose, names, specialties)
    details = _MEDICATION_DETAILS.get(key)
    if details is None:
        if len(_MEDICATION_DETAILS) >= _SHARED_MAX:
            _MEDICATION_DETAILS.clear()
        details = _MEDICATION_DETAILS[key] = MedicationDetails(
            duration_basis=basis,
            supply=supply_text,
            dose=dose,
            performer=names,
            specialty=specialties or None,
        )
    matched, concepts = _med_matched(ctx, codes, text)
    return [
        ctx.item(
            res,
            ItemKind.MEDICATION,
            make_when(start, end),
            codes,
            matched=(concepts, matched[1], matched[2]),
            text=text,
            details=details,
        )
    ]


_THIRTY_DAYS = timedelta(days=29)  # the first day and 29 more


def medication_statement(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    when = ctx.choice_when(res, "effective")
    if when is None and res.get("dateAsserted"):
        when = make_when(ctx.when_value(res["dateAsserted"], "dateAsserted")[0])
    if when is not None and when.end is None and status_of(res) in ("active", "intended", None):
        when = make_when(when.start, None, True)
    matched, concepts = _med_matched(ctx, codes, text)
    return [
        ctx.item(
            res,
            ItemKind.MEDICATION,
            when,
            codes,
            matched=(concepts, matched[1], matched[2]),
            text=text,
            details=_medication(note=notes(res)),
        )
    ]
