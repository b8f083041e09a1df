"""Field readers for YAML knowledge and plan files: each problem names the file, the line and a fix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from backcover.costs._money import to_decimal
from backcover.errors import BadInput
from backcover.yamlio import line_of, suggest

__all__ = ["Reader"]


class Reader:
    """Field readers that report the file, the line and a fix."""

    def __init__(self, file: str) -> None:
        self.file = file

    def bad(self, node: Any, key: str | int | None, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, line_of(node, key))

    def map(self, node: Any, key: str, what: str) -> Mapping[str, Any]:
        value = node[key]
        if not isinstance(value, Mapping):
            raise self.bad(node, key, f"{what} must be a mapping of fields", f"write it as `{key}: {{...}}`")
        return value

    def amount(self, node: Any, key: str, what: str, *, nullable: bool = False) -> Decimal | None:
        value = node.get(key)
        if value is None:
            if nullable:
                return None
            raise self.bad(
                node, key, f"{what} has no amount", f"write a dollar amount such as 2000 for {what}"
            )
        d = to_decimal(value)
        if d is None:
            raise self.bad(
                node,
                key,
                f"{what} must be an amount in dollars, not {value!r}",
                "write a number such as 2000",
            )
        if d < 0:
            raise self.bad(
                node, key, f"{what} is negative ({value})", "amounts are zero or more; write 0 if none"
            )
        return d

    def rate(self, node: Any, key: str, what: str) -> Decimal:
        value = node.get(key)
        d = to_decimal(value)
        if d is None:
            raise self.bad(
                node, key, f"{what} must be a fraction such as 0.2, not {value!r}", "write 0.2 for 20%"
            )
        if d < 0:
            raise self.bad(node, key, f"{what} is negative ({value})", "write a fraction between 0 and 1")
        if d > 1:
            pct = (d / 100).normalize()
            raise self.bad(
                node,
                key,
                f"{what} is {value}: coinsurance is the fraction of the allowed amount you pay",
                f"write {pct:f} for {value}%",
            )
        return d

    def boolean(self, node: Any, key: str, what: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            raise self.bad(node, key, f"{what} must be true or false, not {value!r}", "write true or false")
        return value

    def count(self, node: Any, key: str, what: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.bad(
                node, key, f"{what} must be a whole number of zero or more, not {value!r}", "write e.g. 30"
            )
        return value

    def choice(
        self, node: Any, key: str, what: str, choices: Iterable[str], default: str | None = None
    ) -> str:
        names = tuple(str(c) for c in choices)  # plain strings, also for StrEnum members
        value = node.get(key, default)
        if value is None:
            raise self.bad(node, None, f"{what} is missing", f"add `{key}:` ({', '.join(names)})")
        text = str(value)
        if text not in names:
            raise self.bad(node, key, f"unknown {what} {text!r}", suggest(text, names))
        return text
