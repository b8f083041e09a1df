"""Plan files: templates, `plan new`, and bad plan input (exit 2 with the field, the line and a fix)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.costs import load_plan, parse_plan, template_path, template_text, templates
from backcover.errors import BadInput

runner = CliRunner()

GOOD = """name: My plan
kind: commercial
network_type: ppo
deductible: {individual: 2000, family: 4000, embedded: true}
oop_max: {individual: 6000}
benefits:
  outpatient_physician: {coinsurance: 0.2, deductible_applies: true}
  specialist_visit: {copay: 50, deductible_applies: false}
"""

BAD = [
    pytest.param(
        GOOD.replace("coinsurance: 0.2", "coinsurance: 20"),
        "line 7",
        "benefits.outpatient_physician.coinsurance is 20",
        "write 0.2 for 20%",
        id="coinsurance-20-not-0.2",
    ),
    pytest.param(
        GOOD.replace("copay: 50", "copay: -50"),
        "line 8",
        "benefits.specialist_visit.copay is negative",
        "zero or more",
        id="negative-amount",
    ),
    pytest.param(
        GOOD.replace("deductible: {individual: 2000, family: 4000, embedded: true}\n", ""),
        "line 1",
        "the plan has no deductible",
        "add `deductible: {individual: AMOUNT}`",
        id="missing-deductible",
    ),
    pytest.param(
        GOOD.replace("specialist_visit:", "specialist_vist:"),
        "line 8",
        "unknown benefit category 'specialist_vist'",
        "did you mean 'specialist_visit'",
        id="unknown-benefit-category",
    ),
    pytest.param(
        GOOD.replace("oop_max: {individual: 6000}", "oop_max: {individual: 6000"),
        "line 6",  # the parser notices on the next line
        "not valid YAML",
        "indentation",
        id="unparseable-yaml",
    ),
    pytest.param(
        GOOD.replace("network_type: ppo", "netwrok_type: ppo"),
        "line 3",
        "unknown field 'netwrok_type'",
        "did you mean 'network_type'",
        id="misspelt-field",
    ),
    pytest.param(
        GOOD.replace("kind: commercial", "kind: comercial"),
        "line 2",
        "unknown plan kind 'comercial'",
        "did you mean 'commercial'",
        id="unknown-kind",
    ),
    pytest.param(
        GOOD.replace("deductible: {individual: 2000,", "deductible: {individual: two thousand,"),
        "line 4",
        "deductible.individual must be an amount",
        "write a number",
        id="amount-not-a-number",
    ),
    pytest.param(
        "name: OM\nkind: medicare\ndeductible: {individual: 283}\n",
        "line 3",
        "Original Medicare has no deductible field",
        "remove `deductible:`",
        id="medicare-with-deductible",
    ),
    pytest.param(
        "name: OM\nkind: medicare\nmedigap: F\n",
        "line 3",
        "unknown medigap plan 'F'",
        "valid: G, N, none",
        id="medigap-not-g-or-n",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem", "fix"), BAD)
def test_bad_plan_names_field_line_and_fix(text: str, line: str, problem: str, fix: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_plan(text, "plan.yaml")
    err = e.value
    assert err.file == "plan.yaml"
    assert err.where is not None and err.where.startswith(line)
    assert problem in err.problem
    assert fix in err.fix


@pytest.mark.parametrize(("text", "line", "problem", "fix"), BAD)
def test_bad_plan_exit_2_from_estimate(tmp_path: Path, text: str, line: str, problem: str, fix: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text)
    lines = tmp_path / "lines.yaml"
    lines.write_text("lines:\n  - {id: a, benefit: outpatient_physician, allowed: 100}\n")
    res = runner.invoke(app, ["estimate", "--plan", str(plan), "--lines", str(lines)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert f"{plan}, {line}" in res.output
    assert problem in res.output
    assert "fix:" in res.output


def test_plan_check_accepts_good_and_refuses_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert runner.invoke(app, ["plan", "check", str(good)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("coinsurance: 0.2", "coinsurance: 20"))
    res = runner.invoke(app, ["plan", "check", str(bad)])
    assert res.exit_code == 2 and "write 0.2 for 20%" in res.output


EXPECTED_TEMPLATES = {
    "original-medicare",
    "original-medicare-medigap-g",
    "original-medicare-medigap-n",
    "medicare-advantage-hmo",
    "hdhp-hsa",
    "ppo",
    "hmo",
    "marketplace-bronze",
    "marketplace-silver",
    "marketplace-gold",
    "medicaid",
    "uninsured",
}


def test_every_required_template_exists_and_parses() -> None:
    assert set(templates()) >= EXPECTED_TEMPLATES
    for name in templates():
        plan = load_plan(template_path(name))
        assert plan.warnings == (), name
        # illustrative plans say so; Original Medicare uses the program's real amounts
        assert plan.example is (plan.kind not in ("medicare", "uninsured")), name


def test_templates_carry_real_program_amounts() -> None:
    om = load_plan(template_path("original-medicare"))
    assert om.medicare is not None
    assert (om.medicare.part_b_deductible, om.medicare.part_a_deductible) == (283, 1736)
    g = load_plan(template_path("original-medicare-medigap-g"))
    n = load_plan(template_path("original-medicare-medigap-n"))
    assert (g.medigap, n.medigap) == ("G", "N")
    hdhp = load_plan(template_path("hdhp-hsa"))
    # 2026 IRS limits (Rev. Proc. 2025-19): minimum deductible 1,700 / 3,400, maximum OOP 8,500 / 17,000
    assert (hdhp.deductible.individual, hdhp.deductible.family) == (1700, 3400)
    assert (hdhp.oop_max.individual, hdhp.oop_max.family) == (8500, 17000)
    assert hdhp.hsa is not None
    hmo = load_plan(template_path("hmo"))
    assert hmo.out_of_network.covered is False and hmo.referrals_required
    for metal in ("bronze", "silver", "gold"):
        p = load_plan(template_path(f"marketplace-{metal}"))
        assert p.kind == "marketplace"
        assert p.oop_max.individual is not None and p.oop_max.individual <= 10600  # ACA 2026 limit
    assert "EXAMPLE" in template_text("ppo")


def test_hdhp_below_irs_minimum_warns() -> None:
    text = template_text("hdhp-hsa").replace("individual: 1700", "individual: 1000")
    plan = parse_plan(text, "hdhp.yaml")
    assert any("minimum deductible is $1700" in w for w in plan.warnings)


def test_plan_new_writes_template_private_and_will_not_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    res = runner.invoke(app, ["plan", "new", "--template", "hdhp-hsa", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text() == template_text("hdhp-hsa")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    load_plan(out)
    again = runner.invoke(app, ["plan", "new", "--template", "ppo", "--output", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert out.read_text() == template_text("hdhp-hsa")


def test_plan_new_unknown_template_suggests() -> None:
    res = runner.invoke(app, ["plan", "new", "--template", "hdhp"])
    assert res.exit_code == 2
    assert "hdhp-hsa" in res.output


def test_plan_templates_lists_them() -> None:
    res = runner.invoke(app, ["plan", "templates"])
    assert res.exit_code == 0
    for name in EXPECTED_TEMPLATES:
        assert name in res.output


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        pytest.param(
            "{id: a, benefit: outpatient_physican, allowed: 100}",
            "did you mean 'outpatient_physician'",
            id="benefit",
        ),
        pytest.param(
            "{id: a, benefit: anesthesia, role: anesthesiolgy, allowed: 100}", "unknown role", id="role"
        ),
        pytest.param("{id: a, benefit: anesthesia, allowed: -100}", "negative", id="negative"),
        pytest.param("{id: a, benefit: anesthesia}", "has no price", id="no-price"),
        pytest.param(
            "{id: a, benefit: anesthesia, allowed: 100, network: oon}",
            "unknown line 'a' network",
            id="network",
        ),
    ],
)
def test_bad_lines_exit_2(tmp_path: Path, line: str, problem: str) -> None:
    lines = tmp_path / "lines.yaml"
    lines.write_text(f"lines:\n  - {line}\n")
    res = runner.invoke(app, ["estimate", "--plan", "ppo", "--lines", str(lines)])
    assert res.exit_code == 2, res.output
    assert f"{lines}, line 2" in res.output
    assert problem in res.output


def test_impossible_date_in_a_plan_names_the_line() -> None:
    text = (
        template_text("ppo")
        + "supplemental:\n"
        + "  - {kind: accident, waiting_period_days: 30, effective: 2026-02-30, pays: {er_visit: 100}}\n"
    )
    with pytest.raises(BadInput) as exc:
        parse_plan(text, "plan.yaml")
    assert "not a real calendar date" in exc.value.problem
    assert exc.value.where is not None and exc.value.where.startswith("line ")
