"""Managing clinic users (the ``backcover users`` commands and the admin page share these)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backcover.clinic import _secrets
from backcover.errors import BadInput
from backcover.store import ROLES, Accounts, User

__all__ = [
    "add_user",
    "disable_user",
    "enable_user",
    "reset_password",
    "totp_disable",
    "totp_enable",
    "user_json",
]


def _now() -> datetime:
    return datetime.now(UTC)


def _role(role: str) -> str:
    r = role.strip().lower()
    if r not in ROLES:
        raise BadInput(f"unknown role {role!r}", "use admin, staff or viewer", where="role")
    return r


def add_user(accounts: Accounts, name: str, role: str, password: str) -> User:
    username = _secrets.normal_username(name)
    r = _role(role)
    _secrets.check_password_rules(password)
    return accounts.add_user(username, r, _secrets.hash_password(password), _now())


def reset_password(accounts: Accounts, name: str, password: str) -> User:
    """A new password; every session of the user ends."""
    username = _secrets.normal_username(name)
    _secrets.check_password_rules(password)
    return accounts.set_password(username, _secrets.hash_password(password), _now())


def disable_user(accounts: Accounts, name: str) -> User:
    """The user can no longer sign in; their sessions end at once. Their audit entries stay."""
    return accounts.set_disabled(_secrets.normal_username(name), True, _now())


def enable_user(accounts: Accounts, name: str) -> User:
    return accounts.set_disabled(_secrets.normal_username(name), False, _now())


def totp_enable(accounts: Accounts, name: str, issuer: str = "backcover") -> str:
    """Give the user a new one-time-code secret; returns the otpauth:// address for their app."""
    username = _secrets.normal_username(name)
    secret = _secrets.new_totp_secret()
    accounts.set_totp(username, secret, _now())
    return _secrets.totp_uri(secret, username, issuer)


def totp_disable(accounts: Accounts, name: str) -> User:
    return accounts.set_totp(_secrets.normal_username(name), None, _now())


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


def user_json(user: User, sessions: int = 0) -> dict[str, Any]:
    """A user as ``users list --format json`` and the admin API show it (never a hash or secret)."""
    return {
        "name": user.username,
        "role": user.role,
        "disabled": user.disabled,
        "totp": user.totp_secret is not None,
        "created_at": _iso(user.created_at),
        "last_signin_at": _iso(user.last_signin_at),
        "sessions": sessions,
    }
