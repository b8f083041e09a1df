"""Persistence of clinic accounts: users, sessions and the sign-in throttle (no policy here).

Hashing, timeouts and the throttle's limits are decided by :mod:`backcover.clinic`; this module
only keeps and finds rows. Changes to accounts are written to the audit log too (who added or
disabled whom), under the same actor rules as patient data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backcover.errors import BadInput
from backcover.store._account_models import ROLES, SignInThrottle, User, UserSession
from backcover.store._models import AuditEntry
from backcover.store._scope import current_scope

__all__ = ["Accounts", "SessionUser", "aware"]


def aware(value: datetime) -> datetime:
    """SQLite gives back naive date-times: they were stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _session_row(s: Session, token_hash: str) -> tuple[UserSession, User] | None:
    """The session with this token hash and its user (one indexed query), or None."""
    row = s.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash)
    ).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True, slots=True)
class SessionUser:
    """Who a valid session belongs to."""

    user_id: int
    username: str
    role: str
    session_id: int


class Accounts:
    """Users, sessions and the throttle, over the store's engine."""

    def __init__(self, engine: Engine, actor: str, route: str | None = None) -> None:
        self.engine = engine
        self.actor = actor
        self.route = route
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def _audit(self, s: Session, action: str, user: User, at: datetime, actor: str | None = None) -> None:
        scope = current_scope()
        s.add(
            AuditEntry(
                at=at,
                actor=actor or (scope.actor if scope is not None else None) or self.actor,
                action=action,
                patient_id=None,
                entity="user",
                entity_id=user.username,
                route=(scope.route if scope is not None else None) or self.route,
            )
        )

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, username: str, role: str, password_hash: str, at: datetime) -> User:
        if role not in ROLES:
            raise BadInput(f"unknown role {role!r}", "use admin, staff or viewer", where="role")
        try:
            with self._tx() as s:
                user = User(
                    username=username,
                    role=role,
                    password_hash=password_hash,
                    disabled=False,
                    created_at=at,
                    password_changed_at=at,
                )
                s.add(user)
                s.flush()
                self._audit(s, "create", user, at)
                return user
        except IntegrityError:
            raise BadInput(
                f"there is already a user named {username!r}",
                "choose another name, or reset that user's password",
                where="name",
            ) from None

    def user(self, username: str) -> User | None:
        with self._tx() as s:
            return s.scalars(select(User).where(User.username == username)).first()

    def users(self) -> list[User]:
        with self._tx() as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def active_names(self, roles: Iterable[str]) -> list[str]:
        """The user names of the enabled users with one of ``roles``, A to Z."""
        with self._tx() as s:
            q = select(User.username).where(User.disabled.is_(False), User.role.in_(list(roles)))
            return list(s.scalars(q.order_by(User.username)))

    def _need(self, s: Session, username: str) -> User:
        user = s.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise BadInput(
                f"there is no user named {username!r}",
                "list the users with `backcover users list`",
                where="name",
            )
        return user

    def set_disabled(self, username: str, disabled: bool, at: datetime) -> User:
        """Disable (ending every session of) or enable a user."""
        with self._tx() as s:
            user = self._need(s, username)
            user.disabled = disabled
            if disabled:
                s.execute(delete(UserSession).where(UserSession.user_id == user.id))
            self._audit(s, "disable" if disabled else "enable", user, at)
            return user

    def set_password(self, username: str, password_hash: str, at: datetime) -> User:
        """A new password hash; every session of the user ends."""
        with self._tx() as s:
            user = self._need(s, username)
            user.password_hash = password_hash
            user.password_changed_at = at
            s.execute(delete(UserSession).where(UserSession.user_id == user.id))
            self._audit(s, "password", user, at)
            return user

    def rehash(self, user_id: int, password_hash: str) -> None:
        """The same password under newer hashing parameters (no audit entry: nothing changed)."""
        with self._tx() as s:
            s.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))

    def set_totp(self, username: str, secret: str | None, at: datetime) -> User:
        with self._tx() as s:
            user = self._need(s, username)
            user.totp_secret = secret
            user.totp_last_step = None
            self._audit(s, "totp_on" if secret else "totp_off", user, at)
            return user

    def use_totp_step(self, user_id: int, step: int) -> bool:
        """Mark a one-time code's time step as used; False if it (or a later one) was used already."""
        with self._tx() as s:
            done = s.execute(
                update(User)
                .where(User.id == user_id)
                .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
                .values(totp_last_step=step)
            )
            return bool(getattr(done, "rowcount", 0))

    # -- sessions ------------------------------------------------------------------------------
    def new_session(self, user_id: int, token_hash: str, at: datetime, expires_at: datetime) -> None:
        """A session for a user who has just signed in (the audit log records the sign-in)."""
        with self._tx() as s:
            user = s.get(User, user_id)
            if user is None:
                return
            s.add(
                UserSession(
                    token_hash=token_hash,
                    user_id=user_id,
                    created_at=at,
                    last_seen_at=at,
                    expires_at=expires_at,
                )
            )
            user.last_signin_at = at
            self._audit(s, "signin", user, at, actor=user.username)
            # a good moment to forget this user's sessions that ran out
            s.execute(delete(UserSession).where(UserSession.user_id == user_id, UserSession.expires_at < at))

    def session_user(
        self, token_hash: str, at: datetime, *, idle_after: datetime, touch_before: datetime
    ) -> SessionUser | None:
        """The session's user if it is still valid (not idle since ``idle_after``, not expired, user
        enabled); its last-seen time is moved on when older than ``touch_before``."""
        with self._tx() as s:
            row = _session_row(s, token_hash)
            if row is None:
                return None
            sess, user = row
            if user.disabled or aware(sess.expires_at) <= at or aware(sess.last_seen_at) <= idle_after:
                s.delete(sess)
                return None
            if aware(sess.last_seen_at) < touch_before:
                sess.last_seen_at = at
            return SessionUser(user.id, user.username, user.role, sess.id)

    def end_session(self, token_hash: str, at: datetime) -> bool:
        with self._tx() as s:
            row = _session_row(s, token_hash)
            if row is None:
                return False
            s.delete(row[0])
            self._audit(s, "signout", row[1], at, actor=row[1].username)
            return True

    def end_all_sessions(self, user_id: int, at: datetime) -> int:
        with self._tx() as s:
            user = s.get(User, user_id)
            done = s.execute(delete(UserSession).where(UserSession.user_id == user_id))
            if user is not None:
                self._audit(s, "signout", user, at, actor=user.username)
            return int(getattr(done, "rowcount", 0) or 0)

    def session_counts(self) -> dict[int, int]:
        """Open sessions per user id."""
        with self._tx() as s:
            out: dict[int, int] = {}
            for uid in s.scalars(select(UserSession.user_id)):
                out[uid] = out.get(uid, 0) + 1
            return out

    # -- throttle ------------------------------------------------------------------------------
    def locked_until(self, keys: Iterable[str], at: datetime) -> datetime | None:
        """The latest lock still in force on any of ``keys``."""
        with self._tx() as s:
            rows = s.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(list(keys))))
            locks = [aware(r.locked_until) for r in rows if r.locked_until is not None]
            live = [t for t in locks if t > at]
            return max(live) if live else None

    def failures(self, key: str, at: datetime, window_start: datetime) -> int:
        with self._tx() as s:
            row = s.get(SignInThrottle, key)
            if row is None or aware(row.window_start) < window_start:
                return 0
            return row.failures

    def record_failure(
        self, limits: dict[str, int], at: datetime, window_start: datetime, lock_until: datetime
    ) -> int:
        """Count a failed sign-in against each key (``{key: limit}``); a key that reaches its limit
        is locked until ``lock_until``. Returns the new count for the first key."""
        counts: list[int] = []
        for attempt in range(2):  # a concurrent first failure may insert the same key: retry once
            counts = []
            try:
                with self._tx() as s:
                    for key, limit in limits.items():
                        row = s.get(SignInThrottle, key, with_for_update=True)
                        if row is None:
                            row = SignInThrottle(key=key, failures=0, window_start=at)
                            s.add(row)
                        elif aware(row.window_start) < window_start:
                            row.failures, row.window_start, row.locked_until = 0, at, None
                        row.failures += 1
                        if row.failures >= limit:
                            row.locked_until = lock_until
                        counts.append(row.failures)
                break
            except IntegrityError:
                if attempt:
                    raise
        return counts[0] if counts else 0

    def clear_failures(self, keys: Iterable[str]) -> None:
        with self._tx() as s:
            s.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(list(keys))))
