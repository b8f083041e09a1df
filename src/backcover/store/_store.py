"""The persistent store: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated by Alembic.

Every write runs in one transaction: a failure leaves nothing half-written. Every read or change of
patient data writes an audit entry (who, what, which patient; never the data) in the same
transaction. Methods return ORM objects detached from their session, with what callers need loaded.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from backcover.appeals import Level, deadlines, duration, next_level, normalize_plan_kind
from backcover.errors import BadInput
from backcover.store._files import check_document, sha256_hex
from backcover.store._models import (
    PA_STATUSES,
    Accumulator,
    Appeal,
    AuditEntry,
    Base,
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

__all__ = ["CodeInput", "DueItem", "Store", "default_url", "first_level", "migrate", "open_store"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def first_level(case: Case, denial: Denial) -> Level:
    """The first appeal level for a denial on a case: its last day to file and its rule."""
    return deadlines(
        case.plan_kind,
        denial.denial_date,
        received_date=denial.received_date,
        urgent=case.urgent,
        service=case.service,
    ).levels[0]


ENV_URL = "BACKCOVER_DATABASE_URL"
PAYERS = ("medicare", "medicare-advantage", "commercial", "marketplace", "medicaid", "medicaid-ffs")
OUTCOMES = ("pending", "overturned", "upheld", "partial", "withdrawn")
T = TypeVar("T")


def default_url() -> str:
    """BACKCOVER_DATABASE_URL, or SQLite in the user data directory (``$BACKCOVER_HOME`` if set)."""
    env = os.environ.get(ENV_URL)
    if env:
        return env
    from backcover.paths import data_dir

    return f"sqlite:///{data_dir() / 'backcover.db'}"


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unreadable URL)"


def _prepare_sqlite_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(
            "the database URL cannot be read",
            "use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB",
            where=ENV_URL,
        ) from None
    connect_args: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            _prepare_sqlite_file(Path(db).expanduser())
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args["connect_timeout"] = 5
    else:
        raise BadInput(
            f"unsupported database {backend!r} in {_safe_url(url)}",
            "use SQLite (sqlite:///PATH) or PostgreSQL (postgresql+psycopg://...)",
            where=ENV_URL,
        )
    try:
        engine = create_engine(parsed, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError):
        raise BadInput(
            f"the database URL {_safe_url(url)} is not usable", "check the driver name", where=ENV_URL
        ) from None
    if backend == "sqlite":

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (from empty, or from any older revision)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str | None = None, *, actor: str | None = None, migrate_schema: bool = True) -> Store:
    """Open (and migrate) the store at ``url``, or the default. An unreachable database is bad input."""
    url = url or default_url()
    engine = _engine(url)
    try:
        with engine.connect():
            pass
        if migrate_schema:
            migrate(engine)
    except OperationalError:
        engine.dispose()
        parsed = make_url(url)
        where = parsed.host or parsed.database or "?"
        if parsed.port:
            where = f"{where}:{parsed.port}"
        raise BadInput(
            f"cannot reach the database at {where} ({parsed.get_backend_name()})",
            f"check that the server is running and that {ENV_URL} is right",
            where=ENV_URL,
        ) from None
    return Store(engine, actor or os.environ.get("BACKCOVER_ACTOR") or f"local:{getpass.getuser()}")


@dataclass(frozen=True)
class CodeInput:
    """A denial code to store: ``system`` carc or rarc, with the group code and amount if known."""

    system: str
    code: str
    group: str | None = None
    amount: str | None = None
    known: bool = True
    source: str = "typed"
    claim_id: str | None = None
    service_code: str | None = None


@dataclass(frozen=True)
class DueItem:
    """Something with a date on a case: a filing deadline, a decision due, an authorization expiring."""

    case_id: int
    patient_id: int
    due: date
    what: str
    kind: str  # file_appeal | decision_due | auth_expires | appeal_deadline
    rule: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "patient_id": self.patient_id,
            "due": self.due.isoformat(),
            "what": self.what,
            "kind": self.kind,
            "rule": self.rule,
        }


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Patients, plans, providers, the treatment log, cases and their documents, denials and appeals."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- plumbing -------------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely on any error."""
        with self._sessions.begin() as session:
            yield session

    def _audit(
        self, s: Session, action: str, patient_id: int | None, entity: str, entity_id: object = None
    ) -> None:
        s.add(
            AuditEntry(
                at=_now(),
                actor=self.actor,
                action=action,
                patient_id=patient_id,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
            )
        )

    def _get(self, s: Session, model: type[T], ident: int, what: str) -> T:
        obj = s.get(model, ident)
        if obj is None:
            fixes = {"case": "list cases with `backcover case list`", "patient": "check the patient number"}
            raise BadInput(
                f"there is no {what.replace('_', ' ')} {ident}",
                fixes.get(what, f"check the {what.replace('_', ' ')} number with `backcover case show`"),
                where=f"--{what.replace('_', '-')}",
            )
        return obj

    # -- patients, plans, providers, log ----------------------------------------------------------
    def add_patient(self, name: str, birth_date: date | None = None, **fields: Any) -> Patient:
        if not name.strip():
            raise BadInput("the patient's name is empty", "give the patient's name", where="name")
        with self.transaction() as s:
            p = Patient(name=name.strip(), birth_date=birth_date, created_at=_now(), profile={}, **fields)
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
            self._audit(s, "read", None, "patient_list")
            return rows

    def find_patient(self, name: str) -> Patient | None:
        with self.transaction() as s:
            p = s.scalars(select(Patient).where(Patient.name == name).order_by(Patient.id)).first()
            if p is not None:
                self._audit(s, "read", p.id, "patient", p.id)
            return p

    def add_plan(self, patient_id: int, name: str, kind: str, **fields: Any) -> Plan:
        kind = normalize_plan_kind(kind)
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            plan = Plan(patient_id=patient_id, name=name, kind=kind, **fields)
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

    # -- cases -------------------------------------------------------------------------------------
    def new_case(
        self,
        patient_id: int,
        procedure_code: str,
        payer: str,
        *,
        title: str | None = None,
        plan_kind: str | None = None,
        setting: str | None = None,
        state: str | None = None,
        plan_id: int | None = None,
        provider_id: int | None = None,
        service: str = "pre",
        urgent: bool = False,
    ) -> Case:
        payer_key = payer.strip().lower()
        if payer_key not in PAYERS:
            from backcover.yamlio import suggest

            raise BadInput(
                f"unknown payer {payer!r}{suggest(payer_key, PAYERS)}",
                "use one of: " + ", ".join(PAYERS),
                where="--payer",
            )
        kind = normalize_plan_kind(plan_kind or payer_key)
        if service not in ("pre", "post"):
            raise BadInput(f"unknown service {service!r}", "use pre or post", where="--service")
        if state is not None and (len(state) != 2 or not state.isalpha()):
            raise BadInput(
                f"{state!r} is not a two-letter state", "use a code such as PA or NY", where="--state"
            )
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
                title=title or f"{procedure_code} ({payer_key})",
                procedure_code=procedure_code,
                setting=setting,
                payer=payer_key,
                plan_kind=kind,
                state=state.upper() if state else None,
                plan_id=plan_id,
                provider_id=provider_id,
                status="open",
                service=service,
                urgent=urgent,
                created_at=_now(),
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
                    selectinload(Case.patient),
                    selectinload(Case.plan),
                    selectinload(Case.provider),
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
                    f"there is no case {case_id}", "list cases with `backcover case list`", where="--case"
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
            for pid in sorted({c.patient_id for c in rows}):
                self._audit(s, "read", pid, "case_list")
            return rows

    def set_case_status(self, case_id: int, status: str) -> None:
        if status not in ("open", "closed"):
            raise BadInput(f"unknown case status {status!r}", "use open or closed", where="status")
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            case.status = status
            self._audit(s, "update", case.patient_id, "case", case.id)

    # -- prior authorization ---------------------------------------------------------------------
    def add_pa_request(
        self, case_id: int, *, on_date: date, status: str = "draft", note: str | None = None, **fields: Any
    ) -> PARequest:
        self._check_pa_status(status)
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            pa = PARequest(patient_id=case.patient_id, case_id=case_id, status=status, **fields)
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
            self._audit(s, "create", case.patient_id, "pa_request", pa.id)
            return pa

    @staticmethod
    def _check_pa_status(status: str) -> None:
        if status not in PA_STATUSES:
            raise BadInput(
                f"unknown prior-authorization status {status!r}", "use one of: " + ", ".join(PA_STATUSES)
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
                "an approval needs its authorization number", "give --auth-number", where="--auth-number"
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
            self._audit(s, "update", pa.patient_id, "pa_request", pa.id)
            return pa

    # -- denials and appeals -----------------------------------------------------------------------
    def add_denial(
        self,
        case_id: int,
        denial_date: date,
        *,
        as_of: date,
        codes: Sequence[CodeInput] = (),
        reason_text: str | None = None,
        received_date: date | None = None,
        source: str = "typed",
        document: tuple[bytes, str, str | None] | None = None,
    ) -> Denial:
        """Record a denial with its codes (and optionally its letter or 835 as a document), all or nothing.

        ``document`` is ``(content, doc_type, filename)``.
        """
        if denial_date > as_of:
            raise BadInput(
                f"the denial date {denial_date.isoformat()} is in the future (today is {as_of.isoformat()})",
                "give the date printed on the denial notice",
                where="--date",
            )
        if received_date is not None and (received_date < denial_date or received_date > as_of):
            raise BadInput(
                f"the received date {received_date.isoformat()} must be between the denial date and today",
                "give the day the notice arrived",
                where="--received",
            )
        if not codes and not (reason_text or "").strip():
            raise BadInput("a denial needs its codes or its reason text", "give --codes, --text or --x12")
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            doc_id = None
            if document is not None:
                doc = self._add_document(
                    s,
                    case.patient_id,
                    document[0],
                    document[1],
                    doc_date=denial_date,
                    source="denial intake",
                    filename=document[2],
                    case_id=case_id,
                )
                doc_id = doc.id
            denial = Denial(
                patient_id=case.patient_id,
                case_id=case_id,
                denial_date=denial_date,
                received_date=received_date,
                reason_text=reason_text,
                source=source,
                document_id=doc_id,
            )
            s.add(denial)
            s.flush()
            for c in codes:
                s.add(
                    DenialCode(
                        patient_id=case.patient_id,
                        denial_id=denial.id,
                        system=c.system,
                        group_code=c.group,
                        code=c.code,
                        amount=c.amount,
                        known=c.known,
                        source=c.source,
                        claim_id=c.claim_id,
                        service_code=c.service_code,
                    )
                )
            s.flush()
            s.refresh(denial, ["codes"])
            self._audit(s, "create", case.patient_id, "denial", denial.id)
            return denial

    def add_appeal(
        self,
        case_id: int,
        level: str,
        *,
        denial_id: int | None = None,
        filed_on: date | None = None,
        deadline: date | None = None,
        outcome: str | None = None,
        outcome_date: date | None = None,
        note: str | None = None,
    ) -> Appeal:
        if outcome is not None and outcome not in OUTCOMES:
            raise BadInput(
                f"unknown outcome {outcome!r}", "use one of: " + ", ".join(OUTCOMES), where="--outcome"
            )
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            from backcover.appeals import level_ids

            ids = level_ids(case.plan_kind)
            if level not in ids:
                raise BadInput(
                    f"{level!r} is not an appeal level for {case.plan_kind} plans",
                    "use one of: " + ", ".join(ids),
                    where="--level",
                )
            if denial_id is not None and self._get(s, Denial, denial_id, "denial").case_id != case_id:
                raise BadInput(f"denial {denial_id} belongs to another case", "give a denial of this case")
            appeal = Appeal(
                patient_id=case.patient_id,
                case_id=case_id,
                denial_id=denial_id,
                level=level,
                filed_on=filed_on,
                deadline=deadline,
                outcome=outcome,
                outcome_date=outcome_date,
                note=note,
            )
            s.add(appeal)
            s.flush()
            self._audit(s, "create", case.patient_id, "appeal", appeal.id)
            return appeal

    def set_appeal_outcome(self, appeal_id: int, outcome: str, outcome_date: date) -> Appeal:
        if outcome not in OUTCOMES:
            raise BadInput(
                f"unknown outcome {outcome!r}", "use one of: " + ", ".join(OUTCOMES), where="--outcome"
            )
        with self.transaction() as s:
            appeal = self._get(s, Appeal, appeal_id, "appeal")
            appeal.outcome, appeal.outcome_date = outcome, outcome_date
            self._audit(s, "update", appeal.patient_id, "appeal", appeal.id)
            return appeal

    def add_peer_to_peer(self, case_id: int, requested_on: date, **fields: Any) -> PeerToPeer:
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            p2p = PeerToPeer(patient_id=case.patient_id, case_id=case_id, requested_on=requested_on, **fields)
            s.add(p2p)
            s.flush()
            self._audit(s, "create", case.patient_id, "peer_to_peer", p2p.id)
            return p2p

    def add_external_review(self, case_id: int, requested_on: date, **fields: Any) -> ExternalReview:
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            er = ExternalReview(
                patient_id=case.patient_id, case_id=case_id, requested_on=requested_on, **fields
            )
            s.add(er)
            s.flush()
            self._audit(s, "create", case.patient_id, "external_review", er.id)
            return er

    # -- documents ---------------------------------------------------------------------------------
    def _add_document(
        self,
        s: Session,
        patient_id: int,
        content: bytes,
        doc_type: str,
        *,
        doc_date: date | None,
        source: str | None,
        filename: str | None,
        case_id: int | None,
    ) -> Document:
        media = check_document(content, doc_type, file=filename)
        digest = sha256_hex(content)
        if s.get(Blob, (patient_id, digest)) is None:
            s.add(Blob(patient_id=patient_id, sha256=digest, content=content))
        doc = Document(
            patient_id=patient_id,
            case_id=case_id,
            sha256=digest,
            doc_type=doc_type,
            doc_date=doc_date,
            source=source,
            filename=filename,
            media_type=media,
            size=len(content),
            added_at=_now(),
        )
        s.add(doc)
        s.flush()
        self._audit(s, "create", patient_id, "document", doc.id)
        return doc

    def add_document(
        self,
        patient_id: int,
        content: bytes,
        doc_type: str,
        *,
        doc_date: date | None = None,
        source: str | None = None,
        filename: str | None = None,
        case_id: int | None = None,
    ) -> Document:
        """Store a file (PDF or image; an 835 for ``remittance``), content-addressed by sha256."""
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            if case_id is not None and self._get(s, Case, case_id, "case").patient_id != patient_id:
                raise BadInput(
                    f"case {case_id} belongs to another patient", "give one of this patient's cases"
                )
            return self._add_document(
                s,
                patient_id,
                content,
                doc_type,
                doc_date=doc_date,
                source=source,
                filename=filename,
                case_id=case_id,
            )

    def document_content(self, document_id: int) -> bytes:
        with self.transaction() as s:
            doc = self._get(s, Document, document_id, "document")
            blob = s.get(Blob, (doc.patient_id, doc.sha256))
            assert blob is not None
            self._audit(s, "read", doc.patient_id, "document", doc.id)
            return blob.content

    def list_documents(self, patient_id: int, case_id: int | None = None) -> list[Document]:
        with self.transaction() as s:
            q = select(Document).where(Document.patient_id == patient_id)
            if case_id is not None:
                q = q.where(Document.case_id == case_id)
            rows = list(s.scalars(q.order_by(Document.doc_date, Document.id)))
            self._audit(s, "read", patient_id, "document_list")
            return rows

    # -- deadlines ---------------------------------------------------------------------------------
    def case_deadlines(self, case: Case) -> list[DueItem]:
        """Every dated item of a loaded case (from :meth:`get_case` or :meth:`list_cases`), by date."""
        items: list[DueItem] = []
        appealed = {a.denial_id for a in case.appeals if a.denial_id is not None and a.filed_on is not None}
        for d in case.denials:
            if d.id in appealed:
                continue
            first = first_level(case, d)
            if first.file_by is not None:
                items.append(
                    DueItem(
                        case.id,
                        case.patient_id,
                        first.file_by,
                        f"file: {first.name}",
                        "file_appeal",
                        first.rule,
                    )
                )
        for a in case.appeals:
            if a.filed_on is None and a.deadline is not None:
                items.append(
                    DueItem(
                        case.id, case.patient_id, a.deadline, f"file appeal ({a.level})", "appeal_deadline"
                    )
                )
            elif a.filed_on is not None and a.outcome in (None, "pending"):
                lv = deadlines(case.plan_kind, a.filed_on, urgent=case.urgent, service=case.service)
                match = [x for x in lv.levels if x.level == a.level]
                if match and match[0].decision_within:
                    due = a.filed_on + duration(match[0].decision_within)
                    items.append(
                        DueItem(
                            case.id,
                            case.patient_id,
                            due,
                            f"decision due ({a.level})",
                            "decision_due",
                            match[0].rule,
                        )
                    )
            elif a.outcome in ("upheld", "partial") and a.outcome_date is not None:
                later = any(
                    b.id != a.id and b.filed_on is not None and b.filed_on >= a.outcome_date
                    for b in case.appeals
                )
                nxt = next_level(
                    case.plan_kind, a.level, a.outcome_date, urgent=case.urgent, service=case.service
                )
                if nxt is not None and nxt.file_by is not None and not later:
                    items.append(
                        DueItem(
                            case.id,
                            case.patient_id,
                            nxt.file_by,
                            f"file: {nxt.name}",
                            "file_appeal",
                            nxt.rule,
                        )
                    )
        for pa in case.pa_requests:
            if pa.status == "approved" and pa.expires_on is not None:
                items.append(
                    DueItem(
                        case.id,
                        case.patient_id,
                        pa.expires_on,
                        f"authorization {pa.auth_number} expires",
                        "auth_expires",
                    )
                )
        return sorted(items, key=lambda i: (i.due, i.kind))

    def next_deadline(self, case: Case, as_of: date) -> DueItem | None:
        """The first dated item on or after ``as_of``."""
        upcoming = [i for i in self.case_deadlines(case) if i.due >= as_of]
        return upcoming[0] if upcoming else None

    def cases_due(self, as_of: date, days: int) -> list[DueItem]:
        """Items of open cases due from ``as_of`` through ``as_of + days`` (and overdue ones before)."""
        if days < 0:
            raise BadInput("--days must be 0 or more", "give a number of days such as 14", where="--days")
        end = as_of + timedelta(days=days)
        out: list[DueItem] = []
        for case in self.list_cases(status="open"):  # loads requests, denials and appeals in 4 queries
            out.extend(i for i in self.case_deadlines(case) if i.due <= end)
        return sorted(out, key=lambda i: (i.due, i.case_id))

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

    def table_counts(self) -> dict[str, int]:
        from sqlalchemy import func

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
            from sqlalchemy import text

            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
