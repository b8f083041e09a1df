"""Phase one of a screen: split the inputs by patient into spill files, in flat memory.

A bulk export keeps one file per resource type, so one person's resources are spread across
files. Each input is cut into chunks at line boundaries; each chunk task reads its lines one at a
time, parses it, finds the patient it belongs to (the Patient's own id, or the ``subject``,
``patient`` or ``beneficiary`` reference) and appends the line to that patient's partition file,
chosen by a stable hash. A resource that no criterion can read is not spilled (a short marker
stands in for it), so phase two reads and maps only what can bear on the answer. Resources that
belong to nobody (Practitioner, Organization, Medication) go to a shared file every partition
reads. A Bundle file is kept whole and given to one partition.

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

from backcover.codesets import codesets_for
from backcover.errors import BadInput
from backcover.record import fhir

__all__ = [
    "Chunk",
    "ChunkResult",
    "input_files",
    "marker",
    "partition_chunk",
    "partition_of",
    "plan_chunks",
    "private_dir",
]

_NDJSON = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
_BUNDLE = (".json", ".json.gz")
CHUNK_BYTES = 32 * 1024 * 1024
_BUFFER = 1 << 18  # for the shared spill file

# The patient of a Bundle written on one NDJSON line, read without walking its entries.
_REF = re.compile(rb'"(?:subject|patient|beneficiary)"\s*:\s*\{[^{}]*?"reference"\s*:\s*"([^"]+)"')


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
    unread: int = 0  # resources no criterion can read, left out (see partition_chunk)
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


def _target(doc: dict[str, Any]) -> str | None:
    """The patient reference of a resource as the reader finds it: its first ``subject``,
    ``patient`` or ``beneficiary`` reference; None for a resource about nobody."""
    for key in ("subject", "patient", "beneficiary"):
        ref = doc.get(key)
        if type(ref) is dict:
            target = ref.get("reference")
            if type(target) is str:
                return target
    return None


def _bundle_owner(line: bytes) -> str | None:
    """The patient of a Bundle written on one line: its first subject, patient or beneficiary reference."""
    m = _REF.search(line)
    return fhir.reference_key(m.group(1).decode("utf-8", "replace")) if m else None


def marker(rid: str) -> bytes:
    """The spill line that stands for a resource left unread: ``#`` and its ``Type/id`` as JSON."""
    return b"#" + orjson.dumps(rid) + b"\n"


def partition_chunk(chunk: Chunk, index: int, partitions: int, spill_dir: str) -> ChunkResult:
    """Phase one for one chunk: every line to its patient's partition file (see the module doc).

    A resource that no criterion can read (``fhir.relevance``: a Condition, Procedure or
    medication whose codes map to no concept) is not spilled: a marker with its ``Type/id`` takes
    its place, so that phase two still knows it was there (when the same resource id comes twice,
    the first one counts, as in ``check``). A resource that gives no item at all is dropped.
    """
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
    cs = codesets_for()
    loads = orjson.loads
    shape_checks = fhir.SHAPE_CHECKS
    relevance, matters, invisible = fhir.relevance, fhir.MATTERS, fhir.INVISIBLE
    files: dict[int, str] = {}
    buffers: dict[int, list[bytes]] = {}  # lines not yet written, by partition
    buffered = 0
    shared_path = where / f"shared-{index:05d}.ndjson"
    shared: BinaryIO | None = None
    seen: dict[str, int] = {}  # patient -> partition, for the patients of this chunk
    by_ref: dict[str, int] = {}  # a reference as written -> its patient's partition
    lines = unread = 0
    try:
        for n, raw in _lines(chunk):
            line = raw if raw.endswith(b"\n") else raw + b"\n"
            if len(line) < 8 and not line.strip():
                continue
            lines += 1
            try:
                doc = loads(line)
            except orjson.JSONDecodeError:
                result.warnings.append(f"{_place(chunk, n)}: skipped: not complete JSON")
                continue
            rtype = doc.get("resourceType") if type(doc) is dict else None
            if type(rtype) is not str:
                result.warnings.append(f"{_place(chunk, n)}: skipped: not a FHIR resource")
                continue
            if rtype == "Bundle":
                key = _bundle_owner(line)
                p = None if key is None else partition_of(key, partitions)
            else:
                check = shape_checks.get(rtype)
                if check is not None:
                    found = check(doc)
                    if found is not None:
                        fhir.refuse_other_version(doc, found, chunk.file, _place(chunk, n))
                rid = doc.get("id")
                if rtype == "Patient" and type(rid) is str:
                    key = "Patient/" + rid
                    p = seen.get(key)
                    if p is None:
                        p = seen[key] = partition_of(key, partitions)
                else:
                    target = _target(doc)
                    if target is None:
                        p = None
                    else:
                        p = by_ref.get(target)
                        if p is None:
                            key = fhir.reference_key(target)  # as the reader links it
                            p = seen.get(key)
                            if p is None:
                                p = seen[key] = partition_of(key, partitions)
                            by_ref[target] = p
                        r = relevance(doc, cs)
                        if r != matters:
                            unread += 1
                            if r != invisible:
                                continue
                            line = marker(f"{rtype}/{doc.get('id', '?')}")
            if p is None:
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
    result.unread = unread
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
