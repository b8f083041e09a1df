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
from backcover.documents import LETTER_NAMES, letter_kind, render_pdf
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Store

__all__ = ["LETTERS", "make"]

# The buttons: short name -> words (the vocabulary's label of each letter kind).
LETTERS: dict[str, str] = {short: kind.label for kind, short in LETTER_NAMES.items()}


def make(
    store: Store, case_id: int, patient_id: int, kind: str, *, record: Record | None, as_of: date
) -> tuple[bytes, str]:
    """The PDF bytes and a file name for one letter of a case."""
    which = letter_kind(kind)
    if store.get_case(case_id).patient_id != patient_id:
        raise BadInput(
            f"there is no case {case_id} for this person", "open one of the cases listed", where="case"
        )
    case, doc = services.draft_letter(store, case_id, which, as_of, record=record, require_denial=True)
    proc = find(case.procedure_code)
    slug = (proc.family if proc else case.procedure_code).replace("_", "-")
    return render_pdf(doc), f"{kind}-{slug}-case-{case.id}.pdf"
