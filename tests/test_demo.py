"""`backcover demo` (what `make run` showed before the web app): record, check and cost on the sample."""

from __future__ import annotations

from typer.testing import CliRunner

from backcover.cli import app


def test_demo_walks_through_record_check_and_cost() -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Alex Rivera" in out and "self_reported" in out and "ehr" in out
    assert "Decision:" in out and "Prior authorization" in out
    assert "Total you pay" in out
    assert "not legal or medical advice" in out
