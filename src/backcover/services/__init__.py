"""The use cases the CLI and the web app share: import a record, check, estimate, open a case, add a
denial, record an appeal or a prior-authorization step, draft a letter, the deadlines of cases, the
clinic's worklist across patients and its prior-authorization figures.

Each use case that writes is one store transaction: it validates everything first, and a failure
part-way leaves nothing behind. Errors name fields (``state``, ``payer``, ``case``), not CLI options;
the CLI (:mod:`backcover.cli`) and the web app (:mod:`backcover.web`) translate them. Use cases take
``knowledge`` (a :class:`~backcover.knowledge.Knowledge` bundle, ``None`` for the packaged one) and
hand it on to the core.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcover.services._cases import (
        CaseInput,
        DenialInput,
        PatientInput,
        PlanInput,
        ProviderInput,
        add_denial,
        case_input,
        denial_codes,
        open_case,
        record_appeal,
        set_prior_auth,
    )
    from backcover.services._check import check, check_case, payer_for_case
    from backcover.services._deadlines import (
        DueItem,
        LetterDeadline,
        case_deadlines,
        cases_due,
        check_level,
        first_level,
        letter_deadline,
        next_deadline,
        notice_deadlines,
    )
    from backcover.services._estimate import estimate, parse_prices
    from backcover.services._letters import (
        NEEDS_DENIAL,
        denial_view,
        draft_letter,
        final_problems,
        keep_letter,
        letter_facts,
    )
    from backcover.services._log import LogEntry, delete_entry, edit_entry, log_entries
    from backcover.services._metrics import pa_metrics, period, requests_of
    from backcover.services._notice import (
        NoticeReading,
        read_notice,
        read_notice_text,
    )
    from backcover.services._records import read_files, read_uploads, upload_sources
    from backcover.services._story import (
        CASE_EDIT_FIELDS,
        close_case,
        deadlines_ics,
        delete_case,
        delete_document,
        edit_case,
        record_external_review,
        record_peer_to_peer,
        reopen_case,
    )
    from backcover.services._views import case_json, code_json
    from backcover.services._worklist import (
        assign_case,
        case_stage,
        clinic_users,
        shown,
        work_item,
        worklist,
        worklist_json,
    )

# Each name is imported when first used, so that ``backcover deadlines`` does not load the store,
# the engine and the letters just to count days.
_WHERE = {
    "assign_case": "backcover.services._worklist",
    "case_stage": "backcover.services._worklist",
    "clinic_users": "backcover.services._worklist",
    "shown": "backcover.services._worklist",
    "work_item": "backcover.services._worklist",
    "worklist": "backcover.services._worklist",
    "worklist_json": "backcover.services._worklist",
    "pa_metrics": "backcover.services._metrics",
    "period": "backcover.services._metrics",
    "requests_of": "backcover.services._metrics",
    "CASE_EDIT_FIELDS": "backcover.services._story",
    "close_case": "backcover.services._story",
    "deadlines_ics": "backcover.services._story",
    "delete_case": "backcover.services._story",
    "delete_document": "backcover.services._story",
    "edit_case": "backcover.services._story",
    "record_external_review": "backcover.services._story",
    "record_peer_to_peer": "backcover.services._story",
    "reopen_case": "backcover.services._story",
    "NoticeReading": "backcover.services._notice",
    "read_notice": "backcover.services._notice",
    "read_notice_text": "backcover.services._notice",
    "final_problems": "backcover.services._letters",
    "keep_letter": "backcover.services._letters",
    "CaseInput": "backcover.services._cases",
    "DenialInput": "backcover.services._cases",
    "DueItem": "backcover.services._deadlines",
    "LetterDeadline": "backcover.services._deadlines",
    "LogEntry": "backcover.services._log",
    "delete_entry": "backcover.services._log",
    "edit_entry": "backcover.services._log",
    "log_entries": "backcover.services._log",
    "NEEDS_DENIAL": "backcover.services._letters",
    "PatientInput": "backcover.services._cases",
    "PlanInput": "backcover.services._cases",
    "ProviderInput": "backcover.services._cases",
    "add_denial": "backcover.services._cases",
    "case_deadlines": "backcover.services._deadlines",
    "case_input": "backcover.services._cases",
    "case_json": "backcover.services._views",
    "cases_due": "backcover.services._deadlines",
    "check": "backcover.services._check",
    "check_case": "backcover.services._check",
    "check_level": "backcover.services._deadlines",
    "code_json": "backcover.services._views",
    "denial_codes": "backcover.services._cases",
    "denial_view": "backcover.services._letters",
    "draft_letter": "backcover.services._letters",
    "estimate": "backcover.services._estimate",
    "first_level": "backcover.services._deadlines",
    "letter_deadline": "backcover.services._deadlines",
    "letter_facts": "backcover.services._letters",
    "next_deadline": "backcover.services._deadlines",
    "notice_deadlines": "backcover.services._deadlines",
    "open_case": "backcover.services._cases",
    "parse_prices": "backcover.services._estimate",
    "payer_for_case": "backcover.services._check",
    "read_files": "backcover.services._records",
    "read_uploads": "backcover.services._records",
    "record_appeal": "backcover.services._cases",
    "set_prior_auth": "backcover.services._cases",
    "upload_sources": "backcover.services._records",
}


__all__ = [
    "CASE_EDIT_FIELDS",
    "NEEDS_DENIAL",
    "CaseInput",
    "DenialInput",
    "DueItem",
    "LetterDeadline",
    "LogEntry",
    "NoticeReading",
    "PatientInput",
    "PlanInput",
    "ProviderInput",
    "add_denial",
    "assign_case",
    "case_deadlines",
    "case_input",
    "case_json",
    "case_stage",
    "cases_due",
    "check",
    "check_case",
    "check_level",
    "clinic_users",
    "close_case",
    "code_json",
    "deadlines_ics",
    "delete_case",
    "delete_document",
    "delete_entry",
    "denial_codes",
    "denial_view",
    "draft_letter",
    "edit_case",
    "edit_entry",
    "estimate",
    "final_problems",
    "first_level",
    "keep_letter",
    "letter_deadline",
    "letter_facts",
    "log_entries",
    "next_deadline",
    "notice_deadlines",
    "open_case",
    "pa_metrics",
    "parse_prices",
    "payer_for_case",
    "period",
    "read_files",
    "read_notice",
    "read_notice_text",
    "read_uploads",
    "record_appeal",
    "record_external_review",
    "record_peer_to_peer",
    "reopen_case",
    "requests_of",
    "set_prior_auth",
    "shown",
    "upload_sources",
    "work_item",
    "worklist",
    "worklist_json",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
