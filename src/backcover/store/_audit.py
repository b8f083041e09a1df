"""Reading the audit log back: newest first, with filters, as the API and the CSV export give it.

The log is append-only: nothing in backcover updates or deletes its rows, and on PostgreSQL and
SQLite a trigger refuses it (migration ``0003_clinic``). Entries are written by
:meth:`StoreBase._audit` under the current :class:`~backcover.store._scope.AuditScope`.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import or_, select

from backcover.errors import BadInput
from backcover.store._base import StoreBase
from backcover.store._models import AuditEntry

__all__ = ["CSV_COLUMNS", "AuditStore", "audit_csv", "event_json", "parse_since"]

CSV_COLUMNS = (
    "at",
    "actor",
    "action",
    "route",
    "patient_id",
    "case_id",
    "patient_ids",
    "entity",
    "entity_id",
)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_since(value: str | None, where: str = "since") -> datetime | None:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 date-time; ``None`` or empty: no bound."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise BadInput(
            f"{text[:40]!r} is not a date",
            "give a date as YYYY-MM-DD (or an ISO 8601 date-time)",
            where=where,
        ) from None


def _ids(text: str | None) -> list[int]:
    return [int(p) for p in text.split(",") if p] if text else []


def event_json(e: AuditEntry) -> dict[str, Any]:
    """One audit event as the API gives it (CONTRACTS.md section 8): ids, never data."""
    return {
        "at": _aware(e.at).isoformat(),
        "actor": e.actor,
        "action": e.action,
        "route": e.route,
        "patient_id": e.patient_id,
        "case_id": e.case_id,
        "patient_ids": _ids(e.patient_ids),
        "entity": e.entity,
        "entity_id": e.entity_id,
    }


def audit_csv(events: list[dict[str, Any]]) -> str:
    """Audit events as CSV (the columns of :data:`CSV_COLUMNS`; list ids joined by spaces)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for e in events:
        w.writerow(
            [
                " ".join(str(i) for i in v) if isinstance(v, list) else ("" if v is None else v)
                for v in (e[c] for c in CSV_COLUMNS)
            ]
        )
    return buf.getvalue()


class AuditStore(StoreBase):
    """Reading the audit log back, newest first, with filters (the store part of ``Store``)."""

    def audit_events(
        self,
        *,
        limit: int = 100,
        actor: str | None = None,
        patient_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        oldest_first: bool = False,
    ) -> list[AuditEntry]:
        q = select(AuditEntry)
        if actor:
            q = q.where(AuditEntry.actor == actor)
        if patient_id is not None:
            # a list read names its patients in patient_ids ("3,7,12"): match the whole id
            q = q.where(
                or_(
                    AuditEntry.patient_id == patient_id,
                    ("," + AuditEntry.patient_ids + ",").like(f"%,{int(patient_id)},%"),
                )
            )
        if since is not None:
            q = q.where(AuditEntry.at >= since)
        if until is not None:
            q = q.where(AuditEntry.at < until)
        order = AuditEntry.id.asc() if oldest_first else AuditEntry.id.desc()
        with self.transaction() as s:
            return list(s.scalars(q.order_by(order).limit(limit)))
