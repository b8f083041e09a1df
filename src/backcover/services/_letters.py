"""Drafting a letter for a case: the case's facts from the store, the determination from the engine.

The determination reaches the letter as the engine's object (or, when a person gives a saved
``backcover check --format json`` file, as its view): nothing is re-read through JSON defaults.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from backcover.appeals import explain_carc, explain_rarc
from backcover.catalog import find
from backcover.documents import (
    PAYER_ADDRESSEES,
    Attachment,
    CaseRef,
    DenialView,
    DeterminationView,
    Document,
    LetterFacts,
    Party,
    TimelineEntry,
    Withheld,
    build_letter,
    evidence_labels,
    external_route,
    packet_record,
    route_requests,
)
from backcover.engine import Determination
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.model import Record
from backcover.services._check import check_case
from backcover.services._deadlines import letter_deadline
from backcover.store import Case, Denial, Store
from backcover.vocab import LetterKind, Signer, parse_plan_kind

__all__ = [
    "NEEDS_DENIAL",
    "denial_view",
    "draft_letter",
    "final_problems",
    "keep_letter",
    "letter_facts",
]

NEEDS_DENIAL = (LetterKind.APPEAL_LETTER, LetterKind.PEER_TO_PEER_PREP, LetterKind.EXTERNAL_REVIEW_REQUEST)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").splitlines() if x.strip())


def denial_view(d: Denial) -> DenialView:
    """A stored denial in the letter's words: each code with its plain-language summary."""
    codes = []
    for c in d.codes:
        exp = explain_carc(c.code) if c.system == "carc" else explain_rarc(c.code)
        label = f"{c.group_code}-{c.code}" if c.group_code else c.code
        note = " (suggested by the letter's words)" if c.source == "text" else ""
        codes.append((label, exp.summary + note))
    claim = next((c.claim_id for c in d.codes if c.claim_id), None)
    return DenialView(d.denial_date, d.reason_text, tuple(codes), f"claim {claim}" if claim else None)


