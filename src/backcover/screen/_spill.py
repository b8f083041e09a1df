"""Phase two's reading: one partition's spill files (and Bundles) to record items.

Phase one leaves out the resources no criterion can read and writes a marker line (``#`` and the
resource's ``Type/id`` as JSON) in their place. Markers are taken out before the lines are mapped.
When a marker and a spilled resource share a ``Type/id`` (the same resource twice in the export),
the first of them counts, as in ``check``: when the marker came first, the resource's items are
left out too (``check`` would have kept the first, unreadable one and dropped the later copy).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from backcover.errors import BadInput
from backcover.record import fhir
from backcover.screen._partition import marker

__all__ = ["read_partition"]


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
    raw = b"".join(Path(f).read_bytes() for f in files)
    data, markers = _without_markers(raw)
    if bundles:
        parsed = _map_refusing(_resources(data, bundles, name, warnings), name, warnings)
    elif not data.strip():
        return fhir.Parsed()
    else:
        parsed = _map_spill(data, name, warnings)
    if markers:
        _first_counts(parsed, raw, markers)
    return parsed


def _map_spill(data: bytes, name: str, warnings: list[str]) -> fhir.Parsed:
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


def _without_markers(data: bytes) -> tuple[bytes, set[bytes]]:
    """The spill without its marker lines, and the set of markers."""
    if not data.startswith(b"#") and b"\n#" not in data:
        return data, set()
    lines = data.split(b"\n")
    return b"\n".join([ln for ln in lines if ln[:1] != b"#"]), {ln for ln in lines if ln[:1] == b"#"}


def _first_counts(parsed: fhir.Parsed, raw: bytes, markers: set[bytes]) -> None:
    """Leave out the items of a resource whose first copy was left unread in phase one (``raw``: the
    spill with its markers, read again only when a marker and a mapped resource share an id)."""
    clash = {
        it.source.resource
        for items in parsed.items.values()
        for it in items
        if marker(it.source.resource)[:-1] in markers
    }
    if not clash:
        return
    first: dict[str, bool] = {}  # Type/id -> whether its first copy is a marker
    for line in raw.split(b"\n"):
        if line[:1] == b"#":
            rid = orjson.loads(line[1:])
            if rid in clash:
                first.setdefault(rid, True)
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if type(doc) is dict:
            rid = f"{doc.get('resourceType')}/{doc.get('id', '?')}"
            if rid in clash:
                first.setdefault(rid, False)
    shadowed = {rid for rid in clash if first.get(rid, True)}
    for key, items in parsed.items.items():
        parsed.items[key] = [it for it in items if it.source.resource not in shadowed]


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
