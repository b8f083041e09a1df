"""The record's inner shape: typed details that write the same JSON, resources left as read, code
sets parsed through Knowledge without importing the record."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from backcover.codesets import Codesets, codesets_for
from backcover.knowledge import Knowledge
from backcover.record import fhir
from backcover.record.details import (
    DurationBasis,
    MedicationDetails,
    ProcedureDetails,
    ScoreDetails,
    details_from_json,
)
from backcover.record.load import load_record, source_from_bytes
from backcover.record.log import parse_log_text
from backcover.record.model import Item, ItemKind
from backcover.vocab import Provenance
from tests.conftest import DATA, SYNTHEA_FILES, SYNTHEA_LBP

REPO = Path(__file__).resolve().parents[1]

_BUNDLE: dict[str, Any] = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "fullUrl": "urn:uuid:7f1c0a2e-0000-4000-8000-000000000001",
            "resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1970-02-03"},
        },
        {
            "fullUrl": "urn:uuid:7f1c0a2e-0000-4000-8000-000000000002",
            "resource": {
                "resourceType": "Practitioner",
                "id": "dr1",
                "name": [{"given": ["Lee"], "family": "Park"}],
            },
        },
        {
            "resource": {
                "resourceType": "Encounter",
                "id": "e1",
                "status": "finished",
                "class": {"code": "AMB"},
                "subject": {"reference": "urn:uuid:7f1c0a2e-0000-4000-8000-000000000001"},
                "participant": [
                    {"individual": {"reference": "urn:uuid:7f1c0a2e-0000-4000-8000-000000000002"}}
                ],
                "period": {"start": "2026-03-02"},
            }
        },
    ],
}


def _has_private_key(value: Any) -> bool:
    if isinstance(value, dict):
        return any(str(k).startswith("_") or _has_private_key(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_private_key(v) for v in value)
    return False


def test_parsing_a_bundle_leaves_its_resources_as_read() -> None:
    data = json.dumps(_BUNDLE).encode()
    found = fhir.parse_json_bytes(data, "bundle.json")
    before = copy.deepcopy([f.resource for f in found])
    parsed = fhir.parse_resources(found, "bundle.json")
    # The fullUrl references still resolve: the visit belongs to the patient, with its clinician.
    (enc,) = parsed.items["Patient/p1"]
    assert enc.details.performer == ("Lee Park",)
    assert [f.resource for f in found] == before
    assert not any(_has_private_key(f.resource) for f in found)


def test_parsing_real_bundles_adds_no_private_keys() -> None:
    for name in ("priorauth-ri-bundle-prior-auth.json", "pas-testkit-conformant_pas_bundle_v110.json"):
        data = (DATA / name).read_bytes()
        found = fhir.parse_json_bytes(data, name)
        before = copy.deepcopy([f.resource for f in found])
        fhir.parse_resources(found, name)
        assert [f.resource for f in found] == before, name
        assert not any(_has_private_key(f.resource) for f in found), name


def _items() -> list[Item]:
    record = load_record(SYNTHEA_FILES, SYNTHEA_LBP)
    sample = REPO / "src" / "backcover" / "knowledge" / "sample"
    ehr = source_from_bytes((sample / "alex-ehr.json").read_bytes(), "alex-ehr.json")
    log = parse_log_text((sample / "alex-log.yaml").read_text(), "alex-log.yaml")
    return [*record.items, *(it for items in ehr.items.values() for it in items), *log.items[None]]


def test_typed_details_round_trip_to_the_same_json() -> None:
    items = _items()
    kinds = {type(it.details) for it in items if it.details}
    assert {MedicationDetails, ProcedureDetails, ScoreDetails} <= kinds
    for it in items:
        written = it.to_json()
        again = details_from_json(it.kind, written.get("details", {}))
        assert again == it.details, it.id
        # An item built by hand from the JSON details object writes the same JSON again.
        rebuilt = Item(
            kind=it.kind,
            when=it.when,
            codes=it.codes,
            provenance=it.provenance,
            source=it.source,
            concept=it.concept,
            concepts=it.concepts,
            region=it.region,
            text=it.text,
            status=it.status,
            value=it.value,
            unit=it.unit,
            scale=it.scale,
            refs=it.refs,
            details=details_from_json(it.kind, written.get("details", {})),
        )
        assert rebuilt.to_json() == written, it.id


def test_medication_course_length_basis_is_typed_and_said_in_words() -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "completed",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2026-01-05",
        "medicationCodeableConcept": {"text": "Ibuprofen 400 MG Oral Tablet"},
        "dispenseRequest": {"expectedSupplyDuration": {"value": 14, "unit": "days"}},
    }
    src = source_from_bytes(json.dumps(order).encode(), "order.json")
    (med,) = src.items["Patient/p1"]
    assert isinstance(med.details, MedicationDetails)
    assert med.details.duration_basis is DurationBasis.SUPPLY
    assert med.to_json()["details"]["duration_basis"] == "supply of 14 days"
    assert med.when is not None and med.when.end_date == date(2026, 1, 18)
    assert med.provenance is Provenance.EHR


def test_unknown_detail_names_are_refused_for_hand_built_items() -> None:
    try:
        details_from_json(ItemKind.SCORE, {"sessions": 3})
    except TypeError as exc:
        assert "sessions" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a score has no sessions")


def test_importing_codesets_does_not_import_the_record() -> None:
    code = "import sys, backcover.codesets; print(any(m.startswith('backcover.record') for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env()
    ).stdout
    assert out.strip() == "False"


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def test_code_sets_are_picklable_and_answer_the_same() -> None:
    cs = codesets_for()
    again = pickle.loads(pickle.dumps(cs))
    assert isinstance(again, Codesets)
    for system, code in (("icd10cm", "M54.50"), ("http://snomed.info/sct", "278860009"), ("cpt", "97110")):
        assert again.lookup(system, code) == cs.lookup(system, code) is not None
    assert again.match_medication_text("Ibuprofen 400 MG") == cs.match_medication_text("Ibuprofen 400 MG")
    assert again.ancestors("physical_therapy") == cs.ancestors("physical_therapy")


def test_a_clinic_code_set_overlay_maps_its_own_codes(tmp_path: Path) -> None:
    (tmp_path / "codesets").mkdir()
    (tmp_path / "codesets" / "icd10cm.yaml").write_text(
        "system: icd10cm\n"
        "source: {name: test overlay, url: 'https://example.org', effective: 2026-01-01}\n"
        "codes:\n  - {code: R52, concept: low_back_pain, region: lumbar}\n"
    )
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "R52"}]},
        "onsetDateTime": "2026-01-05",
    }
    data = json.dumps(condition).encode()
    (plain,) = source_from_bytes(data, "c.json").items["Patient/p1"]
    assert plain.concept is None
    (mapped,) = source_from_bytes(data, "c.json", Knowledge.from_dir(tmp_path)).items["Patient/p1"]
    assert mapped.concept == "low_back_pain"
