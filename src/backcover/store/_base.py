"""The store's plumbing: sessions, one transaction per use case, the audit log, and row look-ups.

Every write runs in one transaction: a failure leaves nothing half-written. A use case that makes
several writes (a patient, a provider and a case) wraps them in :meth:`StoreBase.transaction`; the
store methods it calls join that transaction instead of committing on their own. Every read or
change of patient data writes an audit entry (who, what, which patient; never the data) in the same
transaction. Errors name the field (``case``, ``payer``), never a command-line flag: the CLI and
the web app say where the field came from.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from backcover.errors import BadInput
from backcover.store._limits import check_lengths
from backcover.store._models import AuditEntry
from backcover.store._scope import READ_ACTIONS, Refused, current_scope

__all__ = ["CodeInput", "StoreBase", "now"]

T = TypeVar("T")

_READS = "backcover_audit_reads"  # Session.info: the reads this transaction has recorded


def _reads_committed(session: Session) -> None:
    """Once a transaction is committed, its recorded reads count for the rest of the request."""
    scope = current_scope()
    done = session.info.pop(_READS, None)
    if scope is not None and done:
        scope.reads.update(done)


def now() -> datetime:
    return datetime.now(UTC)


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


class StoreBase:
    """Sessions, transactions, audit entries and look-ups shared by every part of the store."""

    def __init__(self, engine: Engine, actor: str, route: str | None = None) -> None:
        self.engine = engine
        self.actor = actor
        self.route = route  # the command, for the CLI: "cli: backcover case show"
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", check_lengths)
        event.listen(self._sessions, "after_commit", _reads_committed)
        self._local = threading.local()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the outermost block ends, rolled back entirely on any error.

        Nested blocks (in the same thread) join the outer transaction, so a use case that calls
        several store methods inside one ``with store.transaction():`` is all or nothing.
        """
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        with self._sessions.begin() as session:
            self._local.session = session
            try:
                yield session
            finally:
                self._local.session = None

    def _audit(
        self,
        s: Session,
        action: str,
        patient_id: int | None,
        entity: str,
        entity_id: object = None,
        *,
        case_id: int | None = None,
        patient_ids: Iterable[int] | None = None,
    ) -> None:
        """Record one read or change of patient data, and refuse a change the actor may not make.

        This is the one place every access to patient data passes: the current
        :class:`~backcover.store._scope.AuditScope` names the actor and the route, and says whether
        the actor may write (a viewer may not; the transaction is then rolled back). A list read
        passes ``patient_ids``: the patients it returned.
        """
        scope = current_scope()
        actor = (scope.actor if scope is not None else None) or self.actor
        if scope is not None and not scope.may_write and action not in READ_ACTIONS:
            raise Refused(actor, action)
        if case_id is None and entity == "case" and isinstance(entity_id, int):
            case_id = entity_id
        ids = sorted(set(patient_ids)) if patient_ids is not None else None
        if action in READ_ACTIONS:
            # the same read twice in one request (a page that looks a case up, then loads it) is one
            key = (action, patient_id, case_id, entity, entity_id, None if ids is None else tuple(ids))
            pending: set[tuple[object, ...]] = s.info.setdefault(_READS, set())
            if key in pending or (scope is not None and key in scope.reads):
                return
            pending.add(key)
        s.add(
            AuditEntry(
                at=now(),
                actor=actor,
                action=action,
                patient_id=patient_id,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                case_id=case_id,
                route=(scope.route if scope is not None else None) or self.route,
                patient_ids=None if ids is None else ",".join(str(i) for i in ids),
            )
        )
        if scope is not None:
            scope.events += 1

    def record_access(self, action: str, entity: str = "route") -> None:
        """An audit entry for a request that read or changed patient data outside the store (the
        web app's workspace of imported files): the route and the actor, no patient id."""
        with self.transaction() as s:
            self._audit(s, action, None, entity)

    def _get(self, s: Session, model: type[T], ident: int, what: str) -> T:
        obj = s.get(model, ident)
        if obj is None:
            words = what.replace("_", " ")
            fixes = {"case": "list the cases to find its number", "patient": "check the patient number"}
            raise BadInput(
                f"there is no {words} {ident}", fixes.get(what, f"check the {words} number"), where=what
            )
        return obj
