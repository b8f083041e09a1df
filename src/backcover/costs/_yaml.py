"""YAML for money: :mod:`backcover.yamlio` with numbers read as ``Decimal`` from their text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backcover.yamlio import load_yaml, load_yaml_text

__all__ = ["load_money_yaml", "load_money_yaml_text"]


def load_money_yaml_text(text: str, file: str) -> Any:
    return load_yaml_text(text, file, decimals=True)


def load_money_yaml(path: Path | str) -> Any:
    return load_yaml(path, decimals=True)
