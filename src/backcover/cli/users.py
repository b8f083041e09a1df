"""`backcover users ...`: the accounts that may sign in to `backcover serve --clinic`.

They live in the store's database (``BACKCOVER_DATABASE_URL``). A password is read from standard
input (``--password-stdin``) or asked for twice at a terminal, never taken from the command line
(where other users of the computer could see it). Each change is written to the audit log under
``BACKCOVER_ACTOR`` or the OS user.
"""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from backcover.cli._app import app, emit_json, err_console, guarded, lazy_module, out_console
from backcover.cli._cases_common import Format, FormatOpt, command_route, open_cases_store
from backcover.errors import BadInput

if TYPE_CHECKING:
    import backcover.clinic as clinic
    from backcover.store import Accounts, Store
else:
    clinic = lazy_module("backcover.clinic")

__all__: list[str] = []

users_app = typer.Typer(
    help="Clinic accounts: who may sign in to `backcover serve --clinic`, and with which role.",
    no_args_is_help=True,
)
totp_app = typer.Typer(help="One-time codes (TOTP) as a second step of signing in.", no_args_is_help=True)
app.add_typer(users_app, name="users")
users_app.add_typer(totp_app, name="totp")


class RoleName(StrEnum):
    admin = "admin"
    staff = "staff"
    viewer = "viewer"


NameArg = Annotated[str, typer.Argument(help="The user name (letters, digits, . _ @ -).")]
StdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        text = sys.stdin.read(4096)
        if text.endswith("\n"):
            text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
        if not text:
            raise BadInput(
                "standard input held no password", "pipe the password in", where="--password-stdin"
            )
        return text
    if not sys.stdin.isatty():
        raise BadInput(
            "no password given",
            "pipe it in with --password-stdin, or run at a terminal",
            where="--password-stdin",
        )
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise BadInput("the two passwords differ", "type the same password twice", where="password")
    return first


def _accounts(store: Store) -> Accounts:
    from backcover.store import Accounts

    return Accounts(store.engine, store.actor, command_route())


@users_app.command("add")
@guarded
def add(
    name: NameArg,
    role: Annotated[RoleName, typer.Option("--role", help="admin, staff or viewer.")],
    password_stdin: StdinOpt = False,
) -> None:
    """Add a user. Admins manage users and read the audit log; staff read and change cases; viewers
    only read."""
    password = _password(password_stdin)
    with open_cases_store() as store:
        user = clinic.add_user(_accounts(store), name, role.value, password)
    err_console.print(f"added {user.username} ({user.role})", highlight=False, soft_wrap=True)


@users_app.command("list")
@guarded
def list_users(fmt: FormatOpt = Format.text) -> None:
    """List the users, their roles, and whether they are signed in."""
    with open_cases_store() as store:
        accounts = _accounts(store)
        counts = accounts.session_counts()
        users = [clinic.user_json(u, counts.get(u.id, 0)) for u in accounts.users()]
    if fmt == "json":
        emit_json({"users": users})
        return
    if not users:
        out_console.print(
            "no users yet: add one with `backcover users add NAME --role admin --password-stdin`"
        )
        return
    for u in users:
        state = "disabled" if u["disabled"] else "active"
        extra = (", one-time code" if u["totp"] else "") + (
            f", {u['sessions']} session(s)" if u["sessions"] else ""
        )
        seen = (u["last_signin_at"] or "never")[:16].replace("T", " ")
        out_console.print(
            f"{u['name']}\t{u['role']}\t{state}{extra}\tlast sign-in: {seen}", highlight=False, soft_wrap=True
        )


@users_app.command("disable")
@guarded
def disable(name: NameArg) -> None:
    """Stop a user from signing in; their sessions end at once (their audit entries stay)."""
    with open_cases_store() as store:
        user = clinic.disable_user(_accounts(store), name)
    err_console.print(f"disabled {user.username}; their sessions have ended", highlight=False, soft_wrap=True)


@users_app.command("enable")
@guarded
def enable(name: NameArg) -> None:
    """Let a disabled user sign in again."""
    with open_cases_store() as store:
        user = clinic.enable_user(_accounts(store), name)
    err_console.print(f"enabled {user.username}", highlight=False, soft_wrap=True)


@users_app.command("reset-password")
@guarded
def reset_password(name: NameArg, password_stdin: StdinOpt = False) -> None:
    """Set a new password; the user's sessions end."""
    password = _password(password_stdin)
    with open_cases_store() as store:
        user = clinic.reset_password(_accounts(store), name, password)
    err_console.print(
        f"new password set for {user.username}; their sessions have ended", highlight=False, soft_wrap=True
    )


@totp_app.command("enable")
@guarded
def totp_enable(name: NameArg) -> None:
    """Give the user a one-time-code secret and print its otpauth:// address (for an authenticator
    app; show it only to that user). Signing in then needs the code too."""
    with open_cases_store() as store:
        uri = clinic.totp_enable(_accounts(store), name)
    err_console.print(
        "add this address to the user's authenticator app (most read it from a QR code); "
        "sign-in needs its 6-digit code from now on:",
        highlight=False,
        soft_wrap=True,
    )
    sys.stdout.write(uri + "\n")


@totp_app.command("disable")
@guarded
def totp_disable(name: NameArg) -> None:
    """Stop asking the user for a one-time code."""
    with open_cases_store() as store:
        user = clinic.totp_disable(_accounts(store), name)
    err_console.print(
        f"{user.username} signs in with the password alone now", highlight=False, soft_wrap=True
    )
