"""Importing a record: the one loader for the CLI's ``--record`` files and the web app's uploads.

Both go through :mod:`backcover.record.load`, so the web accepts exactly what the CLI accepts:
FHIR JSON (a resource or a Bundle), NDJSON bulk exports and treatment-log YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from backcover.errors import BadInput
from backcover.record.load import load_record, source_from_bytes
from backcover.record.merge import Source, merge
from backcover.record.model import Record

__all__ = ["read_files", "read_uploads", "upload_sources"]


def read_files(paths: Sequence[Path], patient: str | None = None) -> Record:
    """The record of one person from files and folders on disk (``--record``)."""
    return load_record(paths, patient)


def upload_sources(files: Sequence[tuple[str, bytes]]) -> list[Source]:
    """Parse files held in memory (uploads); any file that cannot be read refuses them all."""
    if not files:
        raise BadInput("no files were given", "give at least one record file", where="records")
    out: list[Source] = []
    for i, (name, data) in enumerate(files):
        base = Path(name).name or f"file{i}"
        try:
            out.append(source_from_bytes(data, base))
        except BadInput as exc:
            raise exc.at(base, f"records[{i}]") from None
    return out


def read_uploads(files: Sequence[tuple[str, bytes]], patient: str | None = None) -> Record:
    """The record of one person from files held in memory, read as ``--record`` reads files."""
    return merge(upload_sources(files), patient)
