"""Passwords (Argon2id), one-time codes (TOTP) and session tokens: the secrets of clinic sign-in.

Nothing here keeps state or touches the database. A password is checked against a stored Argon2id
hash; an unknown user is checked against a dummy hash, so that a wrong name takes as long as a
wrong password. At most a few hashes are computed at once (each takes 64 MiB), so a burst of
sign-ins cannot exhaust the server's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backcover.errors import BadInput

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "check_password_rules",
    "hash_password",
    "hash_token",
    "needs_rehash",
    "new_token",
    "new_totp_secret",
    "normal_username",
    "set_hasher",
    "totp_step",
    "totp_uri",
    "valid_username",
    "verify_password",
    "verify_unknown",
]

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")

# argon2-cffi's defaults are RFC 9106's second recommended profile for Argon2id (t=3, 64 MiB, p=4).
_hasher = PasswordHasher()
_dummy: dict[int, str] = {}
_busy = threading.BoundedSemaphore(4)


def set_hasher(hasher: PasswordHasher) -> None:
    """Use other Argon2id parameters (tests use cheap ones); hashes made before still verify."""
    global _hasher
    _hasher = hasher


def valid_username(name: str) -> bool:
    return _USERNAME.fullmatch(name) is not None


def normal_username(name: str, where: str = "name") -> str:
    """The user name in lower case, checked: 1-64 letters, digits and ``. _ @ -``."""
    n = name.strip().lower()
    if not _USERNAME.fullmatch(n):
        raise BadInput(
            "a user name is 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a "
            "letter or digit",
            "choose a name such as jsmith or j.smith",
            where=where,
        )
    return n


def check_password_rules(password: str, where: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInput(
            f"the password is {len(password)} characters long; at least {MIN_PASSWORD} are needed",
            "use a longer password (a few unrelated words make a good one)",
            where=where,
        )
    if len(password) > MAX_PASSWORD:
        raise BadInput(
            f"the password is longer than {MAX_PASSWORD} characters", "use a shorter password", where=where
        )


def hash_password(password: str) -> str:
    with _busy:
        return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD:
        password = password[:MAX_PASSWORD]
    with _busy:
        try:
            return _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def verify_unknown(password: str) -> bool:
    """Spend the time a real check takes, for a user who does not exist (always False)."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = hash_password(secrets.token_urlsafe(16))
    verify_password(_dummy[key], password)
    return False


def needs_rehash(stored: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def new_token() -> str:
    """A session token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8", errors="replace")).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str = "backcover") -> str:
    """The otpauth:// address an authenticator app reads (usually from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_step(secret: str, code: str, at: datetime) -> int | None:
    """The 30-second step whose code ``code`` is (this one, the one before or after), or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    base = totp.timecode(at)
    for offset in (0, -1, 1):
        if hmac.compare_digest(code, totp.at(at, counter_offset=offset)):
            return base + offset
    return None
