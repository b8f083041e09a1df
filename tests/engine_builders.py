"""Build Records directly for engine unit tests (no FHIR parsing involved)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from backcover.codesets import lookup
from backcover.record.details import details_from_json
from backcover.record.model import (
    Coding,
    Item,
    ItemKind,
    Patient,
    Provenance,
    Record,
    Region,
    SourceRef,
    When,
)

EST = timezone(timedelta(hours=-4))

_SYSTEMS = {
    "icd10": "http://hl7.org/fhir/sid/icd-10-cm",
    "cpt": "http://www.ama-assn.org/go/cpt",
    "snomed": "http://snomed.info/sct",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "loinc": "http://loinc.org",
}
_KIND = {
    "icd10": ItemKind.DIAGNOSIS,
    "cpt": ItemKind.PROCEDURE,
    "snomed": ItemKind.PROCEDURE,
    "rxnorm": ItemKind.MEDICATION,
    "loinc": ItemKind.SCORE,
}
_counter = [0]


def at(d: date, hh: int, mm: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=EST)


def item(
    system: str,
    code: str,
    start: date | datetime,
    *,
    end: date | None = None,
    ongoing: bool = False,
    kind: ItemKind | None = None,
    rid: str | None = None,
    provenance: Provenance = "ehr",
    value: Any = None,
    unit: str | None = None,
    refs: tuple[str, ...] = (),
    concepts: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
    text: str | None = None,
    status: str | None = None,
    region: Region | None = None,
    scale: str | None = None,
) -> Item:
    """An item coded with a real code; its concept, region and scale come from the code sets."""
    m = lookup(_SYSTEMS[system], code)
    cs = tuple(dict.fromkeys(([m.concept] if m else []) + list(concepts)))
    k = kind or _KIND[system]
    _counter[0] += 1
    resource = {
        ItemKind.DIAGNOSIS: "Condition",
        ItemKind.PROCEDURE: "Procedure",
        ItemKind.MEDICATION: "MedicationRequest",
        ItemKind.SCORE: "Observation",
        ItemKind.OBSERVATION: "Observation",
        ItemKind.IMAGING: "DiagnosticReport",
        ItemKind.ENCOUNTER: "Encounter",
        ItemKind.LAB: "Observation",
    }.get(k, "Basic")
    return Item(
        kind=k,
        when=When(start, end, ongoing),
        codes=(Coding(_SYSTEMS[system], code),),
        provenance=provenance,
        source=SourceRef(rid or f"{resource}/t{_counter[0]}", "test"),
        concept=cs[0] if cs else None,
        concepts=cs,
        region=region or (m.region if m else None),
        text=text,
        status=status,
        value=Decimal(str(value)) if isinstance(value, (int, float, str)) and value is not None else value,
        unit=unit,
        scale=scale or (m.scale if m else None),
        refs=refs,
        details=details_from_json(k, details or {}),
    )


def dx(code: str, onset: date, **kw: Any) -> Item:
    return item("icd10", code, onset, ongoing=True, **kw)


def nrs(value: int, when: date | datetime, **kw: Any) -> Item:
    return item("loinc", "72514-3", when, value=value, **kw)


def odi(value: int, when: date) -> Item:
    return item(
        "loinc", "odi", when, value=value, concepts=("odi_score",), kind=ItemKind.SCORE, unit="%", scale="odi"
    )


def pt_series(first: date, n: int, every_days: int = 7) -> list[Item]:
    return [item("cpt", "97110", first + timedelta(days=every_days * i)) for i in range(n)]


def med_order(code: str, start: date, days: int = 30) -> Item:
    """A medication order with no end and no supply: the importer makes it a 30-day course."""
    return item(
        "rxnorm",
        code,
        start,
        end=start + timedelta(days=days - 1),
        details={"duration_basis": "assumed 30-day course"},
    )


def med_statement(code: str, start: date, **kw: Any) -> Item:
    return item("rxnorm", code, start, ongoing=True, **kw)


def mri(day: date, conclusion: str | None = "L5-S1 protrusion compressing the right L5 root") -> Item:
    return item(
        "cpt", "72148", day, kind=ItemKind.IMAGING, details={"conclusion": conclusion} if conclusion else {}
    )


def exam(day: date) -> Item:
    return item(
        "loinc",
        "0",
        day,
        kind=ItemKind.OBSERVATION,
        concepts=("neuro_exam",),
        text="Straight leg raise positive",
    )


def record(*items: Item | list[Item], birth: date = date(1960, 5, 5)) -> Record:
    flat: list[Item] = []
    for x in items:
        flat.extend(x if isinstance(x, list) else [x])
    return Record(Patient(id="p1", name="Test Person", birth_date=birth), tuple(flat))
