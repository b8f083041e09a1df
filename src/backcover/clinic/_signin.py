"""Signing in and staying signed in: the throttle, the password and code checks, sessions.

The same refusal ("wrong user name or password") answers an unknown user, a disabled one, a wrong
password and a wrong or reused one-time code, after the same amount of work (an Argon2id check).
Failures count per user name (whether or not it exists) and per client address: each failure
delays the answer a little more, and after ``user_failures`` (or ``address_failures``) within
``window`` further tries are refused with 429 and a Retry-After until the lock ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

from backcover.clinic import _secrets
from backcover.store import Accounts, SessionUser

__all__ = ["ClinicSettings", "Granted", "SignIn", "SignInRefused"]

WRONG = "wrong user name or password (or one-time code, for an account that uses one)"


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    """How clinic mode signs people in. ``public_url`` is the address people and EHRs use."""

    public_url: str = "http://127.0.0.1:8765"
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    user_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    delay_step: float = 0.5  # seconds: the first failure waits this long, each next one twice as long
    max_delay: float = 4.0
    touch_every: timedelta = timedelta(seconds=30)  # how often a session's last-seen time is written

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.lower().startswith("https://")


@dataclass(frozen=True, slots=True)
class Granted:
    token: str
    user: SessionUser


class SignInRefused(Exception):
    """401 (wrong credentials, after ``delay`` seconds) or 429 (locked for ``retry_after`` s)."""

    def __init__(self, status: int, message: str, *, delay: float = 0.0, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.delay = delay
        self.retry_after = retry_after


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', errors='replace')).hexdigest()}"


class SignIn:
    """The sign-in use cases over :class:`~backcover.store.Accounts`."""

    def __init__(
        self,
        accounts: Accounts,
        settings: ClinicSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.accounts = accounts
        self.settings = settings
        self.clock = clock

    def sign_in(self, username: str, password: str, otp: str | None, address: str) -> Granted:
        st = self.settings
        at = self.clock()
        name = username.strip().lower()[:200]
        keys = {_key("user", name): st.user_failures, _key("addr", address): st.address_failures}
        locked = self.accounts.locked_until(keys, at)
        if locked is not None:
            wait = max(1, ceil((locked - at).total_seconds()))
            raise SignInRefused(
                429,
                "too many failed sign-ins; wait before trying again",
                retry_after=wait,
            )
        # a name no account can have (control characters, too long) is an unknown user, unasked
        user = self.accounts.user(name) if _secrets.valid_username(name) else None
        if user is None or user.disabled:
            ok = _secrets.verify_unknown(password)
        else:
            ok = _secrets.verify_password(user.password_hash, password)
        if ok and user is not None and user.totp_secret:
            step = _secrets.totp_step(user.totp_secret, otp or "", at)
            ok = step is not None and self.accounts.use_totp_step(user.id, step)
        if not ok or user is None:
            n = self.accounts.record_failure(keys, at, at - st.window, at + st.lockout)
            delay = min(st.delay_step * 2 ** max(n - 1, 0), st.max_delay)
            raise SignInRefused(401, WRONG, delay=delay)
        self.accounts.clear_failures([_key("user", name)])
        if _secrets.needs_rehash(user.password_hash):
            self.accounts.rehash(user.id, _secrets.hash_password(password))
        token = _secrets.new_token()
        self.accounts.new_session(user.id, _secrets.hash_token(token), at, at + st.absolute)
        found = self.session(token)
        assert found is not None
        return Granted(token, found)

    def session(self, token: str) -> SessionUser | None:
        """The signed-in user of a token, if its session is still valid."""
        if not token or len(token) > 200:
            return None
        at = self.clock()
        return self.accounts.session_user(
            _secrets.hash_token(token),
            at,
            idle_after=at - self.settings.idle,
            touch_before=at - self.settings.touch_every,
        )

    def sign_out(self, token: str, *, everywhere: bool = False) -> int:
        """End this session (or every session of its user); how many ended."""
        at = self.clock()
        if everywhere:
            user = self.session(token)
            return self.accounts.end_all_sessions(user.user_id, at) if user is not None else 0
        return int(self.accounts.end_session(_secrets.hash_token(token), at))
