"""Running `backcover prices import` in tests, and writing small synthetic price files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from backcover.cli import app

runner = CliRunner()

ATTESTATION = (
    '"To the best of its knowledge and belief, this hospital has included all applicable standard charge '
    'information in accordance with the requirements of 45 CFR 180.50."'
)


def prices(*args: str | Path, code: int = 0) -> dict[str, Any]:
    """`prices import ARGS --format json`: the JSON document, after checking the exit code."""
    result = runner.invoke(app, ["prices", "import", *map(str, args), "--format", "json"])
    assert result.exit_code == code, result.output
    return orjson.loads(result.stdout) if code == 0 else {"error": result.output}


def fails(*args: str | Path) -> str:
    """`prices import ARGS`, which must exit 2; its message."""
    result = runner.invoke(app, ["prices", "import", *map(str, args), "--format", "json"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def pick(doc: dict[str, Any], **want: Any) -> list[dict[str, Any]]:
    """The rates whose fields equal every one given."""
    return [r for r in doc["rates"] if all(r.get(k) == v for k, v in want.items())]


def one(doc: dict[str, Any], **want: Any) -> dict[str, Any]:
    found = pick(doc, **want)
    assert len(found) == 1, (want, found)
    return found[0]


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p
