"""Streaming a JSON document's top level with ijson: memory stays the size of one array item.

Numbers arrive as ``Decimal`` (``use_float=False``), never as floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson

from backcover.errors import BadInput

__all__ = ["SKIPPED", "Skip", "top_level"]

#: ``skip(array, key, value)``: called with each scalar directly inside an array item; True drops it.
Skip = Callable[[str, str, Any], bool]

SKIPPED: Any = object()
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})


def top_level(
    fp: IO[bytes], file: str, arrays: frozenset[str], skip: Skip | None = None
) -> Iterator[tuple[str, str | int, Any]]:
    """Yield ``("", key, value)`` for each top-level member not in ``arrays``, and
    ``(array, index, item)`` for each item of the arrays named, one at a time."""
    events = ijson.basic_parse(fp, use_float=False)
    try:
        first, _ = next(events)
        if first != "start_map":
            raise BadInput("the JSON file is not an object", "give the price file itself", file, "$")
        for ev, key in events:
            if ev == "end_map":
                return
            ev, val = next(events)
            if key in arrays and ev == "start_array":
                for index, (ev, val) in enumerate(events):
                    if ev == "end_array":
                        break
                    item = _build(ev, val, events, key, skip)
                    if item is not SKIPPED:
                        yield key, index, item
            else:
                yield "", str(key), _build(ev, val, events, str(key), None)
    except ijson.JSONError as exc:
        raise BadInput(
            f"the file is not valid JSON ({' '.join(str(exc).split())[:80]})",
            "download the file again: it may be cut short",
            file,
        ) from None
    except UnicodeDecodeError:
        raise BadInput("the JSON file is not UTF-8 text", "save it again as UTF-8", file) from None
    except StopIteration:
        raise BadInput("the JSON file ends early", "download the file again", file) from None


def _build(ev: str, val: Any, events: Iterator[tuple[str, Any]], array: str, skip: Skip | None) -> Any:
    if ev not in _OPEN:
        return val
    builder = ijson.ObjectBuilder()
    builder.event(ev, val)
    depth = 1
    key: str | None = None
    for ev, val in events:
        if depth == 1 and skip is not None:
            if ev == "map_key":
                key = val
            elif ev not in _OPEN and ev not in _CLOSE and key is not None and skip(array, key, val):
                _drain(events, depth)
                return SKIPPED
        builder.event(ev, val)
        if ev in _OPEN:
            depth += 1
        elif ev in _CLOSE:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _drain(events: Iterator[tuple[str, Any]], depth: int) -> None:
    for ev, _ in events:
        if ev in _OPEN:
            depth += 1
        elif ev in _CLOSE:
            depth -= 1
            if depth == 0:
                return
