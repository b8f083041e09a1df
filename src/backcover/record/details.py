"""The extra facts of a record item, typed: one frozen dataclass per kind of item.

:class:`Details` holds what any item may carry (who did it, why, a note, the claim line's status);
each kind adds its own facts (a medication's dose and how its course length was found, a
procedure's sessions and reported relief, a score's timing, an imaging report's conclusion).

``to_json()`` writes the ``details`` object of CONTRACTS.md section 0: the same keys and values as
always (``with`` and ``class`` are spelled ``with_`` and ``encounter_class`` here), absent facts
left out. :func:`details_from_json` reads that object back, for items built by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar, cast

from backcover.record.codes import Coding
from backcover.vocab import ItemKind

__all__ = [
    "NO_DETAILS",
    "Attachment",
    "CoverageDetails",
    "Details",
    "DocumentDetails",
    "DurationBasis",
    "EncounterDetails",
    "ImagingDetails",
    "MedicationDetails",
    "ObservationDetails",
    "ProcedureDetails",
    "ReferralDetails",
    "ScoreDetails",
    "Timing",
    "details_class",
    "details_from_json",
    "empty_details",
    "report_text",
    "sessions_of",
    "shared",
]

# JSON keys that are Python keywords or clash with builtins.
_JSON_NAME = {"with_": "with", "encounter_class": "class", "attachment_type": "type"}
_FIELD_NAME = {v: k for k, v in _JSON_NAME.items()}


class DurationBasis(StrEnum):
    """How the length of a medication course was found; ``label`` is how the record says it."""

    DOSAGE_BOUNDS = "dosage_bounds"  # the order's dosage bounds give start and end
    SUPPLY = "supply"  # the expected supply duration from the start
    ASSUMED_30_DAYS = "assumed_30_days"  # no end, no supply: a 30-day course (CONTRACTS.md section 1)

    __hash__ = str.__hash__  # as its value hashes (Enum's own hash is slower Python code)

    @property
    def label(self) -> str:
        return _BASIS_TEXT[self].format(supply="").strip()


class Timing(StrEnum):
    """When a score was taken relative to the procedure it refers to."""

    BEFORE = "before"
    AFTER = "after"

    __hash__ = str.__hash__


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document's attachment, as the source described it (no content)."""

    content_type: str | None = None
    title: str | None = None
    url: str | None = None
    size: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (
            ("contentType", self.content_type),
            ("title", self.title),
            ("url", self.url),
            ("size", self.size),
        ):
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Details:
    """Facts any item may carry. ``specialty`` and ``reason`` are lists from FHIR, text from a log."""

    category: tuple[str, ...] = ()
    note: str | None = None
    with_: str | None = None
    performer: tuple[str, ...] = ()
    specialty: tuple[str, ...] | str | None = None
    reason: tuple[str, ...] | str | None = None
    claim_status: str | None = None
    quantity: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``details`` object of CONTRACTS.md section 0 (empty when there is nothing to say)."""
        out: dict[str, Any] = {}
        for name in _field_names(type(self)):
            value = self._json_value(name)
            if value is None or value == ():
                continue
            out[_JSON_NAME.get(name, name)] = _jsonable(value)
        return out

    def _json_value(self, name: str) -> Any:
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        """A fact by its JSON name (``"dose"``, ``"with"``), as JSON writes it; for display loops."""
        name = _FIELD_NAME.get(key, key)
        if name not in _field_names(type(self)):
            return default
        value = self._json_value(name)
        return default if value is None or value == () else _jsonable(value)

    def __bool__(self) -> bool:
        return any(getattr(self, n) not in (None, ()) for n in _field_names(type(self)))


NO_DETAILS = Details()
"""Nothing to add (shared: details are immutable)."""


@dataclass(frozen=True, slots=True)
class MedicationDetails(Details):
    """A medication course. ``supply`` is the supply duration as written (``"30 d"``)."""

    duration_basis: DurationBasis | None = None
    supply: str | None = None
    dose: str | None = None
    side_effects: str | None = None
    prescribed_by: str | None = None
    helped: str | None = None  # yes / no / partly (treatment log)

    def _json_value(self, name: str) -> Any:
        if name == "supply":
            return None  # said inside duration_basis
        if name == "duration_basis" and self.duration_basis is not None:
            return _BASIS_TEXT[self.duration_basis].format(supply=self.supply or "")
        return getattr(self, name)


_BASIS_TEXT = {
    DurationBasis.DOSAGE_BOUNDS: "dosage bounds",
    DurationBasis.SUPPLY: "supply of {supply}",
    DurationBasis.ASSUMED_30_DAYS: "assumed 30-day course (no end date or supply duration)",
}


@dataclass(frozen=True, slots=True)
class ProcedureDetails(Details):
    """A treatment or intervention: therapy sessions, an injection's level and reported relief."""

    sessions: int | None = None
    level: str | None = None
    relief_percent: Decimal | None = None
    relief_weeks: Decimal | None = None
    how_often: str | None = None
    findings: str | None = None  # a nerve test written in the log's imaging section
    where: str | None = None


@dataclass(frozen=True, slots=True)
class ImagingDetails(Details):
    """An imaging study or report: its modality, conclusion and findings."""

    conclusion: str | None = None
    conclusion_codes: tuple[Coding, ...] = ()
    modality: tuple[str, ...] = ()
    findings: str | None = None
    where: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreDetails(Details):
    """A pain or function score; ``timing`` places it before or after the procedure it refers to."""

    timing: Timing | None = None
    value_codes: tuple[Coding, ...] = ()


