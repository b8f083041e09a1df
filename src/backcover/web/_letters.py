"""The PDFs behind the case page's buttons: appeal letter, prior-authorization packet, peer-to-peer
prep sheet, external-review request.

Each is a pure document object from :mod:`backcover.documents`, built from the store's case, the
person's record and a fresh coverage check as of the letter date, then rendered with WeasyPrint.
A letter never claims a criterion the engine did not find met (the document objects enforce it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backcover.appeals import deadlines, explain_carc, explain_rarc
from backcover.catalog import find
from backcover.documents import (
    AppealLetter,
    Attachment,
    DenialView,
    DeterminationView,
    Document,
    ExternalReviewRequest,
    Party,
    PeerToPeerPrep,
    PriorAuthPacket,
    TimelineEntry,
    render_pdf,
)
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Store
from backcover.web import _services
from backcover.web._recordview import item_label

__all__ = ["make"]

PAYER_NAMES = {
    "medicare": "Medicare",
    "medicare-advantage": "your Medicare Advantage plan",
    "commercial": "your health plan",
    "medicaid": "your Medicaid plan",
}


def _determination(
    record: Record | None, case: Any, as_of: date
) -> tuple[DeterminationView | None, dict[str, Any]]:
    if record is None:
        return None, {}
    det = _services.check(
        record, case.procedure_code, case.payer, setting=case.setting, state=case.state, as_of=as_of
    )
    return DeterminationView.from_json(det), det


def _timeline(record: Record | None, det: dict[str, Any]) -> tuple[TimelineEntry, ...]:
    """The record items the criteria used, in date order."""
    if record is None:
        return ()
    used = {str(e.get("resource")) for c in det.get("criteria") or [] for e in c.get("evidence") or []}
    out = []
    for it in record.items:
        if it.id in used and it.date is not None:
            out.append(TimelineEntry(it.date, item_label(it), it.provenance.replace("_", " ")))
    return tuple(out)


def make(
    store: Store, case_id: int, patient_id: int, kind: str, *, record: Record | None, as_of: date
) -> tuple[bytes, str]:
    """The PDF bytes and a file name for one letter of a case."""
    case = store.get_case(case_id)
    if case.patient_id != patient_id:
        raise BadInput(
            f"there is no case {case_id} for this person", "open one of the cases listed", where="case"
        )
    sp = case.patient
    patient = Party(
        name=sp.name,
        birth_date=sp.birth_date,
        member_id=sp.member_id,
        address=tuple((sp.address or "").splitlines()),
        phone=sp.phone,
        email=sp.email,
    )
    recipient = Party(name=PAYER_NAMES.get(case.payer, case.payer), organization="Appeals and grievances")
    provider = None
    if case.provider is not None:
        pr = case.provider
        provider = Party(name=pr.name, npi=pr.npi, specialty=pr.specialty, organization=pr.organization)
    view, det = _determination(record, case, as_of)
    attachments = tuple(
        Attachment(d.filename or d.doc_type, d.doc_type, d.doc_date, d.source, d.sha256)
        for d in case.documents
    )
    proc = find(case.procedure_code)
    slug = (proc.family if proc else case.procedure_code).replace("_", "-")
    denial = case.denials[-1] if case.denials else None
    denial_view = None
    first = None
    if denial is not None:
        codes = []
        for c in denial.codes:
            exp = explain_carc(c.code) if c.system == "carc" else explain_rarc(c.code)
            label = f"{c.group_code}-{c.code}" if c.group_code else c.code
            codes.append((label, exp.summary))
        denial_view = DenialView(denial.denial_date, denial.reason_text, tuple(codes))
        levels = deadlines(
            case.plan_kind,
            denial.denial_date,
            received_date=denial.received_date,
            urgent=case.urgent,
            service=case.service,
        ).levels
        first = levels[0] if levels else None
    doc: Document
    if kind == "packet":
        doc = PriorAuthPacket(
            patient=patient,
            sender=provider or patient,
            recipient=recipient,
            letter_date=as_of,
            determination=view,
            provider=provider,
            setting=case.setting,
            timeline=_timeline(record, det),
            attachments=attachments,
            urgent=case.urgent,
        )
    else:
        if denial_view is None:
            raise BadInput(
                "this case has no denial yet",
                "add the denial (its date and codes) first; the letter answers it",
                where="Denials",
            )
        if kind == "appeal":
            doc = AppealLetter(
                patient=patient,
                sender=patient,
                recipient=recipient,
                letter_date=as_of,
                denial=denial_view,
                determination=view,
                provider=provider,
                level_name=first.name if first else "internal appeal",
                file_by=first.file_by if first else None,
                deadline_rule=first.rule if first else None,
                attachments=attachments,
                urgent=case.urgent,
            )
        elif kind == "p2p":
            doc = PeerToPeerPrep(
                patient=patient,
                sender=provider or patient,
                recipient=recipient,
                letter_date=as_of,
                denial=denial_view,
                determination=view,
                file_by=first.file_by if first else None,
            )
        elif kind == "external":
            doc = ExternalReviewRequest(
                patient=patient,
                sender=patient,
                recipient=Party(name="Independent review organization", organization="External review"),
                letter_date=as_of,
                denial=denial_view,
                determination=view,
                attachments=attachments,
                urgent=case.urgent,
            )
        else:
            raise BadInput(f"unknown letter {kind!r}", "use appeal, packet, p2p or external", where="letter")
    return render_pdf(doc), f"{kind}-{slug}-case-{case.id}.pdf"
