"""What the case commands share: the sub-command groups, option types, file reading, and the
translation of a use case's field names (``state``) into the options a person typed (``--state``)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from backcover.cli._app import app, guarded, lazy_module
from backcover.errors import BadInput

if TYPE_CHECKING:
    import backcover.services as services
    import backcover.store as store_pkg
    from backcover.store import Store
else:
    # SQLAlchemy and Alembic take about a second to import: load them only when a case command runs.
    store_pkg = lazy_module("backcover.store")
    services = lazy_module("backcover.services")

__all__ = [
    "FLAGS",
    "AsOfOpt",
    "CaseOpt",
    "Format",
    "FormatOpt",
    "Service",
    "appeal_app",
    "case_app",
    "case_command",
    "cases_app",
    "command_route",
    "denial_app",
    "doc_app",
    "open_cases_store",
    "pa_app",
    "read_input",
    "services",
    "store_pkg",
]


class Format(StrEnum):
    text = "text"
    json = "json"


class Service(StrEnum):
    pre = "pre"
    post = "post"


case_app = typer.Typer(help="Cases: one per procedure you are trying to get paid for.", no_args_is_help=True)
cases_app = typer.Typer(
    help="Work across all cases: the worklist, what is due, the prior-authorization figures.",
    no_args_is_help=True,
)
doc_app = typer.Typer(
    help="Store documents (imaging reports, referrals, notes, denial letters, EOBs).", no_args_is_help=True
)
denial_app = typer.Typer(
    help="Record a denial: codes, the letter's words, or an X12 835 file.", no_args_is_help=True
)
appeal_app = typer.Typer(help="Appeals: record them and draft the letters.", no_args_is_help=True)
pa_app = typer.Typer(help="Prior-authorization requests and their status.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(cases_app, name="cases")
app.add_typer(doc_app, name="doc")
app.add_typer(denial_app, name="denial")
app.add_typer(appeal_app, name="appeal")
app.add_typer(pa_app, name="pa")

FormatOpt = Annotated[Format, typer.Option("--format", help="text (default) or json.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Today's date for the question (YYYY-MM-DD).")]
CaseOpt = Annotated[int, typer.Option("--case", help="The case number (see `backcover case list`).")]

# The option each field of the store and the use cases comes from on the command line.
FLAGS = {
    "case": "--case",
    "patient": "--patient",
    "name": "--name",
    "payer": "--payer",
    "plan kind": "--plan-kind",
    "setting": "--setting",
    "state": "--state",
    "service": "--service",
    "denial date": "--date",
    "received date": "--received",
    "codes": "--codes",
    "claim": "--claim",
    "letter": "--letter",
    "level": "--level",
    "denial": "--denial",
    "outcome": "--outcome",
    "outcome date": "--outcome-date",
    "status": "--status",
    "auth number": "--auth-number",
    "pa_request": "--pa",
    "days": "--days",
    "document type": "--type",
    "denials": "--case",
}
# Fixes that point at a command rather than a field.
_FIXES = {
    "list the cases to find its number": "list cases with `backcover case list`",
    "give an archive exported by backcover": "give a file made by `backcover export`",
}

P = ParamSpec("P")
R = TypeVar("R")


def case_command(fn: Callable[P, R]) -> Callable[P, R]:
    """:func:`guarded`, with the use case's field names turned into the options a person typed."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BadInput as exc:
            where = FLAGS.get(exc.where or "", exc.where)
            raise BadInput(exc.problem, _FIXES.get(exc.fix, exc.fix), exc.file, where) from None

    return guarded(wrapper)


def command_route() -> str:
    """What the audit log says a command used: ``cli: backcover case show`` (never its arguments)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # a Typer without its own click
        return "cli"
    context = get_current_context(silent=True)
    return f"cli: {context.command_path}" if context is not None else "cli"


def open_cases_store() -> Store:
    """The store (``BACKCOVER_DATABASE_URL`` or the local default); the audit log names the actor
    (``BACKCOVER_ACTOR`` or the OS user) and the command."""
    return store_pkg.open_store(route=command_route())


def read_input(path: Path, option: str, *, limit: int | None = -1) -> bytes:
    """Read an input file; ``limit=-1`` means the store's document size limit, ``None`` no limit."""
    if limit == -1:
        limit = store_pkg.MAX_DOCUMENT_BYTES
    if not path.is_file():
        raise BadInput("no such file", "check the path", str(path), option)
    if limit is not None and path.stat().st_size > limit:
        raise BadInput(
            f"the file is {path.stat().st_size / 1048576:.1f} MB, over the 25 MB limit",
            "scan at a lower resolution or split the document",
            str(path),
        )
    return path.read_bytes()
