"""docs/cli.md is generated from the commands; it must match them."""

from __future__ import annotations

from backcover.cli.reference import reference_markdown
from tests.conftest import REPO


def test_cli_reference_is_current() -> None:
    current = (REPO / "docs" / "cli.md").read_text()
    assert current == reference_markdown(), (
        "regenerate: .venv/bin/python -m backcover.cli.reference > docs/cli.md"
    )


def test_reference_lists_every_contract_command() -> None:
    text = reference_markdown()
    for cmd in ("backcover record show", "backcover check", "backcover estimate", "backcover deadlines"):
        assert f"## `{cmd}`" in text
