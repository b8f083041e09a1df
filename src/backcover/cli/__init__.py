"""The command-line interface: thin commands over the pure core.

Each command module registers its commands on the shared :data:`app` when imported below.
"""

from __future__ import annotations

from backcover.cli import (  # noqa: F401  (each module registers its commands)
    archive,
    case_appeals,
    case_docs,
    cases,
    check,
    costs,
    demo,
    log,
    pa,
    policies,
    prices,
    record,
    screen,
    web,
)
from backcover.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="backcover")
