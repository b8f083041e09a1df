"""Who pays first: coordination of benefits, worked to the cent (issue 19).

Each health plan prices the lines as if it were alone (CONTRACTS.md section 2); then, line by line,
the next payer pays what it would have paid alone, but not more than what is left to the person (the
NAIC model's standard method), or, under ``cob_method: non_duplication``, that minus what was already
paid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.costs import parse_lines, parse_plan
from backcover.costs._cob import coordinate, parse_injury_coverage
from backcover.errors import BadInput

EMPLOYEE = """
name: Employee PPO
kind: commercial
network_type: ppo
deductible: {individual: 1500}
oop_max: {individual: 6000}
benefits:
  outpatient_physician: {coinsurance: 0.2, deductible_applies: true}
  specialist_visit: {copay: 50, deductible_applies: false}
  imaging_advanced: {coinsurance: 0.2, deductible_applies: true}
"""
SPOUSE = """
name: Spouse's Plan
kind: commercial
network_type: ppo
deductible: {individual: 2500}
oop_max: {individual: 7000}
cob_method: %s
benefits:
  outpatient_physician: {coinsurance: 0.3, deductible_applies: true}
"""
TWO_LINES = """lines:
  - {id: surgery, benefit: outpatient_physician, allowed: 3000}
  - {id: follow_up, benefit: outpatient_physician, allowed: 1000}
"""


def _owed(out: dict[str, Any]) -> list[str]:
    return [ln["patient"] for ln in out["lines"]]


def test_secondary_commercial_plan_after_a_primary_standard_method() -> None:
    """Surgery, $3,000. Employee plan: $1,500 deductible + 20% of $1,500 = $300: you owe $1,800, it
    pays $1,200. The spouse's plan alone: $2,500 deductible + 30% of $500 = $150, so it would pay
    $350; it pays min($350, $1,800) = $350. You owe $1,800 - $350 = $1,450.
    Follow-up, $1,000. Employee plan: 20% = $200 (pays $800). Spouse's plan alone (its deductible was
    credited on the surgery): 30% = $300, would pay $700; pays min($700, $200) = $200. You owe $0.
    Total $1,450; the spouse's plan has credited $2,500 to its deductible and $2,950 to its limit."""
    out = coordinate(
        parse_plan(EMPLOYEE), parse_lines(TWO_LINES), secondary=parse_plan(SPOUSE % "standard")
    ).to_json()
    assert _owed(out) == ["1450.00", "0.00"]
    surgery = out["lines"][0]
    assert [(p["payer"], p["method"], p["pays"], p["you_owe_after"]) for p in surgery["payers"]] == [
        ("Employee PPO", "primary", "1200.00", "1800.00"),
        ("Spouse's Plan", "standard", "350.00", "1450.00"),
    ]
    assert surgery["payers"][1]["would_pay_alone"] == "350.00"
    assert surgery["plan"] == "1550.00"
    assert out["totals"]["patient_total"] == "1450.00"
    assert out["coordination"]["method"] == "standard" and "NAIC" in out["coordination"]["source"]
    assert [p["payer"] for p in out["payer_order"]] == ["Employee PPO", "Spouse's Plan"]
    assert "dependent" in out["payer_order"][1]["basis"]
    assert out["secondary"]["accumulators_after"]["deductible_met"] == "2500.00"
    assert out["secondary"]["accumulators_after"]["oop_met"] == "2950.00"
    # the primary plan's own accumulators are as if it were alone
    assert out["accumulators_after"]["deductible_met"] == "1500.00"


def test_secondary_non_duplication_pays_only_above_the_primary() -> None:
    """Non-duplication: the spouse's plan pays what it would pay alone minus what the primary paid:
    surgery $350 - $1,200 < 0, so $0 (you owe $1,800); follow-up $700 - $800 < 0, $0 (you owe $200)."""
    out = coordinate(
        parse_plan(EMPLOYEE), parse_lines(TWO_LINES), secondary=parse_plan(SPOUSE % "non_duplication")
    ).to_json()
    assert _owed(out) == ["1800.00", "200.00"]
    assert out["lines"][0]["payers"][1]["method"] == "non_duplication"
    assert out["totals"]["patient_total"] == "2000.00"


MEDICARE = "name: Original Medicare\nkind: medicare\nyear: 2026\nmedigap: none\n"
MEDICAID = """
name: State Medicaid
kind: medicaid
network_type: hmo
deductible: {individual: 0}
oop_max: {individual: null}
qmb: %s
benefits:
  outpatient_physician: {copay: 0, deductible_applies: false}
  chiropractic: {covered: false}
"""
DUAL_LINES = """lines:
  - {id: surgeon, benefit: outpatient_physician, allowed: 1500, billed: 2000, participating: false}
  - {id: chiro, benefit: chiropractic, allowed: 45}
"""


