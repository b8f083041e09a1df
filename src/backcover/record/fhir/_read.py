"""Reading FHIR R4 JSON: bytes -> resources, with the file and place of anything that is not R4.

A JSON file holds one resource or a Bundle (of any type, nested too); an NDJSON bulk-export file
holds one resource per line. Resources are left exactly as parsed: what the reader learns about
them (where each sits, how its Bundle's ``fullUrl`` references resolve) is kept in :class:`Found`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, NamedTuple

import orjson

from backcover.errors import BadInput

__all__ = [
    "NO_URLS",
    "SHAPE_CHECKS",
    "Found",
    "collector_paused",
    "iter_resources",
    "parse_json_bytes",
    "parse_ndjson_bytes",
    "read_line",
    "refuse_other_version",
]


NO_URLS: Mapping[str, str] = MappingProxyType({})


class Found(NamedTuple):
    """One resource as read: the parsed JSON object, its place, and its Bundle's fullUrl map."""

    resource: dict[str, Any]
    where: str
    full_urls: Mapping[str, str] = NO_URLS


# Resource types that exist only in other FHIR versions (DSTU2/STU3 or R5).
_OTHER_VERSION_TYPES: dict[str, str] = {
    "MedicationOrder": "DSTU2",
    "DiagnosticOrder": "DSTU2",
    "DeviceUseRequest": "DSTU2",
    "Order": "DSTU2",
    "ProcedureRequest": "STU3",
    "ReferralRequest": "STU3",
    "ProcessRequest": "STU3",
    "EligibilityRequest": "STU3",
    "Transport": "R5",
    "InventoryItem": "R5",
    "ArtifactAssessment": "R5",
    "Requirements": "R5",
    "ActorDefinition": "R5",
    "Permission": "R5",
    "GenomicStudy": "R5",
    "FormularyItem": "R5",
    "NutritionIntake": "R5",
    "DeviceUsage": "R5",
    "DeviceDispense": "R5",
}

# R5 Procedure.occurrence[x] (R4 has performed[x]): https://hl7.org/fhir/R5/procedure.html
_R5_OCCURRENCE = frozenset(
    f"occurrence{t}" for t in ("DateTime", "Period", "String", "Age", "Range", "Timing")
)

_R4_FIX = "export the data as FHIR R4 (4.0.1); most EHRs and Blue Button 2.0 offer R4"


def _loads(data: bytes, file: str, where: str | None) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(
            f"malformed JSON ({exc.msg} at character {exc.pos})",
            "check that the file is complete JSON; re-export it if it was cut off",
            file,
            where,
        ) from None


def parse_json_bytes(data: bytes, file: str) -> list[Found]:
    """Resources from a JSON file holding one resource or a Bundle (of any type, nested too)."""
    if not data.strip():
        raise BadInput(
            "the file is empty", "give a FHIR R4 JSON file, an NDJSON export or a treatment log", file
        )
    out: list[Found] = []
    with collector_paused():
        doc = _loads(data, file, None)
        _collect(doc, "$", file, out)
    return out


def parse_ndjson_bytes(data: bytes, file: str) -> list[Found]:
    """Resources from an NDJSON bulk-export file, one resource per line."""
    out: list[Found] = []
    lines = data.split(b"\n")
    with collector_paused():
        for n, line in enumerate(lines, start=1):
            read_line(line, n, lines, file, out)
    if not out:
        raise BadInput("the file holds no FHIR resources", "give a non-empty NDJSON bulk export", file)
    return out


