"""An insurer's prior-authorization list can say "not required" for a code, with its source."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check
from backcover.engine._choose import prior_auth
from backcover.engine._pack_model import Pack
from backcover.engine._packs import load_pack_file
from backcover.errors import BadInput
from backcover.vocab import Payer, PriorAuth
from tests.engine_builders import care, dx, noted, record

AS_OF = date(2026, 6, 1)
UHC = "unitedhealthcare"


def test_uhc_medicare_advantage_lumbar_mri_needs_no_prior_authorization() -> None:
    r = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))
    d = check(r, "72148", "medicare-advantage", state="PA", as_of=AS_OF, insurer=UHC)
    assert d.prior_authorization == "not_required"
    assert any("Radiology" in b and "no prior authorization" in b for b in d.prior_authorization_basis)
    # The radiology page gives no date for the exemption: the answer says so.
    assert any("no date" in n for n in d.notes)
    # Therapy-only notes of the same list are not attached to an imaging answer.
    assert not any("6 visits" in n for n in d.notes)


def test_uhc_medicare_advantage_initial_evaluation_is_exempt_and_treatment_visits_are_not() -> None:
    r = record(dx("M54.50", date(2024, 5, 1)), noted("plan_of_care", date(2024, 5, 2)))
    evaluation = check(r, "97161", "medicare-advantage", state="PA", as_of=date(2025, 3, 1), insurer=UHC)
    visit = check(r, "97110", "medicare-advantage", state="PA", as_of=date(2025, 3, 1), insurer=UHC)
    assert evaluation.prior_authorization == "not_required"
    assert any("initial physical therapy evaluation" in b for b in evaluation.prior_authorization_basis)
    assert visit.prior_authorization == "required"
    # The 2025 visit threshold is stated with the answer, not modelled as an exemption.
    assert any("6 visits within 8 weeks" in n for n in visit.notes)


PACK = (
    "id: {id}\npublisher: X\ntitle: {id}\npolicy: P\nkind: prior_authorization\n"
    "payers: [commercial]\nurl: https://x\nrules:\n"
    "  - codes: ['72148']\n    category: imaging\n    prior_authorization: {answer}\n"
    "    source: {{section: s1, effective: 2020-01-01}}\n"
)


def _pack(tmp_path: Path, pid: str, answer: str) -> Pack:
    f = tmp_path / f"{pid}.yaml"
    f.write_text(PACK.format(id=pid, answer=answer))
    return load_pack_file(f)


def test_a_required_rule_wins_over_a_not_required_one(tmp_path: Path) -> None:
    free = _pack(tmp_path, "free", "not_required")
    strict = _pack(tmp_path, "strict", "required")
    alone = prior_auth((free,), "72148", Payer.COMMERCIAL, "office", None, AS_OF, [])
    both = prior_auth((free, strict), "72148", Payer.COMMERCIAL, "office", None, AS_OF, [])
    assert alone[0] == PriorAuth.NOT_REQUIRED
    assert both[0] == PriorAuth.REQUIRED


def test_a_rule_cannot_answer_plan_dependent(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as err:
        _pack(tmp_path, "odd", "plan_dependent")
    assert "when_no_rule" in err.value.message()


def _vendors() -> dict[str, list[dict[str, Any]]]:
    r = CliRunner().invoke(app, ["policies", "insurers", "--format", "json"])
    assert r.exit_code == 0, r.output
    return {i["slug"]: i["vendors"] for i in json.loads(r.output)["insurers"]}


def test_policies_insurers_says_who_reviews_what_for_aetna_uhc_and_anthem() -> None:
    vendors = _vendors()
    # Aetna: eviCore reviews imaging and pain for Medicare Advantage only; commercial uses Aetna's CPBs.
    evicore = [v for v in vendors["aetna"] if v["name"] == "eviCore"]
    assert {v["area"] for v in evicore} == {"imaging", "pain"}
    assert all(v["payers"] == ["medicare-advantage"] for v in evicore)
    assert all(
        "commercial" in (v["note"] or "") and v["source"]["url"].startswith("https://www.aetna.com")
        for v in evicore
    )
    # UnitedHealthcare reviews imaging, pain, spine surgery and therapy itself.
    uhc = {v["area"]: v for v in vendors["unitedhealthcare"]}
    assert set(uhc) == {"imaging", "pain", "spine_surgery", "therapy"}
    assert all(v["name"] == "UnitedHealthcare" for v in uhc.values())
    assert "uhcprovider.com" in uhc["imaging"]["source"]["url"]
    assert "InterQual" in uhc["spine_surgery"]["source"]["section"]
    # Anthem: Carelon reviews therapy for medical necessity; pain and spine guidelines cover MA too.
    anthem = {v["area"]: v for v in vendors["anthem"]}
    assert "medical necessity" in anthem["therapy"]["source"]["section"]
    assert "Medicare Advantage" in (anthem["pain"]["note"] or "")
    assert "Medicare Advantage" in (anthem["spine_surgery"]["note"] or "")
