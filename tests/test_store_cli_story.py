"""The case's whole story on the command line: edit, draft then finalise (refused without the payer's
details, the draft still written), keep, record outcomes, a calendar, delete with --yes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from backcover.cli import app
from tests.conftest import SYNTHEA_FILES, SYNTHEA_LBP

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def _case() -> None:
    run(
        "case",
        "new",
        "--name",
        "Corrin Test",
        "--birth-date",
        "1986-11-19",
        "--procedure",
        "63030",
        "--payer",
        "commercial",
        "--provider",
        "Dr. Ravi Menon",
        "--npi",
        "1234567893",
    )
    run(
        "denial",
        "add",
        "--case",
        "1",
        "--date",
        "2026-11-20",
        "--codes",
        "CO-50",
        "--text",
        "Not medically necessary",
        "--as-of",
        "2026-11-27",
    )


def test_final_without_member_id_writes_the_draft_and_says_where_to_find_it(home: Path) -> None:
    _case()
    out = run(
        "appeal", "draft", "--case", "1", "--final", "--out", "appeal.pdf", "--as-of", "2026-11-27", code=2
    )
    assert "member id is missing" in out and "denial notice" in out
    assert (home / "appeal.pdf").read_bytes()[:5] == b"%PDF-"  # the draft, marked draft
    assert (home / "appeal-before-you-send.pdf").exists()
    shown = orjson.loads(runner.invoke(app, ["case", "show", "1", "--format", "json"]).stdout)
    assert shown["documents"] == []  # nothing half-saved
    run(
        "case",
        "edit",
        "1",
        "--member-id",
        "XJH123456789",
        "--appeals-address",
        "Appeals Unit;PO Box 1;Pittsburgh, PA 15222",
        "--claim-number",
        "CLM-77",
        "--service-date",
        "2026-11-10",
        "--external-route",
        "federal",
    )
    out = run("appeal", "draft", "--case", "1", "--final", "--out", "final.pdf", "--as-of", "2026-11-27")
    assert "kept as document" in out and "[draft]" not in out
    run("appeal", "add", "--case", "1", "--level", "internal_appeal", "--filed", "2026-11-25")
    run(
        "appeal",
        "add",
        "--case",
        "1",
        "--level",
        "internal_appeal",
        "--outcome",
        "upheld",
        "--outcome-date",
        "2026-12-20",
    )
    run("cases", "calendar", "--out", "due.ics", "--as-of", "2026-11-27")
    ics = (home / "due.ics").read_text()
    assert "federal process" in ics and "TRIGGER:-P7D" in ics


def test_bad_edits_and_deletion_need_yes(home: Path) -> None:
    _case()
    assert "10 digits" in run("case", "edit", "1", "--npi", "123", code=2)
    assert "federal" in run("case", "edit", "1", "--external-route", "moon", code=2)
    assert "--yes" in run("case", "delete", "1", code=2)
    run("case", "delete", "1", "--yes")
    assert "there is no case 1" in run("case", "show", "1", code=2)


def test_draft_record_takes_patient_and_refuses_someone_elses_determination(home: Path) -> None:
    _case()
    args = [a for f in SYNTHEA_FILES for a in ("--record", str(f))]
    run(
        "appeal",
        "draft",
        "--case",
        "1",
        *args,
        "--patient",
        SYNTHEA_LBP,
        "--kind",
        "packet",
        "--out",
        "p.pdf",
    )
    det = home / "det.json"
    det.write_text(orjson.dumps({"patient": {"name": "Someone Else"}, "criteria": []}).decode())
    out = run("appeal", "draft", "--case", "1", "--determination", str(det), code=2)
    assert "another patient" in out
    det.write_text(
        orjson.dumps(
            {
                "criteria": [
                    {
                        "id": "x",
                        "kind": "imaging",
                        "status": "met",
                        "summary": "S",
                        "evidence": [{"resource": "Procedure/not-hers"}],
                    }
                ]
            }
        ).decode()
    )
    out = run(
        "appeal", "draft", "--case", "1", "--determination", str(det), *args, "--patient", SYNTHEA_LBP, code=2
    )
    assert "none of the evidence" in out


def test_case_show_prints_the_case_story_once_it_is_set(home: Path) -> None:
    _case()
    before = run("case", "show", "1")
    assert "claim number" not in before and "member id" not in before  # nothing set, nothing printed
    run(
        "case",
        "edit",
        "1",
        "--member-id",
        "XJH123456789",
        "--group",
        "G-55",
        "--claim-number",
        "CLM-77",
        "--service-date",
        "2026-11-10",
        "--service-to",
        "2026-11-12",
        "--external-route",
        "federal",
        "--representative",
        "Sam Test",
        "--appeals-address",
        "Appeals Unit;PO Box 1;Pittsburgh, PA 15222",
    )
    out = run("case", "show", "1")
    assert "claim number: CLM-77" in out
    assert "service from: 2026-11-10" in out and "service to: 2026-11-12" in out
    assert "external review: federal process" in out and "representative: Sam Test" in out
    assert "member id: XJH123456789" in out and "group number: G-55" in out
    assert "appeals address: Appeals Unit; PO Box 1; Pittsburgh, PA 15222" in out
    assert "provider: Dr. Ravi Menon" in out and "NPI: 1234567893" in out
    shown = orjson.loads(runner.invoke(app, ["case", "show", "1", "--format", "json"]).stdout)
    assert shown["story"]["claim_number"] == "CLM-77"
    assert shown["story"]["service_from"] == "2026-11-10" and shown["story"]["external_route"] == "federal"
    assert shown["story"]["representative_name"] == "Sam Test" and shown["story"]["closed_on"] is None
    assert shown["plan"]["member_id"] == "XJH123456789" and shown["plan"]["group_number"] == "G-55"
    assert shown["plan"]["appeals_address"] == "Appeals Unit\nPO Box 1\nPittsburgh, PA 15222"
    assert shown["provider"]["npi"] == "1234567893"
    run("case", "close", "1", "--as-of", "2026-12-01")
    assert "closed on: 2026-12-01" in run("case", "show", "1")
