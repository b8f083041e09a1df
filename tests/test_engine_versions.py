"""Rules in force by date, versions, knowledge that says its age, and imaging findings with negation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check, packs, stored_version_notes
from backcover.engine.findings import read_findings
from backcover.knowledge import Knowledge
from tests.engine_builders import care, dx, item, mri, record

FUSION = [
    dx("M43.16", date(2025, 3, 1)),
    care(date(2025, 3, 1), 16),
    item("snomed", "266919005", date(2025, 11, 1)),
    mri(date(2025, 10, 1), conclusion="Grade II spondylolisthesis at L4-5 with instability."),
    dx("E11.9", date(2020, 1, 1)),
]


def test_a_superseded_version_applies_before_the_new_one_begins_and_the_answer_names_it() -> None:
    before = check(record(*FUSION), "22612", "commercial", as_of=date(2025, 12, 1))
    after = check(record(*FUSION), "22612", "commercial", as_of=date(2025, 12, 18))
    assert before.policies[0].pack == "commercial-lumbar-fusion-2025"
    assert before.policies[0].to_json()["effective_until"] == "2025-12-17"
    assert after.policies[0].to_json()["version"] == "V2.0.2025"
    assert after.policies[0].to_json()["effective"] == "2025-12-18"
    # The older encoding asked for HbA1c with diabetes; V2.0.2025 does not.
    assert any(c.kind == "lab" for c in before.criteria)
    assert not any(c.kind == "lab" for c in after.criteria)


def test_before_a_policy_begins_the_statutory_default_applies() -> None:
    r = record(dx("M54.16", date(2022, 1, 1)))
    d = check(r, "64483", "medicare", state="WA", as_of=date(2022, 6, 18))
    assert not d.specific_policy
    assert check(r, "64483", "medicare", state="WA", as_of=date(2022, 6, 19)).specific_policy


def test_an_undated_superseded_version_never_wins_over_its_newer_version() -> None:
    by_series = [p for p in packs() if p.series_id == "commercial-esi-evicore"]
    assert {p.superseded for p in by_series} == {True, False}
    d = check(record(dx("M54.16", date(2026, 1, 1))), "62323", "commercial", as_of=date(2026, 6, 1))
    assert [p.pack for p in d.policies] == ["commercial-esi-evicore"]


PACK = """\
id: clinic-rule
title: "A clinic rule"
policy: "Clinic 1"
publisher: "Clinic"
kind: guideline
payers: [commercial]
codes: ["97110"]
url: "https://example.org/rule"
last_reviewed: 2024-01-01
criteria:
  - id: clinic.old
    kind: other
    summary: "An old rule"
    test: {type: attestation}
    in_force: {until: 2025-12-31}
    to_satisfy: "x"
    source: {section: "1", effective: 2020-01-01}
  - id: clinic.dx
    kind: diagnosis
    summary: "A diagnosis"
    test: {type: diagnosis, concepts: [back_condition]}
    to_satisfy: "x"
    source: {section: "2", effective: 2020-01-01}
"""


def test_a_criterion_applies_only_while_in_force_and_an_old_review_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "clinic-rule.yaml"
    path.write_text(PACK)
    kb = Knowledge.packaged().with_packs(path)
    r = record(dx("M54.50", date(2025, 1, 1)))
    old = check(r, "97110", "commercial", as_of=date(2025, 6, 1), knowledge=kb)
    new = check(r, "97110", "commercial", as_of=date(2026, 1, 1), knowledge=kb)
    assert "clinic.old" in {c.id for c in old.criteria} and old.decision == "needs_documentation"
    assert "clinic.old" not in {c.id for c in new.criteria} and new.decision == "meets_criteria"
    assert any("last checked against its source on 2024-01-01" in n for n in new.notes)
    assert not any(
        "last checked" in n
        for n in check(r, "97110", "commercial", as_of=date(2024, 6, 1), knowledge=kb).notes
    )


def test_a_stored_determination_under_an_older_version_is_flagged() -> None:
    stored = check(record(*FUSION), "22612", "commercial", as_of=date(2025, 12, 1)).to_json()
    now = check(record(*FUSION), "22612", "commercial", as_of=date(2026, 1, 5))
    noted = stored_version_notes(stored, now)
    assert any("V2.0.2025 applies" in n for n in noted.notes)
    same = check(record(*FUSION), "22612", "commercial", as_of=date(2026, 1, 6))
    assert stored_version_notes(now.to_json(), same).notes == same.notes


def test_policies_list_shows_version_dates_and_last_review_for_every_pack() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["policies", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = orjson.loads(res.output)["policies"]
    assert rows and all({"version", "effective", "last_reviewed"} <= set(r) for r in rows)
    text = runner.invoke(app, ["policies", "list"], env={"COLUMNS": "250"})
    assert "last reviewed" in text.output


def test_check_text_marks_unconfirmed_criteria_once_not_on_every_line(tmp_path: Path) -> None:
    runner = CliRunner()
    rec = tmp_path / "r.json"
    rec.write_text('{"resourceType": "Bundle", "type": "collection", "entry": []}')
    res = runner.invoke(
        app,
        [
            "check",
            "--record",
            str(rec),
            "--procedure",
            "62323",
            "--payer",
            "commercial",
            "--as-of",
            "2026-06-01",
        ],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "(unconfirmed source)" not in res.output
    assert res.output.count("from a secondary source or not confirmed") == 1


# --- imaging findings with negation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept", "negated", "uncertain"),
    [
        ("No stenosis.", "stenosis", True, False),
        ("There is no evidence of instability.", "instability", True, False),
        ("Severe central canal stenosis at L4-5.", "stenosis", False, False),
        ("Possible pars defect at L5.", "pars_defect", False, True),
        ("No instability; moderate foraminal narrowing at L3-L4.", "stenosis", False, False),
        ("Negative for fracture.", "fracture", True, False),
    ],
)
def test_findings_are_read_with_negation_and_uncertainty(
    text: str, concept: str, negated: bool, uncertain: bool
) -> None:
    found = [f for f in read_findings(text) if f.concept == concept]
    assert found and (found[0].negated, found[0].uncertain) == (negated, uncertain)


def test_findings_carry_levels_grade_and_millimetres() -> None:
    (slip, moves) = read_findings("Grade II anterolisthesis of L4 on L5 with 5 mm of translation.")[:2]
    assert (slip.concept, slip.grade) == ("listhesis", 2)
    assert (moves.concept, moves.mm) == ("instability", 5)
    assert slip.levels == ("L4", "L5")


def test_a_possible_finding_asks_for_a_definite_report() -> None:
    r = record(
        dx("M43.16", date(2025, 6, 1)),
        mri(date(2026, 4, 1), conclusion="Possible grade II spondylolisthesis at L5-S1."),
    )
    d = check(r, "22612", "commercial", as_of=date(2026, 6, 1))
    grade = next(c for c in d.criteria if c.id == "fusion.imaging_grade")
    assert grade.status == "unknown" and "uncertain" in grade.explanation
