"""Errors are values at the edges: bad input names the file, the place and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["BadInput", "suggest"]


@dataclass
class BadInput(Exception):
    """Input that backcover cannot use.

    ``where`` is the place in the file (``line 12``, ``$.entry[3].resource``, ``Procedure/abc``),
    ``problem`` what is wrong, and ``fix`` what the person can do about it. Messages never quote
    patient data beyond the identifiers needed to find the spot.
    """

    problem: str
    fix: str = ""
    file: str | None = None
    where: str | None = None

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        place = ", ".join(p for p in (self.file, self.where) if p)
        head = f"{place}: {self.problem}" if place else self.problem
        return f"{head}\n  fix: {self.fix}" if self.fix else head

    def at(self, file: str | None = None, where: str | None = None) -> BadInput:
        """Return a copy that fills in the file and place where they are not yet known."""
        return BadInput(self.problem, self.fix, self.file or file, self.where or where)

    def to_json(self) -> dict[str, str | None]:
        return {"error": self.problem, "fix": self.fix, "file": self.file, "where": self.where}


def suggest(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or the list of valid choices."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? (valid: {', '.join(options)})"
    return f"valid: {', '.join(options)}"
