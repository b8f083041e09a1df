"""What every case page needs: the store and the person's store patient, and the page's data."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from backcover import services
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.store import Store
from backcover.vocab import PlanKind
from backcover.web import _cases, _letters, _services
from backcover.web._actor import actor_of
from backcover.web._context import ctx
from backcover.web._forms import CASE_PLAN_KINDS, SETTING_NAMES, CaseId, flash, plan_kind

__all__ = [
    "DOC_TYPE_WORDS",
    "STORY_MESSAGES",
    "assign_users",
    "case_context",
    "case_plan_kind",
    "store_patient",
]

STORY_MESSAGES = {
    "edit": "Case details saved.",
    "appeal": "Appeal recorded. The next deadline is recomputed.",
    "p2p": "Peer-to-peer recorded.",
    "external": "External review recorded.",
    "final": "Final letter made and kept with the case.",
    "closed": "Case closed.",
    "reopened": "Case reopened.",
    "deleted": "Case deleted.",
    "docdeleted": "Document deleted.",
    "assigned": "Case assigned.",
}

DOC_TYPE_WORDS: dict[str, str] = {
    "imaging_report": "imaging report (MRI, CT, X-ray)",
    "referral": "referral or order",
    "visit_note": "visit note",
    "denial_letter": "denial letter",
    "eob": "Explanation of Benefits",
    "lab_report": "lab report",
    "prior_auth": "prior-authorization paperwork",
    "letter": "other letter",
    "other": "something else",
}


def case_plan_kind(request: Request) -> str | None:
    """The chosen plan's kind, when a case can be filed under it (not without insurance)."""
    kind = plan_kind(request)
    return None if kind == PlanKind.UNINSURED else kind


def store_patient(request: Request, *, create: bool | None = None) -> tuple[Store, int, Record | None]:
    """The store, the chosen person's store patient, and their record. The store patient is made on
    first use in the single-user app; in clinic mode only when asked (opening a case), so that
    reading a page never writes (0: no store patient for the workspace's person yet)."""
    web = ctx(request)
    if create is None:
        create = actor_of(request) is None
    store = web.store()
    record = None
    if web.workspace.record_paths():
        try:
            record = _services.workspace_record(web.workspace)
        except BadInput:
            record = None  # a log with no entries yet (or a file to fix on Start) does not hide the cases
    return store, _cases.store_patient_id(store, web.workspace, record, create=create), record


def assign_users(request: Request, store: Store) -> list[str] | None:
    """Who a case may be given to: in clinic mode the enabled staff and admin users (the form offers
    only them, and an assignment to anyone else is refused); None in the single-user mode, where the
    name is free text."""
    return services.clinic_users(store) if ctx(request).clinic is not None else None


def case_context(
    request: Request, case_id: CaseId, error: BadInput | None = None, **extra: Any
) -> dict[str, Any]:
    """The case page's data; ``extra`` adds a draft's review panel or a denial notice's reading."""
    store, pid, _record = store_patient(request)
    web = ctx(request)
    return {
        "title": "Case",
        "case": _cases.case_view(store, case_id, pid, web.today()),
        "error": error,
        "flash": flash(request) or STORY_MESSAGES.get(request.query_params.get("done", "")),
        "today": web.today().isoformat(),
        "pa_statuses": list(_cases.PA_WORDS.items()),
        "doc_types": DOC_TYPE_WORDS,
        "payer_words": dict(CASE_PLAN_KINDS),
        "setting_words": SETTING_NAMES,
        "letters": _letters.LETTERS,
        "signers": [
            ("patient", "the patient"),
            ("provider", "the treating clinician"),
            ("representative", "an authorized representative"),
        ],
        "routes": [
            ("", "not known yet"),
            ("federal", "self-funded employer plan (federal process)"),
            ("state", "fully insured plan (state process)"),
        ],
        "outcomes": ["overturned", "upheld", "partial", "withdrawn"],
        "users": (users := assign_users(request, store)),
        "assignees": store.assignees() if users is None else [],  # free text's suggestions
        "review": None,
        "reading": None,
        **extra,
    }
