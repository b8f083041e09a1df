"""Citations as numbered footnotes for the command line's text output (pure).

A price's source and a note often end in the same long citation, a bracket or a parenthesis holding a
web address. :class:`Footnotes` swaps each such citation for ``[n]``, the same number for the same
citation, and lists them once at the end. The JSON output keeps every citation where it was.
"""

from __future__ import annotations

__all__ = ["Footnotes"]

_PAIRS = {"(": ")", "[": "]"}


def _citations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost bracket or parenthesis that holds a web address."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            if not stack:
                start = i
            stack.append(_PAIRS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack and "http" in text[start:i]:
                spans.append((start, i + 1))
        elif stack and ch in ")]":
            return []  # unbalanced: leave the text as written
    return spans if not stack else []


class Footnotes:
    """The citations met so far, in order; :meth:`cite` numbers them as it meets them."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, text: str) -> str:
        """``text`` with each citation replaced by its footnote number."""
        out: list[str] = []
        last = 0
        for start, end in _citations(text):
            body = text[start + 1 : end - 1].strip()
            n = self._numbers.setdefault(body, len(self._numbers) + 1)
            out.append(text[last:start] + f"[{n}]")
            last = end
        return "".join(out) + text[last:]

    def sources(self) -> list[str]:
        """The footnotes, numbered, for a "Sources" list."""
        return [f"[{n}] {body}" for body, n in self._numbers.items()]