@dataclass(frozen=True, slots=True)
class ObservationDetails(Details):
    """An observation or a laboratory result (or a non-imaging report)."""

    value_codes: tuple[Coding, ...] = ()
    conclusion: str | None = None
    conclusion_codes: tuple[Coding, ...] = ()


@dataclass(frozen=True, slots=True)
class EncounterDetails(Details):
    """A visit; ``encounter_class`` is FHIR's ``Encounter.class`` code (JSON ``class``)."""

    encounter_class: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralDetails(Details):
    """A referral or order."""

    intent: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentDetails(Details):
    """A clinical document: its attachments (FHIR), or the file named in the log."""

    attachments: tuple[Attachment, ...] = ()
    file: str | None = None
    attachment_type: str | None = None  # JSON ``type``


@dataclass(frozen=True, slots=True)
class CoverageDetails(Details):
    """Insurance coverage."""

    payor: tuple[str, ...] = ()


def sessions_of(details: Details) -> int | None:
    """The number of sessions a treatment entry stands for, when it says."""
    return details.sessions if isinstance(details, ProcedureDetails) else None


def report_text(details: Details) -> str | None:
    """What a report or test found: its conclusion, else the findings written down."""
    if isinstance(details, (ImagingDetails, ObservationDetails)) and details.conclusion:
        return details.conclusion
    if isinstance(details, (ImagingDetails, ProcedureDetails)):
        return details.findings
    return None


# Keyed by the kind's value: an Enum member's own hash runs Python code, and this is asked per item.
_BY_KIND: dict[str, type[Details]] = {
    ItemKind.MEDICATION.value: MedicationDetails,
    ItemKind.PROCEDURE.value: ProcedureDetails,
    ItemKind.IMAGING.value: ImagingDetails,
    ItemKind.SCORE.value: ScoreDetails,
    ItemKind.OBSERVATION.value: ObservationDetails,
    ItemKind.LAB.value: ObservationDetails,
    ItemKind.ENCOUNTER.value: EncounterDetails,
    ItemKind.REFERRAL.value: ReferralDetails,
    ItemKind.DOCUMENT.value: DocumentDetails,
    ItemKind.COVERAGE.value: CoverageDetails,
}


def details_class(kind: ItemKind) -> type[Details]:
    """The details type of an item kind (:class:`Details` for kinds with no facts of their own)."""
    return _BY_KIND.get(kind._value_, Details)


_P = ParamSpec("_P")
_D = TypeVar("_D", bound=Details)


def shared(cls: Callable[_P, _D]) -> Callable[_P, _D]:
    """``cls`` as a constructor that hands out one instance per set of values.

    Details are immutable, and an import makes thousands of identical ones (every Synthea order's
    "assumed 30-day course"); sharing them keeps the import as fast as plain dictionaries were.
    Not for values that are equal but written differently (``Decimal("1")`` and ``Decimal("1.0")``).
    """
    return cast(Callable[_P, _D], lru_cache(maxsize=4096, typed=True)(cls))


_EMPTY: dict[str, Details] = {}


def empty_details(kind: ItemKind) -> Details:
    """The (shared) details of an item of ``kind`` that has nothing to add."""
    found = _EMPTY.get(kind._value_)
    if found is None:
        found = _EMPTY[kind._value_] = details_class(kind)()
    return found


_FIELDS: dict[type[Details], tuple[str, ...]] = {}


def _field_names(cls: type[Details]) -> tuple[str, ...]:
    """The fields in JSON order: category, the kind's own facts, then those every item may have."""
    names = _FIELDS.get(cls)
    if names is None:
        common = tuple(f.name for f in fields(Details))
        names = ("category", *(f.name for f in fields(cls) if f.name not in common), *common[1:])
        _FIELDS[cls] = names
    return names


def details_from_json(kind: ItemKind, data: Mapping[str, Any]) -> Details:
    """Typed details from a ``details`` object (the inverse of ``to_json``); unknown keys refused."""
    cls = details_class(kind)
    names = set(_field_names(cls))
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = _FIELD_NAME.get(key, key)
        if name not in names:
            raise TypeError(f"{cls.__name__} has no {key!r}")
        values[name] = _from_json(name, raw)
    if name_basis := values.get("duration_basis"):
        values["duration_basis"], values["supply"] = name_basis
    return cls(**values)


def _from_json(name: str, raw: Any) -> Any:
    if raw is None:
        return None
    if name == "duration_basis":
        return _parse_basis(raw)
    if name == "timing":
        return Timing(raw)
    if name in ("quantity", "relief_percent", "relief_weeks"):
        return Decimal(str(raw))
    if name == "sessions":
        return int(raw)
    if name in ("value_codes", "conclusion_codes"):
        return tuple(
            c if isinstance(c, Coding) else Coding(c["system"], c["code"], c.get("display")) for c in raw
        )
    if name == "attachments":
        return tuple(
            a
            if isinstance(a, Attachment)
            else Attachment(a.get("contentType"), a.get("title"), a.get("url"), a.get("size"))
            for a in raw
        )
    if isinstance(raw, list):
        return tuple(raw)
    return raw


def _parse_basis(raw: Any) -> tuple[DurationBasis, str | None]:
    if isinstance(raw, DurationBasis):
        return raw, None
    text = str(raw)
    if text.startswith("supply of "):
        return DurationBasis.SUPPLY, text.removeprefix("supply of ")
    if "30-day" in text or text == DurationBasis.ASSUMED_30_DAYS:
        return DurationBasis.ASSUMED_30_DAYS, None
    return DurationBasis(text.replace(" ", "_")), None


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, StrEnum):
        return v.value
    if isinstance(v, (Coding, Attachment)):
        return v.to_json()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v
