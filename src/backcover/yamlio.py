"""YAML reading that remembers line numbers, and safe atomic writes for files of patient data."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

from backcover.atomic import atomic_write_bytes, atomic_write_text
from backcover.errors import BadInput, suggest
from backcover.guards import MAX_NUMBER

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "check_keys",
    "dump_yaml",
    "line_of",
    "load_yaml",
    "load_yaml_text",
    "suggest",
]


# A YAML file may hold at most this many values once its aliases are expanded, and nest this deep.
# Real plan files, logs and policy packs are far below both; an alias bomb or a 3,000-deep list is not.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 64


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that reports an impossible date (2026-02-30) or a number that is not
    finite (``.nan``, ``.inf``, ``1e400``) with its line."""

    def construct_yaml_float(self, node: ScalarNode) -> Any:
        value = super().construct_yaml_float(node)
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise ConstructorError(None, None, f"{node.value!r} is not a finite number", node.start_mark)
        return _in_range(value, node)

    def construct_yaml_int(self, node: ScalarNode) -> Any:
        return _in_range(super().construct_yaml_int(node), node)

    def construct_yaml_timestamp(self, node: ScalarNode, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:
            raise ConstructorError(
                None, None, f"{node.value!r} is not a real calendar date ({exc})", node.start_mark
            ) from None


def _in_range(value: Any, node: ScalarNode) -> Any:
    number: int | float | Decimal | None = (
        value if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else None
    )
    if number is not None and not -MAX_NUMBER < number < MAX_NUMBER:
        raise ConstructorError(
            None,
            None,
            "a number here is too large (16 or more digits); if it is an identifier, put it in quotes",
            node.start_mark,
        )
    return value


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _DecimalConstructor(_Constructor):
    """As :class:`_Constructor`, but a number with a decimal point becomes a ``Decimal`` built from
    its written digits, never a binary float (money is read from text)."""

    def construct_yaml_float(self, node: ScalarNode) -> Any:
        try:
            d = Decimal(str(node.value).replace("_", ""))
        except InvalidOperation:
            return super().construct_yaml_float(node)
        if not d.is_finite():
            raise ConstructorError(None, None, f"{node.value!r} is not a finite number", node.start_mark)
        return _in_range(d, node)


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _DecimalConstructor.construct_yaml_float)


def _yaml(decimals: bool = False) -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _DecimalConstructor if decimals else _Constructor
    y.preserve_quotes = True
    return y


def load_yaml_text(text: str, file: str, *, decimals: bool = False) -> Any:
    """Parse YAML text in round-trip mode (keeps line numbers and comments).

    With ``decimals=True`` numbers with a decimal point are read as ``Decimal`` from their text.
    Aliases that expand past :data:`MAX_EXPANDED_NODES` values, nesting deeper than
    :data:`MAX_DEPTH`, text that is not valid Unicode and values of an impossible type
    (``!!int 'x'``) are bad input, reported with their line.
    """
    try:
        _check_shape(text, file)
        return _yaml(decimals).load(io.StringIO(text))
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise BadInput(
            f"a value cannot be read: {exc.problem or exc.context}",
            "correct the value on that line (numbers as plain digits, dates as YYYY-MM-DD)",
            file,
            f"line {mark.line + 1}" if mark else None,
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise BadInput(
            f"this is not valid YAML: {exc.problem or exc.context}",
            "check the indentation and the colons near that line; quote text that contains ': '",
            file,
            where,
        ) from None
    except YAMLError as exc:
        raise BadInput(f"this is not valid YAML: {exc}", "check the file's syntax", file) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise BadInput(
            f"a value in this YAML cannot be read ({type(exc).__name__})",
            "check the values' types: numbers as plain digits, dates as YYYY-MM-DD, text in quotes",
            file,
        ) from None


def _check_shape(text: str, file: str) -> None:
    """Refuse alias bombs, deep nesting and lone surrogates before anything is built.

    Reads the parser's events only: the size each anchored value expands to is remembered, so a
    chain of aliases is counted as the values it would really produce.
    """
    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = []  # (anchor, values so far) for each open collection
    total = 0

    def bad(problem: str, fix: str, line: int) -> BadInput:
        return BadInput(problem, fix, file, f"line {line + 1}")

    for event in _yaml().parse(io.StringIO(text)):
        line = event.start_mark.line if event.start_mark else 0
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise bad(
                    f"the YAML nests more than {MAX_DEPTH} levels deep",
                    "flatten the lists and mappings; no backcover file needs that depth",
                    line,
                )
            stack.append((event.anchor, 1))
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1] + size)
            total += 1
            continue
        if isinstance(event, ScalarEvent):
            value = event.value or ""
            if any("\ud800" <= ch <= "\udfff" for ch in value):
                raise bad(
                    "the YAML holds text that is not valid Unicode (a lone surrogate)",
                    "remove the \\uD800-\\uDFFF escape from that value",
                    line,
                )
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, AliasEvent):
            size = sizes.get(event.anchor or "", 1)
        else:
            continue
        total += size
        if stack:
            stack[-1] = (stack[-1][0], stack[-1][1] + size)
        if total > MAX_EXPANDED_NODES:
            raise bad(
                f"the YAML's aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values",
                "write the values out instead of repeating aliases of aliases",
                line,
            )


def load_yaml(path: Path | str, *, decimals: bool = False) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput("file not found", "check the path", str(path)) from None
    except IsADirectoryError:
        raise BadInput("this is a folder, not a file", "give the path of a YAML file", str(path)) from None
    except UnicodeDecodeError:
        raise BadInput("the file is not UTF-8 text", "save it as UTF-8 text", str(path)) from None
    except OSError as exc:
        raise BadInput(f"cannot read the file ({exc.strerror})", "check the path", str(path)) from None
    return load_yaml_text(text, str(path), decimals=decimals)


def line_of(node: object, key: str | int | None = None) -> str | None:
    """``line N`` of a key (or list index) in a round-trip node, or of the node itself."""
    try:
        if isinstance(node, CommentedMap) and key is not None and key in node:
            return f"line {node.lc.key(key)[0] + 1}"
        if isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            return f"line {node.lc.item(key)[0] + 1}"
        if isinstance(node, (CommentedMap, CommentedSeq)):
            return f"line {node.lc.line + 1}"
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return None


def check_keys(node: Mapping[str, Any], allowed: Iterable[str], file: str, what: str) -> None:
    """Refuse unknown field names, with the line and the closest valid name."""
    allowed = list(allowed)
    for key in node:
        if key not in allowed:
            raise BadInput(
                f"unknown field {key!r} in {what}", suggest(str(key), allowed), file, line_of(node, key)
            )


def dump_yaml(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()
