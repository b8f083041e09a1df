"""FHIR R4 import: the Synthea bulk export, bundles, references, time zones and merging."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backcover.errors import BadInput
from backcover.record.details import DurationBasis
from backcover.record.load import load_record, source_from_bytes
from backcover.record.merge import merge
from backcover.record.model import ItemKind, Region
from tests.conftest import EXAMPLES, SYNTHEA_FILES, SYNTHEA_LBP


@pytest.fixture(scope="module")
def synthea_record():  # type: ignore[no-untyped-def]
    return load_record(SYNTHEA_FILES, SYNTHEA_LBP)


def test_synthea_finds_chronic_low_back_pain(synthea_record) -> None:  # type: ignore[no-untyped-def]
    lbp = synthea_record.with_concept("chronic_low_back_pain")
    assert len(lbp) == 1
    assert lbp[0].date == date(2014, 1, 31)
    assert lbp[0].region is Region.LUMBAR
    assert lbp[0].codes[0].code == "278860009"
    assert lbp[0].provenance == "ehr"


def test_synthea_finds_ten_therapy_sessions_coded_as_movement_therapy(synthea_record) -> None:  # type: ignore[no-untyped-def]
    therapy = synthea_record.with_concept("physical_therapy")
    assert len(therapy) == 10
    assert {c.code for t in therapy for c in t.codes} == {"229064008"}
    assert all(t.has("conservative_care_active") for t in therapy)


def test_synthea_finds_ibuprofen_orders_by_branded_product_code(synthea_record) -> None:  # type: ignore[no-untyped-def]
    ibu = [it for it in synthea_record.with_concept("nsaid") if any(c.code == "206905" for c in it.codes)]
    assert len(ibu) == 11
    first = ibu[0]
    assert first.kind is ItemKind.MEDICATION
    # No end date and no supply duration: a 30-day course from the order date (CONTRACTS.md section 1).
    assert first.when is not None and first.when.end_date == first.when.start_date + timedelta(days=29)
    assert first.details.duration_basis is DurationBasis.ASSUMED_30_DAYS
    assert "30-day" in first.to_json()["details"]["duration_basis"]


def test_synthea_keeps_unrecognised_codes(synthea_record) -> None:  # type: ignore[no-untyped-def]
    codes = {(u.system, u.code): u for u in synthea_record.unrecognized}
    bronchitis = codes[("http://snomed.info/sct", "10509002")]  # a condition backcover has no concept for
    assert bronchitis.display == "Acute bronchitis (disorder)"
    assert bronchitis.item.startswith("Condition/")
    assert synthea_record.by_id(bronchitis.item) is not None  # the item itself is kept
    # every item without a concept has its codes listed
    for it in synthea_record.items:
        if it.concept is None:
            assert any(u.item == it.id for u in synthea_record.unrecognized) or not it.codes


def test_synthea_json_output_has_contract_shape(synthea_record) -> None:  # type: ignore[no-untyped-def]
    doc = synthea_record.to_json()
    assert set(doc) >= {"patient", "items", "unrecognized"}
    item = next(i for i in doc["items"] if i["concept"] == "chronic_low_back_pain")
    assert item["kind"] == "diagnosis"
    assert item["codes"] == [
        {
            "system": "http://snomed.info/sct",
            "code": "278860009",
            "display": "Chronic low back pain (finding)",
        }
    ]
    assert item["period"]["start"].startswith("2014-01-31")
    assert item["region"] == "lumbar"
    assert item["provenance"] == "ehr"
    assert item["source"]["resource"].startswith("Condition/")
    assert item["source"]["file"].endswith("synthea-bulk10-Condition.ndjson")


def test_several_people_without_patient_is_refused() -> None:
    with pytest.raises(BadInput) as exc:
        load_record(SYNTHEA_FILES)
    assert "different people" in exc.value.problem
    assert SYNTHEA_LBP in exc.value.fix


def test_unknown_patient_id_lists_the_choices() -> None:
    with pytest.raises(BadInput) as exc:
        load_record(SYNTHEA_FILES, "nobody")
    assert SYNTHEA_LBP in exc.value.fix


def _bundle(*resources: dict[str, Any], btype: str = "collection") -> bytes:
    return json.dumps(
        {"resourceType": "Bundle", "type": btype, "entry": [{"resource": r} for r in resources]}
    ).encode()


PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "name": [{"family": "Doe", "given": ["Jan"]}],
    "birthDate": "1970-05-06",
    "identifier": [{"system": "http://hl7.org/fhir/sid/us-mbi", "value": "1EG4TE5MK73"}],
}


def test_ehr_and_claims_exports_of_the_same_person_merge() -> None:
    ehr = source_from_bytes(
        _bundle(
            PATIENT,
            {
                "resourceType": "Condition",
                "id": "c1",
                "subject": {"reference": "Patient/p1"},
                "onsetDateTime": "2026-01-02",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.16"}]},
            },
        ),
        "ehr.json",
    )
    claims_patient = {**PATIENT, "id": "bb-77", "name": [{"family": "DOE", "given": ["JAN"]}]}
    eob = {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob1",
        "status": "active",
        "patient": {"reference": "Patient/bb-77"},
        "billablePeriod": {"start": "2026-02-01", "end": "2026-02-01"},
        "outcome": "complete",
        "diagnosis": [
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M51.16"}]
                },
            }
        ],
        "item": [
            {
                "sequence": 1,
                "servicedDate": "2026-02-01",
                "productOrService": {
                    "coding": [
                        {"system": "https://bluebutton.cms.gov/resources/codesystem/hcpcs", "code": "97110"}
                    ]
                },
            }
        ],
    }
    claims = source_from_bytes(_bundle(claims_patient, eob, btype="searchset"), "bluebutton.json")
    record = merge([ehr, claims])  # not refused: one person
    assert {it.provenance for it in record.items} == {"ehr", "claim"}
    pt = record.with_concept("physical_therapy")
    assert len(pt) == 1 and pt[0].provenance == "claim" and pt[0].date == date(2026, 2, 1)
    assert record.with_concept("lumbar_radiculopathy")[0].provenance == "ehr"
    assert record.with_concept("lumbar_disc_herniation")[0].provenance == "claim"


def test_same_name_and_birth_date_is_one_person_without_identifiers() -> None:
    a = {**PATIENT, "identifier": []}
    b = {**PATIENT, "id": "other", "identifier": []}
    rec = merge([source_from_bytes(_bundle(a), "a.json"), source_from_bytes(_bundle(b), "b.json")])
    assert rec.patient.name == "Jan Doe"


def test_time_zones_keep_order_within_a_day() -> None:
    """A pre-block score at 08:45-04:00 and a post-block score at 10:30-04:00 stay in order."""
    rec = load_record([EXAMPLES / "check-rfa-opd.json"])
    scores = [it for it in rec.items if it.scale == "nrs" and it.date == date(2026, 9, 2)]
    assert [str(s.value) for s in scores] == ["7", "1"]
    assert isinstance(scores[0].when.start, datetime)  # type: ignore[union-attr]
    assert scores[0].when.start.utcoffset() == timedelta(hours=-4)  # type: ignore[union-attr]
    assert scores[0].refs == ("Procedure/procedure-14",)


def test_instants_in_different_offsets_sort_by_true_time() -> None:
    obs = [
        {
            "resourceType": "Observation",
            "id": f"o{i}",
            "status": "final",
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": t,
            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
            "valueInteger": v,
        }
        for i, (t, v) in enumerate([("2026-03-01T09:00:00-08:00", 2), ("2026-03-01T10:00:00-05:00", 9)])
    ]
    rec = merge([source_from_bytes(_bundle(PATIENT, *obs), "tz.json")])
    # 10:00 in New York is 07:00 in Los Angeles: it comes first.
    assert [str(i.value) for i in rec.items if i.scale] == ["9", "2"]


def test_references_by_full_url_and_contained_medication() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:aaa", "resource": {**PATIENT, "id": "aaa"}},
            {
                "fullUrl": "urn:uuid:med",
                "resource": {
                    "resourceType": "Medication",
                    "id": "med",
                    "code": {
                        "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "21949"}]
                    },
                },
            },
            {
                "fullUrl": "urn:uuid:mr",
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "mr",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": "urn:uuid:aaa"},
                    "authoredOn": "2026-04-01",
                    "medicationReference": {"reference": "urn:uuid:med"},
                },
            },
        ],
    }
    rec = merge([source_from_bytes(json.dumps(bundle).encode(), "tx.json")])
    assert rec.patient.id == "aaa"
    assert rec.with_concept("muscle_relaxant")[0].when.end_date == date(2026, 4, 30)  # type: ignore[union-attr]


def test_single_resource_file(tmp_path: Path) -> None:
    f = tmp_path / "condition.json"
    f.write_text(
        json.dumps(
            {
                "resourceType": "Condition",
                "id": "x",
                "subject": {"reference": "Patient/z"},
                "onsetDateTime": "2025-10-01",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M43.16"}]},
            }
        )
    )
    rec = load_record([f])
    assert rec.items[0].concept == "spondylolisthesis"


def test_folder_of_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(_bundle(PATIENT))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ndjson").write_text(
        json.dumps(
            {
                "resourceType": "Procedure",
                "id": "p",
                "status": "completed",
                "subject": {"reference": "Patient/p1"},
                "performedDateTime": "2026-01-05",
                "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "98940"}]},
            }
        )
        + "\n"
    )
    rec = load_record([tmp_path])
    assert rec.with_concept("chiropractic_manipulation")
