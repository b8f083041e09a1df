"""The command-line interface: thin commands over the pure core.

Each command module registers its commands on the shared :data:`app` when imported below.
"""

from __future__ import annotations

from backcover.cli import (  # noqa: F401  (each module registers its commands)
    archive,
    audit,
    case_appeals,
    case_docs,
    caseload,
    cases,
    check,
    costs,
    db,
    demo,
    log,
    pa,
    policies,
    prices,
    record,
    screen,
    users,
    web,
)
from backcover.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    from backcover.atomic import remove_stale_temp_files
    from backcover.paths import data_dir

    # Temporary files of writes that a killed run left (they may hold health data) go first.
    remove_stale_temp_files([data_dir()])
    app(prog_name="backcover")
