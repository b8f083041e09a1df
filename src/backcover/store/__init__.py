"""The persistent store (adapter): SQLAlchemy 2 models, Alembic migrations, export and import.

``open_store(url)`` opens SQLite in the user data directory by default, or the database named by
``BACKCOVER_DATABASE_URL``. The store only persists: deadlines, letters and the case views are
derived by :mod:`backcover.services`. See docs/cases.md.
"""

from __future__ import annotations

from backcover.store._account_models import ROLES, SignInThrottle, User, UserSession
from backcover.store._accounts import Accounts, SessionUser
from backcover.store._appeals import OUTCOMES
from backcover.store._audit import CSV_COLUMNS, audit_csv, event_json, parse_since
from backcover.store._base import CodeInput
from backcover.store._cases import case_plan_kind
from backcover.store._db import ENV_URL, default_url, migrate, open_store
from backcover.store._files import DOC_TYPES, MAX_DOCUMENT_BYTES, check_document, sniff_media_type
from backcover.store._models import (
    PA_STATUSES,
    Accumulator,
    Appeal,
    AuditEntry,
    Blob,
    Case,
    Denial,
    DenialCode,
    Document,
    ExternalReview,
    LogEntry,
    PAEvent,
    PARequest,
    Patient,
    PeerToPeer,
    Plan,
    Provider,
)
from backcover.store._scope import AuditScope, Refused, acting, current_scope
from backcover.store._store import Store
from backcover.store._summaries import CaseSummary, DenialRow

__all__ = [
    "CSV_COLUMNS",
    "DOC_TYPES",
    "ENV_URL",
    "MAX_DOCUMENT_BYTES",
    "OUTCOMES",
    "PA_STATUSES",
    "ROLES",
    "Accounts",
    "Accumulator",
    "Appeal",
    "AuditEntry",
    "AuditScope",
    "Blob",
    "Case",
    "CaseSummary",
    "CodeInput",
    "Denial",
    "DenialCode",
    "DenialRow",
    "Document",
    "ExternalReview",
    "LogEntry",
    "PAEvent",
    "PARequest",
    "Patient",
    "PeerToPeer",
    "Plan",
    "Provider",
    "Refused",
    "SessionUser",
    "SignInThrottle",
    "Store",
    "User",
    "UserSession",
    "acting",
    "audit_csv",
    "case_plan_kind",
    "check_document",
    "current_scope",
    "default_url",
    "event_json",
    "migrate",
    "open_store",
    "parse_since",
    "sniff_media_type",
]
