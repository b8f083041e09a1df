# ruff: noqa: E501  (claim lines and command lines read best on one line)
"""compare-plans: premiums + out-of-pocket for a year of care, and the worst case, side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.costs import pathway, pathways

runner = CliRunner()

PRICES = """table: my-prices
source: "test figures"
payer: medicare
amounts:
  "62323": {pfs_nonfacility: 300.00}
  "99213": {pfs_nonfacility: 100.00}
"""
YEAR = """title: two injections and three visits
care:
  - {procedure: "62323", setting: office, times: 2}
  - {visit: specialist_visit, code: "99213", times: 3}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    p, y = tmp_path / "prices.yaml", tmp_path / "year.yaml"
    p.write_text(PRICES)
    y.write_text(YEAR)
    return p, y


def test_compare_three_plans_by_hand(files: tuple[Path, Path]) -> None:
    prices, year = files
    res = runner.invoke(
        app,
        ["compare-plans", "--plan", "ppo", "--plan", "hmo", "--plan", "original-medicare", "--year", str(year),
         "--prices", str(prices), "--price-multiple", "2", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["care"] == "two injections and three visits"
    got = {
        p["plan"]: (
            p["premium_annual"],
            p["expected_out_of_pocket"],
            p["expected_total"],
            p["worst_case_total"],
        )
        for p in out["plans"]
    }
    # PPO (x2): injections 600 + 600 to the deductible; 5 visits x $50 copay = 250 -> 1450; premium 12 x 450
    assert got["Example PPO 2026"] == ("5400.00", "1450.00", "6850.00", "11400.00")
    # HMO: 600 deductible; 400 deductible + 20% of 200; 5 x $40 copay -> 1240; worst 4800 + 5000
    assert got["Example HMO 2026"] == ("4800.00", "1240.00", "6040.00", "9800.00")
    # Medicare: 283 + 20% of 17; 60; 3 x 20 + 2 x 20 -> 446.40; no out-of-pocket maximum
    assert got["Original Medicare 2026"] == ("2434.80", "446.40", "2881.20", None)
    assert all(p["complete"] for p in out["plans"])


def test_premium_override_and_text_output(files: tuple[Path, Path]) -> None:
    prices, year = files
    res = runner.invoke(
        app,
        ["compare-plans", "--plan", "ppo", "--plan", "hdhp-hsa", "--year", str(year), "--prices", str(prices),
         "--price-multiple", "2", "--premium", "ppo=500"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "$6000.00" in res.stdout  # 12 x 500
    assert "Example HDHP with HSA 2026" in res.stdout
    assert "worst case" in res.stdout


def test_named_pathways_and_unknown_prices_reported() -> None:
    assert {"conservative-care-then-esi", "fusion-year"} <= set(pathways())
    title, _care = pathway("conservative care then ESI")
    assert "epidural" in title
    res = runner.invoke(app, ["compare-plans", "--plan", "ppo", "--plan", "original-medicare-medigap-g",
                              "--pathway", "fusion year", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for p in out["plans"]:
        assert p["complete"] is False and p["missing_prices"] > 0
    g = next(p for p in out["plans"] if "Medigap" in p["plan"])
    assert g["worst_case_out_of_pocket"] == "283.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--pathway", "fusion yr"], "did you mean 'fusion-year'", id="pathway"),
        pytest.param([], "either --pathway", id="neither"),
        pytest.param(
            ["--pathway", "fusion-year", "--premium", "nosuch=5"], "no plan named", id="premium-plan"
        ),
        pytest.param(["--pathway", "fusion-year", "--premium", "ppo"], "NAME=MONTHLY", id="premium-format"),
    ],
)
def test_compare_bad_input(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["compare-plans", "--plan", "ppo", *args])
    assert res.exit_code == 2
    assert message in res.output


def test_bad_year_file(tmp_path: Path) -> None:
    y = tmp_path / "y.yaml"
    y.write_text("care:\n  - {procedure: '62323', setting: offce}\n")
    res = runner.invoke(app, ["compare-plans", "--plan", "ppo", "--year", str(y)])
    assert res.exit_code == 2
    assert f"{y}, line 2" in res.output and "did you mean 'office'" in res.output
