"""Cases (one per procedure someone is trying to get paid for) and their prior-authorization requests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from backcover.errors import BadInput
from backcover.store._base import now
from backcover.store._documents import DocumentStore
from backcover.store._models import (
    PA_STATUSES,
    Appeal,
    Case,
    Denial,
    DenialCode,
    Document,
    ExternalReview,
    PAEvent,
    PARequest,
    Patient,
    PeerToPeer,
    Plan,
    Provider,
)
from backcover.vocab import PlanKind, Setting, parse_choice, parse_plan_kind, parse_state

__all__ = ["CaseStore", "case_plan_kind"]

SERVICES = ("pre", "post")
CASE_FIELDS = frozenset(
    {
        "title",
        "setting",
        "state",
        "urgent",
        "service",
        "claim_number",
        "service_from",
        "service_to",
        "external_route",
        "representative_name",
        "representative_address",
    }
)
PATIENT_FIELDS = frozenset({"name", "birth_date", "member_id", "address", "phone", "email"})
PLAN_FIELDS = frozenset({"name", "payer", "member_id", "group_number", "appeals_address"})
PROVIDER_FIELDS = frozenset({"name", "npi", "specialty", "organization", "address", "phone", "fax"})


def case_plan_kind(value: PlanKind | str, where: str = "payer") -> PlanKind:
    """The plan kind a case is filed under: any plan kind but ``uninsured`` (no one to appeal to)."""
    kind = value if isinstance(value, PlanKind) else parse_plan_kind(value, where=where)
    if kind is PlanKind.UNINSURED:
        raise BadInput(
            "a case needs a plan to ask for payment",
            "without insurance, ask the provider for a Good Faith Estimate instead",
            where=where,
        )
    return kind


class CaseStore(DocumentStore):
    """Cases and prior-authorization requests."""

    # -- cases -------------------------------------------------------------------------------------
    def new_case(
        self,
        patient_id: int,
        procedure_code: str,
        payer: PlanKind | str,
        *,
        title: str | None = None,
        plan_kind: PlanKind | str | None = None,
        setting: Setting | str | None = None,
        state: str | None = None,
        plan_id: int | None = None,
        provider_id: int | None = None,
        service: str = "pre",
        urgent: bool = False,
    ) -> Case:
        payer_kind = case_plan_kind(payer, "payer")
        kind = case_plan_kind(plan_kind, "plan kind") if plan_kind is not None else payer_kind
        if service not in SERVICES:
            raise BadInput(f"unknown service {service!r}", "use pre or post", where="service")
        code = parse_state(state, where="state") if state is not None else None
        where_setting = parse_choice(Setting, setting, "setting").value if setting is not None else None
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            owners = [
                (
                    plan_id,
                    "plan",
                    self._get(s, Plan, plan_id, "plan").patient_id if plan_id is not None else None,
                ),
                (
                    provider_id,
                    "provider",
                    self._get(s, Provider, provider_id, "provider").patient_id
                    if provider_id is not None
                    else None,
                ),
            ]
            for ident, what, owner in owners:
                if ident is not None and owner != patient_id:
                    raise BadInput(
                        f"{what} {ident} belongs to another patient", f"use one of this patient's {what}s"
                    )
            case = Case(
                patient_id=patient_id,
                title=title or f"{procedure_code} ({payer_kind.value})",
                procedure_code=procedure_code,
                setting=where_setting,
                payer=payer_kind.value,
                plan_kind=kind.value,
                state=code,
                plan_id=plan_id,
                provider_id=provider_id,
                status="open",
                service=service,
                urgent=urgent,
                created_at=now(),
            )
            s.add(case)
            s.flush()
            self._audit(s, "create", patient_id, "case", case.id)
            return case

    def get_case(self, case_id: int) -> Case:
        """A case with everything on it loaded: patient, plan, provider, requests, denials, appeals."""
        with self.transaction() as s:
            case = s.scalars(
                select(Case)
                .where(Case.id == case_id)
                .options(
                    # one row each: in the case's own query (three round trips fewer)
                    joinedload(Case.patient),
                    joinedload(Case.plan),
                    joinedload(Case.provider),
                    selectinload(Case.pa_requests).selectinload(PARequest.events),
                    selectinload(Case.denials).selectinload(Denial.codes),
                    selectinload(Case.appeals),
                    selectinload(Case.peer_to_peers),
                    selectinload(Case.external_reviews),
                    selectinload(Case.documents),
                )
            ).first()
            if case is None:
                raise BadInput(
                    f"there is no case {case_id}", "list the cases to find its number", where="case"
                )
            self._audit(s, "read", case.patient_id, "case", case.id)
            return case

    def list_cases(self, patient_id: int | None = None, *, status: str | None = None) -> list[Case]:
        with self.transaction() as s:
            q = select(Case).options(
                selectinload(Case.patient),
                selectinload(Case.pa_requests),
                selectinload(Case.denials),
                selectinload(Case.appeals),
            )
            if patient_id is not None:
                q = q.where(Case.patient_id == patient_id)
            if status is not None:
                q = q.where(Case.status == status)
            rows = list(s.scalars(q.order_by(Case.id)))
            self._audit(s, "read", patient_id, "case_list", patient_ids=[c.patient_id for c in rows])
            return rows

    def set_case_status(self, case_id: int, status: str, on_date: date | None = None) -> None:
        if status not in ("open", "closed"):
            raise BadInput(f"unknown case status {status!r}", "use open or closed", where="status")
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            case.status = status
            case.closed_on = on_date if status == "closed" else None
            self._audit(s, "update", case.patient_id, "case", case.id)

    def update_case(
        self,
        case_id: int,
        *,
        case: dict[str, Any] | None = None,
        patient: dict[str, Any] | None = None,
        plan: dict[str, Any] | None = None,
        provider: dict[str, Any] | None = None,
    ) -> Case:
        """Change a case and its patient, plan and provider details (a plan or provider is added when
        the case has none). Only the fields given change; values are checked by the caller."""
        for given, allowed, what in (
            (case, CASE_FIELDS, "case"),
            (patient, PATIENT_FIELDS, "patient"),
            (plan, PLAN_FIELDS, "plan"),
            (provider, PROVIDER_FIELDS, "provider"),
        ):
            unknown = sorted(set(given or {}) - allowed)
            if unknown:
                raise BadInput(f"unknown {what} field {unknown[0]!r}", "leave it out", where=unknown[0])
        with self.transaction() as s:
            c = self._get(s, Case, case_id, "case")
            for k, v in (case or {}).items():
                setattr(c, k, v)
            p = self._get(s, Patient, c.patient_id, "patient")
            for k, v in (patient or {}).items():
                setattr(p, k, v)
            if plan:
                row = s.get(Plan, c.plan_id) if c.plan_id is not None else None
                if row is None:
                    row = Plan(patient_id=c.patient_id, name=plan.get("name") or c.payer, kind=c.plan_kind)
                    s.add(row)
                    s.flush()
                    c.plan_id = row.id
                for k, v in plan.items():
                    setattr(row, k, v)
            if provider:
                prov = s.get(Provider, c.provider_id) if c.provider_id is not None else None
                if prov is None:
                    prov = Provider(patient_id=c.patient_id, name=provider.get("name") or "clinician")
                    s.add(prov)
                    s.flush()
                    c.provider_id = prov.id
                for k, v in provider.items():
                    setattr(prov, k, v)
            self._audit(s, "update", c.patient_id, "case", c.id)
            return c

    def delete_case(self, case_id: int) -> None:
        """Delete a case with its requests, denials, appeals, reviews and documents (audited: ids only)."""
        with self.transaction() as s:
            c = self._get(s, Case, case_id, "case")
            pid = c.patient_id
            pa_ids = select(PARequest.id).where(PARequest.case_id == case_id)
            s.execute(delete(PAEvent).where(PAEvent.pa_request_id.in_(pa_ids)))
            denial_ids = select(Denial.id).where(Denial.case_id == case_id)
            s.execute(delete(DenialCode).where(DenialCode.denial_id.in_(denial_ids)))
            docs = list(s.scalars(select(Document).where(Document.case_id == case_id)))
            s.execute(delete(Appeal).where(Appeal.case_id == case_id))
            for model in (PARequest, PeerToPeer, ExternalReview, Denial):
                s.execute(delete(model).where(model.case_id == case_id))
            for d in docs:
                self._drop_document(s, d)
            s.delete(c)
            self._audit(s, "delete", pid, "case", case_id)

    # -- prior authorization ---------------------------------------------------------------------
    def add_pa_request(
        self, case_id: int, *, on_date: date, status: str = "draft", note: str | None = None, **fields: Any
    ) -> PARequest:
        self._check_pa_status(status)
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            pa = PARequest(patient_id=case.patient_id, case_id=case_id, status=status, **fields)
            if pa.expedited is None:  # asked for as the case is (urgent or not) when it is made
                pa.expedited = case.urgent
            if status == "submitted" and pa.submitted_on is None:
                pa.submitted_on = on_date
            s.add(pa)
            s.flush()
            s.add(
                PAEvent(
                    patient_id=case.patient_id,
                    pa_request_id=pa.id,
                    status=status,
                    on_date=on_date,
                    auth_number=pa.auth_number,
                    expires_on=pa.expires_on,
                    note=note,
                )
            )
            self._audit(s, "create", case.patient_id, "pa_request", pa.id, case_id=case.id)
            return pa

    @staticmethod
    def _check_pa_status(status: str) -> None:
        if status not in PA_STATUSES:
            raise BadInput(
                f"unknown prior-authorization status {status!r}",
                "use one of: " + ", ".join(PA_STATUSES),
                where="status",
            )

    def set_pa_status(
        self,
        pa_id: int,
        status: str,
        *,
        on_date: date,
        auth_number: str | None = None,
        expires_on: date | None = None,
        note: str | None = None,
    ) -> PARequest:
        self._check_pa_status(status)
        if status == "approved" and not auth_number:
            raise BadInput(
                "an approval needs its authorization number",
                "give the authorization number",
                where="auth number",
            )
        with self.transaction() as s:
            pa = self._get(s, PARequest, pa_id, "pa_request")
            pa.status = status
            if status == "submitted" and pa.submitted_on is None:
                pa.submitted_on = on_date
            if auth_number:
                pa.auth_number = auth_number
            if expires_on:
                pa.expires_on = expires_on
            s.add(
                PAEvent(
                    patient_id=pa.patient_id,
                    pa_request_id=pa.id,
                    status=status,
                    on_date=on_date,
                    auth_number=auth_number,
                    expires_on=expires_on,
                    note=note,
                )
            )
            self._audit(s, "update", pa.patient_id, "pa_request", pa.id, case_id=pa.case_id)
            return pa
