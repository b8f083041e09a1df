"""The Typer application shared by every command module, and the helpers for output and errors."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from types import ModuleType
from typing import Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console

from backcover import DISCLAIMER
from backcover.dates import parse_date_only
from backcover.errors import BadInput

__all__ = [
    "app",
    "as_of_option",
    "date_option",
    "emit_json",
    "err_console",
    "guarded",
    "lazy_module",
    "out_console",
]

app = typer.Typer(
    name="backcover",
    help="backcover helps you get back care paid for: coverage, costs, prior authorization and appeals.\n\n"
    + DISCLAIMER,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from backcover import __version__

        sys.stdout.write(f"backcover {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    # The application's help (with the disclaimer) stays the Typer's own: no docstring here.
    return None


# Piped output keeps a readable width instead of Rich's 80-column fallback.
out_console = Console(width=None if sys.stdout.isatty() else 130)
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def emit_json(data: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    sys.stdout.flush()


def fail(exc: BadInput) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc.message()}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=2)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn BadInput into exit code 2 with the message on stderr, and hide tracebacks.

    Unexpected errors print their type only (never their text, which could hold patient data)
    unless BACKCOVER_DEBUG is set.
    """

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BadInput as exc:
            raise fail(exc) from None
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BACKCOVER_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error[/] ({type(exc).__name__}). This is a bug in backcover, not in "
                "your input. Run again with BACKCOVER_DEBUG=1 to see details (they may include health data).",
                highlight=False,
            )
            raise typer.Exit(code=1) from None

    return wrapper


def date_option(text: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option value; a bad one names the option in the error."""
    if text is None:
        return None
    try:
        return parse_date_only(text)
    except BadInput as exc:
        raise BadInput(exc.problem, exc.fix, where=option) from None


def as_of_option(text: str | None) -> date:
    """``--as-of``, defaulting to today: the CLI may read the clock; the core never does."""
    return date_option(text, "--as-of") or date.today()


def lazy_module(name: str) -> ModuleType:
    """Import a module on first attribute access, so that commands that do not need a heavy
    dependency (the store's SQLAlchemy and Alembic) do not pay for it at start-up."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