def test_medicare_with_medicaid_qmb_owes_no_medicare_cost_sharing() -> None:
    """Surgeon, $1,500 Medicare-approved, does not accept assignment, bills $2,000. Medicare (2026):
    the $283 Part B deductible, then 20% of $1,217 = $243.40: cost sharing $526.40; Medicare pays
    $973.60; the excess charge is min($2,000, 115% x $1,500 = $1,725) - $1,500 = $225.
    Medicaid alone would pay the whole $1,500 (no copay), so it pays min($1,500, $526.40) = $526.40.
    Chiropractic, $45: the deductible is met, 20% = $9.00; Medicare pays $36.00; this Medicaid does
    not cover chiropractic, so it pays $0.
    As a QMB the person owes no Medicare cost sharing and the provider takes the payments as payment
    in full: the $225 excess and the $9.00 are written off. Owed: $0.00.
    Without QMB: $225.00 + $9.00 = $234.00."""
    plan = parse_plan(MEDICARE)
    qmb = coordinate(plan, parse_lines(DUAL_LINES), secondary=parse_plan(MEDICAID % "true")).to_json()
    surgeon, chiro = qmb["lines"]
    assert [(p["payer"], p["pays"]) for p in surgeon["payers"]] == [
        ("Original Medicare", "973.60"),
        ("State Medicaid", "526.40"),
        ("QMB protection", "0.00"),
    ]
    assert surgeon["payers"][2]["written_off"] == "225.00"
    assert chiro["payers"][2]["written_off"] == "9.00"
    assert (surgeon["patient"], surgeon["balance_bill"], chiro["patient"]) == ("0.00", "0.00", "0.00")
    assert qmb["totals"]["patient_total"] == "0.00"
    assert "1396a(n)(3)(B)" in qmb["coordination"]["qmb"]["source"]
    assert "1396a(a)(25)" in qmb["payer_order"][1]["basis"]
    plain = coordinate(plan, parse_lines(DUAL_LINES), secondary=parse_plan(MEDICAID % "false")).to_json()
    assert [(ln["patient"], ln["balance_bill"]) for ln in plain["lines"]] == [
        ("0.00", "225.00"),
        ("9.00", "0.00"),
    ]
    assert plain["totals"]["patient_total"] == "234.00"


def test_qmb_belongs_on_a_medicaid_plan() -> None:
    with pytest.raises(BadInput) as err:
        parse_plan(EMPLOYEE + "qmb: true\n")
    assert "Medicaid" in err.value.message()


WORK_LINES = """lines:
  - {id: mri, benefit: imaging_advanced, allowed: 1200, injury: work}
  - {id: surgeon, benefit: outpatient_physician, allowed: 2000, injury: work}
  - {id: visit, benefit: specialist_visit, allowed: 180}
"""


def test_work_injury_is_billed_to_workers_compensation_first() -> None:
    """The MRI ($1,200) and the surgeon ($2,000) are for the work injury: workers' compensation
    (accepted claim) pays them in full, $3,200, and you owe $0; the health plan is not billed, so its
    $1,500 deductible is untouched. The unrelated specialist visit goes to the health plan: the $50
    copay. Total you owe: $50.00."""
    wc = parse_injury_coverage({"kind": "workers_comp", "name": "State Fund claim"}, "wc.yaml")
    out = coordinate(parse_plan(EMPLOYEE), parse_lines(WORK_LINES), injury=wc).to_json()
    mri, surgeon, visit = out["lines"]
    assert (mri["patient"], mri["plan"]) == ("0.00", "1200.00")
    assert surgeon["payers"] == [
        {
            "order": 1,
            "payer": "State Fund claim",
            "kind": "workers_comp",
            "method": "primary",
            "would_pay_alone": "2000.00",
            "pays": "2000.00",
            "you_owe_after": "0.00",
        }
    ]
    assert visit["patient"] == "50.00"
    assert out["totals"]["patient_total"] == "50.00"
    assert out["accumulators_after"]["deductible_met"] == "0.00"
    assert out["payer_order"][0]["kind"] == "workers_comp" and out["payer_order"][0]["confidence"]


def test_work_injury_with_a_denied_claim_goes_to_the_health_plan() -> None:
    """Denied: the health plan pays as usual: MRI $1,200 all to the deductible; surgeon $300 of
    deductible then 20% of $1,700 = $340: $640; the visit $50. Total $1,890.00."""
    wc = parse_injury_coverage({"kind": "workers_comp", "claim": "denied"}, "wc.yaml")
    out = coordinate(parse_plan(EMPLOYEE), parse_lines(WORK_LINES), injury=wc).to_json()
    assert _owed(out) == ["1200.00", "640.00", "50.00"]
    assert any("denied" in n for n in out["lines"][0]["notes"])


