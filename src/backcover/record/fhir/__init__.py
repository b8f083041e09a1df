"""FHIR R4 import: Bundles of any type, single resources, NDJSON bulk exports and folders of these.

Reading is split in two steps:

* :func:`iter_resources` (:mod:`._read`) turns bytes into :class:`Found` resources and refuses what
  is not FHIR R4 JSON, with the file and place (line number or JSON path) in the error;
* :func:`parse_resources` (:mod:`._parse`) turns resources into record items, grouped by the patient
  each belongs to, with one mapper per resource type (:mod:`._clinical`: Condition, Procedure,
  medications; :mod:`._results`: Observation, DiagnosticReport, ImagingStudy; :mod:`._admin`:
  Encounter, ServiceRequest, DocumentReference, Coverage, ExplanationOfBenefit, Patient).

For an NDJSON file, :func:`map_ndjson_bytes` (:mod:`._stream`) does both in one pass, keeping each
resource only while it is mapped, with the same result. :func:`relevance` (:mod:`._relevance`) says,
without mapping, which resources would give an item no criterion can read (a screen leaves them out).

The result of a file is a :class:`Parsed` value; merging several of them into one person's record is
:mod:`backcover.record.merge`'s job. The parsed resources are never changed.
"""

from backcover.record.fhir._parse import HANDLED, Parsed, iter_items, parse_resources
from backcover.record.fhir._read import (
    SHAPE_CHECKS,
    Found,
    collector_paused,
    iter_resources,
    parse_json_bytes,
    parse_ndjson_bytes,
    refuse_other_version,
)
from backcover.record.fhir._relevance import INVISIBLE, MATTERS, NOTHING, relevance
from backcover.record.fhir._stream import map_ndjson_bytes
from backcover.record.fhir._values import tail as reference_key

__all__ = [
    "HANDLED",
    "INVISIBLE",
    "MATTERS",
    "NOTHING",
    "SHAPE_CHECKS",
    "Found",
    "Parsed",
    "collector_paused",
    "iter_items",
    "iter_resources",
    "map_ndjson_bytes",
    "parse_json_bytes",
    "parse_ndjson_bytes",
    "parse_resources",
    "reference_key",
    "refuse_other_version",
    "relevance",
]
