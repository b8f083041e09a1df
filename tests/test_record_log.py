"""The patient's own treatment log: hand-written YAML and `backcover log add`."""

from __future__ import annotations

import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.errors import BadInput
from backcover.record.details import Timing
from backcover.record.load import load_record
from backcover.record.log import append_entry, parse_log_text

runner = CliRunner()

LOG = """\
# my log
patient: {name: Jan Doe, birth_date: 1970-05-06}
pain:
  - {date: 2026-05-01, score: 7, region: lower back}
  - {date: 2026-05-20, score: 38, scale: odi}
medicines:
  - {name: Naproxen 500 mg, start: 2026-04-01, end: 2026-05-15, helped: partly, side_effects: heartburn}
therapy:
  - {start: 2026-04-10, end: 2026-05-20, type: physical therapy, sessions: 8}
imaging:
  - {date: 2026-05-04, type: mri, region: lumbar, findings: L5-S1 disc protrusion}
injections:
  - {date: 2026-06-01, type: transforaminal, pain_before: 7, pain_after: 2}
"""


def test_log_entries_become_self_reported_items() -> None:
    src = parse_log_text(LOG, "log.yaml")
    items = src.items[None]
    assert all(i.provenance == "self_reported" for i in items)
    concepts = [i.concept for i in items]
    assert concepts[:2] == ["pain_nrs", "odi_score"]
    assert "nsaid" in concepts and "physical_therapy" in concepts and "lumbar_mri" in concepts
    med = next(i for i in items if i.concept == "nsaid")
    assert med.details.helped == "partly" and med.when is not None and med.when.end_date == date(2026, 5, 15)
    therapy = next(i for i in items if i.concept == "physical_therapy")
    assert therapy.details.sessions == 8
    inj = next(i for i in items if i.concept == "lumbar_esi_transforaminal")
    before, after = (i for i in items if i.refs == (inj.id,))
    assert (before.value, after.value) == (Decimal(7), Decimal(2))
    assert (before.details.timing, after.details.timing) == (Timing.BEFORE, Timing.AFTER)


def test_log_merges_with_fhir_person(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    rec = load_record([log])
    assert rec.patient.name == "Jan Doe"
    assert rec.patient.birth_date == date(1970, 5, 6)


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        pytest.param(
            "pian:\n  - {date: 2026-05-01, score: 7}\n", "did you mean 'pain'", "line 1", id="section-typo"
        ),
        pytest.param(
            "pain:\n  - {date: 2026-05-01, score: 11}\n", "outside 0..10", "line 2", id="score-range"
        ),
        pytest.param(
            "pain:\n  - {date: 2026-05-01, score: 7, scale: vas}\n", "unknown scale", "line 2", id="bad-scale"
        ),
        pytest.param(
            "medicines:\n  - {name: x, start: 2026-05-01, end: 2026-04-01}\n",
            "before start",
            "line 2",
            id="end-before-start",
        ),
        pytest.param(
            "therapy:\n  - {date: 2026-05-01, type: yoga}\n", "unknown type", "line 2", id="bad-therapy"
        ),
        pytest.param("pain: [\n", "not valid YAML", "line", id="yaml-syntax"),
    ],
)
def test_log_errors_name_the_line(text: str, problem: str, line: str) -> None:
    with pytest.raises(BadInput) as exc:
        parse_log_text(text, "log.yaml")
    assert problem in exc.value.message()
    assert exc.value.where is not None and exc.value.where.startswith(line)
    assert exc.value.fix


def test_log_add_appends_atomically_with_owner_only_mode(tmp_path: Path) -> None:
    log = tmp_path / "sub" / "log.yaml"
    r = runner.invoke(app, ["log", "add", "pain", "--date", "2026-05-01", "--score", "6", "--log", str(log)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "log",
            "add",
            "medicine",
            "--name",
            "gabapentin",
            "--start",
            "2026-05-02",
            "--helped",
            "no",
            "--log",
            str(log),
        ],
    )
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    items = parse_log_text(log.read_text(), str(log)).items[None]
    assert [i.concept for i in items] == ["pain_nrs", "neuropathic_agent"]
    assert not [p for p in log.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_log_add_keeps_comments_and_refuses_bad_entries_without_writing(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    before = log.read_text()
    r = runner.invoke(app, ["log", "add", "pain", "--date", "2026-02-30", "--score", "6", "--log", str(log)])
    assert r.exit_code == 2 and "--date" in r.output
    r = runner.invoke(app, ["log", "add", "pain", "--date", "2026-06-01", "--score", "60", "--log", str(log)])
    assert r.exit_code == 2 and "outside 0..10" in r.output
    assert log.read_text() == before
    append_entry(log, "visits", {"date": date(2026, 6, 2), "specialty": "physiatry"})
    after = log.read_text()
    assert "# my log" in after and after.startswith(before.rstrip("\n")[:20])
    visit = next(i for i in parse_log_text(after, "log.yaml").items[None] if i.id == "log/visits[0]")
    assert visit.concept == "pain_medicine_visit"