def letter_facts(store: Store, case: Case, kind: LetterKind, record: Record | None = None) -> LetterFacts:
    """Everything a letter says about a case loaded by ``Store.get_case``."""
    p = case.patient
    plan = case.plan
    member = (plan.member_id if plan else None) or p.member_id
    patient = Party(
        p.name,
        _lines(p.address),
        phone=p.phone,
        email=p.email,
        member_id=member,
        birth_date=p.birth_date,
    )
    pr = case.provider
    provider = (
        Party(
            pr.name,
            _lines(pr.address),
            phone=pr.phone,
            fax=pr.fax,
            npi=pr.npi,
            specialty=pr.specialty,
            organization=pr.organization,
        )
        if pr
        else None
    )
    kind_of_plan = parse_plan_kind(case.plan_kind, where="plan kind")
    payer = (
        Party(plan.payer or plan.name, _lines(plan.appeals_address))
        if plan
        else Party(PAYER_ADDRESSEES.get(kind_of_plan, case.payer))
    )
    attachments = tuple(
        Attachment(d.filename or d.doc_type.replace("_", " "), d.doc_type, d.doc_date, d.source, d.sha256)
        for d in case.documents
        if d.doc_type not in ("remittance", "appeal_letter") and d.source != "backcover"
    )
    last = case.denials[-1] if case.denials else None
    routes = [explain_carc(c.code).route for c in last.codes if c.system == "carc"] if last else []
    deadline = letter_deadline(case)
    final = [a for a in case.appeals if a.outcome in ("upheld", "partial")]
    found = find(case.procedure_code)
    claim = case.claim_number or (
        next((c.claim_id for c in last.codes if c.claim_id), None) if last else None
    )
    ref = CaseRef(
        member_id=member,
        group_number=plan.group_number if plan else None,
        claim_number=claim,
        service_from=case.service_from,
        service_to=case.service_to,
        plan_name=plan.name if plan else None,
        plan_kind=kind_of_plan.value,
        route=external_route(kind_of_plan.value, case.external_route),
    )
    rep = (
        Party(case.representative_name, _lines(case.representative_address))
        if case.representative_name
        else None
    )
    p2p = case.peer_to_peers[-1] if case.peer_to_peers else None
    diagnoses: tuple[TimelineEntry, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    return LetterFacts(
        patient=patient,
        provider=provider,
        payer=payer,
        procedure=(case.procedure_code, found.name if found else case.title),
        setting=case.setting,
        urgent=case.urgent,
        denial=denial_view(last) if last else None,
        requests=route_requests(routes),
        level_name=deadline.level_name,
        file_by=deadline.file_by,
        rule=deadline.rule,
        final_decision_date=final[-1].outcome_date if final else None,
        attachments=attachments,
        timeline=timeline,
        diagnoses=diagnoses,
        withheld=withheld,
        ref=ref,
        representative=rep,
        reviewer=p2p.reviewer_name if p2p else None,
        reviewer_credentials=p2p.reviewer_credentials if p2p else None,
        scheduled_for=p2p.scheduled_for if p2p else None,
        planned_date=case.service_from if case.service == "pre" else None,
    )


def draft_letter(
    store: Store,
    case_id: int,
    kind: LetterKind,
    as_of: date,
    *,
    record: Record | None = None,
    determination: Determination | DeterminationView | None = None,
    sender: Signer = Signer.PATIENT,
    require_denial: bool = False,
    knowledge: Knowledge | None = None,
) -> tuple[Case, Document]:
    """The case and its letter. Without ``determination``, a record is checked as of ``as_of``.

    ``require_denial`` refuses the letters that answer a denial when the case has none. A packet
    holds only the record items that are evidence for a met criterion and the diagnoses of the
    service's body region; the rest is counted as withheld.
    """
    case = store.get_case(case_id)
    if require_denial and kind in NEEDS_DENIAL and not case.denials:
        raise BadInput(
            "this case has no denial yet",
            "add the denial (its date and codes) first; the letter answers it",
            where="denials",
        )
    if determination is None and record is not None:
        determination = check_case(case, record, as_of, knowledge=knowledge)
    view = (
        DeterminationView.from_engine(determination)
        if isinstance(determination, Determination)
        else determination
    )
    if view is not None and record is not None:
        view = view.with_labels(evidence_labels(record))
    facts = letter_facts(store, case, kind, record)
    if kind is LetterKind.PRIOR_AUTH_PACKET and record is not None:
        found = find(case.procedure_code)
        region = found.region.value if found and found.region else None
        diagnoses, timeline, withheld = packet_record(record, view, region)
        facts = replace(facts, diagnoses=diagnoses, timeline=timeline, withheld=withheld)
    return case, build_letter(kind, facts, view, as_of, sender=sender)


def final_problems(doc: Document) -> BadInput | None:
    """Why a letter cannot be made final yet (the first missing field, and where it is printed)."""
    missing = doc.missing()
    if not missing:
        return None
    m = missing[0]
    also = f" (also missing: {', '.join(x.field for x in missing[1:])})" if missing[1:] else ""
    return BadInput(
        f"the {m.field} is missing{also}; a draft was made instead",
        f"add the {m.field} to the case: it is printed on {m.where}",
        where=m.field,
    )


def keep_letter(store: Store, case: Case, doc: Document, pdf: bytes, as_of: date, filename: str) -> int:
    """Keep a final letter's PDF with the case (dated, with its sha256); returns the document id."""
    doc_type = {"appeal_letter": "appeal_letter", "prior_auth_packet": "prior_auth"}.get(doc.kind, "letter")
    kept = store.add_document(
        case.patient_id,
        pdf,
        doc_type,
        doc_date=as_of,
        source="backcover",
        filename=filename,
        case_id=case.id,
    )
    return kept.id
