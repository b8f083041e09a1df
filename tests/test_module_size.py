"""No module of the package grows past 400 lines (Alembic migrations aside): split it by theme instead."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backcover"
LIMIT = 400


def test_no_module_is_over_the_limit() -> None:
    over = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert over == {}, f"modules over {LIMIT} lines: {over}"
