"""`backcover screen`: every patient of a bulk export, with exactly the decisions `backcover check` gives."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check
from backcover.record.load import read_source
from backcover.record.merge import merge
from backcover.screen import Question, screen
from tests.conftest import DATA, SYNTHEA_FILES, SYNTHEA_LBP

runner = CliRunner()
AS_OF = date(2020, 12, 1)
# The export's own count of Patient resources: one row each.
PATIENTS = sum(
    1 for line in (DATA / "synthea-bulk10-Patient.ndjson").read_bytes().splitlines() if line.strip()
)


def _rows(path: Path) -> dict[str, dict[str, object]]:
    return {r["patient_id"]: r for r in pq.read_table(path).to_pylist()}


@pytest.fixture(scope="module")
def synthea_screen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "mri.parquet"
    result = screen(SYNTHEA_FILES, Question("72148", "commercial", None, None, AS_OF), out, workers=2)
    assert result.summary.patients == PATIENTS
    return out


def test_every_patient_gets_the_decision_check_gives(synthea_screen: Path) -> None:
    rows = _rows(synthea_screen)
    assert len(rows) == PATIENTS
    sources = [read_source(f) for f in SYNTHEA_FILES]  # what load_record reads, read once
    for pid, row in rows.items():
        record = merge(sources, pid)
        det = check(record, "72148", "commercial", as_of=AS_OF)
        assert row["decision"] == det.decision, pid
        assert row["prior_authorization"] == det.prior_authorization
        assert row["earliest_eligible_date"] == det.earliest_eligible_date
        assert row["not_met"] == [c.id for c in det.criteria if c.status == "not_met"]
        assert row["unknown"] == [c.id for c in det.criteria if c.status == "unknown"]
        assert row["policy_versions"], "each row names the policy versions used"


def test_the_back_pain_patient_is_found_with_her_care(synthea_screen: Path) -> None:
    row = _rows(synthea_screen)[SYNTHEA_LBP]
    assert "mri.conservative_care" not in row["unknown"]


def test_gzip_and_a_folder_give_the_same_rows(tmp_path: Path, synthea_screen: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for f in SYNTHEA_FILES:
        with gzip.open(folder / (f.name + ".gz"), "wb") as gz:
            gz.write(f.read_bytes())
    out = tmp_path / "gz.parquet"
    screen([folder], Question("72148", "commercial", None, None, AS_OF), out, workers=1)
    assert _rows(out) == _rows(synthea_screen)


def test_dask_local_cluster_gives_the_same_parquet(tmp_path: Path, synthea_screen: Path) -> None:
    out = tmp_path / "dask.parquet"
    result = screen(
        SYNTHEA_FILES, Question("72148", "commercial", None, None, AS_OF), out, workers=2, engine="dask"
    )
    assert result.engine == "dask"
    assert pq.read_table(out).equals(pq.read_table(synthea_screen))


def test_a_cut_off_line_is_skipped_with_its_place_and_the_rest_screened(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "README.txt").write_text("not an export", encoding="utf-8")
    for f in SYNTHEA_FILES:
        shutil.copy(f, folder / f.name)
    broken = folder / "synthea-bulk10-Condition.ndjson"
    broken.write_bytes(broken.read_bytes() + b'{"resourceType": "Condition", "id": "cut\n')
    result = runner.invoke(
        app,
        [
            "screen", "--input", str(folder), "--procedure", "72148", "--payer", "commercial",
            "--as-of", "2020-12-01", "--out", str(tmp_path / "o.parquet"), "--format", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["patients"] == PATIENTS
    assert set(doc["decisions"]) == {
        "not_covered",
        "criteria_not_met",
        "needs_documentation",
        "meets_criteria",
    }
    assert sum(doc["decisions"].values()) == PATIENTS
    assert any(
        "synthea-bulk10-Condition.ndjson, line" in w and "not complete JSON" in w for w in doc["warnings"]
    )
    assert any("README.txt: skipped" in w for w in doc["warnings"])
    assert (tmp_path / "o.parquet").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--payer", "comercial"], "did you mean 'commercial'", id="payer-typo"),
        pytest.param(["--payer", "commercial", "--state", "ZZ"], "unknown state", id="state-zz"),
        pytest.param(["--payer", "commercial", "--setting", "home"], "setting", id="bad-setting"),
    ],
)
def test_a_bad_question_exits_2_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        [
            "screen",
            "--input",
            str(SYNTHEA_FILES[0]),
            "--procedure",
            "72148",
            "--out",
            str(tmp_path / "o.parquet"),
            *args,
        ],
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o.parquet").exists()
    assert not list(tmp_path.glob(".screen-*"))


def test_inputs_without_patients_are_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "screen", "--input", str(DATA / "synthea-bulk10-Condition.ndjson"), "--procedure", "72148",
            "--payer", "commercial", "--out", str(tmp_path / "o.parquet"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no Patient resources" in result.output
    assert not list(tmp_path.glob(".screen-*")), "spill files are removed"


def test_a_cut_off_line_that_names_a_patient_is_skipped_not_fatal(tmp_path: Path) -> None:
    """Phase one parses every line, so a line cut off after its subject is reported and skipped."""
    folder = tmp_path / "export"
    folder.mkdir()
    for f in SYNTHEA_FILES:
        shutil.copy(f, folder / f.name)
    broken = folder / "synthea-bulk10-Procedure.ndjson"
    cut = b'{"resourceType":"Procedure","id":"cut","subject":{"reference":"Patient/' + SYNTHEA_LBP.encode()
    broken.write_bytes(broken.read_bytes() + cut + b'"},"code":{\n')
    out = tmp_path / "o.parquet"
    result = screen([folder], Question("72148", "commercial", None, None, AS_OF), out, workers=1)
    assert result.summary.patients == PATIENTS
    assert any(
        "synthea-bulk10-Procedure.ndjson, line" in w and "not complete JSON" in w for w in result.warnings
    )
    assert SYNTHEA_LBP in _rows(out)
    assert result.resources > result.unread > 0


def test_a_versioned_or_absolute_patient_reference_finds_its_patient(tmp_path: Path) -> None:
    """`Patient/ID/_history/N` and `https://server/fhir/Patient/ID` put the resource in that
    patient's partition, as the reader links them, so each screened row is check's."""
    folder = tmp_path / "export"
    folder.mkdir()
    lbp = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]}
    refs = {f"p{i}": f"Patient/p{i}/_history/3" for i in range(8)}
    refs |= {f"q{i}": f"https://ehr.example/fhir/Patient/q{i}" for i in range(4)}
    patients = [{"resourceType": "Patient", "id": pid, "birthDate": "1970-01-01"} for pid in refs]
    conditions = [
        {"resourceType": "Condition", "id": f"c-{pid}", "subject": {"reference": ref}, "code": lbp,
         "onsetDateTime": "2020-06-01"}
        for pid, ref in refs.items()
    ]  # fmt: skip
    (folder / "Patient.ndjson").write_text("".join(json.dumps(p) + "\n" for p in patients))
    (folder / "Condition.ndjson").write_text("".join(json.dumps(c) + "\n" for c in conditions))
    out = tmp_path / "o.parquet"
    screen([folder], Question("72148", "commercial", None, None, AS_OF), out, workers=2)
    rows = _rows(out)
    sources = [read_source(p) for p in sorted(folder.glob("*.ndjson"))]
    for pid in refs:
        det = check(merge(sources, pid), "72148", "commercial", as_of=AS_OF)
        assert rows[pid]["unknown"] == [c.id for c in det.criteria if c.status == "unknown"], pid
        assert "mri.symptom_duration" not in rows[pid]["unknown"], pid  # the back pain since June was found
