# ruff: noqa: E501  (claim lines and command lines read best on one line)
"""Episodes and price tables: every procedure family has its usual lines, every line names its price
source, unknown prices are never invented, and a person's own prices flow through the rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.catalog import families
from backcover.cli import app
from backcover.costs import episode_lines, estimate, load_plan, load_price_table, template_path, templates

runner = CliRunner()

PRICES = """table: my-prices
source: "test figures typed in by hand"
payer: medicare
amounts:
  "63030": {pfs_facility: 1000.00, asc: 3000.00}
  "72148": {pfs_nonfacility: 400.00}
  "00630": {anesthesia: 500.00}
  "97110": {pfs_nonfacility: 50.00}
  "22612": {pfs_facility: 2000.00, ipps: 30000.00}
"""


@pytest.fixture
def prices(tmp_path: Path) -> Path:
    p = tmp_path / "prices.yaml"
    p.write_text(PRICES)
    return p


def _plan(name: str):  # type: ignore[no-untyped-def]
    return load_plan(template_path(name))


ALL = [pytest.param(f.code, s, id=f"{f.family}-{s}") for f in families().values() for s in f.settings]


@pytest.mark.parametrize(("code", "setting"), ALL)
def test_every_family_and_setting_has_an_episode_naming_its_sources(code: str, setting: str) -> None:
    plan = _plan("ppo")
    lines = episode_lines(code, setting, plan)
    assert lines
    assert any(line.code == code for line in lines)
    for line in lines:
        assert line.price_source, line.id
        if line.allowed is None:
            # no sourced amount for this code and kind: it says so instead of inventing one
            assert "look it up" in line.price_source
        elif line.price_source.startswith("packaged:"):  # J1: inside the comprehensive APC payment
            assert line.allowed == 0 and "J1" in line.price_source
        else:
            # a built-in amount names its page and is flagged unconfirmed (none is read from CMS itself)
            assert "https://" in line.price_source and "2026" in line.price_source
            assert line.price_confidence and line.price_confidence.startswith("◐")
    roles = {line.role for line in lines}
    if setting == "office":
        assert "facility" not in roles
    elif code not in ("72148", "72131", "72100", "95886", "97110", "98940", "97810", "97124"):
        assert "facility" in roles
    est = estimate(plan, lines)  # every benefit used exists in the template
    missing = [line.id for line in lines if line.allowed is None]
    assert est.missing_prices == missing
    assert est.to_json()["totals"]["complete"] is (not missing)


@pytest.mark.parametrize(
    "code",
    ["63030", "63047", "22612", "22857", "63685"],
    ids=["microdiscectomy", "laminectomy", "fusion", "adr", "scs"],
)
def test_surgery_episodes_have_anesthesia(code: str) -> None:
    proc_settings = [s for f in families().values() if code in f.codes for s in f.settings]
    for setting in proc_settings:
        assert "anesthesia" in {line.role for line in episode_lines(code, setting, _plan("ppo"))}


def test_user_price_table_medicare(prices: Path) -> None:
    plan = _plan("original-medicare")
    lines = episode_lines("63030", "asc", plan, tables=[load_price_table(prices)])
    est = estimate(plan, lines)
    got = {r.line.id: r.patient for r in est.lines}
    # MRI 400: 283 deductible + 20% of 117 = 306.40; then 20% of 1000, 3000, 500 and 6 x 50
    assert got == {
        "preop_mri": Decimal("306.40"),
        "surgeon": Decimal("200.00"),
        "facility": Decimal("600.00"),
        "anesthesia": Decimal("100.00"),
        **{f"pt{i}": Decimal("10.00") for i in range(1, 7)},
    }
    assert est.to_json()["totals"]["patient_total"] == "1266.40"
    assert all("test figures typed in by hand" in (r.line.price_source or "") for r in est.lines)


def test_commercial_price_is_a_stated_multiple_of_medicare(prices: Path) -> None:
    plan = _plan("ppo")
    lines = episode_lines("63030", "asc", plan, tables=[load_price_table(prices)])
    by_id = {line.id: line for line in lines}
    # surgeon fees: professional multiple x 1.22 (HCCI); ASC fee x 1.71 (RAND 5.1); anesthesia x 3.14
    assert by_id["surgeon"].allowed == Decimal("1220.00")
    assert (by_id["surgeon"].allowed_low, by_id["surgeon"].allowed_high) == (
        Decimal("980.00"),
        Decimal("1880.00"),
    )
    assert "x 1.22" in (by_id["surgeon"].price_source or "")
    assert "HCCI" in (by_id["surgeon"].price_source or "")
    assert by_id["facility"].allowed == Decimal("5130.00") and "RAND" in (
        by_id["facility"].price_source or ""
    )
    assert by_id["anesthesia"].allowed == Decimal("1570.00")
    est = estimate(plan, lines)
    # MRI 488 (deductible), surgeon 1220 (deductible), facility 292 + 20% of 4838, anesthesia 20% of 1570, PT 6 x $40
    tot = est.to_json()["totals"]
    assert tot["patient_total"] == "3521.60"
    assert {"low", "high"} <= set(tot["range"])  # a commercial estimate is a range, never one figure
    lines2 = episode_lines(
        "63030", "asc", plan, tables=[load_price_table(prices)], price_multiple=Decimal("2")
    )
    assert estimate(plan, lines2).to_json()["totals"]["patient_total"] == "3800.00"


def test_inpatient_facility_is_part_a_for_medicare(prices: Path) -> None:
    plan = _plan("original-medicare")
    lines = episode_lines("22612", "inpatient", plan, tables=[load_price_table(prices)])
    fac = next(line for line in lines if line.role == "facility")
    assert fac.medicare_part == "A" and fac.benefit == "inpatient_facility"
    est = estimate(plan, lines)
    assert next(r for r in est.lines if r.line.id == "facility").patient == Decimal("1736.00")


def test_cli_estimate_63030_asc_every_line_names_its_price_source() -> None:
    res = runner.invoke(
        app, ["estimate", "--plan", "ppo", "--procedure", "63030", "--setting", "asc", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["procedure"]["code"] == "63030" and out["setting"] == "asc"
    ids = [line["id"] for line in out["lines"]]
    assert {"surgeon", "facility", "anesthesia", "preop_mri"} <= set(ids)
    for line in out["lines"]:
        assert line["price_source"]
        assert "2026" in line["price_source"]
    by_id = {line["id"]: line for line in out["lines"]}
    # the surgeon, the facility and the anesthesia are all priced, each with its source and method
    assert "mirahealth.care/reference/cpt/63030" in by_id["surgeon"]["price_source"]
    assert "HCCI" in by_id["surgeon"]["price_source"]
    assert "Addendum B, January 2025" in by_id["facility"]["price_source"]
    assert (
        "56.322" in by_id["facility"]["price_source"]
        and "not from ASC Addendum AA" in by_id["facility"]["price_source"]
    )
    assert (
        "base units" in by_id["anesthesia"]["price_source"]
        and "20.4976" in by_id["anesthesia"]["price_source"]
    )
    assert "ASSUMPTION" in by_id["anesthesia"]["price_source"]
    for lid in ("surgeon", "facility", "anesthesia"):
        assert by_id[lid]["price_known"] and "estimate" in by_id[lid]["price_source"], lid
        rng = by_id[lid]["range"]
        assert Decimal(rng["low"]) < Decimal(by_id[lid]["allowed"]) < Decimal(rng["high"]), lid
    tot = out["totals"]
    assert tot["complete"] is True
    assert Decimal(tot["range"]["low"]) < Decimal(tot["patient_total"]) < Decimal(tot["range"]["high"])
    text = runner.invoke(app, ["estimate", "--plan", "ppo", "--procedure", "63030", "--setting", "asc"])
    assert text.exit_code == 0
    assert "price not known" not in text.stdout
    flat = " ".join(text.stdout.split())
    assert f"between ${tot['range']['low']} and ${tot['range']['high']}" in flat


def test_cli_price_option_fills_lines_by_id_and_code() -> None:
    args = ["estimate", "--plan", "ppo", "--procedure", "62323", "--setting", "office", "--format", "json"]
    res = runner.invoke(app, [*args, "--price", "injection=600", "--price", "99213=150"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    # injection: 600 to the deductible; follow-up visit: $50 copay
    assert [(line["id"], line["patient"]) for line in out["lines"]] == [
        ("injection", "600.00"),
        ("follow_up", "50.00"),
    ]
    assert out["totals"]["complete"] is True
    bad = runner.invoke(app, [*args, "--price", "nosuch=1"])
    assert bad.exit_code == 2 and "injection" in bad.output


def test_cli_estimate_with_prices_file(prices: Path) -> None:
    res = runner.invoke(
        app,
        [
            "estimate",
            "--plan",
            "original-medicare",
            "--procedure",
            "63030",
            "--setting",
            "asc",
            "--prices",
            str(prices),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["totals"]["patient_total"] == "1266.40"


def test_price_table_without_source_is_bad_input(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text('payer: medicare\namounts: {"63030": {asc: 1}}\n')
    res = runner.invoke(app, ["estimate", "--plan", "ppo", "--procedure", "63030", "--prices", str(p)])
    assert res.exit_code == 2 and "source" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--procedure", "99999"], "unknown procedure code", id="unknown-code"),
        pytest.param(
            ["--procedure", "63030", "--setting", "office"], "valid settings for 63030", id="wrong-setting"
        ),
        pytest.param([], "nothing to estimate", id="nothing"),
        pytest.param(["--procedure", "63030", "--format", "xml"], "unknown format", id="format"),
    ],
)
def test_cli_estimate_bad_arguments(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["estimate", "--plan", "ppo", *args])
    assert res.exit_code == 2
    assert message in res.output


def test_cli_estimate_unknown_plan_suggests_template() -> None:
    res = runner.invoke(app, ["estimate", "--plan", "ppo2", "--procedure", "63030"])
    assert res.exit_code == 2 and "did you mean 'ppo'" in res.output


@pytest.mark.parametrize(
    "template",
    [pytest.param(t, id=t) for t in templates()],
)
def test_every_template_prices_every_episode_without_missing_benefits(template: str) -> None:
    plan = _plan(template)
    for f in families().values():
        for s in f.settings:
            est = estimate(plan, episode_lines(f.code, s, plan))
            assert est.lines


def test_unknown_facility_network_is_reported_unprotected() -> None:
    from backcover.costs import parse_lines

    plan = _plan("ppo")
    ls = parse_lines(
        "lines:\n  - {id: s, benefit: outpatient_physician, role: surgeon, allowed: 100, billed: 300, network: out, setting: asc}\n",
        "l.yaml",
    )
    est = estimate(plan, ls)
    why = {n["id"]: n["why"] for n in est.guidance["no_surprises_act"]["not_protected"]}
    assert "not known to be in network" in why["s"]
    assert est.to_json()["lines"][0]["balance_bill"] == "200.00"
