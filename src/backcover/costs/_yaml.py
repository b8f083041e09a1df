"""YAML for money: :mod:`backcover.yamlio` with numbers read as ``Decimal`` from their text, and
:func:`plain`, which turns ruamel's round-trip nodes into plain Python data that pickles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from backcover.yamlio import load_yaml, load_yaml_text

__all__ = ["load_money_yaml", "load_money_yaml_text", "plain"]


def load_money_yaml_text(text: str, file: str) -> Any:
    return load_yaml_text(text, file, decimals=True)


def load_money_yaml(path: Path | str) -> Any:
    return load_yaml(path, decimals=True)


def plain(node: Any) -> Any:
    """Round-trip nodes (CommentedMap, quoted strings, ScalarFloat...) as dict, list, str, int, float."""
    if isinstance(node, Mapping):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None or isinstance(node, Decimal):
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime.fromisoformat(node.isoformat())
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    return node
