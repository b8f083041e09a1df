"""Cases across patients, light: the columns the worklist and the figures need, in two queries.

The worklist shows every open case with its stage and next deadline; loading each case with its
history as ORM objects (five queries, thousands of attribute events) took most of its time. Here one
query reads the cases with their patient's name and plan's payer, and one ``UNION ALL`` reads the
history of all of them (requests, their steps, denials, appeals, external reviews), each as plain
values with the attribute names of the models, so the deadline and stage logic reads them as it
reads a loaded :class:`~backcover.store.Case`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, literal, null, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from backcover.store._models import (
    Appeal,
    Case,
    Denial,
    ExternalReview,
    PAEvent,
    PARequest,
    Patient,
    Plan,
)

__all__ = [
    "AppealRow",
    "CaseSummary",
    "DenialRow",
    "PAEventRow",
    "PARequestRow",
    "ReviewRow",
    "load_summaries",
]


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class _Payer:
    payer: str | None


@dataclass(frozen=True, slots=True)
class PAEventRow:
    on_date: date
    status: str


@dataclass(slots=True)
class PARequestRow:
    id: int
    status: str
    submitted_on: date | None
    auth_number: str | None
    expires_on: date | None
    expedited: bool | None
    events: list[PAEventRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DenialRow:
    id: int
    denial_date: date
    received_date: date | None


@dataclass(frozen=True, slots=True)
class AppealRow:
    id: int
    denial_id: int | None
    level: str
    filed_on: date | None
    deadline: date | None
    outcome: str | None
    outcome_date: date | None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    requested_on: date
    decision: str | None
    decided_on: date | None


@dataclass(slots=True)
class CaseSummary:
    """A case with what its deadlines, stage and figures need (the attribute names of ``Case``)."""

    id: int
    patient_id: int
    procedure_code: str
    payer: str
    plan_kind: str
    service: str
    urgent: bool
    external_route: str | None
    assignee: str | None
    patient: _Named
    plan: _Payer | None
    pa_requests: list[PARequestRow] = field(default_factory=list)
    denials: list[DenialRow] = field(default_factory=list)
    appeals: list[AppealRow] = field(default_factory=list)
    external_reviews: list[ReviewRow] = field(default_factory=list)


def _none(kind: Any) -> Any:
    return null().cast(kind)


def _history(ids: Any) -> Any:
    """Every history row of the cases ``ids`` selects, one shape: kind, case, id, parent, three
    dates, two texts, one flag; ordered as the models' relationships are (by id)."""
    d, s, b, i = Date(), String(), Boolean(), Integer()
    pa = select(
        literal("pa").label("kind"),
        PARequest.case_id,
        PARequest.id,
        _none(i).label("parent"),
        PARequest.submitted_on.label("d1"),
        PARequest.expires_on.label("d2"),
        _none(d).label("d3"),
        PARequest.status.label("s1"),
        PARequest.auth_number.label("s2"),
        PARequest.expedited.label("b1"),
    ).where(PARequest.case_id.in_(ids))
    ev = (
        select(
            literal("ev"),
            PARequest.case_id,
            PAEvent.id,
            PAEvent.pa_request_id,
            PAEvent.on_date,
            _none(d),
            _none(d),
            PAEvent.status,
            _none(s),
            _none(b),
        )
        .join(PARequest, PARequest.id == PAEvent.pa_request_id)
        .where(PARequest.case_id.in_(ids))
    )
    de = select(
        literal("de"),
        Denial.case_id,
        Denial.id,
        _none(i),
        Denial.denial_date,
        Denial.received_date,
        _none(d),
        _none(s),
        _none(s),
        _none(b),
    ).where(Denial.case_id.in_(ids))
    ap = select(
        literal("ap"),
        Appeal.case_id,
        Appeal.id,
        Appeal.denial_id,
        Appeal.filed_on,
        Appeal.deadline,
        Appeal.outcome_date,
        Appeal.level,
        Appeal.outcome,
        _none(b),
    ).where(Appeal.case_id.in_(ids))
    er = select(
        literal("er"),
        ExternalReview.case_id,
        ExternalReview.id,
        _none(i),
        ExternalReview.requested_on,
        ExternalReview.decided_on,
        _none(d),
        ExternalReview.decision,
        _none(s),
        _none(b),
    ).where(ExternalReview.case_id.in_(ids))
    everything = union_all(pa, ev, de, ap, er).subquery()
    return select(everything).order_by(everything.c.kind, everything.c.id)


def _queries(where: ColumnElement[bool]) -> tuple[Any, Any]:
    q = (
        select(
            Case.id,
            Case.patient_id,
            Case.procedure_code,
            Case.payer,
            Case.plan_kind,
            Case.service,
            Case.urgent,
            Case.external_route,
            Case.assignee,
            Patient.name,
            Case.plan_id,
            Plan.payer.label("plan_payer"),
        )
        .join(Patient, Patient.id == Case.patient_id)
        .outerjoin(Plan, Plan.id == Case.plan_id)
        .where(where)
        .order_by(Case.id)
    )
    return q, _history(select(Case.id).where(where).scalar_subquery())


_cached: dict[str, tuple[Any, Any]] = {}


def load_summaries(s: Session, where: ColumnElement[bool], *, name: str | None = None) -> list[CaseSummary]:
    """The cases matching ``where``, by id, with their history: two queries, no ORM objects.
    ``name`` keeps the two statements for the next call (for a ``where`` that never changes)."""
    if name is None:
        q, history = _queries(where)
    else:
        if name not in _cached:
            _cached[name] = _queries(where)
        q, history = _cached[name]
    cases: dict[int, CaseSummary] = {}
    for r in s.execute(q):
        cases[r.id] = CaseSummary(
            id=r.id,
            patient_id=r.patient_id,
            procedure_code=r.procedure_code,
            payer=r.payer,
            plan_kind=r.plan_kind,
            service=r.service,
            urgent=bool(r.urgent),
            external_route=r.external_route,
            assignee=r.assignee,
            patient=_Named(r.name),
            plan=_Payer(r.plan_payer) if r.plan_id is not None else None,
        )
    if not cases:
        return []
    requests: dict[int, PARequestRow] = {}
    steps: list[tuple[int, PAEventRow]] = []
    for h in s.execute(history):
        case = cases.get(h.case_id)
        if case is None:  # a case that changed between the two queries
            continue
        if h.kind == "pa":
            pa = PARequestRow(h.id, h.s1, h.d1, h.s2, h.d2, h.b1)
            requests[h.id] = pa
            case.pa_requests.append(pa)
        elif h.kind == "ev":
            steps.append((h.parent, PAEventRow(h.d1, h.s1)))
        elif h.kind == "de":
            case.denials.append(DenialRow(h.id, h.d1, h.d2))
        elif h.kind == "ap":
            case.appeals.append(AppealRow(h.id, h.parent, h.s1, h.d1, h.d2, h.s2, h.d3))
        else:
            case.external_reviews.append(ReviewRow(h.d1, h.s1, h.d2))
    for request_id, step in steps:  # by id, as PARequest.events are
        if request_id in requests:
            requests[request_id].events.append(step)
    return list(cases.values())
