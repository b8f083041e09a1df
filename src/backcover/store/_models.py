"""The schema: every row belongs to a patient (``patient_id``), and an audit log records who read or
changed patient data. Clinic mode's accounts (users, sessions, sign-in throttle) are kept apart in
:mod:`._account_models`, so that an export never carries a password hash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "PA_STATUSES",
    "Accumulator",
    "Appeal",
    "AuditEntry",
    "Base",
    "Blob",
    "Case",
    "Denial",
    "DenialCode",
    "Document",
    "ExternalReview",
    "LogEntry",
    "PAEvent",
    "PARequest",
    "Patient",
    "PeerToPeer",
    "Plan",
    "Provider",
]

PA_STATUSES = ("draft", "submitted", "pended", "approved", "denied", "withdrawn")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _pid() -> Mapped[int]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    member_id: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    plans: Mapped[list[Plan]] = relationship(back_populates="patient", order_by="Plan.id")
    providers: Mapped[list[Provider]] = relationship(order_by="Provider.id")
    cases: Mapped[list[Case]] = relationship(back_populates="patient", order_by="Case.id")


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    payer: Mapped[str | None] = mapped_column(Text)
    member_id: Mapped[str | None] = mapped_column(String(100))
    group_number: Mapped[str | None] = mapped_column(String(100))
    plan_yaml: Mapped[str | None] = mapped_column(Text)
    appeals_address: Mapped[str | None] = mapped_column(Text)
    patient: Mapped[Patient] = relationship(back_populates="plans")
    accumulators: Mapped[list[Accumulator]] = relationship(order_by="Accumulator.year")


class Accumulator(Base):
    """What a plan has counted toward its limits in one plan year (money as decimal text)."""

    __tablename__ = "accumulators"
    __table_args__ = (UniqueConstraint("plan_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Provider(Base):
    __tablename__ = "providers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    name: Mapped[str] = mapped_column(Text)
    npi: Mapped[str | None] = mapped_column(String(20))
    specialty: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(50))
    fax: Mapped[str | None] = mapped_column(String(50))


class LogEntry(Base):
    """One entry of the patient's treatment log (a visit, a pain score, a medicine and how it worked)."""

    __tablename__ = "log_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    entry_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Case(Base):
    """One procedure being sought, with its prior authorizations, denials and appeals."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    title: Mapped[str] = mapped_column(Text)
    procedure_code: Mapped[str] = mapped_column(String(20))
    setting: Mapped[str | None] = mapped_column(String(40))
    payer: Mapped[str] = mapped_column(String(40))
    plan_kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str | None] = mapped_column(String(2))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    service: Mapped[str] = mapped_column(String(10), default="pre")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claim_number: Mapped[str | None] = mapped_column(String(100))  # claim or reference number
    service_from: Mapped[date | None] = mapped_column(Date)
    service_to: Mapped[date | None] = mapped_column(Date)
    external_route: Mapped[str | None] = mapped_column(String(20))  # federal | state (else from plan kind)
    representative_name: Mapped[str | None] = mapped_column(String(200))
    representative_address: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Who works the case (a clinic user's name, free text: the users table is not the store's).
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)

    patient: Mapped[Patient] = relationship(back_populates="cases")
    plan: Mapped[Plan | None] = relationship()
    provider: Mapped[Provider | None] = relationship()
    pa_requests: Mapped[list[PARequest]] = relationship(order_by="PARequest.id")
    denials: Mapped[list[Denial]] = relationship(order_by="Denial.id")
    appeals: Mapped[list[Appeal]] = relationship(order_by="Appeal.id")
    peer_to_peers: Mapped[list[PeerToPeer]] = relationship(order_by="PeerToPeer.id")
    external_reviews: Mapped[list[ExternalReview]] = relationship(order_by="ExternalReview.id")
    documents: Mapped[list[Document]] = relationship(order_by="Document.id")


class PARequest(Base):
    __tablename__ = "pa_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    submitted_on: Mapped[date | None] = mapped_column(Date)
    auth_number: Mapped[str | None] = mapped_column(String(100))
    expires_on: Mapped[date | None] = mapped_column(Date)
    payer_reference: Mapped[str | None] = mapped_column(String(100))
    # Asked for as expedited (the case's urgency when the request was made); None: as the case says.
    expedited: Mapped[bool | None] = mapped_column(Boolean)
    events: Mapped[list[PAEvent]] = relationship(order_by="PAEvent.id")


class PAEvent(Base):
    """One step of a prior-authorization request's status timeline."""

    __tablename__ = "pa_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    pa_request_id: Mapped[int] = mapped_column(ForeignKey("pa_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date)
    auth_number: Mapped[str | None] = mapped_column(String(100))
    expires_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Denial(Base):
    __tablename__ = "denials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    denial_date: Mapped[date] = mapped_column(Date)
    received_date: Mapped[date | None] = mapped_column(Date)
    reason_text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # typed | text | 835 | letter
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    codes: Mapped[list[DenialCode]] = relationship(order_by="DenialCode.id")


class DenialCode(Base):
    __tablename__ = "denial_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    denial_id: Mapped[int] = mapped_column(ForeignKey("denials.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(10))  # carc | rarc
    group_code: Mapped[str | None] = mapped_column(String(4))
    code: Mapped[str] = mapped_column(String(10))
    amount: Mapped[str | None] = mapped_column(String(30))  # decimal text
    known: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(10))  # typed | text | 835
    claim_id: Mapped[str | None] = mapped_column(String(60))
    service_code: Mapped[str | None] = mapped_column(String(20))


class Appeal(Base):
    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    denial_id: Mapped[int | None] = mapped_column(ForeignKey("denials.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(40))
    filed_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(
        String(20)
    )  # pending | overturned | upheld | partial | withdrawn
    outcome_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class PeerToPeer(Base):
    __tablename__ = "peer_to_peers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    reviewer_name: Mapped[str | None] = mapped_column(Text)
    reviewer_credentials: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)


class ExternalReview(Base):
    __tablename__ = "external_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    organization: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None] = mapped_column(Date)


class Document(Base):
    """A stored file: its bytes live in :class:`Blob` under their sha256."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Blob(Base):
    """File contents, content-addressed by sha256, kept per patient (no sharing across patients)."""

    __tablename__ = "blobs"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEntry(Base):
    """Who read or changed which patient's data, when, and from where. Never the data itself.

    Append-only (a trigger refuses UPDATE and DELETE). A list read has no single ``patient_id``:
    ``patient_ids`` names the patients it returned (``"3,7,12"``). ``route`` is the web route's
    template (``GET /cases/{case_id}``) or the command (``cli: backcover case show``).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_patient_at", "patient_id", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_at", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))  # read | create | update | delete | export | import
    patient_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives a deleted patient
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(Integer)  # no FK either
    route: Mapped[str | None] = mapped_column(Text)
    patient_ids: Mapped[str | None] = mapped_column(Text)
