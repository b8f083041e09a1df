"""`backcover audit export`: the audit log (every read and change of patient data) as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcover.cli._app import app, err_console
from backcover.cli._cases_common import case_command, open_cases_store, store_pkg
from backcover.yamlio import atomic_write_bytes

__all__: list[str] = []

audit_app = typer.Typer(
    help="The audit log: who read or changed which patient's data, and when.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("export")
@case_command
def export(
    since: Annotated[str, typer.Option("--since", help="From this date (YYYY-MM-DD, UTC) or ISO date-time.")],
    until: Annotated[
        str | None, typer.Option("--until", help="Before this date (YYYY-MM-DD) or date-time.")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user (or local:NAME).")] = None,
    patient: Annotated[
        int | None, typer.Option("--patient", help="Only events about this patient id.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here (default: standard output).")
    ] = None,
) -> None:
    """Export audit events as CSV, oldest first: at, actor, action, route, patient_id, case_id,
    patient_ids (a list read's patients), entity, entity_id. Ids only, never patient data."""
    start = store_pkg.parse_since(since, "--since")
    end = store_pkg.parse_since(until, "--until")
    with open_cases_store() as store:
        rows = store.audit_events(
            limit=10_000_000, actor=actor, patient_id=patient, since=start, until=end, oldest_first=True
        )
        text = store_pkg.audit_csv([store_pkg.event_json(e) for e in rows])
    if out is None:
        typer.echo(text, nl=False)
    else:
        atomic_write_bytes(out, text.encode("utf-8"))
        err_console.print(f"wrote {len(rows)} events to {out}", highlight=False, soft_wrap=True)
