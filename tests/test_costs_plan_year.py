"""An episode that crosses the plan year: the deductible and out-of-pocket totals start again on the
renewal date, and the estimate splits its lines by year (issue 19)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.costs import estimate, parse_lines, parse_plan
from backcover.costs._cob import coordinate
from backcover.costs._plan_year import plan_year_start_of
from backcover.errors import BadInput
from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY

PLAN = """
name: Calendar-year PPO
kind: commercial
network_type: ppo
deductible: {individual: 2000}
oop_max: {individual: 6000}
plan_year_start: %s
accumulators: {deductible_met: 500, oop_met: 500}
benefits:
  inpatient_physician: {coinsurance: 0.2, deductible_applies: true}
  inpatient_facility:  {coinsurance: 0.2, deductible_applies: true}
  rehabilitation:      {coinsurance: 0.2, deductible_applies: true, visit_limit: 30}
"""
FUSION = """lines:
  - {id: surgeon, benefit: inpatient_physician, allowed: 4000, date: 2026-12-10}
  - {id: hospital, benefit: inpatient_facility, allowed: 30000, date: 2026-12-10}
  - {id: pt1, benefit: rehabilitation, allowed: 150, date: %s-05}
  - {id: pt2, benefit: rehabilitation, allowed: 150, date: %s-12}
  - {id: pt3, benefit: rehabilitation, allowed: 150, date: %s-19}
"""


def _lines(month: str) -> str:
    return FUSION % (month, month, month)


def test_fusion_in_december_therapy_in_january_starts_the_deductible_again() -> None:
    """December (plan year 2026, $500 of the deductible and $500 of the limit already met):
    surgeon $4,000: the $1,500 left of the deductible + 20% of $2,500 = $500: $2,000 (limit met $2,500).
    Hospital $30,000: 20% = $6,000, capped at the $3,500 left of the $6,000 limit: $3,500.
    December total $5,500.00.
    January 2027 is a new plan year: the deductible starts again at $0. Each $150 visit goes wholly to
    the deductible: $150 x 3 = $450.00 (had the visits been in December: $0, the limit was met).
    Total $5,950.00."""
    out = estimate(parse_plan(PLAN % "2026-01-01"), parse_lines(_lines("2027-01"))).to_json()
    assert [ln["patient"] for ln in out["lines"]] == ["2000.00", "3500.00", "150.00", "150.00", "150.00"]
    assert [ln["plan_year"] for ln in out["lines"]] == ["2026-01-01"] * 2 + ["2027-01-01"] * 3
    y1, y2 = out["plan_years"]
    assert (y1["start"], y1["end"], y1["lines"], y1["patient_total"]) == (
        "2026-01-01",
        "2026-12-31",
        ["surgeon", "hospital"],
        "5500.00",
    )
    assert y1["accumulators_after"]["oop_met"] == "6000.00"
    assert (y2["start"], y2["lines"], y2["patient_total"]) == ("2027-01-01", ["pt1", "pt2", "pt3"], "450.00")
    assert y2["accumulators_after"]["deductible_met"] == "450.00"
    assert y2["accumulators_after"]["visits_used"] == {"rehabilitation": 3}
    assert any("new plan year starts on 2027-01-01" in n for n in out["lines"][2]["notes"])
    assert out["accumulators_after"]["deductible_met"] == "450.00"
    assert out["totals"]["patient_total"] == "5950.00"
    same_year = estimate(parse_plan(PLAN % "2026-01-01"), parse_lines(_lines("2026-12"))).to_json()
    assert same_year["totals"]["patient_total"] == "5500.00"
    assert len(same_year["plan_years"]) == 1


def test_a_july_renewal_keeps_december_and_january_in_one_plan_year() -> None:
    """With a plan year from July 1, December and January are the same plan year: the limit met in
    December still holds, so the January visits cost $0.00."""
    out = estimate(parse_plan(PLAN % "2026-07-01"), parse_lines(_lines("2027-01"))).to_json()
    assert out["totals"]["patient_total"] == "5500.00"
    assert [y["start"] for y in out["plan_years"]] == ["2026-07-01"]
    assert plan_year_start_of(dt.date(2026, 7, 1), dt.date(2027, 6, 30)) == dt.date(2026, 7, 1)
    assert plan_year_start_of(dt.date(2026, 7, 1), dt.date(2027, 7, 1)) == dt.date(2027, 7, 1)


def test_medicare_part_b_deductible_starts_again_on_january_1() -> None:
    """Original Medicare: December 2025 visit $300, the 2025 Part B deductible ($257) then 20% of
    $43 = $8.60: $265.60. January 2026 visit $300: the 2026 deductible ($283) then 20% of $17 = $3.40:
    $286.40."""
    plan = parse_plan("name: OM\nkind: medicare\nyear: 2025\n")
    lines = parse_lines("""lines:
  - {id: dec, benefit: specialist_visit, allowed: 300, date: 2025-12-15}
  - {id: jan, benefit: specialist_visit, allowed: 300, date: 2026-01-15}
