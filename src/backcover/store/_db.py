"""Opening the store: the database URL, the SQLAlchemy engine, and Alembic migrations."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from backcover.atomic import remove_stale_temp_files
from backcover.errors import BadInput
from backcover.store._store import Store
from backcover.store._upgrade import upgrade

__all__ = ["ENV_URL", "default_url", "migrate", "open_store"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_URL = "BACKCOVER_DATABASE_URL"
MAX_ACTOR = 200


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
    remove_stale_temp_files([path.parent])  # exports and other atomic writes a killed run cut off
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
    """Bring the schema to the newest Alembic revision (from empty, or from any older revision).

    An existing SQLite store is copied first and put back if the upgrade fails (see ``_upgrade``).
    """
    upgrade(engine, MIGRATIONS)


def open_store(
    url: str | None = None,
    *,
    actor: str | None = None,
    migrate_schema: bool = True,
    route: str | None = None,
) -> Store:
    """Open (and migrate) the store at ``url``, or the default. An unreachable database is bad input.

    ``actor`` is who the audit log names (default ``BACKCOVER_ACTOR``, else ``local:`` and the OS
    user); ``route`` is what it says they used (the CLI passes the command)."""
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
    who = actor or os.environ.get("BACKCOVER_ACTOR") or f"local:{getpass.getuser()}"
    if len(who) > MAX_ACTOR:
        engine.dispose()
        raise BadInput(
            f"the actor name is {len(who):,} characters long; at most {MAX_ACTOR} are kept in the audit log",
            f"set BACKCOVER_ACTOR to a shorter name (a login or initials, {MAX_ACTOR} characters or fewer)",
            where="BACKCOVER_ACTOR",
        )
    return Store(engine, who, route)
