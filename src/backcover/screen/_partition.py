"""Phase one of a screen: split the inputs by patient into spill files, in flat memory.

A bulk export keeps one file per resource type, so one person's resources are spread across
files. Each input is cut into chunks at line boundaries; each chunk task reads its lines one at a
time, finds the patient each resource belongs to (the Patient's own id, or the ``subject``,
``patient`` or ``beneficiary`` reference) and appends the line to that patient's partition file,
chosen by a stable hash. Resources that belong to nobody (Practitioner, Organization, Medication)
go to a shared file every partition reads. A Bundle file is kept whole and given to one partition.

Nothing here holds more than one line and the open spill files; the partition count grows with the
input size, so each partition stays small however large the population is.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from backcover.errors import BadInput
from backcover.record import fhir

__all__ = [
    "Chunk",
    "ChunkResult",
    "input_files",
    "partition_chunk",
    "partition_of",
    "plan_chunks",
    "private_dir",
    "read_partition",
]

_NDJSON = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
_BUNDLE = (".json", ".json.gz")
CHUNK_BYTES = 32 * 1024 * 1024
_BUFFER = 1 << 18  # for the shared spill file

# The patient a resource belongs to, read without parsing the whole line (compact or spaced JSON).
_REF = re.compile(rb'"(?:subject|patient|beneficiary)"\s*:\s*\{[^{}]*?"reference"\s*:\s*"([^"]+)"')
_PATIENT = re.compile(rb'"resourceType"\s*:\s*"Patient"')


@dataclass(frozen=True, slots=True)
class Chunk:
    """A byte range of one NDJSON input (``start``..``end``), or a whole file (``end`` is None)."""

    file: str
    start: int = 0
    end: int | None = None
    bundle: bool = False


@dataclass(slots=True)
class ChunkResult:
    """What a chunk task wrote: spill files per partition, shared lines, whole bundles, warnings."""

    spills: dict[int, str] = field(default_factory=dict)
    shared: str | None = None
    bundles: dict[int, list[str]] = field(default_factory=dict)
    lines: int = 0
    warnings: list[str] = field(default_factory=list)


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(_NDJSON):
        return "ndjson"
    if name.endswith(_BUNDLE):
        return "bundle"
    return None


def input_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The NDJSON and Bundle files among the inputs (folders searched), and a warning per skipped file."""
    if not paths:
        raise BadInput("no input given", "pass --input PATH (bulk NDJSON export files, folders or Bundles)")
    files: list[Path] = []
    warnings: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if not f.is_file() or f.name.startswith("."):
                    continue
                if _kind(f) is None:
                    warnings.append(f"{f}: skipped: not an .ndjson, .ndjson.gz or .json file")
                else:
                    files.append(f)
        elif path.is_file():
            if _kind(path) is None:
                raise BadInput(
                    "not a bulk-export file",
                    "give .ndjson or .ndjson.gz files (one resource per line), Bundles (.json) or a folder",
                    str(path),
                )
            files.append(path)
        else:
            raise BadInput("file or folder not found", "check the path given to --input", str(path))
    if not files:
        raise BadInput(
            "no .ndjson, .ndjson.gz or .json files found",
            "point --input at a bulk FHIR export",
            ", ".join(str(p) for p in paths),
        )
    return files, warnings


def plan_chunks(files: Sequence[Path], chunk_bytes: int = CHUNK_BYTES) -> list[Chunk]:
    """Cut plain NDJSON files into ranges of about ``chunk_bytes``; gzip files and Bundles stay whole."""
    chunks: list[Chunk] = []
    for f in files:
        kind = _kind(f)
        if kind == "bundle":
            chunks.append(Chunk(str(f), bundle=True))
            continue
        if f.name.lower().endswith(".gz"):
            chunks.append(Chunk(str(f)))
            continue
        size = f.stat().st_size
        start = 0
        while start < size:
            end = min(size, start + chunk_bytes)
            chunks.append(Chunk(str(f), start, end))
            start = end
    return chunks