def read_line(line: bytes, n: int, lines: Sequence[bytes], file: str, out: list[Found]) -> None:
    """The resources of line ``n`` (of ``lines``) of an NDJSON file, added to ``out``; none for a
    blank line. Raises BadInput for a line that is not FHIR R4 JSON."""
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        if not line.strip():
            return  # a blank line
        cut = n == len(lines) or (n == len(lines) - 1 and not lines[-1].strip())
        problem = "the last line is cut off" if cut else f"malformed JSON ({exc.msg})"
        raise BadInput(
            problem,
            "each line of an NDJSON file must be one complete FHIR resource; re-export the file",
            file,
            f"line {n}",
        ) from None
    where = f"line {n}"
    if type(doc) is dict:
        rtype = doc.get("resourceType")
        if type(rtype) is str and rtype != "Bundle":
            check = SHAPE_CHECKS.get(rtype)
            if check is not None:
                refuse_other_version(doc, check(doc), file, where)
            out.append(tuple.__new__(Found, (doc, where, NO_URLS)))  # as Found(...), without its frame
            return
    _collect(doc, where, file, out)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Bulk parsing makes a great many small objects that all stay alive and hold no cycles; the
    cyclic garbage collector would walk them again and again as they pile up (most of the time of
    a large import). It is paused while they are made, and restored after, even on error. Nested
    and concurrent pauses are counted, and the collector's state before the first one is restored.
    """
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_paused = 0
_was_enabled = True


def _collect(doc: Any, where: str, file: str, out: list[Found]) -> None:
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise BadInput(
            "this is JSON but not a FHIR resource (there is no resourceType)",
            "give a FHIR R4 resource, Bundle or NDJSON export; other JSON cannot be read as a record",
            file,
            where,
        )
    rtype = doc["resourceType"]
    if not isinstance(rtype, str):
        raise BadInput("resourceType must be text", "fix the resourceType field", file, where)
    _check_version(doc, file, where)
    if rtype == "Bundle":
        raw_entries = doc.get("entry")
        if raw_entries is not None and not isinstance(raw_entries, list):
            raise BadInput("Bundle.entry must be a list", "fix the Bundle's entry field", file, where)
        entries: list[Any] = raw_entries or []
        full_urls: dict[str, str] = {}
        first = len(out)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise BadInput(
                    "a Bundle entry must be an object", "fix the entry", file, f"{where}.entry[{i}]"
                )
            res = entry.get("resource")
            if res is None:
                continue  # a request-only entry (e.g. a DELETE in a transaction)
            if isinstance(res, dict) and isinstance(entry.get("fullUrl"), str) and res.get("id"):
                full_urls[entry["fullUrl"]] = f"{res.get('resourceType')}/{res['id']}"
            _collect(res, f"{where}.entry[{i}].resource", file, out)
        if full_urls:
            # Bundles may refer to entries by fullUrl (urn:uuid:...); remember, beside each resource
            # (never inside it), how to resolve them. The innermost Bundle's map wins.
            for i in range(first, len(out)):
                if not out[i].full_urls:
                    out[i] = Found(out[i].resource, out[i].where, full_urls)
        return
    out.append(tuple.__new__(Found, (doc, where, NO_URLS)))  # as Found(...), without its frame


def _check_version(res: Mapping[str, Any], file: str, where: str) -> None:
    check = SHAPE_CHECKS.get(res["resourceType"])
    if check is not None:
        refuse_other_version(res, check(res), file, where)


def refuse_other_version(
    res: Mapping[str, Any], found: tuple[str, str] | None, file: str, where: str
) -> None:
    if found is not None:
        version, reason = found
        raise BadInput(
            f"this looks like FHIR {version}, not R4: {reason}",
            _R4_FIX,
            file,
            f"{where} ({res['resourceType']}/{res.get('id', '?')})",
        )


def _condition(res: Mapping[str, Any]) -> tuple[str, str] | None:
    if "patient" in res and "subject" not in res:
        return "DSTU2", "Condition has 'patient' (R4 uses 'subject')"
    return None


def _procedure(res: Mapping[str, Any]) -> tuple[str, str] | None:
    if not _R5_OCCURRENCE.isdisjoint(res):
        return "R5", "Procedure has occurrence[x] (R4 uses performed[x])"
    return None


def _medication_request(res: Mapping[str, Any]) -> tuple[str, str] | None:
    if isinstance(res.get("medication"), dict):
        return "R5", "MedicationRequest.medication is a CodeableReference (R4 uses medication[x])"
    if "context" in res:
        return "STU3", "MedicationRequest has 'context' (R4 uses 'encounter')"
    return None


def _medication_statement(res: Mapping[str, Any]) -> tuple[str, str] | None:
    if isinstance(res.get("medication"), dict):
        return "R5", "MedicationStatement.medication is a CodeableReference (R4 uses medication[x])"
    return None


def _encounter(res: Mapping[str, Any]) -> tuple[str, str] | None:
    if isinstance(res.get("class"), list):
        return "R5", "Encounter.class is a list (R4 has a single Coding)"
    return None


def _only_in(version: str, rtype: str) -> Callable[[Mapping[str, Any]], tuple[str, str]]:
    found = (version, f"{rtype} exists only in FHIR {version}")
    return lambda res: found


# The resource types whose shape (or very name) can show another FHIR version; other types are
# not looked at. One dictionary lookup per resource, in the same pass that reads it.
SHAPE_CHECKS: dict[str, Callable[[Mapping[str, Any]], tuple[str, str] | None]] = {
    **{rtype: _only_in(version, rtype) for rtype, version in _OTHER_VERSION_TYPES.items()},
    "Condition": _condition,
    "Procedure": _procedure,
    "MedicationRequest": _medication_request,
    "MedicationStatement": _medication_statement,
    "Encounter": _encounter,
}


def iter_resources(data: bytes, file: str, ndjson: bool) -> list[Found]:
    return parse_ndjson_bytes(data, file) if ndjson else parse_json_bytes(data, file)
