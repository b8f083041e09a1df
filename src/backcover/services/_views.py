"""JSON views of stored cases, shared by the CLI (`case show --format json`) and the web app."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcover.appeals import explain_carc, explain_rarc
from backcover.services._deadlines import case_deadlines, next_deadline
from backcover.store import Case, DenialCode

__all__ = ["case_json", "code_json"]


def code_json(c: DenialCode) -> dict[str, Any]:
    exp = explain_carc(c.code) if c.system == "carc" else explain_rarc(c.code)
    label = f"{c.group_code}-{c.code}" if c.group_code else c.code
    return {
        "system": c.system,
        "code": c.code,
        "group": c.group_code,
        "label": label,
        "amount": c.amount,
        "known": exp.known,
        "source": c.source,
        "claim_id": c.claim_id,
        "explanation": exp.to_json(),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _story_json(case: Case) -> dict[str, Any]:
    """The case-story fields (``case edit``): reference numbers, dates of service, who signs, the route."""
    return {
        "claim_number": case.claim_number,
        "service_from": _iso(case.service_from),
        "service_to": _iso(case.service_to),
        "external_route": case.external_route,
        "representative_name": case.representative_name,
        "representative_address": case.representative_address,
        "closed_on": _iso(case.closed_on),
        "assignee": case.assignee,
    }


def case_json(case: Case, as_of: date, *, full: bool = True) -> dict[str, Any]:
    """A case as JSON: its next deadline, and with ``full`` everything on it (from ``Store.get_case``)."""
    nxt = next_deadline(case, as_of)
    out: dict[str, Any] = {
        "id": case.id,
        "patient": {"id": case.patient_id, "name": case.patient.name},
        "title": case.title,
        "procedure_code": case.procedure_code,
        "payer": case.payer,
        "plan_kind": case.plan_kind,
        "setting": case.setting,
        "state": case.state,
        "service": case.service,
        "urgent": case.urgent,
        "status": case.status,
        "next_deadline": nxt.to_json() if nxt else None,
    }
    if not full:
        return out
    out["dates"] = [i.to_json() for i in case_deadlines(case)]
    out["story"] = _story_json(case)
    out["patient"] |= {
        "birth_date": _iso(case.patient.birth_date),
        "address": case.patient.address,
        "phone": case.patient.phone,
    }
    out["plan"] = (
        {
            "name": case.plan.name,
            "payer": case.plan.payer,
            "member_id": case.plan.member_id,
            "group_number": case.plan.group_number,
            "appeals_address": case.plan.appeals_address,
        }
        if case.plan
        else None
    )
    out["provider"] = (
        {
            "name": case.provider.name,
            "npi": case.provider.npi,
            "phone": case.provider.phone,
            "specialty": case.provider.specialty,
            "address": case.provider.address,
            "fax": case.provider.fax,
        }
        if case.provider
        else None
    )
    out["prior_authorizations"] = [
        {
            "id": pa.id,
            "status": pa.status,
            "auth_number": pa.auth_number,
            "expires_on": pa.expires_on.isoformat() if pa.expires_on else None,
            "timeline": [
                {"status": e.status, "date": e.on_date.isoformat(), "note": e.note} for e in pa.events
            ],
        }
        for pa in case.pa_requests
    ]
    out["denials"] = [
        {
            "id": d.id,
            "date": d.denial_date.isoformat(),
            "received": d.received_date.isoformat() if d.received_date else None,
            "reason_text": d.reason_text,
            "source": d.source,
            "codes": [code_json(c) for c in d.codes],
        }
        for d in case.denials
    ]
    out["appeals"] = [
        {
            "id": a.id,
            "level": a.level,
            "denial_id": a.denial_id,
            "filed_on": a.filed_on.isoformat() if a.filed_on else None,
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "outcome": a.outcome,
            "outcome_date": a.outcome_date.isoformat() if a.outcome_date else None,
        }
        for a in case.appeals
    ]
    out["peer_to_peers"] = [
        {"requested_on": p.requested_on.isoformat(), "reviewer": p.reviewer_name, "outcome": p.outcome}
        for p in case.peer_to_peers
    ]
    out["external_reviews"] = [
        {"requested_on": r.requested_on.isoformat(), "organization": r.organization, "decision": r.decision}
        for r in case.external_reviews
    ]
    out["documents"] = [
        {
            "id": d.id,
            "type": d.doc_type,
            "date": d.doc_date.isoformat() if d.doc_date else None,
            "source": d.source,
            "filename": d.filename,
            "sha256": d.sha256,
            "size": d.size,
        }
        for d in case.documents
    ]
    return out
