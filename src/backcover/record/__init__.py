"""The patient record, its FHIR R4 importer, the treatment log and the merge."""

from backcover.record.model import (
    Coding,
    Item,
    ItemKind,
    Patient,
    Provenance,
    Record,
    Region,
    SourceRef,
    Unrecognized,
    When,
)

__all__ = [
    "Coding",
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
