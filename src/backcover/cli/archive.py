"""Export and import of the whole store as one JSON archive (``backcover export`` / ``import``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from backcover.cli._app import app, err_console
from backcover.cli._cases_common import case_command, open_cases_store, read_input
from backcover.errors import BadInput
from backcover.yamlio import atomic_write_bytes

__all__: list[str] = []


@app.command("export")
@case_command
def export_cmd(out: Annotated[Path, typer.Option("--out", help="The archive file to write (JSON).")]) -> None:
    """Export everything (patients, cases, documents, audit log) as one JSON archive."""
    with open_cases_store() as store:
        archive = store.export_archive()
    atomic_write_bytes(out, orjson.dumps(archive))
    counts = {k: len(v) for k, v in archive["tables"].items() if v}
    err_console.print(f"wrote {out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()), highlight=False)


@app.command("import")
@case_command
def import_cmd(
    file: Annotated[Path, typer.Argument(help="An archive written by `backcover export`.")],
) -> None:
    """Import an archive into an empty store."""
    raw = read_input(file, "FILE", limit=None)
    try:
        archive = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadInput(
            f"not JSON ({exc.msg})", "give a file written by `backcover export`", str(file)
        ) from None
    with open_cases_store() as store:
        counts = store.import_archive(archive, file=str(file))
    err_console.print("imported " + ", ".join(f"{v} {k}" for k, v in counts.items() if v), highlight=False)
