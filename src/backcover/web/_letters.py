"""The PDFs behind the case page's buttons: appeal letter, prior-authorization packet, peer-to-peer
prep sheet, external-review request and Good Faith Estimate request.

The letters are drafted by :func:`backcover.services.draft_letter` (the same use case as
``backcover appeal draft``), from the case, the person's record and a fresh coverage check as of the
letter date, and rendered to PDF by :func:`backcover.documents.render_pdf`. A letter never claims a
criterion the engine did not find met (the document objects see to that).
"""

from __future__ import annotations

from datetime import date

from backcover import services
from backcover.catalog import find
from backcover.documents import LETTER_NAMES, Document, before_you_send, letter_kind, render_pdf
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Case, Store
from backcover.vocab import Signer, values

__all__ = ["LETTERS", "draft", "filename", "finalise", "make", "review"]

# The buttons: short name -> words (the vocabulary's label of each letter kind).
LETTERS: dict[str, str] = {short: kind.label for kind, short in LETTER_NAMES.items()}


def draft(
    store: Store,
    case_id: int,
    patient_id: int,
    kind: str,
    *,
    record: Record | None,
    as_of: date,
    signer: str = "patient",
) -> tuple[Case, Document]:
    """A letter of a case. The workspace record is used only when the case is this person's."""
    which = letter_kind(kind)
    if signer not in values(Signer):
        raise BadInput(f"unknown signer {signer!r}", "choose who signs from the list", where="Who signs")
    case = store.get_case(case_id)
    use = record if case.patient_id == patient_id else None
    if Signer(signer) is Signer.REPRESENTATIVE and not case.representative_name:
        raise BadInput(
            "the case has no representative", "add the representative in the case details", where="Who signs"
        )
    return services.draft_letter(
        store, case_id, which, as_of, record=use, require_denial=True, sender=Signer(signer)
    )


def filename(case: Case, kind: str, *, final: bool = False) -> str:
    proc = find(case.procedure_code)
    slug = (proc.family if proc else case.procedure_code).replace("_", "-")
    return f"{kind}-{slug}-case-{case.id}{'' if final else '-draft'}.pdf"


def make(
    store: Store,
    case_id: int,
    patient_id: int,
    kind: str,
    *,
    record: Record | None,
    as_of: date,
    signer: str = "patient",
) -> tuple[bytes, str]:
    """The draft PDF bytes and a file name for one letter of a case."""
    case, doc = draft(store, case_id, patient_id, kind, record=record, as_of=as_of, signer=signer)
    return render_pdf(doc), filename(case, kind)


def review(doc: Document) -> dict[str, object]:
    """The "Before you send" sheet beside a draft, as page data."""
    sheet = before_you_send(doc)
    return {
        "title": doc.title,
        "fields": [{"field": m.field, "where": m.where} for m in sheet.fields],
        "obtain": [{"what": w, "fetch": g, "who": who} for w, g, who in sheet.to_obtain],
        "file_by": sheet.file_by.isoformat() if sheet.file_by else None,
        "rule": sheet.deadline_rule,
        "notes": list(sheet.notes),
    }


def finalise(
    store: Store,
    case_id: int,
    patient_id: int,
    kind: str,
    *,
    record: Record | None,
    as_of: date,
    signer: str = "patient",
) -> tuple[int | None, Document, BadInput | None]:
    """Make the final letter and keep it with the case, or say which payer detail is missing."""
    case, doc = draft(store, case_id, patient_id, kind, record=record, as_of=as_of, signer=signer)
    problem = services.final_problems(doc)
    if problem is not None:
        return None, doc, problem
    pdf = render_pdf(doc, show_warnings=False)
    return services.keep_letter(store, case, doc, pdf, as_of, filename(case, kind, final=True)), doc, None
