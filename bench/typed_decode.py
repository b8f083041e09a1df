"""Experiment (issue 16): Condition, Procedure and MedicationRequest mapped from msgspec schemas.

Not used by backcover: measured by ``bench/decode_bench.py``, it did not pay (see
docs/screening.md, "Typed decoding with msgspec"). Kept so the figures can be measured again.

A ``msgspec.Struct`` schema per type holds only the fields the mappers read. Two ways in:
- :func:`map_fast`: the line parsed by orjson as today, the dict checked against the schema by
  ``msgspec.convert`` (in C), then mapped from typed attributes by :func:`map_typed`;
- :data:`DECODERS`: the line decoded by the schema directly, skipping unread fields in C. Faster,
  but not a drop-in: msgspec skips, unread, what orjson refuses (bytes that are not UTF-8, numbers
  beyond a double), so a file refused today would be read; telling such lines apart costs about
  as much as orjson's parse (UUIDs look like exponents to any cheap byte search).
Whatever the schema or the typed mapper does not take goes to ``_parse.map_one``, so the items
and the messages are the dict path's (the bench checks the items on the Synthea files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType, convert

from backcover.record.codes import Coding
from backcover.record.details import Details, DurationBasis, MedicationDetails, empty_details
from backcover.record.fhir import _clinical as cl
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._parse import _SKIPPED, ITEMS, Outcome, map_one
from backcover.record.fhir._read import NO_URLS
from backcover.record.fhir._values import _CODINGS, _coding, as_date, tail
from backcover.record.model import Item, When, make_when
from backcover.vocab import ItemKind

__all__ = ["DECODERS", "SCHEMAS", "map_fast", "map_typed"]


class _Coding(msgspec.Struct, gc=False):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class _CC(msgspec.Struct, gc=False):
    coding: list[_Coding] | None = None
    text: str | None = None


class _Ref(msgspec.Struct, gc=False):
    reference: str | None = None
    display: str | None = None


class _Period(msgspec.Struct, gc=False):
    start: str | None = None
    end: str | None = None


class _Note(msgspec.Struct, gc=False):
    text: str | None = None


class _Res(msgspec.Struct, gc=False):
    resourceType: str
    id: str | UnsetType = UNSET
    status: str | None = None
    verificationStatus: _CC | str | None = None
    subject: _Ref | None = None


class _Condition(_Res, gc=False):
    code: _CC | None = None
    clinicalStatus: _CC | str | None = None
    category: list[_CC] | None = None
    onsetDateTime: str | None = None
    onsetInstant: str | None = None
    onsetDate: str | None = None
    onsetPeriod: _Period | None = None
    recordedDate: str | None = None
    abatementDateTime: str | None = None
    abatementInstant: str | None = None
    abatementDate: str | None = None
    abatementPeriod: _Period | None = None


class _Procedure(_Res, gc=False):
    code: _CC | None = None
    performedDateTime: str | None = None
    performedInstant: str | None = None
    performedDate: str | None = None
    performedPeriod: _Period | None = None
    note: list[_Note] | None = None
    reasonCode: list[_CC] | None = None
    basedOn: list[_Ref] | None = None
    performer: Any = UNSET  # looked up by reference: left to the dict path


class _Repeat(msgspec.Struct, gc=False):
    boundsPeriod: Any = UNSET


class _Timing(msgspec.Struct, gc=False):
    repeat: _Repeat | None = None


class _Dosage(msgspec.Struct, gc=False):
    text: str | None = None
    timing: _Timing | None = None


class _MedicationRequest(_Res, gc=False):
    medicationCodeableConcept: _CC | None = None
    authoredOn: str | None = None
    requester: _Ref | None = None
    dosageInstruction: list[_Dosage] | None = None
    dispenseRequest: Any = UNSET  # the supply: left to the dict path


SCHEMAS: dict[str, type[_Res]] = {
    "Condition": _Condition,
    "Procedure": _Procedure,
    "MedicationRequest": _MedicationRequest,
}


DECODERS: dict[bytes, msgspec.json.Decoder[Any]] = {
    name.encode(): msgspec.json.Decoder(schema) for name, schema in SCHEMAS.items()
}


def map_fast(ctx: Ctx, doc: dict[str, Any], where: str, full_urls: Mapping[str, str]) -> Outcome | None:
    """``map_one(ctx, doc, where, full_urls)``: by the schema when it takes the resource."""
    schema = SCHEMAS.get(doc["resourceType"])
    if schema is not None and not full_urls:
        try:
            res = convert(doc, schema)
        except msgspec.ValidationError:
            res = None
        if res is not None:
            seen = ctx.seen
            mark = len(seen) if seen is not None else 0
            try:
                outcome = map_typed(ctx, res, where)
            except Exception:  # the dict path says why
                outcome = None
            if outcome is not None:
                return outcome
            if seen is not None:
                del seen[mark:]
    return map_one(ctx, doc, where, full_urls)


def map_typed(ctx: Ctx, res: _Res, where: str) -> Outcome | None:
    """What ``map_one`` gives for this resource, or None for the dict path."""
    ctx.where = where
    ctx.full_urls = NO_URLS
    rtype = res.resourceType
    ctx.rid = f"{rtype}/{'?' if res.id is UNSET else res.id}"
    if res.status == "entered-in-error":
        return _SKIPPED
    vs = res.verificationStatus
    if vs is not None and _status(vs) in ("entered-in-error", "refuted"):
        return _SKIPPED
    subject = res.subject
    target = subject.reference if subject is not None else None
    if target is None:
        return None
    produced = _MAPPERS[type(res)](ctx, res)
    return None if produced is None else (ITEMS, tail(target), produced)


def _condition(ctx: Ctx, r: Any) -> list[Item] | None:
    if isinstance(r.clinicalStatus, str):
        return None
    code = r.code
    when = _choice(ctx, "onset", r.onsetDateTime, r.onsetInstant, r.onsetDate, r.onsetPeriod)
    if when is None and r.recordedDate:
        when = make_when(ctx.when_value(r.recordedDate, "recordedDate")[0])
    abated = _choice(
        ctx, "abatement", r.abatementDateTime, r.abatementInstant, r.abatementDate, r.abatementPeriod
    )
    clinical = _status(r.clinicalStatus)
    if when is not None:
        if abated is not None:
            when = make_when(when.start, abated.end or abated.start)
        elif clinical in (None, "active", "recurrence", "relapse"):
            when = make_when(when.start, None, True)
    return [
        ctx.item(
            _NO_RES,
            ItemKind.DIAGNOSIS,
            when,
            _codings(code),
            text=_text(code),
            status=clinical,
            details=cl._condition_details(_codes_of_all(r.category)),
        )
    ]


def _procedure(ctx: Ctx, r: Any) -> list[Item] | None:
    if r.performer is not UNSET:
        return None
    code = r.code
    codes = _codings(code)
    when = _choice(
        ctx, "performed", r.performedDateTime, r.performedInstant, r.performedDate, r.performedPeriod
    )
    matched = ctx.concepts_for(codes)
    kind = ctx.kind_for(matched[0], ItemKind.PROCEDURE)
    raw = r.note
    texts = [n.text for n in raw if n.text is not None] if raw else None
    note = " ".join(texts) if texts else None
    why = _codes_of_all(r.reasonCode)
    details: Details
    if note is None and not why:
        details = empty_details(kind)
    else:
        details = (cl._imaging if kind is ItemKind.IMAGING else cl._procedure)(
            note=note, performer=(), specialty=None, reason=why or None
        )
    based = r.basedOn
    refs = tuple(tail(b.reference) for b in based if b.reference is not None) if based else ()
    return [
        ctx.item(
            _NO_RES,
            kind,
            when,
            codes,
            matched=matched,
            text=_text(code),
            status=r.status,
            details=details,
            refs=refs,
        )
    ]


def _medication_request(ctx: Ctx, r: Any) -> list[Item] | None:
    cc = r.medicationCodeableConcept
    requester = r.requester
    if (
        cc is None
        or r.authoredOn is None
        or r.dispenseRequest is not UNSET
        or (requester is not None and requester.reference is not None and requester.reference.startswith("#"))
    ):
        return None
    dosages = r.dosageInstruction or ()
    for d in dosages:
        t = d.timing
        if t is not None and t.repeat is not None and t.repeat.boundsPeriod is not UNSET:
            return None
    codes = _codings(cc)
    text = _text(cc)
    start = ctx.when_value(r.authoredOn, "authoredOn")[0]
    end = as_date(start) + cl._THIRTY_DAYS
    basis = DurationBasis.ASSUMED_30_DAYS
    dosage = [d.text for d in dosages if d.text]
    ref = None if requester is None else {"reference": requester.reference, "display": requester.display}
    names, specialties = ctx.performers(_NO_RES, [ref])
    dose = "; ".join(dosage) if dosage else None
    key = (basis, None, dose, names, specialties)
    details = cl._MEDICATION_DETAILS.get(key)
    if details is None:
        if len(cl._MEDICATION_DETAILS) >= cl._SHARED_MAX:
            cl._MEDICATION_DETAILS.clear()
        details = cl._MEDICATION_DETAILS[key] = MedicationDetails(
            duration_basis=basis, supply=None, dose=dose, performer=names, specialty=specialties or None
        )
    matched, concepts = cl._med_matched(ctx, codes, text)
    return [
        ctx.item(
            _NO_RES,
            ItemKind.MEDICATION,
            make_when(start, end),
            codes,
            matched=(concepts, matched[1], matched[2]),
            text=text,
            status=r.status,
            details=details,
        )
    ]


_NO_RES: dict[str, Any] = {}


_MAPPERS: dict[type, Callable[[Ctx, Any], list[Item] | None]] = {
    _Condition: _condition,
    _Procedure: _procedure,
    _MedicationRequest: _medication_request,
}


def _choice(ctx: Ctx, prefix: str, at: Any, instant: Any, day: Any, period: Any) -> When | None:
    """``Ctx.choice_when`` on the four fields of a choice element."""
    if at is not None:
        return make_when(ctx.when_value(at, prefix + "DateTime")[0])
    if instant is not None:
        return make_when(ctx.when_value(instant, prefix + "Instant")[0])
    if day is not None:
        return make_when(ctx.when_value(day, prefix + "Date")[0])
    if period is not None:
        return ctx.period({"start": period.start, "end": period.end}, prefix + "Period")
    return None


def _codings(cc: _CC | None) -> list[Coding]:
    """``_context.codings`` of a decoded CodeableConcept (the same shared Codings)."""
    if cc is None or cc.coding is None:
        return []
    out = []
    shared = _CODINGS
    for c in cc.coding:
        code = c.code
        if code is not None:
            system, display = c.system, c.display
            found = shared.get((system, code, display))
            out.append(found if found is not None else _coding(system, code, display))
    return out


def _text(cc: _CC | None) -> str | None:
    if cc is None:
        return None
    if cc.text is not None:
        return cc.text
    for c in cc.coding or ():
        if c.display is not None:
            return c.display
    return None


def _status(v: _CC | str | None) -> str | None:
    if v is None or isinstance(v, str):
        return v
    for c in v.coding or ():
        if c.code is not None:
            return c.code
    return None


def _codes_of_all(ccs: list[_CC] | None) -> tuple[str, ...]:
    """``categories`` / ``reasons``: the codes of a list of CodeableConcepts, as text."""
    if not ccs:
        return ()
    return tuple(c.code for cc in ccs if cc.coding is not None for c in cc.coding if c.code is not None)
