"""Patients, their plans (and amounts met so far), their clinicians, and the treatment log."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backcover.errors import BadInput
from backcover.store._base import StoreBase, now
from backcover.store._models import Accumulator, LogEntry, Patient, Plan, Provider
from backcover.vocab import PlanKind, parse_plan_kind

__all__ = ["PeopleStore"]


class PeopleStore(StoreBase):
    """Patients, plans, accumulators, providers and treatment-log entries."""

    def add_patient(self, name: str, birth_date: date | None = None, **fields: Any) -> Patient:
        if not name.strip():
            raise BadInput("the patient's name is empty", "give the patient's name", where="name")
        with self.transaction() as s:
            p = Patient(name=name.strip(), birth_date=birth_date, created_at=now(), profile={}, **fields)
            s.add(p)
            s.flush()
            self._audit(s, "create", p.id, "patient", p.id)
            return p

    def get_patient(self, patient_id: int) -> Patient:
        with self.transaction() as s:
            p = s.scalars(
                select(Patient)
                .where(Patient.id == patient_id)
                .options(
                    selectinload(Patient.plans).selectinload(Plan.accumulators),
                    selectinload(Patient.providers),
                )
            ).first()
            if p is None:
                raise BadInput(
                    f"there is no patient {patient_id}", "check the patient number", where="patient"
                )
            self._audit(s, "read", p.id, "patient", p.id)
            return p

    def list_patients(self) -> list[Patient]:
        with self.transaction() as s:
            rows = list(s.scalars(select(Patient).order_by(Patient.id)))
            self._audit(s, "read", None, "patient_list", patient_ids=[p.id for p in rows])
            return rows

    def find_patient(self, name: str) -> Patient | None:
        with self.transaction() as s:
            p = s.scalars(select(Patient).where(Patient.name == name).order_by(Patient.id)).first()
            if p is not None:
                self._audit(s, "read", p.id, "patient", p.id)
            return p

    def add_plan(self, patient_id: int, name: str, kind: PlanKind | str, **fields: Any) -> Plan:
        plan_kind = kind if isinstance(kind, PlanKind) else parse_plan_kind(kind, where="plan kind")
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            plan = Plan(patient_id=patient_id, name=name, kind=plan_kind.value, **fields)
            s.add(plan)
            s.flush()
            self._audit(s, "create", patient_id, "plan", plan.id)
            return plan

    def set_accumulators(self, plan_id: int, year: int, values: dict[str, Any]) -> Accumulator:
        with self.transaction() as s:
            plan = self._get(s, Plan, plan_id, "plan")
            acc = s.scalars(
                select(Accumulator).where(Accumulator.plan_id == plan_id, Accumulator.year == year)
            ).first()
            if acc is None:
                acc = Accumulator(patient_id=plan.patient_id, plan_id=plan_id, year=year, values=dict(values))
                s.add(acc)
            else:
                acc.values = dict(values)
            s.flush()
            self._audit(s, "update", plan.patient_id, "accumulator", acc.id)
            return acc

    def add_provider(self, patient_id: int, name: str, **fields: Any) -> Provider:
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            prov = Provider(patient_id=patient_id, name=name, **fields)
            s.add(prov)
            s.flush()
            self._audit(s, "create", patient_id, "provider", prov.id)
            return prov

    def add_log_entry(
        self,
        patient_id: int,
        entry_date: date,
        kind: str,
        text: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> LogEntry:
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            entry = LogEntry(
                patient_id=patient_id, entry_date=entry_date, kind=kind, text=text, details=details or {}
            )
            s.add(entry)
            s.flush()
            self._audit(s, "create", patient_id, "log_entry", entry.id)
            return entry

    def log_entries(self, patient_id: int) -> list[LogEntry]:
        with self.transaction() as s:
            rows = list(
                s.scalars(
                    select(LogEntry)
                    .where(LogEntry.patient_id == patient_id)
                    .order_by(LogEntry.entry_date, LogEntry.id)
                )
            )
            self._audit(s, "read", patient_id, "log_entries")
            return rows
