"""`backcover record show`: the merged timeline."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backcover.cli._app import app, emit_json, err_console, guarded, out_console
from backcover.names import plain_name
from backcover.record.render import render_record
from backcover.services import read_files

__all__ = ["Format", "FormatOpt", "PatientOpt", "RecordOpt"]

record_app = typer.Typer(help="See what your record holds.", no_args_is_help=True)
app.add_typer(record_app, name="record")


class Format(StrEnum):
    text = "text"
    json = "json"


RecordOpt = Annotated[
    list[Path],
    typer.Option(
        "--record",
        help="A FHIR R4 JSON file (Bundle or resource), an NDJSON export, a folder of these, or a "
        "treatment log (.yaml). Repeat to merge several.",
    ),
]
PatientOpt = Annotated[
    str | None, typer.Option("--patient", help="Patient id when the inputs hold several people.")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="text (default) or json.")]


@record_app.command("show")
@guarded
def show(
    record: RecordOpt,
    patient: PatientOpt = None,
    format: FormatOpt = Format.text,
    all_items: Annotated[
        bool, typer.Option("--all", help="Also list items with no recognised concept.")
    ] = False,
) -> None:
    """Print the merged timeline: concepts, regions and provenance of every item."""
    rec = read_files(record, patient)
    for w in rec.warnings:
        if w.startswith("skipped "):
            err_console.print(f"warning: {w}", highlight=False, markup=False, soft_wrap=True)
    if format is Format.json:
        emit_json(rec.to_json())
        return
    # The text shows names as people write them; the JSON above keeps the source's value.
    shown = replace(rec, patient=replace(rec.patient, name=plain_name(rec.patient.name)))
    out_console.print(render_record(shown, only_recognized=not all_items))
