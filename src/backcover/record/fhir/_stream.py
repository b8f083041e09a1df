"""An NDJSON file read and mapped in one pass, each resource kept only while it is mapped.

:func:`map_ndjson_bytes` gives exactly what ``parse_resources(parse_ndjson_bytes(data, file),
file)`` gives (the same items, patients, counts and notes, and the same first error), without
holding every parsed resource at once: holding them costs more than parsing them.

Mapping a resource may look up another one by reference (a practitioner, a medication), and the
other may come later in the file. So each resource is mapped as soon as it is read, with the
references known so far, and the lookups it made are written down. Once the whole file is read,
a resource whose lookups would now find something else (a later resource, or a later one with
the same id) is read again from its line and mapped again. Errors keep their order: a line that is
not FHIR R4 JSON is refused as soon as it is read, as the reader does; a mapping error is kept,
and raised only once every line has been read and every resource before it has been settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from backcover.codesets import codesets_for
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._parse import Outcome, Parsed, add_outcome, map_one
from backcover.record.fhir._read import Found, collector_paused, read_line

__all__ = ["map_ndjson_bytes"]


class _Index:
    """The ``Type/id`` of every resource read so far, by its place; a resource is read again from
    its line when a reference finds it (each one once)."""

    __slots__ = ("_docs", "file", "lines", "places")

    def __init__(self, lines: Sequence[bytes], file: str) -> None:
        self.lines = lines
        self.file = file
        self.places: dict[str, tuple[int, int]] = {}
        self._docs: dict[tuple[int, int], dict[str, Any]] = {}

    def add(self, res: dict[str, Any], place: tuple[int, int]) -> None:
        rid = res.get("id")
        if isinstance(rid, str):
            self.places[f"{res['resourceType']}/{rid}"] = place

    def found(self, place: tuple[int, int]) -> Found:
        n, k = place
        out: list[Found] = []
        read_line(self.lines[n - 1], n, self.lines, self.file, out)
        return out[k]

    def get(self, key: str) -> dict[str, Any] | None:
        place = self.places.get(key)
        if place is None:
            return None
        doc = self._docs.get(place)
        if doc is None:
            doc = self._docs[place] = self.found(place).resource
        return doc


class _Step(NamedTuple):
    """One resource, mapped with the references known when it was read (or not yet mapped)."""

    place: tuple[int, int]
    where: str
    outcome: Outcome | None
    error: Exception | None
    seen: list[tuple[str, dict[str, Any] | None]] | None  # the references it looked up
    notes: list[str] | None
    pending: bool = False


def map_ndjson_bytes(data: bytes, file: str, knowledge: Knowledge | None = None) -> Parsed:
    """Read and map an NDJSON bulk-export file (see the module doc)."""
    lines = data.split(b"\n")
    index = _Index(lines, file)
    ctx = Ctx(file, (), codesets_for(knowledge))
    ctx.use_index(index)
    notes = ctx.notes
    steps: list[_Step] = []
    failed = False
    with collector_paused():
        for n, line in enumerate(lines, start=1):
            found: list[Found] = []
            read_line(line, n, lines, file, found)
            for k, f in enumerate(found):
                index.add(f.resource, (n, k))
            for k, (res, where, full_urls) in enumerate(found):
                if failed:
                    steps.append(_Step((n, k), where, None, None, None, None, True))
                    continue
                seen: list[tuple[str, dict[str, Any] | None]] = []
                ctx.seen = seen
                try:
                    outcome = map_one(ctx, res, where, full_urls)
                except Exception as exc:  # kept, and raised in its turn (see the module doc)
                    steps.append(_Step((n, k), where, None, exc, seen or None, _take(notes)))
                    failed = True
                    continue
                steps.append(
                    _Step((n, k), where, outcome, None, seen or None, _take(notes) if notes else None)
                )
        ctx.seen = None
        if not steps:
            raise BadInput("the file holds no FHIR resources", "give a non-empty NDJSON bulk export", file)
        return _settle(ctx, index, steps)


def _take(notes: list[str]) -> list[str]:
    taken = notes[:]
    notes.clear()
    return taken


def _settle(ctx: Ctx, index: _Index, steps: list[_Step]) -> Parsed:
    """Every resource's outcome in file order, mapping again those the whole file changes."""
    parsed = Parsed(resource_count=len(steps))
    notes = parsed.notes
    for step in steps:
        outcome = step.outcome
        if step.pending or (step.seen and any(index.get(key) is not doc for key, doc in step.seen)):
            res, where, full_urls = index.found(step.place)
            outcome = map_one(ctx, res, where, full_urls)  # raises its error in its turn
            notes.extend(_take(ctx.notes))
        else:
            if step.error is not None:
                raise step.error
            if step.notes:
                notes.extend(step.notes)
        if outcome is not None:
            add_outcome(parsed, outcome, step.where, notes)
    return parsed
