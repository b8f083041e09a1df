"""Cases in the web app: the store's cases of the person chosen in the workspace, as page data.

The store (:mod:`backcover.store`) is opened once per app. Its patients have their own numeric ids;
the workspace remembers which store patient stands for which imported person.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from backcover import services
from backcover.appeals import explain_carc, explain_rarc
from backcover.caseload import STAGES
from backcover.catalog import find
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Store, open_store
from backcover.web._forms import labelled
from backcover.web._recordview import plain_name
from backcover.web._workspace import Workspace

__all__ = [
    "FORM_FIELDS",
    "StoreHolder",
    "add_denial",
    "case_view",
    "cases_list",
    "on_form",
    "store_patient_id",
]

PA_WORDS = {
    "draft": "being prepared",
    "submitted": "sent to the plan",
    "pended": "waiting: the plan asked for more",
    "approved": "approved",
    "denied": "denied",
    "withdrawn": "withdrawn",
}


class StoreHolder:
    """Opens the store on first use (migrating it), once, for all requests."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._store: Store | None = None
        self._lock = threading.Lock()

    def get(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.url)
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def store_patient_id(store: Store, ws: Workspace, record: Record | None, *, create: bool = True) -> int:
    """The store patient for the chosen person, created the first time it is needed (0: none yet,
    when ``create`` is False)."""
    key = ws.patient_id or "log"
    known: dict[str, int] = dict(ws.recall("store_patients") or {})
    if key in known:
        return int(known[key])
    if not create:
        return 0
    name = (plain_name(record.patient.name) if record is not None else None) or "Me"
    birth = record.patient.birth_date if record is not None else None
    p = store.add_patient(name, birth)
    known[key] = p.id
    ws.remember("store_patients", known)
    return p.id


def _procedure_name(code: str) -> str:
    proc = find(code)
    return proc.name if proc else f"procedure {code}"


def cases_list(store: Store, patient_id: int, as_of: date) -> list[dict[str, Any]]:
    """Every case in the store (the command line's too: one store), this person's first."""
    out = []
    rows = store.list_cases()
    for c in sorted(rows, key=lambda r: (r.patient_id != patient_id, r.id)):
        full = store.get_case(c.id)
        nxt = services.next_deadline(full, as_of)
        out.append(
            {
                "id": c.id,
                "title": _procedure_name(c.procedure_code),
                "code": c.procedure_code,
                "payer": c.payer,
                "status": c.status,
                "patient": full.patient.name,
                "mine": c.patient_id == patient_id,
                "denials": len(full.denials),
                "pa": PA_WORDS.get(full.pa_requests[-1].status) if full.pa_requests else None,
                "next": {"due": nxt.due.isoformat(), "what": nxt.what} if nxt else None,
            }
        )
    return out


