"""Reading FHIR values: lists, references, codings, texts, statuses, numbers, names (for the mappers)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backcover.dates import Instant
from backcover.guards import finite_decimal
from backcover.record.codes import Coding

__all__ = [
    "as_date",
    "categories",
    "codes_of",
    "codings",
    "decimal_of",
    "human_name",
    "lst",
    "notes",
    "reasons",
    "refs",
    "status_of",
    "tail",
    "text_of",
]


def lst(value: Any) -> list[Any]:
    """A FHIR list element, or an empty list when it is absent or not a list."""
    return value if isinstance(value, list) else []


def tail(ref: str) -> str:
    """``http://x/fhir/Patient/1/_history/2`` -> ``Patient/1``; ``urn:uuid:..`` kept as is."""
    if ref.startswith("urn:"):
        return ref
    parts = ref.split("/")
    if len(parts) == 2:
        return ref
    found = _TAILS.get(ref)
    if found is None:
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        found = "/".join(parts[-2:]) if len(parts) >= 2 else ref
        if len(_TAILS) >= _CODINGS_MAX:
            _TAILS.clear()
        _TAILS[ref] = found
    return found


_TAILS: dict[str, str] = {}  # full references (a server's URL, a search) seen again and again


# One Coding per (system, code, display) as read: an import repeats the same codes thousands of
# times, and a Coding is immutable. Only plain text values are shared (the key must not mix 1 and
# "1" or True); the table is emptied when it grows large.
_CODINGS: dict[tuple[Any, str, Any], Coding] = {}
_CODINGS_MAX = 65536


def _coding(system: Any, code: Any, display: Any) -> Coding:
    if (
        type(code) is str
        and (system is None or type(system) is str)
        and (display is None or type(display) is str)
    ):
        key = (system, code, display)
        found = _CODINGS.get(key)
        if found is None:
            if len(_CODINGS) >= _CODINGS_MAX:
                _CODINGS.clear()
            found = _CODINGS[key] = Coding(system or "", code, display)
        return found
    return Coding(str(system or ""), str(code), display)


def codings(cc: Any) -> list[Coding]:
    if not isinstance(cc, dict):
        return []
    raw = cc.get("coding")
    if not isinstance(raw, list):
        return []
    out = []
    shared = _CODINGS
    for c in raw:
        if isinstance(c, dict):
            code = c.get("code")
            if code is not None:
                system = c.get("system")
                display = c.get("display")
                try:  # a hit is a Coding made by _coding from these very values
                    found = shared.get((system, code, display))
                except TypeError:  # a list or an object where text belongs
                    found = None
                out.append(found if found is not None else _coding(system, code, display))
    return out


def codes_of(cc: Any) -> list[str]:
    """The codes of a CodeableConcept as text (what ``codings`` would give, without the Codings)."""
    if not isinstance(cc, dict):
        return []
    raw = cc.get("coding")
    if not isinstance(raw, list):
        return []
    out = []
    for c in raw:
        if isinstance(c, dict):
            code = c.get("code")
            if code is not None:
                out.append(code if type(code) is str else str(code))
    return out


def text_of(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    text = cc.get("text")
    if isinstance(text, str):
        return str(text)
    for c in lst(cc.get("coding")):
        if isinstance(c, dict) and isinstance(c.get("display"), str):
            return str(c["display"])
    return None


def status_of(res: Mapping[str, Any], key: str = "status") -> str | None:
    v = res.get(key)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        raw = v.get("coding")
        if isinstance(raw, list):
            for c in raw:
                if isinstance(c, dict):
                    code = c.get("code")
                    if code is not None:
                        return code if type(code) is str else str(code)
    return None


def decimal_of(v: Any) -> Decimal | None:
    return finite_decimal(v)  # a non-finite or huge number raises OutOfRange: see _parse.parse


def as_date(v: Instant) -> date:
    return v.date() if isinstance(v, datetime) else v


def human_name(names: Any) -> str | None:
    if not isinstance(names, list) or not names:
        return None
    official = next((n for n in names if isinstance(n, dict) and n.get("use") == "official"), names[0])
    if not isinstance(official, dict):
        return None
    if isinstance(official.get("text"), str):
        return str(official["text"])
    given = " ".join(g for g in lst(official.get("given")) if isinstance(g, str))
    family = official.get("family") if isinstance(official.get("family"), str) else ""
    full = f"{given} {family}".strip()
    return full or None


def reasons(res: Mapping[str, Any]) -> tuple[str, ...]:
    """The codes of ``reasonCode`` (why a service was done)."""
    raw = res.get("reasonCode")
    if not raw or not isinstance(raw, list):
        return ()
    return tuple(code for r in raw for code in codes_of(r))


def refs(res: Mapping[str, Any], *keys: str) -> tuple[str, ...]:
    """The targets of the references in list elements such as ``partOf`` or ``basedOn``."""
    out: list[str] = []
    for key in keys:
        raw = res.get(key)
        if raw and isinstance(raw, list):
            for r in raw:
                if isinstance(r, dict) and isinstance(r.get("reference"), str):
                    out.append(tail(r["reference"]))
    return tuple(out)


def notes(res: Mapping[str, Any]) -> str | None:
    raw = res.get("note")
    if not raw or not isinstance(raw, list):
        return None
    texts = [n["text"] for n in raw if isinstance(n, dict) and isinstance(n.get("text"), str)]
    return " ".join(texts) if texts else None


def categories(res: Mapping[str, Any]) -> tuple[str, ...]:
    raw = res.get("category")
    if not raw or not isinstance(raw, list):
        return ()
    return tuple(code for cat in raw for code in codes_of(cat))
