"""The worklist's queries: open cases across patients with everything their deadlines and stage need,
the cases behind the prior-authorization figures, assigning a case, and the audit of a list read.

Loading does not audit by itself: the use case filters first and then names the patients it hands
back with :meth:`WorklistStore.record_list_read` (one entry naming the patients shown), so the audit
says what was shown, not what was looked at to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from backcover.store._base import StoreBase
from backcover.store._models import Case, PARequest
from backcover.store._summaries import CaseSummary, load_summaries

__all__ = ["WorklistStore"]


class WorklistStore(StoreBase):
    """Queries across patients for the clinic's worklist and figures."""

    def worklist_cases(self) -> list[CaseSummary]:
        """Every open case with its patient's name, its plan's payer, and its requests (with their
        steps), denials, appeals and external reviews: two queries, plain values. Not audited: see
        :meth:`record_list_read`."""
        with self.transaction() as s:
            return load_summaries(s, Case.status == "open", name="open")

    def metrics_cases(self, since: date, until: date) -> list[CaseSummary]:
        """The cases (open or closed) with a prior-authorization request sent from ``since`` to ``until``."""
        sent = select(PARequest.case_id).where(
            PARequest.submitted_on >= since, PARequest.submitted_on <= until
        )
        with self.transaction() as s:
            return load_summaries(s, Case.id.in_(sent))

    def assignees(self) -> list[str]:
        """The names cases are assigned to, A to Z."""
        with self.transaction() as s:
            names = s.scalars(select(Case.assignee).where(Case.assignee.is_not(None)).distinct())
            return sorted({n for n in names if n}, key=str.casefold)

    def assign_case(self, case_id: int, assignee: str | None) -> Case:
        """Give the case to ``assignee`` (checked by the caller), or to no one; audited as a change."""
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            case.assignee = assignee
            self._audit(s, "update", case.patient_id, "case_assignment", case.id)
            return case

    def record_list_read(self, entity: str, patient_ids: Iterable[int] | None) -> None:
        """The audit of a list read: one ``read`` entry (through the one audit gate, under the
        signed-in actor and route) naming in ``patient_ids`` the patients whose data the list showed
        (``None``: figures that name no one). Every worklist and metrics read goes through here."""
        with self.transaction() as s:
            self._audit(s, "read", None, entity, patient_ids=patient_ids)