def case_view(store: Store, case_id: int, patient_id: int, as_of: date) -> dict[str, Any]:
    case = store.get_case(case_id)
    events: list[dict[str, Any]] = [
        {"date": case.created_at.date().isoformat(), "what": "Case opened", "kind": "open"}
    ]
    for pa in case.pa_requests:
        for ev in pa.events:
            bits = [f"Prior authorization {PA_WORDS.get(ev.status, ev.status)}"]
            if ev.auth_number:
                bits.append(f"number {ev.auth_number}")
            if ev.expires_on:
                bits.append(f"valid until {ev.expires_on.isoformat()}")
            events.append({"date": ev.on_date.isoformat(), "what": ", ".join(bits), "kind": ev.status})
    denials = []
    for d in case.denials:
        codes = []
        for c in d.codes:
            exp = explain_carc(c.code) if c.system == "carc" else explain_rarc(c.code)
            codes.append(
                {
                    "system": c.system.upper(),
                    "code": f"{c.group_code}-{c.code}" if c.group_code else c.code,
                    "summary": exp.summary,
                    "fix": exp.fix,
                    "url": exp.url,
                    "known": exp.known,
                }
            )
        denials.append(
            {
                "id": d.id,
                "date": d.denial_date.isoformat(),
                "received": d.received_date.isoformat() if d.received_date else None,
                "reason": d.reason_text,
                "codes": codes,
            }
        )
        label = ", ".join(str(c["code"]) for c in codes) or "reason in the letter"
        events.append({"date": d.denial_date.isoformat(), "what": f"Denied ({label})", "kind": "denied"})
    for r in case.peer_to_peers:
        events.append({"date": r.requested_on.isoformat(), "what": "Peer-to-peer requested", "kind": "p2p"})
        if r.outcome:
            when = (r.decided_on or r.scheduled_for or r.requested_on).isoformat()
            events.append({"date": when, "what": f"Peer-to-peer: {r.outcome}", "kind": "p2p"})
    for x in case.external_reviews:
        events.append({"date": x.requested_on.isoformat(), "what": "External review requested", "kind": "er"})
        if x.decision and x.decided_on:
            events.append(
                {"date": x.decided_on.isoformat(), "what": f"External review: {x.decision}", "kind": "er"}
            )
    for a in case.appeals:
        if a.filed_on:
            events.append(
                {"date": a.filed_on.isoformat(), "what": f"Appeal filed ({a.level})", "kind": "appeal"}
            )
        if a.outcome and a.outcome_date:
            events.append(
                {
                    "date": a.outcome_date.isoformat(),
                    "what": f"Appeal {a.outcome} ({a.level})",
                    "kind": "appeal",
                }
            )
    events.sort(key=lambda e: e["date"])
    deadlines = [
        {"due": i.due.isoformat(), "what": i.what, "rule": i.rule, "past": i.due < as_of}
        for i in services.case_deadlines(case)
    ]
    nxt = services.next_deadline(case, as_of)
    docs = [
        {
            "id": doc.id,
            "type": doc.doc_type,
            "name": doc.filename or doc.doc_type,
            "date": doc.doc_date.isoformat() if doc.doc_date else None,
            "size": doc.size,
            "sha256": doc.sha256,
        }
        for doc in case.documents
    ]
    return {
        "id": case.id,
        "title": _procedure_name(case.procedure_code),
        "code": case.procedure_code,
        "payer": case.payer,
        "plan_kind": case.plan_kind,
        "setting": case.setting,
        "state": case.state,
        "status": case.status,
        "stage": STAGES[services.case_stage(case)],
        "patient_id": case.patient_id,
        "assignee": case.assignee,
        "urgent": case.urgent,
        "pa": [
            {"id": p.id, "status": p.status, "words": PA_WORDS.get(p.status, p.status)}
            for p in case.pa_requests
        ],
        "events": events,
        "denials": denials,
        "deadlines": deadlines,
        "next": {"due": nxt.due.isoformat(), "what": nxt.what, "rule": nxt.rule} if nxt else None,
        "documents": docs,
        "mine": case.patient_id == patient_id,
        "details": case_details(case),
        "appeals": [
            {
                "id": a.id,
                "level": a.level,
                "filed": _iso(a.filed_on),
                "outcome": a.outcome,
                "decided": _iso(a.outcome_date),
            }
            for a in case.appeals
        ],
        "levels": services.notice_deadlines(case.plan_kind, as_of).levels,
        "p2p": case.peer_to_peers[-1] if case.peer_to_peers else None,
        "external": case.external_reviews[-1] if case.external_reviews else None,
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def case_details(case: Any) -> dict[str, Any]:
    """The editable details of a case, keyed by the edit form's field names."""
    plan, prov, p = case.plan, case.provider, case.patient
    return {
        "patient_name": p.name,
        "birth_date": _iso(p.birth_date),
        "patient_address": p.address,
        "member_id": (plan.member_id if plan else None) or p.member_id,
        "group_number": plan.group_number if plan else None,
        "plan_name": plan.name if plan else None,
        "payer_name": plan.payer if plan else None,
        "appeals_address": plan.appeals_address if plan else None,
        "claim_number": case.claim_number,
        "service_from": _iso(case.service_from),
        "service_to": _iso(case.service_to),
        "provider_name": prov.name if prov else None,
        "npi": prov.npi if prov else None,
        "specialty": prov.specialty if prov else None,
        "external_route": case.external_route,
        "representative_name": case.representative_name,
        "closed_on": _iso(case.closed_on),
    }


def add_denial(
    store: Store,
    case_id: int,
    *,
    denial_date: date,
    received_date: date | None,
    codes_text: str,
    reason: str,
    as_of: date,
) -> None:
    try:
        request = services.denial_codes(codes=codes_text.strip() or None, text=reason or None)
        services.add_denial(
            store,
            case_id,
            denial_date,
            request,
            as_of=as_of,
            reason_text=reason or None,
            received_date=received_date,
        )
    except BadInput as exc:
        raise on_form(exc) from None


# The form fields a use case's field names stand for on the case page.
FORM_FIELDS = {
    "codes": "Denial codes",
    "denial date": "Date on the denial",
    "received date": "Date you got it",
    "state": "State",
    "payer": "Who pays",
    "status": "Status",
    "auth number": "Authorization number",
    "document type": "Kind",
    "member id": "Member ID",
    "appeals address": "Appeals address",
    "external review address": "External review address",
    "npi": "NPI",
    "external_route": "External review route",
    "patient_name": "Patient's name",
    "confirm": "Yes, delete it",
    "level": "Level",
    "outcome": "Outcome",
    "outcome date": "Date of the decision",
    "requested": "Date requested",
    "decision": "Decision",
}


def on_form(exc: BadInput) -> BadInput:
    """The error with its field named as the form labels it."""
    return labelled(exc, FORM_FIELDS)
