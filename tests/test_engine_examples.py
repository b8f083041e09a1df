"""End to end through load_record: the shared worked examples, hand-written fixtures, Synthea."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from backcover import DISCLAIMER
from backcover.cli import app
from backcover.engine import Determination, check
from backcover.record.load import load_record
from tests.conftest import EXAMPLES, SYNTHEA_FILES, SYNTHEA_LBP

FIX = Path(__file__).resolve().parent / "fixtures" / "engine"
runner = CliRunner()


def statuses(d: Determination) -> dict[str, str]:
    return {c.id: c.status for c in d.criteria}


def by_kind(d: Determination, kind: str) -> set[str]:
    """Statuses of the required criteria of a kind (alternatives not needed are left out)."""
    found = {c.status for c in d.criteria if c.kind == kind and c.required}
    return found - {"not_applicable"} or found


def test_example_tfesi_medicare() -> None:
    rec = load_record([EXAMPLES / "check-tfesi-medicare.json"])
    d = check(rec, "64483", "medicare", setting="office", state="NY", as_of=date(2026, 6, 1))
    assert d.decision == "meets_criteria"
    assert d.prior_authorization == "not_required"
    assert d.earliest_eligible_date is None
    assert by_kind(d, "conservative_care") == {"met"}
    assert by_kind(d, "imaging") == {"met"}
    assert by_kind(d, "severity") == {"met"}
    cc = next(c for c in d.criteria if c.kind == "conservative_care")
    assert "naproxen since 2026-03-03" in cc.explanation
    assert "Physical therapy" in cc.explanation
    img = next(c for c in d.criteria if c.kind == "imaging")
    assert "2026-05-04" in img.explanation and "L5" in img.explanation
    # New York is NGS, jurisdiction JK: its copy of the ESI LCD is cited.
    assert d.mac == {"jurisdiction": "JK", "name": "National Government Services (NGS)"}
    assert "NGS" in d.policies[0].title and "JK" in d.policies[0].title
    assert d.crd_coverage_information() == {"covered": "covered", "pa-needed": "no-auth"}


def test_example_mri_commercial_early() -> None:
    rec = load_record([EXAMPLES / "check-mri-commercial-early.json"])
    d = check(rec, "72148", "commercial", setting="office", state="PA", as_of=date(2026, 6, 23))
    assert d.decision == "criteria_not_met"
    assert d.prior_authorization == "required"
    assert by_kind(d, "conservative_care") == {"not_met"}
    assert by_kind(d, "red_flag") == {"not_met"}
    cc = next(c for c in d.criteria if c.kind == "conservative_care")
    assert "3 weeks" in cc.explanation and "6 weeks" in cc.explanation
    sd = next(c for c in d.criteria if c.kind == "symptom_duration")
    assert sd.eligible_on == date(2026, 7, 13)
    assert cc.eligible_on == date(2026, 7, 14)
    assert d.earliest_eligible_date == date(2026, 7, 14)


def test_example_rfa_hospital_outpatient() -> None:
    rec = load_record([EXAMPLES / "check-rfa-opd.json"])
    d = check(rec, "64635", "medicare", setting="hospital-outpatient", state="PA", as_of=date(2026, 11, 27))
    assert d.decision == "meets_criteria"
    assert d.prior_authorization == "required"
    assert any("419.83" in b and "2023-07-01" in b for b in d.prior_authorization_basis)
    dr = next(c for c in d.criteria if c.kind == "diagnostic_response")
    assert dr.status == "met"
    assert dr.explanation.count("NRS 7 to 1 (86% relief)") == 2
    assert {e.resource for e in dr.evidence} >= {"Procedure/procedure-14", "Procedure/procedure-17"}
    assert d.crd_coverage_information() == {"covered": "covered", "pa-needed": "auth-needed"}


CASES = [
    pytest.param(
        "esi-axial-only.json",
        "62323",
        "medicare",
        None,
        "PA",
        date(2026, 3, 1),
        ("not_covered", "not_required", None),
        {"exclusion": "not_met"},
        id="esi-axial-only",
    ),
    pytest.param(
        "esi-axial-plus-radiculopathy.json",
        "62323",
        "medicare",
        None,
        "PA",
        date(2025, 10, 1),
        ("meets_criteria", "not_required", None),
        {
            "exclusion": "met",
            "diagnosis": "met",
            "conservative_care": "met",
            "imaging": "met",
            "prior_response": "not_applicable",
        },
        id="esi-axial-plus-radiculopathy",
    ),
    pytest.param(
        "esi-axial-plus-radiculopathy.json",
        "62323",
        "medicare",
        None,
        "TX",
        date(2026, 2, 1),
        ("meets_criteria", "required", None),
        {"frequency": "met"},
        id="esi-wiser-texas",
    ),
    pytest.param(
        "esi-repeat-sustained-relief.json",
        "64483",
        "medicare",
        None,
        "PA",
        date(2026, 1, 20),
        ("meets_criteria", "not_required", None),
        {"prior_response": "met", "frequency": "met"},
        id="esi-repeat-ok",
    ),
    pytest.param(
        "esi-repeat-relief-wore-off.json",
        "64483",
        "medicare",
        None,
        "PA",
        date(2025, 12, 1),
        ("needs_documentation", "not_required", None),
        {"prior_response": "not_met", "other": "unknown"},
        id="esi-repeat-relief-wore-off",
    ),
    pytest.param(
        "esi-five-in-a-year.json",
        "64483",
        "medicare",
        None,
        "PA",
        date(2026, 2, 1),
        ("criteria_not_met", "not_required", date(2026, 3, 3)),
        {"frequency": "not_met", "prior_response": "not_met"},
        id="esi-fifth-in-a-year",
    ),
    pytest.param(
        "esi-axial-plus-radiculopathy.json",
        "64483",
        "commercial",
        None,
        "PA",
        date(2025, 10, 1),
        ("meets_criteria", "plan_dependent", None),
        {"imaging": "met", "interval": "not_applicable"},
        id="esi-commercial",
    ),
    pytest.param(
        "esi-axial-plus-radiculopathy.json",
        "64483",
        "medicare-advantage",
        None,
        "PA",
        date(2025, 10, 1),
        ("meets_criteria", "plan_dependent", None),
        {"conservative_care": "met"},
        id="esi-medicare-advantage",
    ),
    pytest.param(
        "mri-cauda-equina.json",
        "72148",
        "commercial",
        None,
        "PA",
        date(2026, 6, 1),
        ("meets_criteria", "required", None),
        {"red_flag": "met", "conservative_care": "not_applicable"},
        id="mri-red-flag",
    ),
    pytest.param(
        "mri-cauda-equina.json",
        "72148",
        "medicare",
        None,
        "PA",
        date(2026, 6, 1),
        ("meets_criteria", "not_required", None),
        {"diagnosis": "met"},
        id="mri-medicare-ncd",
    ),
    pytest.param(
        "rfa-one-block.json",
        "64635",
        "medicare",
        "asc",
        "OH",
        date(2026, 3, 20),
        ("criteria_not_met", "not_required", None),
        {"diagnostic_response": "not_met"},
        id="rfa-one-block",
    ),
    pytest.param(
        "rfa-one-block.json",
        "64635",
        "medicare",
        "hospital-outpatient",
        "OH",
        date(2026, 3, 20),
        ("criteria_not_met", "required", None),
        {"diagnostic_response": "not_met"},
        id="rfa-one-block-opd",
    ),
    pytest.param(
        "rfa-one-block.json",
        "64493",
        "medicare",
        "asc",
        "OH",
        date(2026, 3, 20),
        ("meets_criteria", "not_required", None),
        {"diagnostic_response": "met"},
        id="mbb-second-block",
    ),
    pytest.param(
        "rfa-one-block.json",
        "64495",
        "medicare",
        "asc",
        "OH",
        date(2026, 3, 20),
        ("not_covered", "not_required", None),
        {},
        id="mbb-third-level-not-covered",
    ),
]


CASES += [
    pytest.param(
        "fusion-never-smoker.json",
        "22612",
        "commercial",
        None,
        "PA",
        date(2026, 4, 1),
        ("meets_criteria", "required", None),
        {"diagnosis": "met", "imaging": "met", "conservative_care": "met", "nicotine": "met"},
        id="fusion-meets",
    ),
    pytest.param(
        "fusion-current-smoker.json",
        "22612",
        "commercial",
        None,
        "PA",
        date(2026, 4, 1),
        ("criteria_not_met", "required", None),
        {"nicotine": "not_met"},
        id="fusion-smoker",
    ),
    pytest.param(
        "fusion-never-smoker.json",
        "22612",
        "commercial",
        None,
        "PA",
        date(2026, 9, 1),
        ("criteria_not_met", "required", None),
        {"imaging": "not_met"},
        id="fusion-imaging-too-old",
    ),
    pytest.param(
        "scs-after-trial.json",
        "63685",
        "medicare",
        "hospital-outpatient",
        "PA",
        date(2026, 4, 1),
        ("meets_criteria", "not_required", None),
        {"trial": "met", "behavioral_health": "met"},
        id="scs-implant",
    ),
    pytest.param(
        "scs-after-trial.json",
        "63650",
        "medicare",
        "hospital-outpatient",
        "PA",
        date(2026, 4, 1),
        ("meets_criteria", "required", None),
        {"behavioral_health": "met"},
        id="scs-lead-opd-pa",
    ),
    pytest.param(
        "acupuncture-12-visits.json",
        "97810",
        "medicare",
        None,
        "PA",
        date(2026, 4, 21),
        ("meets_criteria", "not_required", None),
        {"visit_limit": "met", "prior_response": "met"},
        id="acupuncture-13th-visit-improving",
    ),
    pytest.param(
        "acupuncture-12-visits.json",
        "97810",
        "commercial",
        None,
        "PA",
        date(2026, 4, 21),
        ("meets_criteria", "plan_dependent", None),
        {"diagnosis": "met"},
        id="acupuncture-commercial-baseline",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "code", "payer", "setting", "state", "as_of", "expected", "kinds"), CASES
)
def test_fixture_paths(
    fixture: str,
    code: str,
    payer: str,
    setting: str | None,
    state: str,
    as_of: date,
    expected: tuple[str, str, date | None],
    kinds: dict[str, str],
) -> None:
    d = check(load_record([FIX / fixture]), code, payer, setting=setting, state=state, as_of=as_of)
    assert (d.decision, d.prior_authorization, d.earliest_eligible_date) == expected, [
        (c.id, c.status, c.explanation) for c in d.criteria
    ]
    for kind, status in kinds.items():
        assert by_kind(d, kind) == {status}, (kind, [(c.id, c.status, c.explanation) for c in d.criteria])


def test_rfa_cites_the_cgs_lcd_in_ohio() -> None:
    d = check(
        load_record([FIX / "rfa-one-block.json"]),
        "64635",
        "medicare",
        setting="asc",
        state="OH",
        as_of=date(2026, 3, 20),
    )
    assert d.policies[0].id == "L38773"
    assert "CGS" in d.policies[0].title


def test_synthea_patient_therapy_and_ibuprofen_count_as_conservative_care() -> None:
    rec = load_record(SYNTHEA_FILES, patient=SYNTHEA_LBP)
    d = check(rec, "72148", "commercial", as_of=date(2014, 4, 1))
    cc = next(c for c in d.criteria if c.kind == "conservative_care")
    assert cc.status == "met", cc.explanation
    codes = {code.code for e in cc.evidence for it in [rec.by_id(e.resource)] if it for code in it.codes}
    assert "229064008" in codes  # Synthea's therapy sessions
    assert "206905" in codes  # ibuprofen
    assert d.prior_authorization == "required"


def test_log_injection_relief_is_self_reported(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        "patient: {name: Fixture radic, birth_date: 1958-09-09}\n"
        "injections:\n"
        "  - {date: 2025-10-06, type: transforaminal, region: lumbar, pain_before: 8, pain_after: 2,\n"
        "     relief_percent: 70, relief_weeks: 14}\n"
    )
    rec = load_record([FIX / "esi-axial-plus-radiculopathy.json", log])
    d = check(rec, "64483", "medicare", state="PA", as_of=date(2026, 1, 20))
    rr = next(c for c in d.criteria if c.kind == "prior_response")
    assert rr.status == "met", rr.explanation
    assert "70% relief lasting 14 weeks" in rr.explanation
    assert any("self-reported" in n and "clinical records" in n for n in d.notes)


# --- the CLI ------------------------------------------------------------------------------------

CONTRACT_KEYS = {
    "procedure",
    "payer",
    "setting",
    "state",
    "as_of",
    "decision",
    "prior_authorization",
    "criteria",
    "earliest_eligible_date",
    "policies",
    "notes",
}
CRITERION_KEYS = {"id", "kind", "status", "summary", "explanation", "evidence", "source"}


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_cli_json_is_one_document_with_the_contract_fields() -> None:
    r = cli(
        "check",
        "--record",
        str(EXAMPLES / "check-mri-commercial-early.json"),
        "--procedure",
        "72148",
        "--payer",
        "commercial",
        "--setting",
        "office",
        "--state",
        "PA",
        "--as-of",
        "2026-06-23",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    doc = orjson.loads(r.stdout)
    assert set(doc) >= CONTRACT_KEYS
    assert doc["procedure"]["code"] == "72148" and doc["procedure"]["name"]
    assert doc["as_of"] == "2026-06-23"
    assert doc["decision"] == "criteria_not_met"
    assert doc["earliest_eligible_date"] == "2026-07-14"
    for c in doc["criteria"]:
        assert set(c) >= CRITERION_KEYS
        assert {"policy", "section", "url"} <= set(c["source"])
        for e in c["evidence"]:
            assert set(e) >= {"resource", "date", "provenance"}
    assert all({"id", "title", "url"} <= set(p) for p in doc["policies"])


def test_cli_text_shows_the_decision_and_the_disclaimer() -> None:
    r = cli(
        "check",
        "--record",
        str(EXAMPLES / "check-rfa-opd.json"),
        "--procedure",
        "64635",
        "--payer",
        "medicare",
        "--setting",
        "hospital-outpatient",
        "--state",
        "PA",
        "--as-of",
        "2026-11-27",
    )
    assert r.exit_code == 0, r.output
    flat = " ".join(r.stdout.split())
    assert "Meets the criteria" in flat
    assert "Prior authorization: required" in flat
    assert " ".join(DISCLAIMER.split()) in flat


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(
            ["--procedure", "12345", "--payer", "medicare"], ["unknown procedure", "72148"], id="procedure"
        ),
        pytest.param(["--procedure", "62323", "--payer", "medicar"], ["did you mean 'medicare'"], id="payer"),
        pytest.param(
            ["--procedure", "62323", "--payer", "medicare", "--setting", "inpatient"],
            ["valid settings", "office"],
            id="setting",
        ),
        pytest.param(
            ["--procedure", "62323", "--payer", "medicare", "--as-of", "2026-02-30"], ["--as-of"], id="as-of"
        ),
    ],
)
def test_cli_bad_input_exits_2_with_choices(args: list[str], words: list[str]) -> None:
    r = cli("check", "--record", str(EXAMPLES / "check-rfa-opd.json"), *args, "--format", "json")
    assert r.exit_code == 2
    assert r.stdout == ""
    for w in words:
        assert w in r.stderr


def test_cli_record_with_nothing_relevant_needs_documentation(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text('{"resourceType": "Patient", "id": "x", "birthDate": "1970-01-01"}')
    r = cli(
        "check",
        "--record",
        str(f),
        "--procedure",
        "62323",
        "--payer",
        "medicare",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    doc = orjson.loads(r.stdout)
    assert doc["decision"] == "needs_documentation"
    assert any(n.startswith("To document") for n in doc["notes"])


def test_policies_list_and_show() -> None:
    r = cli("policies", "list", "--payer", "medicare", "--procedure", "64635", "--format", "json")
    assert r.exit_code == 0, r.output
    ids = {p["id"] for p in orjson.loads(r.stdout)["policies"]}
    assert {"medicare-facet-rfa-lcd", "medicare-opd-prior-auth"} <= ids
    assert "commercial-facet-rfa" not in ids
    r = cli("policies", "show", "medicare-esi-lcd", "--format", "json")
    doc = orjson.loads(r.stdout)

    def flat(node: dict[str, Any]) -> list[dict[str, Any]]:
        if "all" in node or "any" in node:
            return [x for child in node.get("all", node.get("any")) for x in flat(child)]
        return [node]

    leaves = doc["exclusions"] + flat(doc["criteria"])
    assert all(set(x["source"]) >= {"policy", "section", "url"} for x in leaves)
    assert any(
        x["id"] == "esi.frequency"
        and x["test"]
        == {"type": "frequency", "concepts": ["epidural_steroid_injection"], "max": 4, "months": 12}
        for x in leaves
    )
    text = cli("policies", "show", "commercial-lumbar-mri")
    flat = " ".join(text.stdout.split())
    assert "one of:" in flat and "unconfirmed" in flat and " ".join(DISCLAIMER.split()) in flat


def test_policies_show_unknown_pack_exits_2() -> None:
    r = cli("policies", "show", "medicare-esi")
    assert r.exit_code == 2
    assert "medicare-esi-lcd" in r.stderr


@pytest.mark.parametrize(
    ("path", "code", "payer", "state", "as_of"),
    [
        pytest.param(
            EXAMPLES / "check-mri-commercial-early.json",
            "72148",
            "commercial",
            "PA",
            date(2026, 6, 23),
            id="mri",
        ),
        pytest.param(
            FIX / "esi-five-in-a-year.json", "64483", "medicare", "PA", date(2026, 2, 1), id="esi-frequency"
        ),
    ],
)
def test_on_the_earliest_eligible_date_the_time_based_criteria_are_met(
    path: Path, code: str, payer: str, state: str, as_of: date
) -> None:
    rec = load_record([path])
    before = check(rec, code, payer, state=state, as_of=as_of)
    day = before.earliest_eligible_date
    assert day is not None
    on = check(rec, code, payer, state=state, as_of=day)
    assert on.decision in ("meets_criteria", "needs_documentation"), [(c.id, c.status) for c in on.criteria]
    eve = check(rec, code, payer, state=state, as_of=day - timedelta(days=1))
    assert eve.decision == "criteria_not_met"


def test_treatment_log_alone_counts_with_a_note(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        "patient: {name: Jan Doe, birth_date: 1958-05-06}\n"
        "pain:\n  - {date: 2026-03-01, score: 7, region: lower back}\n"
        "medicines:\n  - {name: Naproxen 500 mg, start: 2026-03-02}\n"
        "therapy:\n  - {start: 2026-03-10, end: 2026-04-20, type: physical therapy, sessions: 8}\n"
        "imaging:\n  - "
        "{date: 2026-04-25, type: mri, region: lumbar, findings: L5-S1 protrusion touching the S1 root}\n"
    )
    d = check(load_record([log]), "62323", "medicare", state="OH", as_of=date(2026, 5, 15))
    got = {c.id: c.status for c in d.criteria}
    assert got["esi.pain_duration"] == "met"  # from the lower-back pain score
    assert got["esi.imaging"] == "met"  # findings from the log
    cc = next(c for c in d.criteria if c.id == "esi.conservative_care")
    assert cc.status == "met" and "2026-03-10..2026-04-20 (8 sessions)" in cc.explanation
    assert d.decision == "needs_documentation"  # no diagnosis or exam: the clinician's records are needed
    assert d.prior_authorization == "required"  # WISeR, Ohio, 2026
    assert any("self-reported" in n for n in d.notes)
