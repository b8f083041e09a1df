"""Drafting a letter for a case: the case's facts from the store, the determination from the engine.

The determination reaches the letter as the engine's object (or, when a person gives a saved
``backcover check --format json`` file, as its view): nothing is re-read through JSON defaults.
"""

from __future__ import annotations

from datetime import date

from backcover.appeals import explain_carc, explain_rarc
from backcover.catalog import find
from backcover.documents import (
    PAYER_ADDRESSEES,
    Attachment,
    DenialView,
    DeterminationView,
    Document,
    LetterFacts,
    Party,
    TimelineEntry,
    build_letter,
    evidence_labels,
    record_timeline,
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

__all__ = ["NEEDS_DENIAL", "denial_view", "draft_letter", "letter_facts"]

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


def _timeline(store: Store, case: Case, record: Record | None) -> tuple[TimelineEntry, ...]:
    log = [
        TimelineEntry(e.entry_date, e.text or e.kind.replace("_", " "), "patient's log")
        for e in store.log_entries(case.patient_id)
    ]
    docs = [
        TimelineEntry(d.doc_date, f"{d.doc_type.replace('_', ' ')}: {d.filename or ''}".strip(), d.source)
        for d in case.documents
        if d.doc_date
    ]
    return tuple(log + docs + (record_timeline(record) if record is not None else []))


def letter_facts(store: Store, case: Case, kind: LetterKind, record: Record | None = None) -> LetterFacts:
    """Everything a letter says about a case loaded by ``Store.get_case``."""
    p = case.patient
    patient = Party(
        p.name,
        _lines(p.address),
        phone=p.phone,
        email=p.email,
        member_id=p.member_id,
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
    kind_of_plan = parse_plan_kind(case.payer, where="payer")
    payer = (
        Party(case.plan.name, _lines(case.plan.appeals_address))
        if case.plan
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
        timeline=_timeline(store, case, record) if kind is LetterKind.PRIOR_AUTH_PACKET else (),
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

    ``require_denial`` refuses the letters that answer a denial when the case has none.
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

    return case, build_letter(kind, facts, view, as_of, sender=sender)
