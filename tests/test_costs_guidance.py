# ruff: noqa: E501  (claim lines and command lines read best on one line)
"""What the estimate tells beyond the totals: surprise bills, the No Surprises Act and consent forms,
the Good Faith Estimate and the $400 rule, the HSA, and supplemental policies."""

from __future__ import annotations

import datetime as dt

import pytest

from backcover.costs import estimate, parse_lines, parse_plan, template_text


def lines(*items: str):  # type: ignore[no-untyped-def]
    return parse_lines("lines:\n" + "".join(f"  - {i}\n" for i in items), "lines.yaml")


def hdhp(extra: str = "", balance: str = "1000"):  # type: ignore[no-untyped-def]
    text = template_text("hdhp-hsa").replace("hsa: {balance: 0,", f"hsa: {{balance: {balance},") + extra
    return parse_plan(text, "hdhp.yaml")


def test_hsa_covers_up_to_its_balance() -> None:
    est = estimate(hdhp(), lines("{id: s, benefit: outpatient_physician, allowed: 1800.00}"))
    # the template's family deductible is aggregate (3400): all 1800 goes to it
    assert est.to_json()["totals"]["patient_total"] == "1800.00"
    h = est.guidance["hsa"]
    assert (h["can_cover"], h["left_to_pay"], h["contribution_limit"]) == ("1000.00", "800.00", "4400.00")


def test_hsa_catch_up_and_family_limit() -> None:
    text = template_text("hdhp-hsa").replace(
        "coverage: self, age_55_plus: false", "coverage: family, age_55_plus: true"
    )
    est = estimate(
        parse_plan(text, "h.yaml"), lines("{id: s, benefit: outpatient_physician, allowed: 100.00}")
    )
    assert est.guidance["hsa"]["contribution_limit"] == "9750.00"  # 8,750 + 1,000 (2026)


SUPP = """
supplemental:
  - {kind: hospital_indemnity, name: Hospital plan, per_admission: 1000, per_day: 200}
  - {kind: accident, name: Accident plan, waiting_period_days: 30, effective: 2026-01-01,
     pays: {outpatient_physician: 500, imaging_advanced: 150}}
"""


def test_hospital_indemnity_pays_lump_sum_for_an_admission() -> None:
    est = estimate(
        hdhp(SUPP),
        lines("{id: stay, benefit: inpatient_facility, allowed: 30000, setting: inpatient, days: 3}"),
    )
    hosp, acc = est.guidance["supplemental"]
    assert hosp["pays"] == "1600.00"  # 1000 + 3 days x 200
    assert acc["pays"] == "0.00"


@pytest.mark.parametrize(
    ("when", "pays"),
    [
        pytest.param(dt.date(2026, 1, 15), "0.00", id="inside-waiting-period"),
        pytest.param(dt.date(2026, 3, 1), "650.00", id="after-waiting-period"),
    ],
)
def test_accident_policy_waiting_period(when: dt.date, pays: str) -> None:
    est = estimate(
        hdhp(SUPP),
        lines(
            "{id: s, benefit: outpatient_physician, allowed: 1800, setting: asc}",
            "{id: mri, benefit: imaging_advanced, allowed: 600}",
        ),
        service_date=when,
    )
    hosp, acc = est.guidance["supplemental"]
    assert hosp["pays"] == "0.00"
    assert acc["pays"] == pays
    assert any("accident" in c for c in acc["conditions"])
    assert any("2026-01-31" in c for c in acc["conditions"])


def test_uninsured_gets_good_faith_estimate_and_400_dispute_rule() -> None:
    plan = parse_plan(template_text("uninsured"), "u.yaml")
    est = estimate(
        plan,
        lines(
            "{id: surgeon, benefit: outpatient_physician, billed: 2000, good_faith_estimate: 1500}",
            "{id: facility, benefit: outpatient_facility, billed: 1800, good_faith_estimate: 1500}",
        ),
    )
    j = est.to_json()
    assert j["totals"]["patient_total"] == "3800.00"
    g = j["guidance"]["good_faith_estimate"]
    assert "Good Faith Estimate" in g["right"]
    assert "$400" in g["dispute_rule"] and "120 days" in g["dispute_rule"]
    # 500 over is disputable, 300 over is not
    assert [(d["id"], d["over_by"]) for d in g["disputes"]] == [("surgeon", "500.00")]


def test_consent_guidance_and_surprise_bills() -> None:
    plan = parse_plan(template_text("ppo"), "ppo.yaml")
    est = estimate(
        plan,
        lines(
            "{id: anes, benefit: anesthesia, role: anesthesia, allowed: 700, billed: 2600, network: out, facility_network: in, setting: asc, consent_signed: true}",
            "{id: surg, benefit: outpatient_physician, role: surgeon, allowed: 1800, billed: 5200, network: out, facility_network: in, setting: asc, consent_signed: true}",
            "{id: pt, benefit: rehabilitation, allowed: 100, billed: 250, network: out, setting: office}",
        ),
    )
    nsa = est.guidance["no_surprises_act"]
    assert nsa["protected"] == ["anes"]
    advice = {c["id"]: c["advice"] for c in nsa["consent"]}
    assert "cannot be waived" in advice["anes"]
    assert "72 hours" in advice["surg"]
    assert {n["id"] for n in nsa["not_protected"]} == {"surg", "pt"}
    risky = {s["id"]: s["why"] for s in est.guidance["surprise_bills"]}
    assert set(risky) == {"surg", "pt"}
    assert "3400.00" in risky["surg"] and "150.00" in risky["pt"]


def test_nsa_does_not_apply_to_medicare_and_medicare_names_its_amounts() -> None:
    plan = parse_plan(template_text("original-medicare"), "om.yaml")
    est = estimate(plan, lines("{id: a, benefit: outpatient_physician, allowed: 100}"))
    assert est.guidance["no_surprises_act"]["applies"] is False
    assert any("$283" in n and "no out-of-pocket maximum" not in n for n in est.notes)
    assert any("no out-of-pocket maximum" in n for n in est.notes)


def test_example_plans_say_they_are_examples() -> None:
    est = estimate(
        parse_plan(template_text("marketplace-bronze"), "b.yaml"), lines("{id: a, benefit: lab, allowed: 10}")
    )
    assert any("illustrative example" in n for n in est.notes)


def test_hmo_referral_and_medicare_therapy_threshold_notes() -> None:
    hmo = parse_plan(template_text("hmo"), "hmo.yaml")
    est = estimate(hmo, lines("{id: v, benefit: specialist_visit, allowed: 150}"))
    assert any("referral" in n and "specialist visit" in n for n in est.notes)
    om = parse_plan(template_text("original-medicare"), "om.yaml")
    est = estimate(om, lines("{id: pt, benefit: rehabilitation, allowed: 120}"))
    assert any("$2480" in n and "unconfirmed" in n for n in est.notes)


def test_money_is_read_from_its_text_not_through_a_float() -> None:
    ls = parse_lines(
        "lines:\n  - {id: a, benefit: lab, allowed: 0.1000000000000000055511151231257827}\n", "l.yaml"
    )
    assert str(ls[0].allowed) == "0.1000000000000000055511151231257827"
