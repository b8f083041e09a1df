"""The rest of a case's story on the command line: ``case edit/close/reopen/delete``, ``doc delete``,
``denial read`` (a denial letter from a PDF or a photo) and ``cases calendar`` (the deadlines as an
iCalendar file). Thin over :mod:`backcover.services`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
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
    denial_app,
    doc_app,
    open_cases_store,
    read_input,
    services,
)
from backcover.errors import BadInput
from backcover.yamlio import atomic_write_bytes

__all__ = ["story_lines"]

# (label, where in ``case show --format json``): the case story, printed only where it is set.
_STORY: tuple[tuple[str, str, str], ...] = (
    ("claim number", "story", "claim_number"),
    ("service from", "story", "service_from"),
    ("service to", "story", "service_to"),
    ("external review", "story", "external_route"),
    ("representative", "story", "representative_name"),
    ("representative's address", "story", "representative_address"),
    ("closed on", "story", "closed_on"),
    ("assigned to", "story", "assignee"),
    ("patient's birth date", "patient", "birth_date"),
    ("patient's address", "patient", "address"),
    ("patient's phone", "patient", "phone"),
    ("plan", "plan", "name"),
    ("plan's company", "plan", "payer"),
    ("member id", "plan", "member_id"),
    ("group number", "plan", "group_number"),
    ("appeals address", "plan", "appeals_address"),
    ("provider", "provider", "name"),
    ("NPI", "provider", "npi"),
    ("specialty", "provider", "specialty"),
    ("provider's address", "provider", "address"),
    ("provider's phone", "provider", "phone"),
    ("provider's fax", "provider", "fax"),
)
_ROUTES = {"federal": "federal process", "state": "state process"}


def story_lines(data: dict[str, Any]) -> list[str]:
    """``case show``'s lines for the case story that is set (addresses on one line, ``;`` between)."""
    out = []
    for label, part, key in _STORY:
        value = (data.get(part) or {}).get(key)
        if value in (None, ""):
            continue
        text = str(value)
        if key == "external_route":
            text = _ROUTES.get(text, text)
        out.append(f"{label + ':':<27}{'; '.join(x.strip() for x in text.splitlines() if x.strip())}")
    return out


