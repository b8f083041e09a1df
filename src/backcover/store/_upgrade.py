"""Schema upgrades that cannot lose data: back the store up, migrate, and put it back on failure.

SQLite: before a migration runs on a store that already has a schema, the whole database is copied
with SQLite's online backup API to ``NAME.before-REVISION-TIMESTAMP.db`` (owner-only) beside it. If
the migration fails, the copy is written back, so the old store keeps working with its data; the
copy stays either way until the user removes it.

PostgreSQL: the migration runs in one transaction (PostgreSQL's DDL is transactional), so a failure
rolls it back. A copy is the operator's job: ``pg_dump --format=custom DBNAME > backcover.dump``
before upgrading backcover (docs/web.md, "Upgrades").
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from backcover.errors import BadInput

__all__ = ["PG_BACKUP_HINT", "head_revision", "sqlite_copy", "upgrade"]

_log = logging.getLogger("backcover.store")
PG_BACKUP_HINT = "pg_dump --format=custom DBNAME > backcover-before-upgrade.dump"


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API (consistent even while it is in use)."""
    fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(target, 0o600)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_path(engine: Engine) -> Path | None:
    db = engine.url.database
    if engine.dialect.name != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser()


def _config(script_location: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def head_revision(script_location: Path) -> str | None:
    """The newest revision in a migrations folder."""
    return ScriptDirectory.from_config(_config(script_location)).get_current_head()


def upgrade(engine: Engine, script_location: Path) -> Path | None:
    """Bring the schema to the newest revision; returns the backup made first, if any."""
    cfg = _config(script_location)
    head = head_revision(script_location)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return None
    db = _sqlite_path(engine)
    backup: Path | None = None
    if current is not None and db is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        backup = db.with_name(f"{db.name}.before-{current}-{stamp}.db")
        engine.dispose()
        sqlite_copy(db, backup)
        _log.warning("the store is being upgraded; a copy of it from before is kept in %s", backup)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:
        engine.dispose()
        if backup is not None and db is not None:
            sqlite_copy(backup, db)  # SQLite may have kept part of the DDL: put the old store back
            fix = f"the store was put back as it was (a copy is in {backup}); report this upgrade failure"
        elif engine.dialect.name == "postgresql":
            fix = (
                "PostgreSQL rolled the upgrade back, so the store is as it was; keep a copy before "
                f"trying again ({PG_BACKUP_HINT}) and report this upgrade failure"
            )
        else:
            fix = "report this upgrade failure"
        raise BadInput(
            f"the store's upgrade from revision {current or '(empty)'} to {head} failed "
            f"({type(exc).__name__})",
            fix,
            where="database schema",
        ) from None
    return backup
