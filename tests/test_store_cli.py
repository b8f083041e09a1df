"""The case commands as a user runs them: case new/show/list, doc add, denial add, appeal draft,
cases due, export and import (SQLite in a temporary BACKCOVER_HOME)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import orjson
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from backcover.cli import app
from tests._cases_support import PDF, SHARED

runner = CliRunner()
X12 = SHARED / "data" / "x12-835-managed-care.835"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    return tmp_path


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_case_flow_end_to_end(home: Path) -> None:
    ok(
        "case",
        "new",
        "--name",
        "Dana Whitfield",
        "--birth-date",
        "1958-04-02",
        "--procedure",
        "63030",
        "--payer",
        "commercial",
        "--state",
        "PA",
        "--provider",
        "Dr. Ravi Menon",
        "--npi",
        "1234567893",
    )
    db = home / "home" / "backcover.db"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    pdf = home / "mri.pdf"
    pdf.write_bytes(PDF)
    ok("doc", "add", str(pdf), "--case", "1", "--type", "imaging_report", "--date", "2026-05-04")
    out = orjson.loads(
        ok(
            "denial",
            "add",
            "--case",
            "1",
            "--date",
            "2026-11-20",
            "--codes",
            "CO-197, N130, B99",
            "--as-of",
            "2026-11-27",
            "--format",
            "json",
        )
    )
    assert [c["label"] for c in out["codes"]] == ["CO-197", "N130", "B99"]
    assert out["codes"][2]["known"] is False
    assert out["deadlines"]["levels"][0]["file_by"] == "2027-05-19"
    shown = orjson.loads(ok("case", "show", "1", "--as-of", "2026-11-27", "--format", "json"))
    assert shown["next_deadline"]["due"] == "2027-05-19"
    assert shown["documents"][0]["type"] == "imaging_report"
    listed = orjson.loads(ok("case", "list", "--as-of", "2026-11-27", "--format", "json"))
    assert listed["cases"][0]["next_deadline"]["due"] == "2027-05-19"
    due = orjson.loads(ok("cases", "due", "--days", "200", "--as-of", "2026-11-27", "--format", "json"))
    assert [i["due"] for i in due["items"]] == ["2027-05-19"]
    assert (
        orjson.loads(ok("cases", "due", "--days", "30", "--as-of", "2026-11-27", "--format", "json"))["items"]
        == []
    )
    target = home / "appeal.pdf"
    ok("appeal", "draft", "--case", "1", "--out", str(target), "--as-of", "2026-11-27")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    text = " ".join(text.split())
    for needle in (
        "Dana Whitfield",
        "CO-197",
        "May 19, 2027",
        "retroactive authorization",
        "not legal or medical advice",
    ):
        assert needle in text, needle
    ok("appeal", "draft", "--case", "1", "--out", str(home / "kept.pdf"), "--keep")
    shown = orjson.loads(ok("case", "show", "1", "--format", "json"))
    assert [d["type"] for d in shown["documents"]] == ["imaging_report", "appeal_letter"]
    for kind in ("packet", "p2p", "external", "gfe"):
        ok("appeal", "draft", "--case", "1", "--kind", kind, "--out", str(home / f"{kind}.pdf"))
        assert (home / f"{kind}.pdf").read_bytes().startswith(b"%PDF")


def test_denial_from_835_needs_a_claim_and_stores_nothing_when_bad(home: Path) -> None:
    ok(
        "case",
        "new",
        "--name",
        "Sam Ortiz",
        "--procedure",
        "64635",
        "--payer",
        "medicare",
        "--service",
        "post",
    )
    r = runner.invoke(app, ["denial", "add", "--case", "1", "--date", "2026-11-02", "--x12", str(X12)])
    assert r.exit_code == 2 and "--claim" in r.output and "8765432112" in r.output
    cut = home / "cut.835"
    cut.write_text(X12.read_text()[:300])
    r = runner.invoke(app, ["denial", "add", "--case", "1", "--date", "2026-11-02", "--x12", str(cut)])
    assert r.exit_code == 2 and "cut off" in r.output
    r = runner.invoke(app, ["denial", "add", "--case", "1", "--date", "2099-01-01", "--codes", "50"])
    assert r.exit_code == 2 and "in the future" in r.output
    shown = orjson.loads(ok("case", "show", "1", "--format", "json"))
    assert shown["denials"] == []
    out = orjson.loads(
        ok(
            "denial",
            "add",
            "--case",
            "1",
            "--date",
            "2026-11-02",
            "--x12",
            str(X12),
            "--claim",
            "8765432112",
            "--as-of",
            "2026-11-27",
            "--format",
            "json",
        )
    )
    assert [(c["label"], c["amount"]) for c in out["codes"]] == [
        ("CO-A2", "55.00"),
        ("PR-1", "600.00"),
        ("CO-45", "50.00"),
    ]
    assert out["deadlines"]["levels"][0]["file_by"] == "2027-03-07"


def test_denial_from_letter_text_suggests_codes(home: Path) -> None:
    ok("case", "new", "--name", "Kim Park", "--procedure", "72148", "--payer", "commercial")
    out = orjson.loads(
        ok(
            "denial",
            "add",
            "--case",
            "1",
            "--date",
            "2026-11-02",
            "--text",
            "The MRI is not medically necessary at this time.",
            "--format",
            "json",
        )
    )
    assert [(c["code"], c["source"]) for c in out["codes"]] == [("50", "text")]


def test_bad_documents(home: Path) -> None:
    ok("case", "new", "--name", "Kim Park", "--procedure", "72148", "--payer", "commercial")
    txt = home / "note.txt"
    txt.write_text("hello")
    r = runner.invoke(app, ["doc", "add", str(txt), "--case", "1", "--type", "visit_note"])
    assert r.exit_code == 2 and "not a PDF or an image" in r.output
    big = home / "big.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(26 * 1024 * 1024)
    r = runner.invoke(app, ["doc", "add", str(big), "--case", "1", "--type", "visit_note"])
    assert r.exit_code == 2 and "25 MB" in r.output


def test_export_import_round_trip(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok("case", "new", "--name", "Dana Whitfield", "--procedure", "63030", "--payer", "commercial")
    pdf = home / "mri.pdf"
    pdf.write_bytes(PDF)
    ok("doc", "add", str(pdf), "--case", "1", "--type", "imaging_report")
    archive = home / "all.json"
    ok("export", "--out", str(archive))
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    monkeypatch.setenv("BACKCOVER_HOME", str(home / "other"))
    ok("import", str(archive))
    shown = orjson.loads(ok("case", "show", "1", "--format", "json"))
    assert (
        shown["documents"][0]["sha256"]
        == orjson.loads(archive.read_bytes())["tables"]["documents"][0]["sha256"]
    )
    r = runner.invoke(app, ["import", str(archive)])
    assert r.exit_code == 2 and "already holds data" in r.output


def test_unreachable_database_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCOVER_DATABASE_URL", "postgresql+psycopg://bob:hunter2@127.0.0.1:1/x")
    r = runner.invoke(app, ["case", "list"])
    assert r.exit_code == 2
    assert "127.0.0.1:1" in r.output and "hunter2" not in r.output


def test_plan_file_and_appeals_address_reach_the_letter(home: Path) -> None:
    plan = SHARED / "examples" / "plan-silver-ppo.yaml"
    ok(
        "case",
        "new",
        "--name",
        "Pat Lee",
        "--address",
        "1 Main St;Erie, PA 16501",
        "--procedure",
        "63030",
        "--payer",
        "commercial",
        "--plan",
        str(plan),
        "--appeals-address",
        "Appeals Unit;PO Box 1;Pittsburgh, PA",
    )
    ok("denial", "add", "--case", "1", "--date", "2026-11-01", "--codes", "CO-242", "--as-of", "2026-11-27")
    out = home / "a.html"
    ok("appeal", "draft", "--case", "1", "--html", "--out", str(out), "--as-of", "2026-11-27")
    html = out.read_text()
    for needle in ("Appeals Unit", "Pittsburgh, PA", "1 Main St", "No Surprises Act", "network exception"):
        assert needle in html, needle


def test_packet_from_check_output_and_record(home: Path) -> None:
    record = SHARED / "examples" / "check-rfa-opd.json"
    det = home / "check.json"
    det.write_bytes(
        orjson.dumps(
            {
                "procedure": {"code": "64635", "name": "Radiofrequency ablation of the facet nerves"},
                "payer": "medicare",
                "decision": "needs_documentation",
                "criteria": [
                    {
                        "id": "a",
                        "kind": "imaging",
                        "status": "unknown",
                        "summary": "Imaging rules out other causes",
                        "to_satisfy": "Attach the MRI report",
                        "evidence": [],
                    },
                    {
                        "id": "b",
                        "kind": "diagnostic_response",
                        "status": "met",
                        "summary": "Two blocks with 80% relief",
                        "explanation": "Both blocks took pain from 7 to 1.",
                        "evidence": [],
                    },
                ],
            }
        )
    )
    ok(
        "case",
        "new",
        "--name",
        "RFA Patient",
        "--procedure",
        "64635",
        "--payer",
        "medicare",
        "--setting",
        "hospital-outpatient",
    )
    out = home / "packet.html"
    result = runner.invoke(
        app,
        [
            "appeal",
            "draft",
            "--case",
            "1",
            "--kind",
            "packet",
            "--determination",
            str(det),
            "--record",
            str(record),
            "--html",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "to obtain: Imaging rules out other causes (not yet documented)" in said  # on the private sheet
    html = out.read_text()
    # no item of the record is evidence for the met criterion: the record stays out, counted
    assert "Records withheld as unrelated" in html and "Physical therapy" not in html
    assert html.count("This criterion is met") == 1
    assert "Imaging rules out other causes" not in html  # the packet argues only what is met
    sheet = (home / "packet-before-you-send.html").read_text()
    assert "Imaging rules out other causes" in sheet and "Do not mail it" in sheet


def test_clinic_staff_letter_from_the_provider_and_bad_letter_file(home: Path) -> None:
    ok(
        "case",
        "new",
        "--name",
        "Dana Whitfield",
        "--procedure",
        "63030",
        "--payer",
        "commercial",
        "--provider",
        "Dr. Ravi Menon",
        "--npi",
        "1234567893",
    )
    txt = home / "letter.txt"
    txt.write_text("Dear member")
    r = runner.invoke(
        app,
        ["denial", "add", "--case", "1", "--date", "2026-11-01", "--codes", "CO-50", "--letter", str(txt)],
    )
    assert r.exit_code == 2 and "letter.txt" in r.output and "not a PDF or an image" in r.output
    assert orjson.loads(ok("case", "show", "1", "--format", "json"))["denials"] == []
    ok("denial", "add", "--case", "1", "--date", "2026-11-01", "--codes", "CO-50")
    out = home / "a.html"
    ok("appeal", "draft", "--case", "1", "--from", "provider", "--html", "--out", str(out))
    html = out.read_text()
    assert html.index("Dr. Ravi Menon") < html.index("Health plan, Appeals Department")
    assert "NPI 1234567893" in html


def test_appeal_outcomes_move_the_next_deadline(home: Path) -> None:
    ok(
        "case",
        "new",
        "--name",
        "Lee Chan",
        "--procedure",
        "62323",
        "--payer",
        "medicare",
        "--service",
        "post",
    )
    ok("denial", "add", "--case", "1", "--date", "2026-06-15", "--codes", "CO-50", "--as-of", "2026-11-27")
    shown = orjson.loads(ok("case", "show", "1", "--as-of", "2026-06-20", "--format", "json"))
    assert shown["next_deadline"]["due"] == "2026-10-18"
    ok("appeal", "add", "--case", "1", "--level", "redetermination", "--filed", "2026-07-01")
    shown = orjson.loads(ok("case", "show", "1", "--as-of", "2026-07-02", "--format", "json"))
    assert shown["next_deadline"] == {**shown["next_deadline"], "due": "2026-08-30", "kind": "decision_due"}
    ok(
        "appeal",
        "add",
        "--case",
        "1",
        "--level",
        "redetermination",
        "--outcome",
        "upheld",
        "--outcome-date",
        "2026-08-20",
    )
    ok(
        "appeal",
        "p2p",
        "--case",
        "1",
        "--requested",
        "2026-08-21",
        "--reviewer",
        "Dr. Lee",
        "--credentials",
        "MD",
    )
    ok("appeal", "external", "--case", "1", "--requested", "2026-08-22")
    shown = orjson.loads(ok("case", "show", "1", "--as-of", "2026-08-21", "--format", "json"))
    # reconsideration: 180 days from receipt of the redetermination, presumed 5 days after 2026-08-20
    assert [(i["kind"], i["due"]) for i in shown["dates"]] == [("file_appeal", "2027-02-21")]
    assert [a["outcome"] for a in shown["appeals"]] == ["upheld"]
    assert shown["peer_to_peers"][0]["reviewer"] == "Dr. Lee"
    r = runner.invoke(app, ["appeal", "add", "--case", "1", "--level", "internal_appeal"])
    assert r.exit_code == 2 and "redetermination" in r.output
