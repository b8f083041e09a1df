"""A code exactly as the source gave it (re-exported by :mod:`backcover.record.model`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Coding"]


@dataclass(frozen=True, slots=True)
class Coding:
    """A code exactly as the source gave it."""

    system: str
    code: str
    display: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"system": self.system, "code": self.code, "display": self.display}
