"""The persistent store (adapter): SQLAlchemy 2 models, Alembic migrations, export and import.

``open_store(url)`` opens SQLite in the user data directory by default, or the database named by
``BACKCOVER_DATABASE_URL``. See docs/cases.md.
"""

from __future__ import annotations

from backcover.store._files import DOC_TYPES, MAX_DOCUMENT_BYTES, check_document, sniff_media_type
from backcover.store._letters import build_letter, evidence_labels
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
from backcover.store._store import CodeInput, DueItem, Store, default_url, migrate, open_store
from backcover.store._views import case_json, code_json

__all__ = [
    "DOC_TYPES",
    "MAX_DOCUMENT_BYTES",
    "PA_STATUSES",
    "Accumulator",
    "Appeal",
    "AuditEntry",
    "Blob",
    "Case",
    "CodeInput",
    "Denial",
    "DenialCode",
    "Document",
    "DueItem",
    "ExternalReview",
    "LogEntry",
    "PAEvent",
    "PARequest",
    "Patient",
    "PeerToPeer",
    "Plan",
    "Provider",
    "Store",
    "build_letter",
    "case_json",
    "check_document",
    "code_json",
    "default_url",
    "evidence_labels",
    "migrate",
    "open_store",
    "sniff_media_type",
]