def partition_of(key: str, partitions: int) -> int:
    """A stable partition number for a patient reference (the same in every process and run)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


def _lines(chunk: Chunk) -> Iterator[tuple[int, bytes]]:
    """The lines that start inside the chunk's range, with their line numbers (1-based) where known.

    A line belongs to the chunk in which it starts; a chunk that begins mid-line skips to the next
    line. Line numbers are counted from the chunk's start, so they are exact for the first chunk
    and given as an offset otherwise.
    """
    if chunk.file.lower().endswith(".gz"):
        with gzip.open(chunk.file, "rb") as gz:
            yield from enumerate(gz, start=1)
        return
    with open(chunk.file, "rb", buffering=1 << 20) as fh:
        pos = chunk.start
        if chunk.start:
            fh.seek(chunk.start - 1)
            if fh.read(1) != b"\n":
                pos += len(
                    fh.readline()
                )  # the line that straddles the boundary belongs to the previous chunk
        end = chunk.end if chunk.end is not None else 1 << 62
        for n, line in enumerate(fh, start=1):
            if pos >= end:
                break
            pos += len(line)
            yield n, line


_FAST = (b'"subject":{"reference":"', b'"patient":{"reference":"', b'"beneficiary":{"reference":"')


def _patient_key(line: bytes) -> str | None:
    """``Patient/id`` for a Patient or a resource about one; None for a resource about nobody.

    Patients (one line in hundreds) are parsed to read their own id; other lines are searched for
    their first subject, patient or beneficiary reference without being parsed (compact JSON by a
    plain search, spaced JSON by a pattern).
    """
    if b'"Patient"' in line and _PATIENT.search(line):
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        if isinstance(doc, dict) and doc.get("resourceType") == "Patient" and isinstance(doc.get("id"), str):
            return "Patient/" + str(doc["id"])
    ref = _reference(line)
    return None if ref is None else _key_of(ref)


def _reference(line: bytes) -> bytes | None:
    """The first subject, patient or beneficiary reference of a line, as written."""
    for marker in _FAST:
        i = line.find(marker)
        if i >= 0:
            start = i + len(marker)
            return line[start : line.find(b'"', start)]
    m = _REF.search(line)
    return m.group(1) if m else None


def _key_of(ref: bytes) -> str:
    text = ref.decode("utf-8", "replace")
    tail = text.rsplit("/", 2)
    return "/".join(tail[-2:]) if len(tail) >= 2 else text


def partition_chunk(chunk: Chunk, index: int, partitions: int, spill_dir: str) -> ChunkResult:
    """Phase one for one chunk: every line to its patient's partition file (see the module doc)."""
    result = ChunkResult()
    where = Path(spill_dir)
    if chunk.bundle:
        try:
            head = Path(chunk.file).read_bytes()[:4096]
        except OSError as exc:
            result.warnings.append(f"{chunk.file}: skipped: cannot read it ({exc.strerror})")
            return result
        if not head.lstrip().startswith(b"{"):
            result.warnings.append(f"{chunk.file}: skipped: not a FHIR JSON file")
            return result
        result.bundles.setdefault(partition_of(chunk.file, partitions), []).append(chunk.file)
        return result
    files: dict[int, str] = {}
    buffers: dict[int, list[bytes]] = {}  # lines not yet written, by partition
    buffered = 0
    shared_path = where / f"shared-{index:05d}.ndjson"
    shared: BinaryIO | None = None
    seen: dict[str, int] = {}  # patient -> partition, for the patients of this chunk
    by_ref: dict[bytes, int] = {}  # a reference as written -> its patient's partition
    lines = 0
    try:
        for n, raw in _lines(chunk):
            line = raw if raw.endswith(b"\n") else raw + b"\n"
            if len(line) < 8 and not line.strip():
                continue
            lines += 1
            p: int | None = None
            if b'"Patient"' in line:  # perhaps a Patient: _patient_key reads its id
                key = _patient_key(line)
                if key is not None:
                    p = seen.get(key)
                    if p is None:
                        p = seen[key] = partition_of(key, partitions)
            else:
                ref = _reference(line)
                if ref is not None:
                    p = by_ref.get(ref)
                    if p is None:
                        key = _key_of(ref)
                        p = seen.get(key)
                        if p is None:
                            p = seen[key] = partition_of(key, partitions)
                        by_ref[ref] = p
            if p is None:
                try:
                    doc = orjson.loads(line)
                except orjson.JSONDecodeError:
                    result.warnings.append(f"{_place(chunk, n)}: skipped: not complete JSON")
                    continue
                if not isinstance(doc, dict) or "resourceType" not in doc:
                    result.warnings.append(f"{_place(chunk, n)}: skipped: not a FHIR resource")
                    continue
                if shared is None:
                    shared = open(shared_path, "ab", buffering=_BUFFER)  # noqa: SIM115 - closed in finally
                    result.shared = str(shared_path)
                shared.write(line)
                continue
            buf = buffers.get(p)
            if buf is None:
                buf = buffers[p] = []
                files[p] = str(where / f"part-{p:05d}-{index:05d}.ndjson")
            buf.append(line)
            buffered += len(line)
            if buffered > _FLUSH_BYTES:
                _flush(buffers, files)
                buffered = 0
        _flush(buffers, files)
    except OSError as exc:
        raise BadInput(
            f"cannot read or spill the input ({exc.strerror})",
            "check the file and the free space of the output folder",
            chunk.file,
        ) from None
    finally:
        if shared is not None:
            shared.close()
    result.lines = lines
    result.spills = files
    return result


