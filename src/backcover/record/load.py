"""Reading inputs from disk: FHIR JSON, NDJSON, folders, and treatment logs, merged into one record."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record import fhir
from backcover.record.log import parse_log_text
from backcover.record.merge import Source, merge
from backcover.record.model import Record

__all__ = ["expand_paths", "load_record", "read_source", "source_from_bytes"]

_FHIR_SUFFIXES = {".json": False, ".ndjson": True, ".jsonl": True}
_LOG_SUFFIXES = {".yaml", ".yml"}


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files to read: each file as given, and the FHIR/log files inside each folder (sorted)."""
    if not paths:
        raise BadInput(
            "no input given", "pass --record PATH (a FHIR file, NDJSON export, folder or treatment log)"
        )
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            inside = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in {*_FHIR_SUFFIXES, *_LOG_SUFFIXES}
            )
            if not inside:
                raise BadInput(
                    "the folder holds no .json, .ndjson or .yaml files",
                    "point --record at a folder of FHIR exports",
                    str(p),
                )
            files.extend(inside)
        elif p.is_file():
            files.append(p)
        else:
            raise BadInput("file not found", "check the path given to --record", str(p))
    return files


def source_from_bytes(data: bytes, name: str, knowledge: Knowledge | None = None) -> Source:
    """Parse one input held in memory (an upload, or a file's bytes). ``name`` is shown in errors.

    ``knowledge`` gives the code sets the items are mapped with (``None``: the packaged ones).
    """
    suffix = Path(name).suffix.lower()
    if suffix in _LOG_SUFFIXES:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("the file is not UTF-8 text", "save it as UTF-8", name) from None
        return parse_log_text(text, name, knowledge)
    stripped = data.lstrip()
    if not stripped:
        raise BadInput(
            "the file is empty", "give a FHIR R4 JSON file, an NDJSON export or a treatment log", name
        )
    if suffix in _FHIR_SUFFIXES:
        ndjson = _FHIR_SUFFIXES[suffix]
    elif stripped[:1] in (b"{", b"["):
        ndjson = b"\n{" in stripped.rstrip()  # several JSON objects, one per line
    else:
        raise BadInput(
            "this is neither JSON nor a treatment log",
            "name FHIR files .json or .ndjson and treatment logs .yaml",
            name,
        )
    with fhir.collector_paused():  # until the parsed JSON is gone again: only the items stay
        if ndjson:  # each resource kept only while it is mapped
            parsed = fhir.map_ndjson_bytes(data, name, knowledge)
        else:
            resources = fhir.iter_resources(data, name, ndjson)
            parsed = fhir.parse_resources(resources, name, knowledge=knowledge)
            del resources
    src = Source(file=name, patients=parsed.patients, items=parsed.items)
    if parsed.ignored:
        kinds = ", ".join(f"{k} ({n})" for k, n in sorted(parsed.ignored.items()))
        src.warnings.append(f"{name}: resource types not used for coverage questions were skipped: {kinds}")
    src.warnings.extend(f"{name}: {note}" for note in parsed.notes)
    if parsed.skipped_in_error:
        src.warnings.append(
            f"{name}: {parsed.skipped_in_error} resources marked entered-in-error or refuted were left out"
        )
    return src


def read_source(path: Path, knowledge: Knowledge | None = None) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"cannot read the file ({exc.strerror})", "check the path and its permissions", str(path)
        ) from None
    return source_from_bytes(data, str(path), knowledge)


def load_record(
    paths: Sequence[Path], patient: str | None = None, knowledge: Knowledge | None = None
) -> Record:
    """Read every input and merge them into the record of one person (``knowledge``: its code sets)."""
    sources = [read_source(f, knowledge) for f in expand_paths(paths)]
    return merge(sources, patient)
