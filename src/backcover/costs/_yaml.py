"""YAML for money: like :mod:`backcover.yamlio` (round-trip, line numbers, the same errors), but a
number with a decimal point becomes a ``Decimal`` built from its text, never a binary float."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.nodes import ScalarNode

from backcover.errors import BadInput
from backcover.yamlio import load_yaml_text

__all__ = ["load_money_yaml", "load_money_yaml_text"]


class _MoneyConstructor(RoundTripConstructor):
    """Round-trip constructor whose floats are Decimals made from the written digits."""


def _decimal_float(self: RoundTripConstructor, node: ScalarNode) -> Any:
    text = str(node.value).replace("_", "")
    try:
        d = Decimal(text)
    except InvalidOperation:
        return RoundTripConstructor.construct_yaml_float(self, node)
    return d if d.is_finite() else RoundTripConstructor.construct_yaml_float(self, node)


_MoneyConstructor.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def load_money_yaml_text(text: str, file: str) -> Any:
    y = YAML(typ="rt")
    y.Constructor = _MoneyConstructor
    try:
        return y.load(io.StringIO(text))
    except Exception:
        # let yamlio produce the same error message (file, line, column, fix) for text that does not parse
        load_yaml_text(text, file)
        raise


def load_money_yaml(path: Path | str) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput("file not found", "check the path", str(p)) from None
    except IsADirectoryError:
        raise BadInput("this is a folder, not a file", "give the path of a YAML file", str(p)) from None
    except UnicodeDecodeError:
        raise BadInput("the file is not UTF-8 text", "save it as UTF-8 text", str(p)) from None
    except OSError as exc:
        raise BadInput(f"cannot read the file ({exc.strerror})", "check the path", str(p)) from None
    return load_money_yaml_text(text, str(p))
