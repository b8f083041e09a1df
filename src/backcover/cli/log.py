"""`backcover log add ...`: append to the patient's own treatment log, safely."""

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
