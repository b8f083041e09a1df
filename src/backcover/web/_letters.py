"""The PDFs behind the case page's buttons: appeal letter, prior-authorization packet, peer-to-peer
prep sheet, external-review request and Good Faith Estimate request.

The letters are built by the store's :func:`backcover.store.build_letter` (the same builder as
``backcover appeal draft``), from the case, the person's record and a fresh coverage check as of the
letter date, and rendered to PDF by :func:`backcover.documents.render_pdf`. A letter never claims a
criterion the engine did not find met (the document objects see to that).
"""

from __future__ import annotations

from datetime import date

from backcover.catalog import find
from backcover.documents import DeterminationView, render_pdf
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Store, build_letter, evidence_labels
from backcover.web import _services

__all__ = ["LETTERS", "make"]

LETTERS: dict[str, str] = {
    "appeal": "Appeal letter",
    "packet": "Prior-authorization packet",
    "p2p": "Peer-to-peer prep sheet",
    "external": "External review request",
    "gfe": "Good Faith Estimate request",
}
_NEED_DENIAL = ("appeal", "p2p", "external")


def make(
    store: Store, case_id: int, patient_id: int, kind: str, *, record: Record | None, as_of: date
) -> tuple[bytes, str]:
    """The PDF bytes and a file name for one letter of a case."""
    if kind not in LETTERS:
        raise BadInput(f"unknown letter {kind!r}", f"use one of: {', '.join(LETTERS)}", where="letter")
    case = store.get_case(case_id)
    if case.patient_id != patient_id:
        raise BadInput(
            f"there is no case {case_id} for this person", "open one of the cases listed", where="case"
        )
    if kind in _NEED_DENIAL and not case.denials:
        raise BadInput(
            "this case has no denial yet",
            "add the denial (its date and codes) first; the letter answers it",
            where="Denials",
        )
    view = None
    if record is not None:
        det = _services.check(
            record, case.procedure_code, case.payer, setting=case.setting, state=case.state, as_of=as_of
        )
        view = DeterminationView.from_json(det).with_labels(evidence_labels(record))
    doc = build_letter(store, case, kind, view, as_of, record=record)
    proc = find(case.procedure_code)
    slug = (proc.family if proc else case.procedure_code).replace("_", "-")
    return render_pdf(doc), f"{kind}-{slug}-case-{case.id}.pdf"
