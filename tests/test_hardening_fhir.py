"""Out-of-range numbers and dates in FHIR: a BadInput naming the resource (CLI exit 2, HTTP 400)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from backcover import services
from backcover.cli import app as cli
from backcover.errors import BadInput
from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY

PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"given": ["Kim"], "family": "Lee"}]}
REF = {"reference": "Patient/p1"}


def _bundle(*resources: dict[str, Any]) -> str:
    return json.dumps(
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    )


def _med(authored: str, supply: Any = None) -> dict[str, Any]:
    med: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "active",
        "intent": "order",
        "subject": REF,
        "medicationCodeableConcept": {"text": "ibuprofen 600 MG"},
        "authoredOn": authored,
    }
    if supply is not None:
        med["dispenseRequest"] = {"expectedSupplyDuration": {"value": supply, "unit": "days"}}
    return med


def _pain(value: Any, day: str, rid: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "subject": REF,
        "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
        "effectiveDateTime": day,
        "valueInteger": value,
    }


BAD = [
    pytest.param(
        _bundle(PATIENT, _med("9999-12-31")), "outside the calendar", "MedicationRequest/m1", id="9999"
    ),
    pytest.param(
        _bundle(PATIENT, _med("2026-01-01", "Infinity")), "not a finite", "MedicationRequest/m1", id="inf"
    ),
    pytest.param(
        _bundle(PATIENT, _med("2026-01-01", 1e20)), "16 or more digits", "MedicationRequest/m1", id="1e20"
    ),
    pytest.param(
        _bundle(PATIENT, _med("2026-01-01", 2**64)), "16 or more digits", "MedicationRequest/m1", id="2^64"
    ),
    pytest.param(
        _bundle(PATIENT, _pain("Infinity", "2026-01-01", "o1"), _pain(3, "2026-02-01", "o2")),
        "not a finite",
        "Observation/o1",
        id="pain-inf",
    ),
    pytest.param(
        _bundle(PATIENT, _pain(1e300, "2026-01-01", "o1"), _pain(3, "2026-02-01", "o2")),
        "16 or more digits",
        "Observation/o1",
        id="pain-1e300",
    ),
    pytest.param(
        _bundle(PATIENT, _pain(10**30, "2026-01-01", "o1"), _pain(3, "2026-02-01", "o2")),
        "16 or more digits",
        "Observation/o1",
        id="pain-10^30",
    ),
    pytest.param(
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": {"resource": PATIENT}}),
        "must be a list",
        "$",
        id="entry-object",
    ),
]


@pytest.mark.parametrize("text,words,place", BAD)
def test_cli_check_exits_2_naming_the_place(tmp_path: Path, text: str, words: str, place: str) -> None:
    f = tmp_path / "record.json"
    f.write_text(text)
    r = CliRunner().invoke(
        cli,
        [
            "check",
            "--procedure",
            "64483",
            "--payer",
            "commercial",
            "--record",
            str(f),
            "--as-of",
            "2026-06-01",
        ],
    )
    assert r.exit_code == 2, r.output
    assert words in r.output and "record.json" in r.output and place in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("text,words,place", BAD)
def test_api_answers_400_naming_the_place(tmp_path: Path, text: str, words: str, place: str) -> None:
    app = create_app(data_dir=tmp_path / "ws", access_key=WEB_KEY, today=lambda: date(2026, 6, 1))
    c = TestClient(app, base_url="http://127.0.0.1", headers=AUTH)
    files = [{"filename": "record.json", "content": text}]
    for r in (
        c.post("/api/check", json={"procedure": "64483", "payer": "commercial", "records": files}),
        c.post("/api/records", json={"records": files}),
    ):
        assert r.status_code == 400, r.text
        err = r.json()
        assert words in err["error"] and err["file"] == "record.json" and place in (err["where"] or "")


def test_two_patients_with_one_id_and_different_names_are_reported() -> None:
    twin = {**PATIENT, "name": [{"given": ["Other"], "family": "Person"}]}
    record = services.read_uploads([("record.json", _bundle(PATIENT, twin).encode())], None)
    notes = [w for w in record.warnings if "appears twice" in w]
    assert len(notes) == 1 and "Patient/p1" in notes[0]
    assert "Kim" not in notes[0] and "Other" not in notes[0]  # no names in a warning
    same = services.read_uploads([("record.json", _bundle(PATIENT, PATIENT).encode())], None)
    assert not any("appears twice" in w for w in same.warnings)


def test_in_range_values_still_read() -> None:
    text = _bundle(
        PATIENT, _med("2026-01-01", 90), _pain(7, "2026-01-01", "o1"), _pain(3, "2026-02-01", "o2")
    )
    record = services.read_uploads([("record.json", text.encode())], None)
    assert record.items
    with pytest.raises(BadInput):
        services.read_uploads([("record.json", _bundle(PATIENT, _med("2026-01-01", 10**15)).encode())], None)
