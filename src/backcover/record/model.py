"""The patient record: every piece of evidence in one model.

The record is pure data. It is built by the FHIR importer (:mod:`backcover.record.fhir`) and the
treatment log (:mod:`backcover.record.log`), merged by :mod:`backcover.record.merge`, and read by
the engine, the letters and the web pages. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backcover import codesets
from backcover.dates import Instant, local_date
from backcover.record.codes import Coding
from backcover.record.details import NO_DETAILS, Details
from backcover.vocab import ItemKind, Provenance, Region

__all__ = [
    "Coding",
    "Details",
    "Item",
    "ItemKind",
    "Patient",
    "Provenance",
    "Record",
    "Region",
    "SourceRef",
    "Unrecognized",
    "When",
]


@dataclass(frozen=True, slots=True)
class When:
    """A point in time (``end is None and not ongoing``) or a period.

    ``start`` and ``end`` are dates, or aware datetimes that keep their UTC offset. An open period
    (``ongoing=True``) has no known end: it lasts until the date of the question.
    """

    start: Instant
    end: Instant | None = None
    ongoing: bool = False

    @property
    def is_period(self) -> bool:
        return self.end is not None or self.ongoing

    @property
    def start_date(self) -> date:
        return local_date(self.start)

    @property
    def end_date(self) -> date | None:
        return local_date(self.end) if self.end is not None else None

    def end_as_of(self, as_of: date) -> date:
        """The last day this covers, as seen on ``as_of`` (an ongoing period runs to ``as_of``)."""
        if self.end is not None:
            return min(local_date(self.end), as_of) if self.ongoing else local_date(self.end)
        return as_of if self.ongoing else self.start_date

    def to_json(self) -> dict[str, Any]:
        if not self.is_period:
            return {"date": _iso(self.start)}
        return {"period": {"start": _iso(self.start), "end": _iso(self.end) if self.end else None}}


def _iso(value: Instant) -> str:
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an item came from: a FHIR resource reference or a log entry, and the file."""

    resource: str  # "Procedure/abc" or "log/therapy[3]"
    file: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"resource": self.resource, "file": self.file}


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of evidence.

    ``concept`` is the first concept its codes map to (see :mod:`backcover.codesets`);
    ``concepts`` holds every concept any of its codes mapped to. ``value`` is a number (as
    ``Decimal``), text, or ``None``; ``unit`` its unit; ``scale`` names the score scale for
    ``SCORE`` items (``nrs``, ``peg``, ``odi``, ``rmdq``). ``refs`` are references to other
    items (``Procedure/abc``) such as an Observation's ``partOf``. ``details`` holds the extra
    facts, typed by kind (:mod:`backcover.record.details`; an item built by hand from a JSON
    ``details`` object reads it with ``details_from_json``).
    """

    kind: ItemKind
    when: When | None
    codes: tuple[Coding, ...]
    provenance: Provenance
    source: SourceRef
    concept: str | None = None
    concepts: tuple[str, ...] = ()
    region: Region | None = None
    text: str | None = None
    status: str | None = None
    value: Decimal | str | None = None
    unit: str | None = None
    scale: str | None = None
    refs: tuple[str, ...] = ()
    details: Details = NO_DETAILS

    @property
    def id(self) -> str:
        return self.source.resource

    @property
    def date(self) -> date | None:
        return self.when.start_date if self.when else None

    def has(self, concept: str) -> bool:
        """True when the item maps to the concept or to one below it in the hierarchy."""
        return any(codesets.is_a(c, concept) for c in self.concepts)

    def with_concepts(self, concepts: Iterable[str]) -> Item:
        cs = tuple(dict.fromkeys(concepts))
        return replace(self, concepts=cs, concept=cs[0] if cs else None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind.value,
            "concept": self.concept,
            "concepts": list(self.concepts),
            "codes": [c.to_json() for c in self.codes],
        }
        if self.when is not None:
            out.update(self.when.to_json())
        else:
            out["date"] = None
        out["region"] = self.region.value if self.region else None
        out["provenance"] = str(self.provenance)
        out["source"] = self.source.to_json()
        if self.text:
            out["text"] = self.text
        if self.status:
            out["status"] = self.status
        if self.value is not None:
            out["value"] = str(self.value) if isinstance(self.value, Decimal) else self.value
        if self.unit:
            out["unit"] = self.unit
        if self.scale:
            out["scale"] = self.scale
        if self.refs:
            out["refs"] = list(self.refs)
        details = self.details.to_json()
        if details:
            out["details"] = details
        return out


@dataclass(frozen=True, slots=True)
class Patient:
    """Who the record is about. ``identifiers`` are ``(system, value)`` pairs."""

    id: str | None = None
    name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()
    state: str | None = None
    sources: tuple[str, ...] = ()

    def age_on(self, on: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "gender": self.gender,
            "identifiers": [{"system": s, "value": v} for s, v in self.identifiers],
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class Unrecognized:
    """A code that maps to no concept: kept and reported, never dropped."""

    system: str
    code: str
    display: str | None
    item: str  # the item id it sits on

    def to_json(self) -> dict[str, str | None]:
        return {"system": self.system, "code": self.code, "display": self.display, "item": self.item}


@dataclass(frozen=True, slots=True)
class Record:
    """One person's merged evidence, in time order."""

    patient: Patient
    items: tuple[Item, ...]
    unrecognized: tuple[Unrecognized, ...] = ()
    warnings: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def by_id(self, item_id: str) -> Item | None:
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def with_concept(self, concept: str, as_of: date | None = None) -> list[Item]:
        """Items that map to ``concept`` (or below it), optionally only those started by ``as_of``."""
        return [
            it
            for it in self.items
            if it.has(concept) and (as_of is None or it.date is None or it.date <= as_of)
        ]

    def of_kind(self, kind: ItemKind) -> list[Item]:
        return [it for it in self.items if it.kind is kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "patient": self.patient.to_json(),
            "items": [it.to_json() for it in self.items],
            "unrecognized": [u.to_json() for u in self.unrecognized],
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------------- fast construction
# A frozen dataclass sets each field through object.__setattr__, which is most of the cost of an
# import that makes an Item per resource. The builders below fill a plain object with the same
# slots and then give it the frozen class: the result is an ordinary, immutable Item (When,
# SourceRef), equal to the one the constructor makes. Python refuses the class change unless the
# two layouts are the same, and tests/test_record_structure.py checks the field lists.


def _draft(cls: type) -> type:
    return type(f"_{cls.__name__}Draft", (), {"__slots__": tuple(f.name for f in fields(cls))})


_ITEM_DRAFT = _draft(Item)
_WHEN_DRAFT = _draft(When)
_SOURCE_DRAFT = _draft(SourceRef)
_new = object.__new__
_set = object.__setattr__


def make_item(
    kind: ItemKind,
    when: When | None,
    codes: tuple[Coding, ...],
    provenance: Provenance,
    source: SourceRef,
    concept: str | None,
    concepts: tuple[str, ...],
    region: Region | None,
    text: str | None,
    status: str | None,
    value: Decimal | str | None,
    unit: str | None,
    scale: str | None,
    refs: tuple[str, ...],
    details: Details,
) -> Item:
    """``Item(...)`` with every field given, in field order, made about five times faster."""
    o: Any = _new(_ITEM_DRAFT)
    o.kind = kind
    o.when = when
    o.codes = codes
    o.provenance = provenance
    o.source = source
    o.concept = concept
    o.concepts = concepts
    o.region = region
    o.text = text
    o.status = status
    o.value = value
    o.unit = unit
    o.scale = scale
    o.refs = refs
    o.details = details
    _set(o, "__class__", Item)
    return o  # type: ignore[no-any-return]


def make_when(start: Instant, end: Instant | None = None, ongoing: bool = False) -> When:
    """``When(start, end, ongoing)``, made faster (see :func:`make_item`)."""
    o: Any = _new(_WHEN_DRAFT)
    o.start = start
    o.end = end
    o.ongoing = ongoing
    _set(o, "__class__", When)
    return o  # type: ignore[no-any-return]


_UNRECOGNIZED_DRAFT = _draft(Unrecognized)


def make_unrecognized(system: str, code: str, display: str | None, item: str) -> Unrecognized:
    """``Unrecognized(system, code, display, item)``, made faster (see :func:`make_item`)."""
    o: Any = _new(_UNRECOGNIZED_DRAFT)
    o.system = system
    o.code = code
    o.display = display
    o.item = item
    _set(o, "__class__", Unrecognized)
    return o  # type: ignore[no-any-return]


def make_source(resource: str, file: str | None) -> SourceRef:
    """``SourceRef(resource, file)``, made faster (see :func:`make_item`)."""
    o: Any = _new(_SOURCE_DRAFT)
    o.resource = resource
    o.file = file
    _set(o, "__class__", SourceRef)
    return o  # type: ignore[no-any-return]


def item_sort_key(it: Item) -> tuple[Any, ...]:
    """Timeline order: undated items last, then by date/instant, then by id for stability."""
    when = it.when
    if when is None:
        return (1, date.max, 0, 0.0, it.source.resource)
    start = when.start
    if isinstance(start, datetime):  # as dates.sort_key, inline: it is asked once per item
        return (0, start.date(), 1, start.timestamp(), it.source.resource)
    return (0, start, 0, 0.0, it.source.resource)
