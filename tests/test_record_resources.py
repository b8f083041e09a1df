"""Every FHIR resource type the importer handles, and the public Da Vinci fixtures."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from backcover.record.load import load_record, source_from_bytes
from backcover.record.merge import merge
from backcover.record.model import ItemKind
from tests.conftest import DATA

P = {"reference": "Patient/p1"}
RESOURCES = [
    {
        "resourceType": "Patient",
        "id": "p1",
        "name": [{"given": ["Ana"], "family": "Ruiz"}],
        "birthDate": "1961-03-04",
    },
    {"resourceType": "Practitioner", "id": "dr1", "name": [{"given": ["Lee"], "family": "Park"}]},
    {
        "resourceType": "PractitionerRole",
        "id": "role1",
        "practitioner": {"reference": "Practitioner/dr1"},
        "specialty": [{"text": "Physical Medicine and Rehabilitation"}],
    },
    {
        "resourceType": "Encounter",
        "id": "e1",
        "status": "finished",
        "subject": P,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "participant": [{"individual": {"reference": "PractitionerRole/role1"}}],
        "period": {"start": "2026-01-10T09:00:00-05:00", "end": "2026-01-10T09:30:00-05:00"},
    },
    {
        "resourceType": "ServiceRequest",
        "id": "sr1",
        "status": "active",
        "intent": "order",
        "subject": P,
        "authoredOn": "2026-01-10",
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "97161"}]},
    },
    {
        "resourceType": "MedicationStatement",
        "id": "ms1",
        "status": "active",
        "subject": P,
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "25480"}]
        },
        "effectivePeriod": {"start": "2026-01-10"},
    },
    {
        "resourceType": "Observation",
        "id": "smk",
        "status": "final",
        "subject": P,
        "effectiveDateTime": "2026-01-10",
        "code": {"coding": [{"system": "http://loinc.org", "code": "72166-2"}]},
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "449868002"}]},
    },
    {
        "resourceType": "Observation",
        "id": "bmi",
        "status": "final",
        "subject": P,
        "effectiveDateTime": "2026-01-10",
        "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]},
        "valueQuantity": {"value": 31.4, "unit": "kg/m2"},
    },
    {
        "resourceType": "Observation",
        "id": "rmdq",
        "status": "final",
        "subject": P,
        "effectiveDateTime": "2026-01-10",
        "code": {"text": "Roland-Morris Disability Questionnaire"},
        "valueInteger": 14,
    },
    {
        "resourceType": "Observation",
        "id": "a1c",
        "status": "final",
        "subject": P,
        "effectiveDateTime": "2026-01-11",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]},
        "valueQuantity": {"value": 6.1, "unit": "%"},
    },
    {
        "resourceType": "ImagingStudy",
        "id": "is1",
        "status": "available",
        "subject": P,
        "started": "2026-02-01",
        "procedureCode": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]}],
    },
    {
        "resourceType": "DiagnosticReport",
        "id": "dr-mri",
        "status": "final",
        "subject": P,
        "effectiveDateTime": "2026-02-01",
        "category": [{"coding": [{"code": "RAD"}]}],
        "imagingStudy": [{"reference": "ImagingStudy/is1"}],
        "code": {"text": "MRI lumbar spine"},
        "conclusion": "Grade 1 anterolisthesis of L4 on L5.",
    },
    {
        "resourceType": "DocumentReference",
        "id": "doc1",
        "status": "current",
        "subject": P,
        "date": "2026-02-02T12:00:00Z",
        "type": {"text": "Referral letter"},
        "content": [{"attachment": {"contentType": "application/pdf", "title": "referral.pdf"}}],
    },
    {
        "resourceType": "Coverage",
        "id": "cov1",
        "status": "active",
        "beneficiary": P,
        "payor": [{"display": "Medicare Part B"}],
        "period": {"start": "2026-01-01"},
    },
    {
        "resourceType": "Procedure",
        "id": "gone",
        "status": "entered-in-error",
        "subject": P,
        "performedDateTime": "2026-01-01",
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "64483"}]},
    },
]


@pytest.fixture(scope="module")
def record():  # type: ignore[no-untyped-def]
    data = json.dumps(
        {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in RESOURCES]}
    )
    return merge([source_from_bytes(data.encode(), "all.json")])


def test_encounter_resolves_practitioner_role_specialty(record) -> None:  # type: ignore[no-untyped-def]
    enc = record.by_id("Encounter/e1")
    assert enc.details.performer == ("Lee Park",)
    assert enc.details.specialty == ("Physical Medicine and Rehabilitation",)
    assert enc.concept == "pain_medicine_visit"
    assert enc.date == date(2026, 1, 10)


def test_referral_medication_statement_and_observations(record) -> None:  # type: ignore[no-untyped-def]
    assert record.by_id("ServiceRequest/sr1").kind is ItemKind.REFERRAL
    assert record.by_id("ServiceRequest/sr1").has("referral")
    ms = record.by_id("MedicationStatement/ms1")
    assert ms.concept == "neuropathic_agent" and ms.when.ongoing
    assert ms.when.end_as_of(date(2026, 3, 1)) == date(2026, 3, 1)
    assert record.by_id("Observation/smk").has("current_smoker")
    assert record.by_id("Observation/bmi").value == Decimal("31.4")
    rmdq = record.by_id("Observation/rmdq")
    assert (rmdq.kind, rmdq.scale, rmdq.value) == (ItemKind.SCORE, "rmdq", Decimal(14))
    assert record.by_id("Observation/a1c").kind is ItemKind.LAB


def test_imaging_report_document_and_coverage(record) -> None:  # type: ignore[no-untyped-def]
    assert record.by_id("ImagingStudy/is1").concept == "lumbar_mri"
    rep = record.by_id("DiagnosticReport/dr-mri")
    assert rep.kind is ItemKind.IMAGING and "anterolisthesis" in rep.details.conclusion
    assert rep.refs == ("ImagingStudy/is1",)
    doc = record.by_id("DocumentReference/doc1")
    assert doc.kind is ItemKind.DOCUMENT and doc.details.attachments[0].title == "referral.pdf"
    assert record.by_id("Coverage/cov1").details.payor == ("Medicare Part B",)


def test_entered_in_error_is_left_out_and_said(record) -> None:  # type: ignore[no-untyped-def]
    assert record.by_id("Procedure/gone") is None
    assert any("entered-in-error" in w for w in record.warnings)


def test_da_vinci_pas_bundle_imports_and_reports_skipped_types() -> None:
    rec = load_record([DATA / "pas-testkit-conformant_pas_bundle_v110.json"])
    assert any(it.kind is ItemKind.COVERAGE for it in rec.items)
    assert any("Claim" in w for w in rec.warnings)


def test_prior_auth_reference_bundle_with_older_condition_shape_is_tolerated() -> None:
    rec = load_record([DATA / "priorauth-ri-bundle-prior-auth.json"])
    assert any("STU3" in w for w in rec.warnings)
    assert {c.code for it in rec.items if it.kind is ItemKind.DIAGNOSIS for c in it.codes} >= {
        "J44.9",
        "R09.02",
    }
