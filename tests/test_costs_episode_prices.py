# ruff: noqa: E501  (claim lines and command lines read best on one line)
"""Whole-episode prices: the facility (OPPS with the J1 packaging rule, ASC), anesthesia units and
commercial estimates are priced by stated methods as ranges; totals carry low/high; the
out-of-pocket maximum shows as a cap; compare-plans refuses to rank totals incomplete in different
ways; a plan's own negotiated rate (--prices) replaces the estimate."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from backcover.cli import app
from backcover.costs import episode_lines, estimate, load_plan, load_price_table, template_path
from backcover.costs._view import grouped_lines, summary

runner = CliRunner()


def _plan(name: str):  # type: ignore[no-untyped-def]
    return load_plan(template_path(name))


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def test_hospital_outpatient_j1_procedure_packages_the_other_hospital_lines() -> None:
    plan = _plan("original-medicare")
    lines = {ln.id: ln for ln in episode_lines("22612", "hospital-outpatient", plan)}
    fac, instr = lines["facility"], lines["facility_instrumentation"]
    # 22612 is J1, APC 5116, CY2025 weight 206.2381: 2026 estimate = 206.2381 x 91.415 = 18853.2559 -> 18853.26, +/-5%
    assert fac.allowed == Decimal("18853.26")
    assert (fac.allowed_low, fac.allowed_high) == (Decimal("17910.60"), Decimal("19795.92"))
    assert "APC 5116" in (fac.price_source or "") and "91.415" in (fac.price_source or "")
    # the instrumentation add-on (22840) is paid inside the comprehensive APC: $0, and it says why
    assert instr.allowed == Decimal("0.00") and not instr.is_range
    assert "packaged" in (instr.price_source or "") and "J1" in (instr.price_source or "")
    assert "APC 5116" in (instr.price_source or "")
    r = {x.line.id: x for x in estimate(plan, list(lines.values())).lines}
    assert r["facility_instrumentation"].patient == Decimal("0.00")


def test_hospital_outpatient_t_status_procedure_is_not_packaged_away() -> None:
    plan = _plan("original-medicare")
    lines = {ln.id: ln for ln in episode_lines("62323", "hospital-outpatient", plan)}
    # 62323 is T, APC 5442, weight 7.7664: 7.7664 x 91.415 = 709.97
    assert lines["facility"].allowed == Decimal("709.97")
    assert "status T" in (lines["facility"].price_source or "")


def test_anesthesia_units_math_to_the_cent() -> None:
    plan = _plan("original-medicare")
    by_id = {ln.id: ln for ln in episode_lines("63030", "asc", plan)}
    an = by_id["anesthesia"]
    # 00630: 8 base units; 136 minutes = 9.0667 time units; x $20.4976 = 349.8257 -> 349.83
    assert an.allowed == Decimal("349.83")
    # 90 minutes: (8 + 6) x 20.4976 = 286.9664; 224 minutes: (8 + 14.9333) x 20.4976 = 470.0783
    assert (an.allowed_low, an.allowed_high) == (Decimal("286.97"), Decimal("470.08"))
    assert "ASSUMPTION" in (an.price_source or "")
    fixed = {ln.id: ln for ln in episode_lines("63030", "asc", plan, anesthesia_minutes=120)}["anesthesia"]
    assert fixed.allowed == Decimal("327.96") and not fixed.is_range  # (8 + 8) x 20.4976 = 327.9616
    out = _json(
        "estimate",
        "--plan",
        "original-medicare",
        "--procedure",
        "22612",
        "--setting",
        "inpatient",
        "--anesthesia-minutes",
        "180",
    )
    an2 = next(ln for ln in out["lines"] if ln["id"] == "anesthesia")
    assert an2["allowed"] == "512.44"  # 00670: (13 base + 180 / 15) x 20.4976 = 25 x 20.4976
    assert "range" not in an2


def test_asc_fee_is_an_estimate_from_the_opps_weight_and_the_asc_conversion_factor() -> None:
    plan = _plan("original-medicare")
    fac = {ln.id: ln for ln in episode_lines("63030", "asc", plan)}["facility"]
    assert fac.allowed == Decimal("4512.21")  # 80.1145 x 56.322
    assert (fac.allowed_low, fac.allowed_high) == (Decimal("3835.38"), Decimal("5189.04"))  # +/-15%
    src = fac.price_source or ""
    assert "estimate" in src and "not from ASC Addendum AA" in src and "Addendum B, January 2025" in src
    assert fac.price_confidence and "verbatim copy" in fac.price_confidence


def test_range_total_carries_low_and_high_and_explicit_lines_keep_their_json() -> None:
    out = _json("estimate", "--plan", "ppo", "--procedure", "63030", "--setting", "asc")
    tot = out["totals"]
    assert set(tot["range"]) == {"low", "high", "plan"}
    assert Decimal(tot["range"]["low"]) < Decimal(tot["patient_total"]) < Decimal(tot["range"]["high"])
    fac = next(ln for ln in out["lines"] if ln["id"] == "facility")
    assert (
        Decimal(fac["range"]["patient"]["low"])
        <= Decimal(fac["patient"])
        <= Decimal(fac["range"]["patient"]["high"])
    )
    # a commercial estimate is never one certain figure: every line priced from Medicare has a range
    assert all("range" in ln for ln in out["lines"])


def test_your_negotiated_rate_replaces_the_estimate(tmp_path: Path) -> None:
    p = tmp_path / "rates.yaml"
    p.write_text(
        'table: mine\nsource: "my plan\'s price tool, 2026-02-01"\npayer: commercial\namounts:\n  "63030": {asc: "5200.00"}\n'
    )
    plan = _plan("ppo")
    fac = {ln.id: ln for ln in episode_lines("63030", "asc", plan, tables=[load_price_table(p)])}["facility"]
    assert fac.allowed == Decimal("5200.00") and not fac.is_range
    assert "my plan's price tool" in (fac.price_source or "")


def test_out_of_pocket_maximum_is_shown_as_a_cap_when_reached() -> None:
    plan = _plan("ppo")
    est = estimate(plan, episode_lines("22612", "hospital-outpatient", plan)).to_json()
    cap = est["totals"]["out_of_pocket_max"]
    assert cap == {"limit": "6000.00", "reached": True, "reached_at_high": True}
    assert est["totals"]["patient_total"] == "6000.00"
    assert "is reached" in (summary(est)["cap"] or "")
    text = runner.invoke(
        app, ["estimate", "--plan", "ppo", "--procedure", "22612", "--setting", "hospital-outpatient"]
    )
    flat = " ".join(text.stdout.split())
    assert "out-of-pocket maximum ($6000.00) is reached" in flat
    assert "deductible_met" not in flat and "deductible met $2000.00" in flat


def test_repeated_therapy_lines_group_into_one_row() -> None:
    plan = _plan("ppo")
    est = estimate(plan, episode_lines("22612", "inpatient", plan)).to_json()
    rows = grouped_lines(est["lines"])
    pt = next(r for r in rows if r["id"] == "pt1")
    assert pt["count"] == 12 and pt["ids"] == [f"pt{i}" for i in range(1, 13)]
    assert pt["label"] == "physical therapy after surgery"
    assert Decimal(pt["allowed"]) == 12 * Decimal(pt["each"])
    assert "physical therapy after surgery × 12" in summary(est)["included"]


def test_compare_plans_refuses_to_rank_totals_incomplete_in_different_ways(tmp_path: Path) -> None:
    p = tmp_path / "rates.yaml"
    # the PPO's own rate for the inpatient stay; Original Medicare still has no DRG weight for it
    p.write_text(
        'table: mine\nsource: "my plan\'s price tool"\npayer: commercial\namounts:\n  "22612": {ipps: "90000.00"}\n'
    )
    args = ["compare-plans", "--plan", "ppo", "--plan", "original-medicare", "--pathway", "fusion-year", "--prices", str(p)]  # fmt: skip
    out = _json(*args)
    assert out["ranked"] is None
    assert "incomplete in different ways" in out["not_ranked_because"]
    by = {x["plan"]: x for x in out["plans"]}
    stay = "hospital fee (inpatient: the stay, by MS-DRG) (22612)"
    assert stay in by["Original Medicare 2026"]["missing"]
    assert stay not in by["Example PPO 2026"]["missing"]
    text = runner.invoke(app, args)
    flat = " ".join(text.stdout.split())
    assert "Not ranked" in flat and "Original Medicare 2026 leaves out:" in flat


def test_compare_plans_ranks_complete_totals() -> None:
    out = _json("compare-plans", "--plan", "ppo", "--plan", "hmo", "--pathway", "conservative-care-then-esi")
    assert out["not_ranked_because"] is None
    assert out["ranked"] and set(out["ranked"]) == {"Example PPO 2026", "Example HMO 2026"}


def test_medicare_hospital_outpatient_copay_is_capped_at_the_inpatient_deductible() -> None:
    plan = _plan("original-medicare")
    est = estimate(plan, episode_lines("22612", "hospital-outpatient", plan))
    fac = next(r for r in est.lines if r.line.id == "facility")
    # 20% of 18853.26 would be 3770.65; 42 CFR 419.41(c)(4)(i) caps it at the 2026 Part A deductible
    assert fac.patient == Decimal("1736.00")
    assert any("419.41(c)(4)(i)" in n for n in fac.notes)
    # no such cap in a surgery center (42 CFR 416.120(c)(3): 20% after the Part B deductible)
    asc = {ln.id: ln for ln in episode_lines("63030", "asc", plan)}
    assert asc["facility"].opps_copay_cap is False


def test_every_price_fact_in_knowledge_names_its_source_and_confidence() -> None:
    from backcover.knowledge import KNOWLEDGE_DIR
    from backcover.yamlio import load_yaml

    opps = load_yaml(KNOWLEDGE_DIR / "prices" / "opps-addendum-b-2025.yaml")
    assert (
        opps["source"].startswith("CMS OPPS Addendum B, January 2025") and opps["effective"] == "2025-01-01"
    )
    assert "verbatim copy" in opps["confidence"]
    for code, row in opps["codes"].items():
        if row.get("weight"):  # every rate is the weight x the CY2025 conversion factor, to the cent
            assert (Decimal(row["weight"]) * Decimal(opps["conversion_factor"])).quantize(
                Decimal("0.01")
            ) == Decimal(row["rate"]), code
    m = load_yaml(KNOWLEDGE_DIR / "prices" / "facility-2026.yaml")
    facts = [*m["opps"]["conversion_factor"].values(), *m["asc"]["conversion_factor"].values(),
             m["ipps"]["operating_standardized_amount"], m["ipps"]["capital_federal_rate"],
             m["anesthesia"]["conversion_factor"], *m["anesthesia"]["base_units"].values()]  # fmt: skip
    for fact in facts:
        assert fact["source"] and fact["confidence"], fact
    for kind in ("opps", "asc", "ipps"):
        assert m[kind]["method"] and m[kind]["look_up"] and m[kind]["effective"]
    commercial = load_yaml(KNOWLEDGE_DIR / "prices" / "commercial.yaml")["by_kind"]
    for name, spec in commercial.items():
        assert "https://" in spec["source"] and spec["confidence"].startswith("◐"), name
    episodes = load_yaml(KNOWLEDGE_DIR / "episodes.yaml")["families"]
    minutes = [ln["minutes"] for f in episodes.values() for ln in f["lines"] if ln.get("minutes")]
    assert minutes and all(
        x["basis"].startswith("ASSUMPTION") and x["low"] <= x["likely"] <= x["high"] for x in minutes
    )
