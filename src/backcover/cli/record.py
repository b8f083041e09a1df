"""`backcover record show`: the merged timeline."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backcover.cli._app import app, emit_json, guarded, out_console
from backcover.record.load import load_record
from backcover.record.render import render_record

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
    rec = load_record(record, patient)
    if format is Format.json:
        emit_json(rec.to_json())
        return
    out_console.print(render_record(rec, only_recognized=not all_items))