def test_crash_injury_auto_insurance_pays_first_up_to_its_limit() -> None:
    """Auto PIP: $250 deductible, then 80%, at most $2,500.
    Line 1, $2,000: PIP pays 80% of $1,750 = $1,400; $600 left. The health plan alone would pay
    $2,000 - ($1,500 deductible + 20% of $500) = $400; it pays min($400, $600) = $400. You owe $200.
    Line 2, $1,500: PIP would pay $1,200 but has $1,100 left: $1,100; $400 left. The health plan alone
    pays 80% = $1,200; it pays $400. You owe $0.
    Line 3, $1,000: PIP is used up; the health plan pays its $800; you owe $200. Total $400.00."""
    auto = parse_injury_coverage(
        {"kind": "auto", "name": "Auto PIP", "deductible": 250, "coinsurance": 0.2, "limit": 2500},
        "auto.yaml",
    )
    lines = parse_lines("""lines:
  - {id: er, benefit: outpatient_physician, allowed: 2000, injury: auto}
  - {id: mri, benefit: imaging_advanced, allowed: 1500, injury: auto}
  - {id: surgeon, benefit: outpatient_physician, allowed: 1000, injury: auto}
""")
    out = coordinate(parse_plan(EMPLOYEE), lines, injury=auto).to_json()
    assert _owed(out) == ["200.00", "0.00", "200.00"]
    assert [p["pays"] for p in out["lines"][1]["payers"]] == ["1100.00", "400.00"]
    assert out["totals"]["patient_total"] == "400.00"


def test_bad_injury_coverage_names_the_fix() -> None:
    with pytest.raises(BadInput) as err:
        parse_injury_coverage({"kind": "workers_comp", "limit": 100}, "wc.yaml")
    assert "wc.yaml" in err.value.message() and "fix" in err.value.message()
    with pytest.raises(BadInput):
        parse_injury_coverage({"kind": "car"}, "wc.yaml")


def test_one_payer_is_the_contract_unchanged() -> None:
    from backcover.costs import estimate

    plan, lines = parse_plan(EMPLOYEE), parse_lines(TWO_LINES)
    assert coordinate(plan, lines).to_json() == estimate(plan, lines).to_json()


RETIREE = """
name: Retiree Plan
kind: commercial
network_type: ppo
deductible: {individual: 500}
oop_max: {individual: 4000}
benefits:
  outpatient_physician: {coinsurance: 0.2, deductible_applies: true}
"""


def test_medicare_then_a_retiree_plan() -> None:
    """Surgeon, $1,000 Medicare-approved (2026): the $283 Part B deductible + 20% of $717 = $143.40:
    $426.40 left, Medicare pays $573.60. The retiree plan alone: $500 deductible + 20% of $500 = $100,
    so it would pay $400; it pays min($400, $426.40) = $400. You owe $26.40. Medicare pays first for a
    retiree (42 U.S.C. 1395y(b))."""
    lines = parse_lines("lines:\n  - {id: surgeon, benefit: outpatient_physician, allowed: 1000}\n")
    out = coordinate(parse_plan(MEDICARE), lines, secondary=parse_plan(RETIREE)).to_json()
    ln = out["lines"][0]
    assert [(p["payer"], p["pays"], p["you_owe_after"]) for p in ln["payers"]] == [
        ("Original Medicare", "573.60", "426.40"),
        ("Retiree Plan", "400.00", "26.40"),
    ]
    assert ln["patient"] == "26.40" and out["totals"]["patient_total"] == "26.40"
    assert "1395y(b)" in out["payer_order"][1]["basis"]


def test_cli_secondary_and_injury_coverage(tmp_path: Path) -> None:
    """The CLI gives the same worked numbers: the spouse's plan leaves $1,450.00 of the surgery; with
    workers' compensation, the work-injury lines cost $0 and the visit its $50 copay."""
    (tmp_path / "employee.yaml").write_text(EMPLOYEE)
    (tmp_path / "spouse.yaml").write_text(SPOUSE % "standard")
    (tmp_path / "two.yaml").write_text(TWO_LINES)
    (tmp_path / "work.yaml").write_text(WORK_LINES)
    (tmp_path / "wc.yaml").write_text("kind: workers_comp\nname: State Fund claim\n")
    runner = CliRunner()
    plan = ["estimate", "--plan", str(tmp_path / "employee.yaml")]
    res = runner.invoke(
        app,
        [
            *plan,
            "--lines",
            str(tmp_path / "two.yaml"),
            "--secondary",
            str(tmp_path / "spouse.yaml"),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["totals"]["patient_total"] == "1450.00"
    text = runner.invoke(
        app, [*plan, "--lines", str(tmp_path / "work.yaml"), "--injury-coverage", str(tmp_path / "wc.yaml")]
    )
    assert text.exit_code == 0, text.output
    assert "State Fund claim (primary) pays $1200.00" in text.stdout and "Payer order" in text.stdout
    (tmp_path / "bad.yaml").write_text("kind: workers_comp\nlimit: 5\n")
    bad = runner.invoke(
        app, [*plan, "--lines", str(tmp_path / "work.yaml"), "--injury-coverage", str(tmp_path / "bad.yaml")]
    )
    assert bad.exit_code == 2 and "bad.yaml" in bad.output and "Traceback" not in bad.output
