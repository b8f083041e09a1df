"""The use cases the CLI and the web app share: import a record, check, estimate, open a case, add a
denial, record an appeal or a prior-authorization step, draft a letter, and the deadlines of cases.

Each use case that writes is one store transaction: it validates everything first, and a failure
part-way leaves nothing behind. Errors name fields (``state``, ``payer``, ``case``), not CLI options;
the CLI (:mod:`backcover.cli`) and the web app (:mod:`backcover.web`) translate them. Use cases take
``knowledge`` (a :class:`~backcover.knowledge.Knowledge` bundle, ``None`` for the packaged one) and
hand it on to the core.
"""

from __future__ import annotations

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
from backcover.services._letters import NEEDS_DENIAL, denial_view, draft_letter, letter_facts
from backcover.services._records import read_files, read_uploads, upload_sources
from backcover.services._views import case_json, code_json

__all__ = [
    "NEEDS_DENIAL",
    "CaseInput",
    "DenialInput",
    "DueItem",
    "LetterDeadline",
    "PatientInput",
    "PlanInput",
    "ProviderInput",
    "add_denial",
    "case_deadlines",
    "case_input",
    "case_json",
    "cases_due",
    "check",
    "check_case",
    "check_level",
    "code_json",
    "denial_codes",
    "denial_view",
    "draft_letter",
    "estimate",
    "first_level",
    "letter_deadline",
    "letter_facts",
    "next_deadline",
    "notice_deadlines",
    "open_case",
    "parse_prices",
    "payer_for_case",
    "read_files",
    "read_uploads",
    "record_appeal",
    "set_prior_auth",
    "upload_sources",
]
