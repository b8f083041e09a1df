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

from collections.abc import Collection, Sequence
from typing import Any

import orjson

from backcover.codesets import codesets_for
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._parse import Parsed, add_outcome, map_one
from backcover.record.fhir._read import (
    NO_URLS,
    SHAPE_CHECKS,
    Found,
    collector_paused,
    read_line,
    refuse_other_version,
)

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


# A step is one resource: ``(n, k, where, outcome)`` when it was mapped with nothing to look at
# again, else ``(n, k, where, outcome, error, seen, notes)``: the error it raised, the references
# it looked up (with what they found), the notes it wrote; ``(n, k, where)`` when not yet mapped.
_Step = tuple[Any, ...]
_Seen = list[tuple[str, dict[str, Any] | None]]


Place = tuple[int, int]
"""A resource's place in an NDJSON file: its line (from 1) and its place on the line (0, or the
entry of a Bundle written on one line)."""


def map_ndjson_bytes(
    data: bytes,
    file: str,
    knowledge: Knowledge | None = None,
    *,
    skip: Collection[Place] = (),
    refused: list[tuple[Place, dict[str, Any]]] | None = None,
) -> Parsed:
    """Read and map an NDJSON bulk-export file (see the module doc).

    The resources at the places in ``skip`` are left out, as if they were not in the file. When a
    resource cannot be mapped, its place and the resource are added to ``refused`` (when given)
    before its error is raised, so that a caller can leave it out and map the file again.
    """
    lines = data.split(b"\n")
    index = _Index(lines, file)
    places = index.places
    ctx = Ctx(file, (), codesets_for(knowledge))
    ctx.use_index(index)
    notes = ctx.notes
    seen: _Seen = []
    ctx.seen = seen
    steps: list[_Step] = []
    append = steps.append
    loads = orjson.loads
    shape_checks = SHAPE_CHECKS
    failed = False
    with collector_paused():
        for n, line in enumerate(lines, start=1):
            try:
                doc = loads(line)
            except orjson.JSONDecodeError:
                doc = None  # read_line says why (or skips a blank line)
            if type(doc) is dict:
                rtype = doc.get("resourceType")
                if type(rtype) is str and rtype != "Bundle":  # the common line: one resource
                    where = f"line {n}"
                    check = shape_checks.get(rtype)
                    if check is not None:
                        refuse_other_version(doc, check(doc), file, where)
                    if skip and (n, 0) in skip:
                        continue
                    rid = doc.get("id")
                    if isinstance(rid, str):
                        places[f"{rtype}/{rid}"] = (n, 0)
                    if failed:
                        append((n, 0, where))
                        continue
                    try:
                        outcome = map_one(ctx, doc, where, NO_URLS)
                    except Exception as exc:  # kept, and raised in its turn (see the module doc)
                        append((n, 0, where, None, exc, _take(seen), _take(notes)))
                        failed = True
                        continue
                    if seen or notes:
                        append((n, 0, where, outcome, None, _take(seen), _take(notes)))
                    else:
                        append((n, 0, where, outcome))
                    continue
            found: list[Found] = []
            read_line(line, n, lines, file, found)
            kept = [(k, f) for k, f in enumerate(found) if not (skip and (n, k) in skip)]
            for k, f in kept:
                index.add(f.resource, (n, k))
            for k, (res, where, full_urls) in kept:
                if failed:
                    append((n, k, where))
                    continue
                try:
                    outcome = map_one(ctx, res, where, full_urls)
                except Exception as exc:
                    append((n, k, where, None, exc, _take(seen), _take(notes)))
                    failed = True
                    continue
                append((n, k, where, outcome, None, _take(seen), _take(notes)))
        ctx.seen = None
        if not steps:
            raise BadInput("the file holds no FHIR resources", "give a non-empty NDJSON bulk export", file)
        return _settle(ctx, index, steps, refused)


def _take(taken: list[Any]) -> list[Any]:
    out = taken[:]
    taken.clear()
    return out


def _settle(
    ctx: Ctx, index: _Index, steps: list[_Step], refused: list[tuple[Place, dict[str, Any]]] | None
) -> Parsed:
    """Every resource's outcome in file order, mapping again those the whole file changes."""
    parsed = Parsed(resource_count=len(steps))
    notes = parsed.notes
    for step in steps:
        if len(step) == 4:
            outcome = step[3]
        else:
            place = (step[0], step[1])
            seen = step[5] if len(step) > 3 else None
            if len(step) == 3 or (seen and any(index.get(key) is not doc for key, doc in seen)):
                res, where, full_urls = index.found(place)
                try:
                    outcome = map_one(ctx, res, where, full_urls)
                except Exception:  # its error, in its turn
                    if refused is not None:
                        refused.append((place, res))
                    raise
                notes.extend(_take(ctx.notes))
            else:
                if step[4] is not None:
                    if refused is not None:
                        refused.append((place, index.found(place).resource))
                    raise step[4]
                outcome = step[3]
                notes.extend(step[6])
        if outcome is not None:
            add_outcome(parsed, outcome, step[2], notes)
    return parsed
