"""Mappers for visits, orders, papers and money: Encounter, ServiceRequest, DocumentReference,
Coverage, ExplanationOfBenefit, and the Patient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backcover.record.details import (
    Attachment,
    CoverageDetails,
    DocumentDetails,
    EncounterDetails,
    ReferralDetails,
    details_class,
    shared,
)
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._values import (
    as_date,
    codings,
    decimal_of,
    human_name,
    lst,
    reasons,
    status_of,
    text_of,
)
from backcover.record.model import Item, Patient, When, make_when
from backcover.vocab import ItemKind, Provenance

_encounter = shared(EncounterDetails)
_referral = shared(ReferralDetails)
_coverage = shared(CoverageDetails)

__all__ = ["coverage", "document_reference", "encounter", "eob", "patient", "service_request"]


def encounter(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = [c for t in lst(res.get("type")) for c in codings(t)]
    codes += codings(res.get("serviceType"))
    texts = [t for t in [*(text_of(t) for t in lst(res.get("type"))), text_of(res.get("serviceType"))] if t]
    text = "; ".join(dict.fromkeys(texts)) or None
    when = ctx.period(res.get("period"), "period") if res.get("period") else None
    if when is not None and when.ongoing and status_of(res) == "finished":
        when = make_when(when.start)
    if when is not None and when.end is not None and as_date(when.end) == as_date(when.start):
        when = make_when(when.start)
    cls = res.get("class")
    names, specialties = ctx.performers(
        res, (p.get("individual") for p in lst(res.get("participant")) if isinstance(p, dict))
    )
    details = _encounter(
        encounter_class=cls["code"] if isinstance(cls, dict) and cls.get("code") else None,
        performer=names,
        specialty=specialties or None,
        reason=reasons(res) or None,
    )
    extra: list[str] = []
    matched = ctx.concepts_for(codes)
    if not matched[0]:
        hit = ctx.cs.match_visit_text(" ".join([text or "", *specialties]))
        if hit:
            extra.append(hit)
    return [
        ctx.item(
            res,
            ItemKind.ENCOUNTER,
            when,
            codes,
            matched=matched,
            text=text,
            extra_concepts=extra,
            details=details,
        )
    ]


def service_request(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("code"))
    text = text_of(res.get("code"))
    when = (
        make_when(ctx.when_value(res["authoredOn"], "authoredOn")[0])
        if res.get("authoredOn")
        else ctx.choice_when(res, "occurrence")
    )
    names, specialties = ctx.performers(res, [res.get("requester"), *(lst(res.get("performer")))])
    details = _referral(
        intent=res.get("intent") or None,
        reason=reasons(res) or None,
        performer=names,
        specialty=specialties or None,
    )
    matched = ctx.concepts_for(codes)
    extra = ["referral"] if "referral" not in matched[0] else []
    return [
        ctx.item(
            res,
            ItemKind.REFERRAL,
            when,
            codes,
            matched=matched,
            text=text,
            extra_concepts=extra,
            details=details,
        )
    ]


def coverage(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("type"))
    when = ctx.period(res.get("period"), "period") if res.get("period") else None
    payors = tuple(
        str(p["display"]) for p in lst(res.get("payor")) if isinstance(p, dict) and p.get("display")
    )
    details = _coverage(payor=payors)
    return [ctx.item(res, ItemKind.COVERAGE, when, codes, text=text_of(res.get("type")), details=details)]


def document_reference(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    codes = codings(res.get("type"))
    when = make_when(ctx.when_value(res["date"], "date")[0]) if res.get("date") else None
    if when is None and isinstance(res.get("context"), dict) and res["context"].get("period"):
        when = ctx.period(res["context"]["period"], "context.period")
    attachments = []
    for c in lst(res.get("content")):
        att = c.get("attachment") if isinstance(c, dict) else None
        if isinstance(att, dict):
            attachments.append(
                Attachment(att.get("contentType"), att.get("title"), att.get("url"), att.get("size"))
            )
    text = res.get("description") if isinstance(res.get("description"), str) else text_of(res.get("type"))
    details = DocumentDetails(attachments=tuple(attachments))
    return [ctx.item(res, ItemKind.DOCUMENT, when, codes, text=text, details=details)]


def eob(ctx: Ctx, res: dict[str, Any]) -> list[Item]:
    """Claims history: each claim line becomes an item, and each diagnosis on the claim too."""
    billable = ctx.period(res.get("billablePeriod"), "billablePeriod") if res.get("billablePeriod") else None
    base = ctx.rid
    items: list[Item] = []
    for i, dx in enumerate(lst(res.get("diagnosis"))):
        if not isinstance(dx, dict):
            continue
        codes = codings(dx.get("diagnosisCodeableConcept"))
        if codes:
            when = make_when(billable.start) if billable else None
            items.append(
                ctx.item(
                    res,
                    ItemKind.DIAGNOSIS,
                    when,
                    codes,
                    text=text_of(dx.get("diagnosisCodeableConcept")),
                    provenance=Provenance.CLAIM,
                    source=f"{base}#diagnosis[{i}]",
                    status=None,
                )
            )
    for i, line in enumerate(lst(res.get("item"))):
        if not isinstance(line, dict):
            continue
        codes = codings(line.get("productOrService"))
        line_when: When | None
        if line.get("servicedDate"):
            line_when = make_when(ctx.when_value(line["servicedDate"], "item.servicedDate")[0])
        elif line.get("servicedPeriod"):
            line_when = ctx.period(line["servicedPeriod"], "item.servicedPeriod")
        else:
            line_when = billable
        matched = ctx.concepts_for(codes)
        concepts = matched[0]
        kind = (
            ItemKind.MEDICATION
            if any(ctx.cs.is_a(c, "medication_trial") for c in concepts)
            else ctx.kind_for(concepts, ItemKind.PROCEDURE)
        )
        if kind is ItemKind.PROCEDURE and any(ctx.cs.is_a(c, "office_visit") for c in concepts):
            kind = ItemKind.ENCOUNTER
        qty = decimal_of(line["quantity"].get("value")) if isinstance(line.get("quantity"), dict) else None
        # not shared: equal quantities may be written differently (1 and 1.0)
        details = details_class(kind)(claim_status=res.get("outcome") or None, quantity=qty)
        items.append(
            ctx.item(
                res,
                kind,
                line_when,
                codes,
                matched=matched,
                text=text_of(line.get("productOrService")),
                provenance=Provenance.CLAIM,
                source=f"{base}#item[{i}]",
                details=details,
            )
        )
    return items


def patient(ctx: Ctx, res: Mapping[str, Any], pid: str) -> Patient:
    birth = None
    if res.get("birthDate") is not None:
        value, precision = ctx.when_value(res["birthDate"], "birthDate")
        birth = as_date(value) if precision == "day" else None
    idents = tuple(
        (str(i.get("system") or ""), str(i["value"]))
        for i in lst(res.get("identifier"))
        if isinstance(i, dict) and i.get("value") is not None
    )
    state = None
    for addr in lst(res.get("address")):
        if isinstance(addr, dict) and isinstance(addr.get("state"), str):
            state = addr["state"]
            break
    return Patient(
        id=pid.split("/", 1)[1],
        name=human_name(res.get("name")),
        birth_date=birth,
        gender=res.get("gender") if isinstance(res.get("gender"), str) else None,
        identifiers=idents,
        state=state,
        sources=(ctx.file,),
    )