_FLUSH_BYTES = 8 * 1024 * 1024  # lines held before they are written, over all partitions


def _flush(buffers: dict[int, list[bytes]], files: dict[int, str]) -> None:
    for p, buf in buffers.items():
        if buf:
            with open(files[p], "ab") as fh:
                fh.writelines(buf)
            buf.clear()


def _place(chunk: Chunk, n: int) -> str:
    if chunk.start == 0:
        return f"{chunk.file}, line {n}"
    return f"{chunk.file}, line {n} after byte {chunk.start}"


def private_dir(parent: Path) -> Path:
    """A new owner-only folder for spill files beside the output."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".screen-", dir=parent))
    os.chmod(path, 0o700)
    return path


# ------------------------------------------------------------------------ phase two: the reading


def read_partition(
    files: Sequence[str], bundles: Sequence[str], name: str, warnings: list[str]
) -> fhir.Parsed:
    """The record items of one partition: its spill files (the shared resources first), then its
    Bundles. A resource the reader refuses is left out, with a warning that names it, and the
    partition is mapped again without it (what it referred to, or what referred to it, may change);
    a Bundle that cannot be read is skipped with a warning. A spill line that is not FHIR R4 JSON is
    bad input.

    Without Bundles the spill files are read and mapped in one pass (``fhir.map_ndjson_bytes``),
    each resource kept only while it is mapped; the result is the same as the two steps below.
    """
    data = b"".join(Path(f).read_bytes() for f in files)
    if bundles:
        return _map_refusing(_resources(data, bundles, name, warnings), name, warnings)
    if not data.strip():
        return fhir.Parsed()
    skip: set[tuple[int, int]] = set()
    with fhir.collector_paused():
        for _ in range(_MAX_REFUSED):
            refused: list[tuple[tuple[int, int], dict[str, Any]]] = []
            try:
                return fhir.map_ndjson_bytes(data, name, skip=skip, refused=refused)
            except BadInput as exc:
                if not refused:
                    raise  # a line that is not FHIR R4 JSON
                place, res = refused[0]
                warnings.append(_skipped(res, exc))
                skip.add(place)
    raise BadInput("too many unreadable resources in one partition", "check the export", name)


_MAX_REFUSED = 1000


def _skipped(res: dict[str, Any], exc: BadInput) -> str:
    return f"{res.get('resourceType', 'resource')}/{res.get('id', '?')}: skipped: {exc.problem}"


def _resources(data: bytes, bundles: Sequence[str], name: str, warnings: list[str]) -> list[fhir.Found]:
    out: list[fhir.Found] = []
    if data.strip():
        out.extend(fhir.parse_ndjson_bytes(data, name))
    for b in bundles:
        try:
            out.extend(fhir.parse_json_bytes(Path(b).read_bytes(), b))
        except BadInput as exc:
            warnings.append(f"{b}: skipped: {exc.problem}")
    return out


def _map_refusing(resources: list[fhir.Found], name: str, warnings: list[str]) -> fhir.Parsed:
    """Map the resources; one the reader refuses is left out with a warning and the rest mapped again."""
    remaining = resources
    with fhir.collector_paused():
        for _ in range(_MAX_REFUSED):
            try:
                return fhir.parse_resources(remaining, name)
            except BadInput as exc:
                where = exc.where or ""
                bad = next((i for i, f in enumerate(remaining) if where.startswith(f.where + " ")), None)
                if bad is None:
                    bad = next(
                        (
                            i
                            for i, f in enumerate(remaining)
                            if f"{f.resource.get('resourceType')}/{f.resource.get('id')}" in where
                        ),
                        None,
                    )
                if bad is None:
                    raise
                warnings.append(_skipped(remaining[bad].resource, exc))
                remaining = remaining[:bad] + remaining[bad + 1 :]
    raise BadInput("too many unreadable resources in one partition", "check the export", name)