@case_app.command("edit")
@case_command
def case_edit(
    case: Annotated[int, typer.Argument(help="The case number.")],
    member_id: Annotated[str | None, typer.Option("--member-id", help="From the insurance card.")] = None,
    group_number: Annotated[str | None, typer.Option("--group")] = None,
    claim_number: Annotated[
        str | None, typer.Option("--claim-number", help="Claim or reference number on the notice.")
    ] = None,
    service_from: Annotated[str | None, typer.Option("--service-date", help="Date of service.")] = None,
    service_to: Annotated[str | None, typer.Option("--service-to", help="Last date of service.")] = None,
    payer_name: Annotated[str | None, typer.Option("--payer-name", help="The plan's company.")] = None,
    plan_name: Annotated[str | None, typer.Option("--plan-name")] = None,
    appeals_address: Annotated[
        str | None, typer.Option("--appeals-address", help="From the notice; ';' between lines.")
    ] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="Treating clinician.")] = None,
    npi: Annotated[str | None, typer.Option("--npi")] = None,
    specialty: Annotated[str | None, typer.Option("--specialty")] = None,
    provider_address: Annotated[str | None, typer.Option("--provider-address")] = None,
    patient_name: Annotated[str | None, typer.Option("--name")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date")] = None,
    address: Annotated[str | None, typer.Option("--address", help="';' between lines.")] = None,
    external_route: Annotated[
        str | None,
        typer.Option(
            "--external-route",
            help="federal (self-funded employer plan) or state (fully insured): the SBC says which.",
        ),
    ] = None,
    representative: Annotated[
        str | None, typer.Option("--representative", help="Who signs for the patient, if anyone.")
    ] = None,
    setting: Annotated[str | None, typer.Option("--setting")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
) -> None:
    """Change a case and its patient, plan and provider details (only the options given)."""
    lines = {"appeals_address", "provider_address", "patient_address"}
    given: dict[str, Any] = {
        "member_id": member_id,
        "group_number": group_number,
        "claim_number": claim_number,
        "service_from": date_option(service_from, "--service-date"),
        "service_to": date_option(service_to, "--service-to"),
        "payer_name": payer_name,
        "plan_name": plan_name,
        "appeals_address": appeals_address,
        "provider_name": provider,
        "npi": npi,
        "specialty": specialty,
        "provider_address": provider_address,
        "patient_name": patient_name,
        "birth_date": date_option(birth_date, "--birth-date"),
        "patient_address": address,
        "external_route": external_route,
        "representative_name": representative,
        "setting": setting,
        "state": state,
    }
    changes = {
        k: (v.replace(";", "\n") if k in lines and isinstance(v, str) else v)
        for k, v in given.items()
        if v is not None
    }
    if not changes:
        raise BadInput("nothing to change", "give at least one option, e.g. --member-id", where="--member-id")
    with open_cases_store() as store:
        services.edit_case(store, case, changes)
    err_console.print(f"case {case} updated: {', '.join(sorted(changes))}", highlight=False)


@case_app.command("close")
@case_command
def case_close(case: Annotated[int, typer.Argument()], as_of: AsOfOpt = None) -> None:
    """Close a case (its deadlines leave the worklist)."""
    with open_cases_store() as store:
        services.close_case(store, case, as_of_option(as_of))
    err_console.print(f"case {case} closed", highlight=False)


@case_app.command("reopen")
@case_command
def case_reopen(case: Annotated[int, typer.Argument()]) -> None:
    """Reopen a closed case."""
    with open_cases_store() as store:
        services.reopen_case(store, case)
    err_console.print(f"case {case} reopened", highlight=False)


@case_app.command("delete")
@case_command
def case_delete(
    case: Annotated[int, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Delete a case with its denials, appeals and documents (asks for --yes)."""
    if not yes:
        raise BadInput(f"deleting case {case} cannot be undone", "add --yes to confirm", where="--yes")
    with open_cases_store() as store:
        services.delete_case(store, case, confirm=True)
    err_console.print(f"case {case} deleted", highlight=False)


@doc_app.command("delete")
@case_command
def doc_delete(
    document: Annotated[int, typer.Argument(help="The document number (see `case show`).")],
    case: Annotated[int, typer.Option("--case")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Delete a document of a case (asks for --yes)."""
    if not yes:
        raise BadInput(
            f"deleting document {document} cannot be undone", "add --yes to confirm", where="--yes"
        )
    with open_cases_store() as store:
        services.delete_document(store, case, document, confirm=True)
    err_console.print(f"document {document} deleted", highlight=False)


@denial_app.command("read")
@case_command
def denial_read(
    file: Annotated[Path, typer.Argument(help="The denial letter: a PDF, or a photo or scan of it.")],
    fmt: FormatOpt = Format.text,
) -> None:
    """Read a denial letter and show the codes, notice date, claim number and reason found in it.

    Nothing is saved: check what it found, then record it with `backcover denial add`."""
    reading = services.read_notice(read_input(file, "FILE"), str(file))
    data = {
        "codes": list(reading.codes),
        "notice_date": reading.notice_date.isoformat() if reading.notice_date else None,
        "claim_number": reading.claim_number,
        "reason": reading.reason,
        "method": reading.method,
    }
    if fmt == Format.json:
        emit_json(data)
        return
    p = out_console.print
    p(f"Read by {reading.method}. Check each line against the letter before saving it:", highlight=False)
    p(f"  codes:        {reading.codes_text or '(none found)'}", highlight=False)
    p(f"  notice date:  {data['notice_date'] or '(none found)'}", highlight=False)
    p(f"  claim number: {reading.claim_number or '(none found)'}", highlight=False)
    p(f"  reason:       {reading.reason or '(none found)'}", highlight=False)
    cmd = "backcover denial add --case N"
    if reading.notice_date:
        cmd += f" --date {reading.notice_date.isoformat()}"
    if reading.codes:
        cmd += f' --codes "{reading.codes_text}"'
    p(f"To save it: {cmd} --letter {file}", highlight=False)


@cases_app.command("calendar")
@case_command
def cases_calendar(
    out: Annotated[Path, typer.Option("--out", help="Where to write the .ics file.")],
    days: Annotated[int, typer.Option("--days", help="How far ahead.")] = 366,
    as_of: AsOfOpt = None,
) -> None:
    """Write the open cases' deadlines as an iCalendar file (a reminder a week before each)."""
    day = as_of_option(as_of)
    with open_cases_store() as store:
        items = [i for i in services.cases_due(store, day, days) if i.due >= day]
        titles = {c.id: c.title for c in store.list_cases(status="open")}
    text = services.deadlines_ics(items, stamp=datetime.now(UTC), titles=titles)
    atomic_write_bytes(out, text.encode())
    err_console.print(f"wrote {out}: {len(items)} deadlines", highlight=False)
