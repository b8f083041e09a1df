"""`backcover log add|show|edit|delete`: the patient's own treatment log, kept safely.

The web app and the CLI keep the same log by default (:func:`backcover.paths.default_log_path`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from backcover.cli._app import app, date_option, err_console, guarded
from backcover.paths import default_log_path
from backcover.record.log import append_entry

__all__: list[str] = []

log_app = typer.Typer(
    help="Keep your own treatment log (pain, medicines, visits, therapy, imaging, injections).",
    no_args_is_help=True,
)
add_app = typer.Typer(help="Add an entry to the treatment log.", no_args_is_help=True)
app.add_typer(log_app, name="log")
log_app.add_typer(add_app, name="add")

LogOpt = Annotated[
    Path | None, typer.Option("--log", help="The log file (default: your backcover data folder).")
]
DateOpt = Annotated[str, typer.Option("--date", help="YYYY-MM-DD")]
NoteOpt = Annotated[str | None, typer.Option("--note")]


def _add(log: Path | None, section: str, entry: dict[str, Any]) -> None:
    path = log or default_log_path()
    item = append_entry(path, section, entry)
    err_console.print(f"added to {path}: {section} on {item.date.isoformat() if item.date else 'no date'}")


@add_app.command("pain")
@guarded
def add_pain(
    date_: DateOpt,
    score: Annotated[str, typer.Option("--score", help="The score, e.g. 7")],
    scale: Annotated[
        str, typer.Option("--scale", help="nrs (0-10), peg (0-10), odi (0-100) or rmdq (0-24)")
    ] = "nrs",
    region: Annotated[str | None, typer.Option("--region")] = None,
    note: NoteOpt = None,
    log: LogOpt = None,
) -> None:
    """Record a pain or function score."""
    _add(
        log,
        "pain",
        {
            "date": date_option(date_, "--date"),
            "score": score,
            "scale": scale,
            "region": region,
            "note": note,
        },
    )


@add_app.command("medicine")
@guarded
def add_medicine(
    name: Annotated[str, typer.Option("--name", help="e.g. ibuprofen")],
    start: Annotated[str, typer.Option("--start", help="YYYY-MM-DD")],
    end: Annotated[
        str | None, typer.Option("--end", help="YYYY-MM-DD; leave out if you still take it")
    ] = None,
    dose: Annotated[str | None, typer.Option("--dose")] = None,
    helped: Annotated[str | None, typer.Option("--helped", help="yes, no or partly")] = None,
    side_effects: Annotated[str | None, typer.Option("--side-effects")] = None,
    log: LogOpt = None,
) -> None:
    """Record a medicine: dates, dose, whether it helped and side effects."""
    _add(
        log,
        "medicines",
        {
            "name": name,
            "dose": dose,
            "start": date_option(start, "--start"),
            "end": date_option(end, "--end"),
            "helped": helped,
            "side_effects": side_effects,
        },
    )


@add_app.command("visit")
@guarded
def add_visit(
    date_: DateOpt,
    with_: Annotated[str | None, typer.Option("--with", help="who you saw")] = None,
    specialty: Annotated[str | None, typer.Option("--specialty")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    log: LogOpt = None,
) -> None:
    """Record a visit to a clinician."""
    _add(
        log,
        "visits",
        {
            "date": date_option(date_, "--date"),
            "with": with_,
            "specialty": specialty,
            "reason": reason,
        },
    )


@add_app.command("therapy")
@guarded
def add_therapy(
    type_: Annotated[
        str, typer.Option("--type", help="physical_therapy, chiropractic, acupuncture, massage, ...")
    ],
    date_: Annotated[str | None, typer.Option("--date")] = None,
    start: Annotated[str | None, typer.Option("--start")] = None,
    end: Annotated[str | None, typer.Option("--end")] = None,
    sessions: Annotated[int | None, typer.Option("--sessions")] = None,
    with_: Annotated[str | None, typer.Option("--with")] = None,
    log: LogOpt = None,
) -> None:
    """Record a therapy session (or a stretch of sessions with --start/--end/--sessions)."""
    _add(
        log,
        "therapy",
        {
            "type": type_,
            "date": date_option(date_, "--date"),
            "start": date_option(start, "--start"),
            "end": date_option(end, "--end"),
            "sessions": sessions,
            "with": with_,
        },
    )


@add_app.command("imaging")
@guarded
def add_imaging(
    date_: DateOpt,
    type_: Annotated[str, typer.Option("--type", help="mri, ct, xray or emg")],
    region: Annotated[str | None, typer.Option("--region")] = None,
    findings: Annotated[str | None, typer.Option("--findings")] = None,
    log: LogOpt = None,
) -> None:
    """Record an imaging study and what it found."""
    _add(
        log,
        "imaging",
        {"date": date_option(date_, "--date"), "type": type_, "region": region, "findings": findings},
    )


@add_app.command("injection")
@guarded
def add_injection(
    date_: DateOpt,
    type_: Annotated[
        str, typer.Option("--type", help="epidural, transforaminal, medial_branch_block, rfa, ...")
    ],
    region: Annotated[str | None, typer.Option("--region")] = None,
    pain_before: Annotated[str | None, typer.Option("--pain-before")] = None,
    pain_after: Annotated[str | None, typer.Option("--pain-after")] = None,
    relief_percent: Annotated[str | None, typer.Option("--relief-percent")] = None,
    relief_weeks: Annotated[str | None, typer.Option("--relief-weeks")] = None,
    log: LogOpt = None,
) -> None:
    """Record an injection or block, and how much and how long it helped."""
    _add(
        log,
        "injections",
        {
            "date": date_option(date_, "--date"),
            "type": type_,
            "region": region,
            "pain_before": pain_before,
            "pain_after": pain_after,
            "relief_percent": relief_percent,
            "relief_weeks": relief_weeks,
        },
    )


SectionArg = Annotated[str, typer.Argument(help="pain, medicines, visits, therapy, imaging, injections, ...")]
NumberArg = Annotated[
    int, typer.Argument(help="The entry's number in its section (see: backcover log show).")
]


def _log_path(log: Path | None) -> Path:
    return log or default_log_path()


def _entry_line(e: Any) -> str:
    bits = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in e.fields.items())
    return f"{e.section} {e.number}: {bits}"


@log_app.command("show")
@guarded
def show(
    log: LogOpt = None,
    format: Annotated[str, typer.Option("--format", help="text (default) or json.")] = "text",
) -> None:
    """List every entry of the log, numbered within its section (the numbers edit and delete take)."""
    from backcover.cli._app import emit_json, out_console
    from backcover.services import log_entries

    path = _log_path(log)
    entries = log_entries(path)
    if format == "json":
        emit_json({"log": str(path), "entries": [e.to_json() for e in entries]})
        return
    if format != "text":
        from backcover.errors import BadInput

        raise BadInput(f"unknown format {format!r}", "use text or json", where="--format")
    if not entries:
        err_console.print(f"the log at {path} has no entries yet; add one with: backcover log add pain ...")
        return
    for e in entries:
        out_console.print(_entry_line(e), highlight=False, markup=False)


@log_app.command("edit")
@guarded
def edit(
    section: SectionArg,
    number: NumberArg,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set", help="FIELD=VALUE to change (FIELD= with nothing removes it). Repeat for more."
        ),
    ],
    log: LogOpt = None,
) -> None:
    """Change fields of one log entry. Nothing is written if the result would not be a valid log."""
    from backcover.errors import BadInput
    from backcover.services import edit_entry

    changes: dict[str, Any] = {}
    for pair in set_:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise BadInput(f"{pair!r} is not FIELD=VALUE", "write for example --set score=6", where="--set")
        v: Any = value.strip()
        changes[key.strip()] = int(v) if v.isdigit() else v
    entry = edit_entry(_log_path(log), section, number, changes)
    err_console.print(f"changed {_entry_line(entry)}", highlight=False, markup=False)


@log_app.command("delete")
@guarded
def delete(
    section: SectionArg,
    number: NumberArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    log: LogOpt = None,
) -> None:
    """Delete one log entry (the later ones in its section move up by one)."""
    from backcover.services import delete_entry, log_entries

    path = _log_path(log)
    target = next((e for e in log_entries(path) if e.section == section and e.number == number), None)
    if target is not None and not yes and not typer.confirm(f"delete {_entry_line(target)}?"):
        raise typer.Exit(code=1)
    gone = delete_entry(path, section, number)
    err_console.print(f"deleted {_entry_line(gone)}", highlight=False, markup=False)
