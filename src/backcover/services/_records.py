"""Importing a record: the one loader for the CLI's ``--record`` files and the web app's uploads.

Both go through :mod:`backcover.record.load`, so the web accepts exactly what the CLI accepts:
FHIR JSON (a resource or a Bundle), NDJSON bulk exports and treatment-log YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from backcover.errors import BadInput
from backcover.record.load import expand_paths, load_record, read_source, source_from_bytes
from backcover.record.merge import Source, merge
from backcover.record.model import Record

__all__ = ["read_files", "read_uploads", "upload_sources"]


def read_files(paths: Sequence[Path], patient: str | None = None) -> Record:
    """The record of one person from files and folders on disk (``--record``).

    A file named on its own must be readable. In a folder, a file that is not FHIR (or a treatment
    log) is skipped with a warning that names it, and the rest are read; when nothing usable is left
    the folder is refused.
    """
    sources: list[Source] = []
    skipped: list[str] = []
    for given in paths:
        given = Path(given)
        if not given.is_dir():
            sources.extend(read_source(f) for f in expand_paths([given]))
            continue
        usable = 0
        for f in expand_paths([given]):
            try:
                sources.append(read_source(f))
                usable += 1
            except BadInput as exc:
                skipped.append(f"skipped {f}: {exc.problem}")
        if not usable:
            raise BadInput(
                "no file in the folder is a FHIR record or a treatment log",
                "point --record at a folder of FHIR exports (.json or .ndjson) or treatment logs (.yaml)",
                str(given),
            )
    if not sources:
        return load_record(paths, patient)  # the loader's own message for no input
    record = merge(sources, patient)
    return replace(record, warnings=(*skipped, *record.warnings)) if skipped else record


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
