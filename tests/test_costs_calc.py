# ruff: noqa: E501  (tables of claim lines read best one line per case)
"""Table-driven tests of CONTRACTS.md section 2's line rules, each amount computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcover.costs import estimate, load_plan, parse_lines, parse_plan
from backcover.errors import BadInput

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SILVER = """
name: Test Silver PPO
kind: {kind}
network_type: {network_type}
deductible: {{individual: 2000, family: 4000, embedded: {embedded}}}
oop_max: {{individual: 6000, family: 12000}}
{oon}
benefits:
  specialist_visit:     {{copay: 50, deductible_applies: false}}
  imaging_advanced:     {{coinsurance: 0.2, deductible_applies: true}}
  outpatient_facility:  {{coinsurance: 0.2, deductible_applies: true}}
  outpatient_physician: {{coinsurance: 0.2, deductible_applies: true}}
  inpatient_physician:  {{copay: 100, coinsurance: 0.2, deductible_applies: true}}
  anesthesia:           {{coinsurance: 0.2, deductible_applies: true}}
  rehabilitation:       {{copay: 40, deductible_applies: false, visit_limit: 30}}
  chiropractic:         {{coinsurance: 0.15, deductible_applies: true}}
  acupuncture:          {{covered: false}}
accumulators: {acc}
"""
PPO_OON = """out_of_network:
  covered: true
  deductible: {individual: 4000}
  oop_max: {individual: 12000}
  coinsurance: 0.4"""


def plan(
    acc: str = "{}",
    *,
    kind: str = "commercial",
    network_type: str = "ppo",
    oon: str = PPO_OON,
    embedded: str = "true",
):  # type: ignore[no-untyped-def]
    return parse_plan(
        SILVER.format(acc=acc, kind=kind, network_type=network_type, oon=oon, embedded=embedded),
        "test-plan.yaml",
    )


def medicare(medigap: str = "none", acc: str = "{}"):  # type: ignore[no-untyped-def]
    return parse_plan(
        f"name: OM\nkind: medicare\nyear: 2026\nmedigap: {medigap}\naccumulators: {acc}\n", "om.yaml"
    )


def lines(*items: str):  # type: ignore[no-untyped-def]
    return parse_lines("lines:\n" + "".join(f"  - {i}\n" for i in items), "lines.yaml")


def amounts(est, idx: int) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    j = est.to_json()["lines"][idx]
    return j["patient"], j["plan"], j["balance_bill"]


def test_worked_example_from_shared_examples() -> None:
    ex = SHARED / "examples"
    p = load_plan(ex / "plan-silver-ppo.yaml")
    ls = parse_lines((ex / "lines-microdiscectomy-asc.yaml").read_text(), "lines-microdiscectomy-asc.yaml")
    j = estimate(p, ls).to_json()
    surgeon, anes = j["lines"]
    assert (surgeon["patient"], surgeon["plan"], surgeon["balance_bill"]) == ("1800.00", "0.00", "0.00")
    assert surgeon["nsa_protected"] is False
    assert (anes["patient"], anes["plan"], anes["balance_bill"]) == ("300.00", "400.00", "0.00")
    assert anes["nsa_protected"] is True
    assert {k: j["totals"][k] for k in ("patient", "plan", "balance_bill", "patient_total")} == {
        "patient": "2100.00",
        "plan": "400.00",
        "balance_bill": "0.00",
        "patient_total": "2100.00",
    }
    assert j["accumulators_after"]["deductible_met"] == "2000.00"
    assert j["accumulators_after"]["oop_met"] == "2100.00"


SURG = "{{id: s, benefit: outpatient_physician, role: surgeon, allowed: {a}, network: in}}"


@pytest.mark.parametrize(
    ("acc", "line", "expected", "after"),
    [
        pytest.param(
            "{}",
            SURG.format(a="1800.00"),
            ("1800.00", "0.00", "0.00"),
            ("1800.00", "1800.00"),
            id="all-to-deductible",
        ),
        pytest.param(
            "{deductible_met: 1500, oop_met: 1500}",
            SURG.format(a="1800.00"),
            # 500 deductible + 20% of 1300 = 260 -> 760
            ("760.00", "1040.00", "0.00"),
            ("2000.00", "2260.00"),
            id="deductible-partly-met",
        ),
        pytest.param(
            "{deductible_met: 2000, oop_met: 5900}",
            SURG.format(a="1000.00"),
            # 20% of 1000 = 200, but only 100 left to the 6000 maximum
            ("100.00", "900.00", "0.00"),
            ("2000.00", "6000.00"),
            id="oop-max-reached-mid-line",
        ),
        pytest.param(
            "{deductible_met: 0, oop_met: 5500}",
            SURG.format(a="3000.00"),
            # 2000 deductible + 200 coinsurance = 2200, capped at the 500 left; all of it deductible
            ("500.00", "2500.00", "0.00"),
            ("500.00", "6000.00"),
            id="oop-max-reached-inside-the-deductible",
        ),
        pytest.param(
            "{deductible_met: 2000, oop_met: 6000}",
            SURG.format(a="1000.00"),
            ("0.00", "1000.00", "0.00"),
            ("2000.00", "6000.00"),
            id="oop-max-already-met",
        ),
        pytest.param(
            "{}",
            "{id: v, benefit: specialist_visit, allowed: 180.00}",
            ("50.00", "130.00", "0.00"),
            ("0.00", "50.00"),
            id="copay-no-deductible",
        ),
        pytest.param(
            "{}",
            "{id: v, benefit: specialist_visit, allowed: 30.00}",
            ("30.00", "0.00", "0.00"),
            ("0.00", "30.00"),
            id="copay-larger-than-allowed",
        ),
        pytest.param(
            "{deductible_met: 1950, oop_met: 1950}",
            "{id: i, benefit: inpatient_physician, allowed: 1000.00}",
            # 50 deductible, then the 100 copay, then 20% of 850 = 170 -> 320
            ("320.00", "680.00", "0.00"),
            ("2000.00", "2270.00"),
            id="deductible-then-copay-then-coinsurance",
        ),
        pytest.param(
            "{deductible_met: 2000}",
            "{id: c, benefit: chiropractic, allowed: 100.10}",
            # 15% of 100.10 = 15.015 -> 15.02 (half up, at the end)
            ("15.02", "85.08", "0.00"),
            ("2000.00", "15.02"),
            id="coinsurance-rounds-half-up",
        ),
        pytest.param(
            "{}",
            "{id: a, benefit: acupuncture, allowed: 90.00, billed: 120.00}",
            ("120.00", "0.00", "0.00"),
            ("0.00", "0.00"),
            id="not-covered-billed-counts-toward-nothing",
        ),
        pytest.param(
            "{}",
            "{id: a, benefit: acupuncture, allowed: 90.00}",
            ("90.00", "0.00", "0.00"),
            ("0.00", "0.00"),
            id="not-covered-allowed-when-no-billed",
        ),
    ],
)
def test_in_network_rules(
    acc: str, line: str, expected: tuple[str, str, str], after: tuple[str, str]
) -> None:
    est = estimate(plan(acc), lines(line))
    assert amounts(est, 0) == expected
    a = est.to_json()["accumulators_after"]
    assert (a["deductible_met"], a["oop_met"]) == after


def test_visit_limit_last_covered_then_not() -> None:
    est = estimate(
        plan("{visits_used: {rehabilitation: 29}}"),
        lines(
            "{id: pt30, benefit: rehabilitation, allowed: 120.00}",
            "{id: pt31, benefit: rehabilitation, allowed: 120.00}",
        ),
    )
    assert amounts(est, 0) == ("40.00", "80.00", "0.00")
    assert amounts(est, 1) == ("120.00", "0.00", "0.00")
    j = est.to_json()
    assert j["lines"][1]["covered"] is False
    assert j["accumulators_after"]["visits_used"]["rehabilitation"] == 30
    assert j["accumulators_after"]["oop_met"] == "40.00"


@pytest.mark.parametrize(
    ("embedded", "acc", "allowed", "patient"),
    [
        # embedded: the person's 2000, or what is left of the family's 4000, whichever is less
        pytest.param(
            "true", "{family_deductible_met: 3000}", "1800.00", "1160.00", id="embedded-family-nearly-met"
        ),
        pytest.param("true", "{}", "3000.00", "2200.00", id="embedded-individual-2000"),
        # aggregate: only the family's 4000 counts
        pytest.param("false", "{}", "3000.00", "3000.00", id="aggregate-family-4000"),
        pytest.param(
            "false", "{family_deductible_met: 3000}", "1800.00", "1160.00", id="aggregate-family-nearly-met"
        ),
        pytest.param(
            "true",
            "{deductible_met: 2000, family_deductible_met: 4000, family_oop_met: 11900}",
            "1000.00",
            "100.00",
            id="family-oop-max-caps-the-line",
        ),
    ],
)
def test_family_deductible(embedded: str, acc: str, allowed: str, patient: str) -> None:
    est = estimate(plan(acc, embedded=embedded), lines(SURG.format(a=allowed)))
    assert amounts(est, 0)[0] == patient


ANES_OON = "{{id: anes, benefit: anesthesia, role: anesthesia, allowed: 700.00, billed: 2600.00, network: out, facility_network: in, setting: asc, consent_signed: {c}}}"
SURG_OON = "{{id: surg, benefit: outpatient_physician, role: surgeon, allowed: 1800.00, billed: 5200.00, network: out, facility_network: {f}, setting: {s}, consent_signed: {c}}}"


def test_oon_anesthesiologist_protected_next_to_oon_surgeon_with_signed_consent() -> None:
    est = estimate(plan(), lines(ANES_OON.format(c="false"), SURG_OON.format(f="in", s="asc", c="true")))
    j = est.to_json()
    # anesthesia: in-network deductible takes all 700
    assert amounts(est, 0) == ("700.00", "0.00", "0.00")
    assert j["lines"][0]["nsa_protected"] is True
    # surgeon: out-of-network deductible (4000) takes all 1800; balance bill 5200 - 1800
    assert amounts(est, 1) == ("1800.00", "0.00", "3400.00")
    assert j["lines"][1]["nsa_protected"] is False
    assert j["totals"]["patient"] == "2500.00"
    assert j["totals"]["patient_total"] == "5900.00"
    a = j["accumulators_after"]
    assert (a["deductible_met"], a["oop_met"], a["oon_deductible_met"], a["oon_oop_met"]) == (
        "700.00",
        "700.00",
        "1800.00",
        "1800.00",
    )
    assert [n["id"] for n in j["guidance"]["no_surprises_act"]["not_protected"]] == ["surg"]


@pytest.mark.parametrize(
    ("line", "acc", "expected", "protected"),
    [
        pytest.param(
            ANES_OON.format(c="true"),
            "{}",
            ("700.00", "0.00", "0.00"),
            True,
            id="anesthesia-consent-cannot-waive",
        ),
        pytest.param(
            SURG_OON.format(f="in", s="asc", c="false"),
            "{}",
            ("1800.00", "0.00", "0.00"),
            True,
            id="surgeon-no-consent",
        ),
        pytest.param(
            SURG_OON.format(f="in", s="office", c="false"),
            "{}",
            ("1800.00", "0.00", "3400.00"),
            False,
            id="office-not-covered-by-nsa",
        ),
        pytest.param(
            SURG_OON.format(f="unknown", s="asc", c="false"),
            "{}",
            ("1800.00", "0.00", "3400.00"),
            False,
            id="facility-network-unknown",
        ),
        pytest.param(
            "{id: er, benefit: outpatient_physician, allowed: 1000.00, billed: 3000.00, network: out, emergency: true}",
            "{deductible_met: 2000}",
            ("200.00", "800.00", "0.00"),
            True,
            id="emergency-anywhere",
        ),
        pytest.param(
            "{id: anes, benefit: anesthesia, role: anesthesia, allowed: 700.00, recognized_amount: 500.00, billed: 2600.00, network: out, facility_network: in, setting: hospital-outpatient}",
            "{deductible_met: 2000}",
            # cost sharing on the recognized amount: 20% of 500
            ("100.00", "600.00", "0.00"),
            True,
            id="recognized-amount",
        ),
        pytest.param(
            "{id: s, benefit: outpatient_physician, allowed: 1000.00, billed: 2500.00, network: out, setting: office}",
            "{oon_deductible_met: 4000, oon_oop_met: 11900}",
            # 40% of 1000 = 400, only 100 left to the 12000 out-of-network limit; balance 1500 counts toward nothing
            ("100.00", "900.00", "1500.00"),
            False,
            id="oon-limit-mid-line",
        ),
        pytest.param(
            "{id: s, benefit: outpatient_physician, allowed: 1000.00, billed: 2500.00, network: out, setting: office}",
            "{oon_deductible_met: 3500}",
            # 500 OON deductible + 40% of 500 = 700
            ("700.00", "300.00", "1500.00"),
            False,
            id="oon-deductible-partly-met",
        ),
    ],
)
def test_out_of_network_and_nsa(line: str, acc: str, expected: tuple[str, str, str], protected: bool) -> None:
    est = estimate(plan(acc), lines(line))
    assert amounts(est, 0) == expected
    assert est.to_json()["lines"][0]["nsa_protected"] is protected


@pytest.mark.parametrize(
    ("kind", "line", "expected", "protected"),
    [
        pytest.param(
            "commercial",
            SURG_OON.format(f="in", s="office", c="false"),
            ("5200.00", "0.00", "0.00"),
            False,
            id="hmo-oon-pays-whole-bill",
        ),
        pytest.param(
            "commercial",
            ANES_OON.format(c="false"),
            ("700.00", "0.00", "0.00"),
            True,
            id="hmo-nsa-still-protects",
        ),
        pytest.param(
            "medicare-advantage",
            ANES_OON.format(c="false"),
            ("2600.00", "0.00", "0.00"),
            False,
            id="ma-no-nsa-rule-4",
        ),
    ],
)
def test_hmo_out_of_network(kind: str, line: str, expected: tuple[str, str, str], protected: bool) -> None:
    est = estimate(plan(kind=kind, network_type="hmo", oon="out_of_network: {covered: false}"), lines(line))
    assert amounts(est, 0) == expected
    assert est.to_json()["lines"][0]["nsa_protected"] is protected


@pytest.mark.parametrize(
    ("medigap", "acc", "line", "expected", "medigap_pays"),
    [
        pytest.param("none", "{}", "{id: x, benefit: outpatient_physician, allowed: 1000.00}",
                     # 283 deductible + 20% of 717 = 143.40
                     ("426.40", "573.60", "0.00"), None, id="part-b-deductible-and-20pct"),
        pytest.param("none", "{part_b_deductible_met: 200}", "{id: x, benefit: outpatient_physician, allowed: 1000.00}",
                     # 83 + 20% of 917 = 183.40
                     ("266.40", "733.60", "0.00"), None, id="part-b-deductible-partly-met"),
        pytest.param("none", "{part_b_deductible_met: 283}",
                     "{id: x, benefit: outpatient_physician, allowed: 95.00, billed: 150.00, participating: false}",
                     # 20% of 95 = 19; limiting charge 109.25; excess 14.25
                     ("19.00", "76.00", "14.25"), None, id="limiting-charge-caps-the-bill"),
        pytest.param("none", "{part_b_deductible_met: 283}",
                     "{id: x, benefit: outpatient_physician, allowed: 95.00, billed: 100.00, participating: false}",
                     ("19.00", "76.00", "5.00"), None, id="billed-under-limiting-charge"),
        pytest.param("none", "{}", "{id: h, benefit: inpatient_facility, allowed: 15000.00, medicare_part: A}",
                     ("1736.00", "13264.00", "0.00"), None, id="part-a-deductible"),
        pytest.param("G", "{}",
                     "{id: x, benefit: outpatient_physician, allowed: 1000.00, billed: 2000.00, participating: false}",
                     # G: you pay the 283 deductible only; Medigap pays 143.40 + the 150 excess
                     ("283.00", "867.00", "0.00"), "293.40", id="medigap-g-pays-excess"),
        pytest.param("G", "{}", "{id: h, benefit: inpatient_facility, allowed: 15000.00, medicare_part: A}",
                     ("0.00", "15000.00", "0.00"), "1736.00", id="medigap-g-part-a"),
        pytest.param("N", "{part_b_deductible_met: 283}", "{id: v, benefit: specialist_visit, allowed: 150.00}",
                     # 20% = 30; N leaves $20 of an office visit
                     ("20.00", "130.00", "0.00"), "10.00", id="medigap-n-office-20"),
        pytest.param("N", "{part_b_deductible_met: 283}",
                     "{id: v, benefit: specialist_visit, allowed: 100.00, billed: 130.00, participating: false}",
                     # 20% = 20, all left to you; excess min(130, 115) - 100 = 15, not paid by N
                     ("20.00", "80.00", "15.00"), "0.00", id="medigap-n-excess-not-paid"),
        pytest.param("N", "{part_b_deductible_met: 283}", "{id: x, benefit: outpatient_physician, allowed: 1000.00}",
                     ("0.00", "1000.00", "0.00"), "200.00", id="medigap-n-non-office"),
    ],
)  # fmt: skip
def test_original_medicare(
    medigap: str, acc: str, line: str, expected: tuple[str, str, str], medigap_pays: str | None
) -> None:
    est = estimate(medicare(medigap, acc), lines(line))
    assert amounts(est, 0) == expected
    assert est.to_json()["lines"][0].get("medigap_pays") == medigap_pays


def test_medicare_accumulators_and_named_amounts() -> None:
    est = estimate(
        medicare(),
        lines(
            "{id: a, benefit: specialist_visit, allowed: 200.00}",
            "{id: b, benefit: imaging_advanced, allowed: 400.00}",
        ),
    )
    j = est.to_json()
    # a: 200 to the deductible; b: 83 + 20% of 317 = 63.40
    assert [line["patient"] for line in j["lines"]] == ["200.00", "146.40"]
    assert j["accumulators_after"] == {
        "part_b_deductible_met": "283.00",
        "part_a_deductible_met": "0.00",
        "visits_used": {},
    }
    assert any("$283" in n and "$1736" in n for n in j["notes"])


def test_lines_applied_in_order_deductible_carries_over() -> None:
    est = estimate(
        plan(), lines(SURG.format(a="1500.00"), "{id: mri, benefit: imaging_advanced, allowed: 1000.00}")
    )
    # surgeon: 1500 deductible; mri: 500 deductible + 20% of 500 = 600
    assert [r.patient for r in est.lines] == [1500, 600]


def test_line_with_benefit_missing_from_plan_is_bad_input() -> None:
    with pytest.raises(BadInput) as e:
        estimate(plan(), lines("{id: er, benefit: emergency_room, allowed: 900}"))
    assert "emergency_room" in e.value.problem
    assert "benefits" in e.value.fix


def test_cli_worked_example_json_and_plan_file_lines(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from backcover.cli import app

    ex = SHARED / "examples"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "estimate",
            "--plan",
            str(ex / "plan-silver-ppo.yaml"),
            "--lines",
            str(ex / "lines-microdiscectomy-asc.yaml"),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [
        (x["id"], x["patient"], x["plan"], x["balance_bill"], x["nsa_protected"]) for x in out["lines"]
    ] == [
        ("surgeon", "1800.00", "0.00", "0.00", False),
        ("anes", "300.00", "400.00", "0.00", True),
    ]
    assert out["totals"]["patient_total"] == "2100.00"
    # a plan file may carry its own `lines:`: they are used when neither --lines nor --procedure is given
    both = tmp_path / "plan-with-lines.yaml"
    both.write_text(
        (ex / "plan-silver-ppo.yaml").read_text() + (ex / "lines-microdiscectomy-asc.yaml").read_text()
    )
    res2 = runner.invoke(app, ["estimate", "--plan", str(both), "--format", "json"])
    assert res2.exit_code == 0, res2.output
    assert json.loads(res2.stdout)["totals"] == out["totals"]
