"""`backcover deadlines` exactly as CONTRACTS.md section 3, with the two worked examples."""

from __future__ import annotations

import orjson
import pytest
from typer.testing import CliRunner

from backcover.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "level", "file_by"),
    [
        pytest.param(
            ["--plan-kind", "marketplace", "--notice-date", "2026-06-15"],
            "internal_appeal",
            "2026-12-12",
            id="marketplace",
        ),
        pytest.param(
            ["--plan-kind", "medicare", "--notice-date", "2026-06-15"],
            "redetermination",
            "2026-10-18",
            id="medicare",
        ),
        pytest.param(
            ["--plan-kind", "medicare", "--notice-date", "2026-06-15", "--received-date", "2026-06-16"],
            "redetermination",
            "2026-10-14",
            id="medicare-received",
        ),
        pytest.param(
            ["--plan-kind", "erisa", "--notice-date", "2026-06-15"],
            "internal_appeal",
            "2026-12-12",
            id="erisa",
        ),
    ],
)
def test_deadlines_json(args: list[str], level: str, file_by: str) -> None:
    result = runner.invoke(app, ["deadlines", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    first = data["levels"][0]
    assert (first["level"], first["file_by"]) == (level, file_by)
    assert set(first) >= {"level", "file_by", "decision_within", "rule"}
    assert all(lv["file_by"] is None for lv in data["levels"][1:])


def test_urgent_pre_service_json() -> None:
    result = runner.invoke(
        app,
        [
            "deadlines",
            "--plan-kind",
            "commercial",
            "--notice-date",
            "2026-06-15",
            "--urgent",
            "--service",
            "pre",
            "--format",
            "json",
        ],
    )
    assert orjson.loads(result.stdout)["levels"][0]["decision_within"] == "PT72H"


def test_deadlines_text_names_the_weekend() -> None:
    result = runner.invoke(app, ["deadlines", "--plan-kind", "marketplace", "--notice-date", "2026-06-15"])
    assert result.exit_code == 0
    assert "file by 2026-12-12" in result.output and "Saturday" in result.output
    assert "decision within 60 days" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--plan-kind", "medicare", "--notice-date", "2026-02-30"], "not a real calendar date", id="date"
        ),
        pytest.param(
            ["--plan-kind", "tricare", "--notice-date", "2026-06-15"], "unknown plan kind", id="kind"
        ),
        pytest.param(
            ["--plan-kind", "medicare", "--notice-date", "2026-06-15", "--received-date", "2026-06-01"],
            "before",
            id="recv",
        ),
    ],
)
def test_bad_input_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["deadlines", *args])
    assert result.exit_code == 2
    assert message in result.output
