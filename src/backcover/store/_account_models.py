"""Clinic mode's accounts: users, their sign-in sessions, and the failed-sign-in throttle.

These tables have their own declarative base: they hold no patient data, and they stay out of the
export archive, the "delete my data" sweep and the table counts, which walk
``_models.Base.metadata`` only. A password is kept as its Argon2id hash, a session as the SHA-256 of
its token, a throttled username or address as its SHA-256 (so a password typed into the username
box is never stored).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backcover.store._models import NAMING

__all__ = ["ROLES", "AccountBase", "SignInThrottle", "User", "UserSession"]

ROLES = ("admin", "staff", "viewer")


class AccountBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(AccountBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # lower case
    role: Mapped[str] = mapped_column(String(10))  # admin | staff | viewer
    password_hash: Mapped[str] = mapped_column(Text)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is accepted once
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_signin_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(AccountBase):
    """One signed-in browser or API client: ends when idle too long, at ``expires_at``, or at sign-out."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInThrottle(AccountBase):
    """Recent failed sign-ins for one username or one client address (``key`` is a hash)."""

    __tablename__ = "signin_throttle"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
