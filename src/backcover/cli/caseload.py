"""The clinic's caseload on the command line: ``cases worklist`` (open cases across patients, most
urgent first), ``cases metrics`` (prior-authorization figures, CMS-0057-F style) and ``case assign``.

Thin over :mod:`backcover.services`; the same JSON as ``GET /api/worklist`` and ``GET /api/metrics``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer

from backcover.cli._app import as_of_option, date_option, emit_json, err_console, out_console
from backcover.cli._cases_common import (
    AsOfOpt,
    Format,
    FormatOpt,
    case_app,
    case_command,
    cases_app,
    open_cases_store,
    services,
)
from backcover.errors import BadInput

__all__: list[str] = []


@contextmanager
def _options(names: dict[str, str]) -> Iterator[None]:
    """Name this command's option in an error about a field (``assignee`` is ``--to`` here)."""
    try:
        yield
    except BadInput as exc:
        raise BadInput(exc.problem, exc.fix, exc.file, names.get(exc.where or "", exc.where)) from None


class TableFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@cases_app.command("worklist")
@case_command
def cases_worklist(
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only this user's cases.")] = None,
    payer: Annotated[
        str | None, typer.Option("--payer", help="A payer's name or a plan kind (medicare-advantage).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="A stage: pa_submitted, pa_pended, denied, appeal_filed, ..."),
    ] = None,
    due_within: Annotated[
        int | None,
        typer.Option("--due-within", help="Only cases with something due within N days (overdue too)."),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Open cases across patients, most urgent first (overdue, expedited, soonest deadline)."""
    day = as_of_option(as_of)
    with _options({"assignee": "--assignee", "days": "--due-within"}), open_cases_store() as store:
        items = services.worklist(
            store, day, assignee=assignee, payer=payer, status=status, due_within_days=due_within
        )
    if fmt == Format.json:
        filters = {"assignee": assignee, "payer": payer, "status": status, "due_within_days": due_within}
        emit_json(services.worklist_json(items, day, filters))
        return
    if not items:
        err_console.print(
            "no open cases match" if (assignee or payer or status or due_within) else "no open cases"
        )
    for i in items:
        nxt = i.next
        flags = ("  [red]OVERDUE[/]" if i.overdue(day) else "") + (
            "  [bold]EXPEDITED[/]" if i.expedited else ""
        )
        due = f"{nxt.due.isoformat()} {nxt.what}" if nxt else "no deadline"
        out_console.print(
            f"{i.case_id:>4}  {i.patient}  ·  {i.payer}  ·  {i.stage}  ·  "
            f"assigned to {i.assignee or 'no one'}{flags}",
            highlight=False,
        )
        out_console.print(f"      {i.procedure}: next {due}", highlight=False)


@case_app.command("assign")
@case_command
def case_assign(
    case_id: Annotated[int, typer.Argument(help="The case number.")],
    to: Annotated[str | None, typer.Option("--to", help="The clinic user who works the case.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Assign the case to no one.")] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Assign a case to a clinic user (or, with --clear, to no one). On a clinic database (one with
    users) the name must be an enabled staff or admin user."""
    if clear == (to is not None):
        raise BadInput("say who works the case", "give --to NAME, or --clear", where="--to")
    day = as_of_option(as_of)
    with _options({"assignee": "--to"}), open_cases_store() as store:
        users = services.clinic_users(store) or None  # no accounts: the single user's store, any name
        item = services.assign_case(store, case_id, None if clear else to, day, users=users)
    if fmt == Format.json:
        emit_json({"case": item.to_json(day)})
    else:
        err_console.print(f"case {case_id} assigned to {item.assignee or 'no one'}", highlight=False)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "   -"


def _print_metrics(data: Any, figures: list[tuple[str, str, str, Any]]) -> None:
    p = out_console.print
    p(f"Prior-authorization figures for requests sent {data['since']} to {data['until']}", highlight=False)
    p(
        f"Source: {data['source']}. Measures as in {data['rule']['id']} ({data['rule']['citation']}).",
        highlight=False,
    )
    for payer, service, kind, f in figures:
        if not f.requests:
            continue
        many = "request" if f.requests == 1 else "requests"
        p(f"{payer} · {service} · {kind}: {f.requests} {many} ({f.pending} waiting)", highlight=False)
        p(
            f"   approved {_pct(f.approved, f.decided)}  denied {_pct(f.denied, f.decided)}  "
            f"approved after appeal {_pct(f.approved_after_appeal, f.appealed)}",
            highlight=False,
        )
        mean = "-" if f.mean_days is None else f"{f.mean_days:g}"
        median = "-" if f.median_days is None else f"{f.median_days:g}"
        p(f"   days to decision: average {mean}, median {median}", highlight=False)


@cases_app.command("metrics")
@case_command
def cases_metrics(
    since: Annotated[
        str | None, typer.Option("--since", help="First day of the period (default: January 1).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the period (default: today).")
    ] = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", help="text (default), json or csv.")
    ] = TableFormat.text,
) -> None:
    """Prior-authorization figures by payer and service (CMS-0057-F style), from the store: the share
    approved, denied and approved after appeal, and the average and median days to a decision,
    standard and expedited. The clinic's own figures, not the payer's."""
    with _options({"since": "--since", "until": "--until"}):
        start, end = services.period(
            date_option(since, "--since"), date_option(until, "--until"), as_of_option(None)
        )
    with open_cases_store() as store:
        result = services.pa_metrics(store, start, end)
    if fmt == TableFormat.csv:
        sys.stdout.write(result.to_csv())
        sys.stdout.flush()
        return
    data = result.to_json()
    if fmt == TableFormat.json:
        emit_json(data)
        return
    rows = [
        (g.payer, g.service_name, k, f)
        for g in result.groups
        for k, f in (("standard", g.standard), ("expedited", g.expedited))
    ]
    rows += [
        ("all payers", "all services", "standard", result.standard),
        ("all payers", "all services", "expedited", result.expedited),
    ]
    if not result.standard.requests and not result.expedited.requests:
        err_console.print(f"no prior-authorization requests were sent from {start} to {end}")
    _print_metrics(data, rows)