""")
    out = estimate(plan, lines).to_json()
    assert [ln["patient"] for ln in out["lines"]] == ["265.60", "286.40"]
    assert out["accumulators_after"]["part_b_deductible_met"] == "283.00"


def test_lines_out_of_date_order_or_before_the_plan_year_are_refused() -> None:
    plan = parse_plan(PLAN % "2026-01-01")
    with pytest.raises(BadInput) as err:
        estimate(plan, parse_lines(_lines("2027-01").replace("2026-12-10", "2027-12-10", 1)))
    assert "date order" in err.value.message()
    with pytest.raises(BadInput) as err:
        estimate(
            plan, parse_lines("lines:\n  - {id: a, benefit: rehabilitation, allowed: 10, date: 2025-06-01}\n")
        )
    assert "plan_year_start" in err.value.message()
    with pytest.raises(BadInput):
        parse_plan(PLAN % "soon")
    with pytest.raises(BadInput):
        parse_lines("lines:\n  - {id: a, benefit: rehabilitation, allowed: 10, date: 2026-13-01}\n")


def test_secondary_plan_years_are_its_own() -> None:
    """The secondary plan (plan year from July) keeps its own year: its split is reported apart."""
    out = coordinate(
        parse_plan(PLAN % "2026-01-01"),
        parse_lines(_lines("2027-01")),
        secondary=parse_plan(PLAN.replace("Calendar-year PPO", "Spouse PPO") % "2026-07-01"),
    ).to_json()
    assert [y["start"] for y in out["secondary"]["plan_years"]] == ["2026-07-01"]
    # January visits: primary leaves $150 each; the secondary (limit met in December) pays it all
    assert [ln["patient"] for ln in out["lines"][2:]] == ["0.00", "0.00", "0.00"]


def test_cost_page_shows_plan_years_and_lines_priced_both_ways(tmp_path: Path) -> None:
    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        today=lambda: dt.date(2026, 12, 1),
        access_key=WEB_KEY,
    )
    c = TestClient(app, base_url="http://127.0.0.1", headers=AUTH)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert m
    t = m.group(1)
    assert (
        c.post("/start/plan", data={"csrf_token": t, "template": "ppo", "name": "work ppo"}).status_code
        == 200
    )
    lines = """lines:
  - {id: surgeon, benefit: outpatient_physician, allowed: 1800, date: 2026-12-10}
  - {id: anes, benefit: anesthesia, allowed: 700, billed: 2600, network: unknown, date: 2026-12-10}
  - {id: pt, benefit: rehabilitation, allowed: 120, date: 2027-01-12}
"""
    r = c.post("/cost", data={"csrf_token": t, "lines": lines})
    assert r.status_code == 200, r.text
    assert 'data-testid="who-pays"' in r.text
    assert "priced both ways" in r.text
    assert 'data-testid="plan-years"' in r.text and "2027-01-01 to 2027-12-31" in r.text
