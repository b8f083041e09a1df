"""The worklist use cases: every open case across patients, sorted by urgency and filtered, and
assigning a case to a clinic user.

A case's dates come from the one deadline logic (:func:`~backcover.services.case_deadlines`); the
order, the filters and the stage are pure (:mod:`backcover.caseload`). Every list handed out goes
through :func:`shown`, which records the patients it shows in the audit log: clinic mode's read
audit hooks in there.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from backcover.caseload import (
    Due,
    WorkItem,
    by_urgency,
    check_assignee,
    check_days,
    due_within,
    matches,
    open_dates,
    parse_stage,
    stage_of,
)
from backcover.catalog import find
from backcover.errors import BadInput
from backcover.services._deadlines import case_deadlines
from backcover.store import Accounts, Case, CaseSummary, Store

__all__ = ["assign_case", "case_stage", "clinic_users", "shown", "work_item", "worklist", "worklist_json"]

# The roles that work cases: a viewer may not change one, so is not given one.
WORKING_ROLES = ("admin", "staff")


def _steps(case: Case | CaseSummary) -> list[tuple[date, str]]:
    """What has happened on a case, as ``(date, stage)`` steps."""
    steps = [(e.on_date, f"pa_{e.status}") for pa in case.pa_requests for e in pa.events]
    steps += [(d.denial_date, "denied") for d in case.denials]
    for a in case.appeals:
        if a.filed_on is not None:
            steps.append((a.filed_on, "appeal_filed"))
        if a.outcome not in (None, "pending") and a.outcome_date is not None:
            steps.append((a.outcome_date, f"appeal_{a.outcome}"))
    for r in case.external_reviews:
        steps.append((r.requested_on, "external_review"))
        if r.decision and r.decided_on is not None:
            steps.append((r.decided_on, f"external_{r.decision}"))
    return steps


def case_stage(case: Case | CaseSummary) -> str:
    """Where a loaded case stands: its latest step, a key of :data:`backcover.caseload.STAGES`."""
    return stage_of(_steps(case))


def work_item(case: Case | CaseSummary, as_of: date) -> WorkItem:
    """A case (from ``Store.worklist_cases`` or ``Store.get_case``) as a worklist row."""
    proc = find(case.procedure_code)
    dates = [Due(i.due, i.what, i.kind, i.rule) for i in case_deadlines(case)]
    return WorkItem(
        case_id=case.id,
        patient_id=case.patient_id,
        patient=case.patient.name,
        procedure_code=case.procedure_code,
        procedure=proc.name if proc else f"procedure {case.procedure_code}",
        payer_kind=case.payer,
        payer_name=(case.plan.payer if case.plan is not None else None) or None,
        stage=case_stage(case),
        assignee=case.assignee,
        expedited=bool(case.urgent),
        dates=open_dates(dates, as_of),
    )


def shown(store: Store, entity: str, items: list[WorkItem]) -> list[WorkItem]:
    """The one way out for a list of cases: audits a read of each patient it shows, then returns it."""
    store.record_list_read(entity, [i.patient_id for i in items])
    return items


def worklist(
    store: Store,
    as_of: date,
    *,
    assignee: str | None = None,
    payer: str | None = None,
    status: str | None = None,
    due_within_days: int | None = None,
) -> list[WorkItem]:
    """Open cases across patients, most urgent first (overdue, expedited, soonest date), filtered by
    assignee, payer and status; with ``due_within_days``, only the cases with something due by then
    (overdue included), each with just those dates."""
    stage = parse_stage(status) if status else None
    who = check_assignee(assignee) if assignee else None
    days = check_days(due_within_days)
    items = [work_item(c, as_of) for c in store.worklist_cases()]
    items = [i for i in items if matches(i, assignee=who, payer=payer or None, stage=stage)]
    if days is not None:
        items = due_within(items, as_of, days)
    return shown(store, "worklist", by_urgency(items, as_of))


def worklist_json(items: list[WorkItem], as_of: date, filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "filters": filters,
        "count": len(items),
        "cases": [i.to_json(as_of) for i in items],
    }


def clinic_users(store: Store) -> list[str]:
    """The clinic's enabled users who may work a case (staff and admins), A to Z; none for a store
    without accounts (the single user's)."""
    return Accounts(store.engine, store.actor).active_names(WORKING_ROLES)


def _one_of(name: str, users: Collection[str]) -> str:
    for user in users:
        if user.casefold() == name.casefold():
            return user
    raise BadInput(
        f"{name[:64]!r} is not one of the clinic's active staff or admin users",
        "choose a name from the list (`backcover users list` shows them)",
        where="assignee",
    )


def assign_case(
    store: Store, case_id: int, assignee: str | None, as_of: date, *, users: Collection[str] | None = None
) -> WorkItem:
    """Give a case to a clinic user (``None``: to no one); returns its worklist row. With ``users``
    (clinic mode: :func:`clinic_users`) the name must be one of them."""
    name = check_assignee(assignee)
    if name is not None and users is not None:
        name = _one_of(name, users)
    with store.transaction():
        store.assign_case(case_id, name)
        return work_item(store.get_case(case_id), as_of)
