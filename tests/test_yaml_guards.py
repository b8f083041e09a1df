"""YAML that would hang, explode or crash is bad input with its line: alias bombs, deep nesting,
non-finite and absurd numbers, impossible types and lone surrogates."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.errors import BadInput
from backcover.yamlio import MAX_DEPTH, load_yaml_text

runner = CliRunner()


def _alias_bomb(key: str = "note") -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) values once expanded, in under 1 KB."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    lines.append(f"{key}: *a8")
    return "\n".join(lines) + "\n"


CASES = [
    pytest.param(_alias_bomb(), "aliases", "line 6", id="alias-bomb"),
    pytest.param(
        "a: " + "[" * 3000 + "]" * 3000, f"more than {MAX_DEPTH} levels", "line 1", id="deep-nesting"
    ),
    pytest.param("coinsurance: .nan\n", "not a finite number", "line 1", id="nan"),
    pytest.param("allowed: .inf\n", "not a finite number", "line 1", id="inf"),
    pytest.param("allowed: !!float 1e400\n", "finite|too large", "line 1", id="float-overflow"),
    pytest.param("oop_met: 12345678901234567890123456789012\n", "too large", "line 1", id="32-digits"),
    pytest.param('note: "\\ud800"\n', "not valid Unicode", "line 1", id="lone-surrogate"),
    pytest.param("kind: !!int 'x'\n", "cannot be read", None, id="impossible-type"),
]


@pytest.mark.parametrize(("text", "problem", "where"), CASES)
@pytest.mark.parametrize("decimals", [False, True], ids=["plain", "decimals"])
def test_dangerous_yaml_is_bad_input_with_its_place(
    text: str, problem: str, where: str | None, decimals: bool
) -> None:
    started = time.monotonic()
    with pytest.raises(BadInput) as info:
        load_yaml_text(text, "input.yaml", decimals=decimals)
    assert time.monotonic() - started < 10
    err = info.value
    assert re.search(problem, err.problem)
    assert err.file == "input.yaml"
    if where is not None:
        assert err.where is not None and err.where.startswith(where)
    assert err.fix


def test_ordinary_aliases_still_work() -> None:
    data = load_yaml_text("base: &b {copay: 40}\nchiropractic: *b\nrate: 0.2\n", "plan.yaml", decimals=True)
    assert data["chiropractic"]["copay"] == 40
    assert str(data["rate"]) == "0.2"


def test_record_show_refuses_an_alias_bomb_log_quickly(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(_alias_bomb(), encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["record", "show", "--record", str(log)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "aliases" in result.output
    assert len(result.output) < 2000
    assert "Traceback" not in result.output


def test_plan_check_refuses_non_finite_coinsurance(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: Test\nkind: commercial\nnetwork_type: ppo\ndeductible: {individual: 1000}\n"
        "oop_max: {individual: 5000}\nbenefits:\n  imaging_advanced: {coinsurance: .nan}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", "check", str(plan)])
    assert result.exit_code == 2
    assert "finite" in result.output
    assert "line 7" in result.output
