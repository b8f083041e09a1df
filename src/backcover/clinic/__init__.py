"""Clinic mode's accounts: sign-in (Argon2id passwords, optional TOTP, sessions, the throttle) and
user management. The web app's middleware and the ``backcover users`` commands use these; the rows
live in :mod:`backcover.store` (``Accounts``). See docs/clinic.md.
"""

from __future__ import annotations

from backcover.clinic._secrets import (
    MIN_PASSWORD,
    check_password_rules,
    hash_password,
    hash_token,
    normal_username,
    set_hasher,
    totp_step,
    totp_uri,
    verify_password,
)
from backcover.clinic._signin import ClinicSettings, Granted, SignIn, SignInRefused
from backcover.clinic._users import (
    add_user,
    disable_user,
    enable_user,
    reset_password,
    totp_disable,
    totp_enable,
    user_json,
)

__all__ = [
    "MIN_PASSWORD",
    "ClinicSettings",
    "Granted",
    "SignIn",
    "SignInRefused",
    "add_user",
    "check_password_rules",
    "disable_user",
    "enable_user",
    "hash_password",
    "hash_token",
    "normal_username",
    "reset_password",
    "set_hasher",
    "totp_disable",
    "totp_enable",
    "totp_step",
    "totp_uri",
    "user_json",
    "verify_password",
]
