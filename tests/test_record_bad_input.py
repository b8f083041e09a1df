"""Bad input: exit code 2, a message naming the file, the place and the fix, and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from tests.conftest import SYNTHEA_FILES

runner = CliRunner()

CONDITION = {
    "resourceType": "Condition",
    "id": "c1",
    "subject": {"reference": "Patient/p"},
    "onsetDateTime": "2026-01-02",
    "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.16"}]},
}


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["record", "show", *args])


CASES = [
    pytest.param(
        "bad.json", b'{"resourceType": "Patient", "id": ', "malformed JSON", "bad.json", id="malformed-json"
    ),
    pytest.param("notfhir.json", b'{"name": "my notes"}', "not a FHIR resource", "$", id="json-not-fhir"),
    pytest.param(
        "stu3.json",
        json.dumps({"resourceType": "ProcedureRequest", "id": "pr1", "status": "active"}).encode(),
        "STU3",
        "ProcedureRequest/pr1",
        id="stu3-resource-type",
    ),
    pytest.param(
        "r5med.json",
        json.dumps(
            {
                "resourceType": "MedicationRequest",
                "id": "m5",
                "status": "active",
                "intent": "order",
                "medication": {"concept": {"text": "ibuprofen"}},
                "subject": {"reference": "Patient/p"},
            }
        ).encode(),
        "R5",
        "MedicationRequest/m5",
        id="r5-codeable-reference",
    ),
    pytest.param(
        "dstu2.json",
        json.dumps({"resourceType": "MedicationOrder", "id": "m"}).encode(),
        "DSTU2",
        "MedicationOrder/m",
        id="dstu2-resource-type",
    ),
    pytest.param(
        "r5.json",
        json.dumps(
            {
                "resourceType": "Procedure",
                "id": "p",
                "status": "completed",
                "occurrenceDateTime": "2026-01-01",
                "subject": {"reference": "Patient/p"},
            }
        ).encode(),
        "R5",
        "Procedure/p",
        id="r5-procedure",
    ),
    pytest.param(
        "cut.ndjson",
        json.dumps(CONDITION).encode() + b"\n" + json.dumps(CONDITION).encode()[:40],
        "cut off",
        "line 2",
        id="ndjson-cut-off",
    ),
    pytest.param(
        "impossible.json",
        json.dumps({**CONDITION, "onsetDateTime": "2026-02-30"}).encode(),
        "not a real calendar date",
        "Condition/c1",
        id="impossible-date",
    ),
    pytest.param(
        "nodate.json",
        json.dumps(
            {
                "resourceType": "MedicationRequest",
                "id": "m1",
                "status": "active",
                "intent": "order",
                "subject": {"reference": "Patient/p"},
                "medicationCodeableConcept": {"text": "ibuprofen"},
            }
        ).encode(),
        "has no date",
        "MedicationRequest/m1",
        id="missing-date",
    ),
    pytest.param("empty.json", b"   \n", "empty", "empty.json", id="empty-file"),
    pytest.param(
        "typo.yaml",
        b"pain:\n  - {date: 2026-05-01, scroe: 7}\n",
        "unknown field 'scroe'",
        "line 2",
        id="log-typo",
    ),
    pytest.param(
        "baddate.yaml",
        b"pain:\n  - {date: 2026-13-01, score: 7}\n",
        "date",
        "line 2",
        id="log-impossible-date",
    ),
    pytest.param(
        "nodate.yaml", b"visits:\n  - {with: Dr Lee}\n", "has no date", "line 2", id="log-missing-date"
    ),
]


@pytest.mark.parametrize(("name", "content", "problem", "place"), CASES)
def test_bad_input_exits_2_with_file_place_and_fix(
    tmp_path: Path, name: str, content: bytes, problem: str, place: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    result = _run("--record", str(f))
    assert result.exit_code == 2, result.output
    out = result.output
    assert problem in out
    assert name in out
    assert place in out
    assert "fix:" in out
    assert "Traceback" not in out


def test_empty_folder(tmp_path: Path) -> None:
    result = _run("--record", str(tmp_path))
    assert result.exit_code == 2
    assert "no .json" in result.output


def test_several_people_without_patient_exit_2() -> None:
    args = [a for f in SYNTHEA_FILES for a in ("--record", str(f))]
    result = _run(*args)
    assert result.exit_code == 2
    assert "--patient" in result.output and "Traceback" not in result.output


def test_record_show_lists_the_synthea_facts() -> None:
    args = [a for f in SYNTHEA_FILES for a in ("--record", str(f))]
    result = _run(*args, "--patient", "ca15b832-01e4-41dd-6a52-97bd3e5510cb")
    assert result.exit_code == 0, result.output
    assert "Chronic low back pain" in result.output
    assert result.output.count("Movement therapy") == 10
    assert result.output.count("Ibuprofen 400 MG") == 11


def test_record_show_json_is_one_document() -> None:
    args = [a for f in SYNTHEA_FILES for a in ("--record", str(f))]
    result = runner.invoke(
        app,
        ["record", "show", *args, "--patient", "ca15b832-01e4-41dd-6a52-97bd3e5510cb", "--format", "json"],
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["patient"]["id"] == "ca15b832-01e4-41dd-6a52-97bd3e5510cb"
    assert sum(1 for i in doc["items"] if i["concept"] == "physical_therapy") == 10
