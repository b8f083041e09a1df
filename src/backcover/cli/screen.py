"""`backcover screen`: a whole population checked at once (CONTRACTS.md section 7)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from backcover import DISCLAIMER
from backcover.cli._app import app, as_of_option, emit_json, err_console, guarded, out_console
from backcover.cli.record import Format
from backcover.errors import BadInput

__all__ = ["screen_cmd"]


class EngineOpt(StrEnum):
    local = "local"
    dask = "dask"


@app.command("screen")
@guarded
def screen_cmd(
    inputs: list[Path] = typer.Option(
        ..., "--input", help="Bulk FHIR export: .ndjson/.ndjson.gz files, folders of them, or Bundles."
    ),
    procedure: str = typer.Option(..., "--procedure", help="CPT/HCPCS code, e.g. 72148, 62323, 63650."),
    payer: str = typer.Option(..., "--payer", help="medicare, medicare-advantage, commercial or medicaid."),
    out: Path = typer.Option(..., "--out", help="The Parquet file to write (one row per patient)."),
    setting: str | None = typer.Option(
        None, "--setting", help="office, asc, hospital-outpatient, inpatient."
    ),
    state: str | None = typer.Option(
        None, "--state", help="State of the patients and service (NY or New York)."
    ),
    insurer: str | None = typer.Option(
        None, "--insurer", help="A named insurer's own policies (see `backcover policies insurers`)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the question (YYYY-MM-DD); default today."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Worker processes (default: one per core)."
    ),
    engine: EngineOpt = typer.Option(EngineOpt.local, "--engine", help="local processes, or Dask."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="A Dask scheduler address (tcp://host:8786); default a local cluster."
    ),
    format: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """Check every patient of a bulk export against one policy; write a Parquet row per patient."""
    from backcover.screen import Question, screen

    if scheduler and engine is not EngineOpt.dask:
        raise BadInput("--scheduler goes with --engine dask", "add --engine dask", where="--scheduler")
    question = Question(procedure, payer, setting, state, as_of_option(as_of), insurer)
    show = format is Format.text and sys.stderr.isatty()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not show,
        auto_refresh=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, of: int) -> None:
            if phase not in tasks:
                label = "Splitting by patient" if phase == "partition" else "Checking patients"
                tasks[phase] = bar.add_task(label, total=of)
            bar.update(tasks[phase], completed=done)
            bar.refresh()

        result = screen(
            inputs,
            question,
            out,
            workers=workers,
            engine=engine.value,
            scheduler=scheduler,
            progress=progress,
        )
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False, soft_wrap=True)
    if format is Format.json:
        emit_json(result.to_json())
        return
    data = result.to_json()
    out_console.print(
        f"[bold]{data['patients']} patients[/] screened in {data['seconds']} s "
        f"({result.engine}, {result.workers} workers) -> {result.output}",
        highlight=False,
    )
    if result.resources:
        out_console.print(
            f"{result.resources} resources read; {result.unread} of them carry no code any criterion uses "
            "and were not mapped.",
            highlight=False,
        )
    table = Table(title="Decisions")
    table.add_column("Decision")
    table.add_column("Patients", justify="right")
    from backcover.vocab import Decision

    for d in Decision:
        table.add_row(d.label, str(data["decisions"][d.value]))
    out_console.print(table)
    if data["top_missing"]:
        miss = Table(title="Most common criteria not met or not documented")
        miss.add_column("Criterion")
        miss.add_column("Patients", justify="right")
        for m in data["top_missing"]:
            miss.add_row(m["criterion"], str(m["patients"]))
        out_console.print(miss)
    within = data["eligible_within_days"]
    out_console.print(
        f"Could meet the time-based criteria within 30 days: {within['30']}; within 90 days: {within['90']}"
    )
    out_console.print(DISCLAIMER, style="italic dim")
