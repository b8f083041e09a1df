"""The command-line interface: thin commands over the pure core.

Each command module registers its commands on the shared :data:`app` when imported below.
"""

from __future__ import annotations

import backcover.cli.pa  # noqa: F401  (electronic prior authorization: pa send, export-x12, ingest)
from backcover.cli import cases, check, costs, demo, log, policies, record, screen, web  # noqa: F401  (registers commands)
from backcover.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="backcover")
