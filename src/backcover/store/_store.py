"""The persistent store: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated by Alembic.

:class:`Store` only persists. It is assembled from its parts: patients, plans and the log
(:mod:`._people`), cases and prior authorization (:mod:`._cases`), documents (:mod:`._documents`),
denials and appeals (:mod:`._appeals`), the worklist across patients (:mod:`._worklist`). Deadlines
and letters are derived from what it holds by
:mod:`backcover.services`. Methods return ORM objects detached from their session, with what callers
need loaded.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, inspect, select, text

from backcover.store._appeals import AppealStore
from backcover.store._audit import AuditStore
from backcover.store._cases import CaseStore
from backcover.store._models import AuditEntry, Base
from backcover.store._people import PeopleStore
from backcover.store._worklist import WorklistStore

__all__ = ["Store"]


class Store(PeopleStore, CaseStore, AppealStore, AuditStore, WorklistStore):
    """Patients, plans, providers, the treatment log, cases and their documents, denials and appeals,
    the audit log, and the clinic's worklist across patients."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- export / import ---------------------------------------------------------------------------
    def export_archive(self) -> dict[str, Any]:
        from backcover.store._archive import dump_all

        with self.transaction() as s:
            self._audit(s, "export", None, "archive")
            s.flush()
            return dump_all(s)

    def import_archive(self, archive: Any, *, file: str | None = None) -> dict[str, int]:
        from backcover.store._archive import load_all

        with self.transaction() as s:
            counts = load_all(s, archive, file=file)
            self._audit(s, "import", None, "archive")
        return counts

    def delete_everything(self) -> None:
        """Delete every row of patient data (a person's "delete my data"); one audit entry says it
        was done. The audit log itself is append-only and stays: it holds ids, never data."""
        with self.transaction() as s:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name != AuditEntry.__tablename__:
                    s.execute(table.delete())
            self._audit(s, "delete", None, "everything")

    def table_counts(self) -> dict[str, int]:
        with self.transaction() as s:
            return {
                t.name: int(s.execute(select(func.count()).select_from(t)).scalar_one())
                for t in Base.metadata.sorted_tables
            }

    def audit_entries(self, patient_id: int | None = None) -> list[AuditEntry]:
        with self.transaction() as s:
            q = select(AuditEntry)
            if patient_id is not None:
                q = q.where(AuditEntry.patient_id == patient_id)
            return list(s.scalars(q.order_by(AuditEntry.id)))

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
