"""`backcover db upgrade|status`: the store's schema (Alembic revisions).

Every command migrates the store when it opens it; ``db upgrade`` does it on purpose (before
starting a clinic server, after installing a new backcover) and says what it did.
"""

from __future__ import annotations

from typing import Annotated

import typer

from backcover.cli._app import app, emit_json, err_console, out_console
from backcover.cli._cases_common import Format, case_command, command_route, store_pkg

__all__: list[str] = []

db_app = typer.Typer(
    help="The store's database schema: upgrade it, or see its revision.", no_args_is_help=True
)
app.add_typer(db_app, name="db")

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store", help="Database URL (default: BACKCOVER_DATABASE_URL, else the local SQLite store)."
    ),
]


@db_app.command("upgrade")
@case_command
def upgrade(store: StoreOpt = None) -> None:
    """Bring the schema to the newest revision (a SQLite store is copied first; on PostgreSQL keep
    a pg_dump copy before upgrading)."""
    s = store_pkg.open_store(store, migrate_schema=False, route=command_route())
    try:
        before = s.schema_revision()
        store_pkg.migrate(s.engine)
        after = s.schema_revision()
        where = s.url
    finally:
        s.close()
    if before == after:
        err_console.print(
            f"the store at {where} is at the newest revision ({after}); nothing to do",
            highlight=False,
            soft_wrap=True,
        )
    else:
        err_console.print(
            f"upgraded the store at {where} from {before or '(empty)'} to {after}",
            highlight=False,
            soft_wrap=True,
        )


@db_app.command("status")
@case_command
def status(store: StoreOpt = None, fmt: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    """Show the store's revision and the newest one this backcover knows."""
    from backcover.store._db import MIGRATIONS
    from backcover.store._upgrade import head_revision

    s = store_pkg.open_store(store, migrate_schema=False, route=command_route())
    try:
        current, where = s.schema_revision(), s.url
    finally:
        s.close()
    head = head_revision(MIGRATIONS)
    if fmt == Format.json:
        emit_json({"store": where, "revision": current, "newest": head, "current": current == head})
        return
    state = "up to date" if current == head else "needs `backcover db upgrade`"
    out_console.print(
        f"{where}: revision {current or '(empty)'}; newest {head} ({state})", highlight=False, soft_wrap=True
    )
