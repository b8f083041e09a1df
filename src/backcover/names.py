"""People's names as a person writes them (pure)."""

from __future__ import annotations

import re

__all__ = ["plain_name"]

_DIGITS = re.compile(r"(?<=[^\W\d_])\d+\b")


def plain_name(name: str | None) -> str | None:
    """Synthea appends digits to generated names ("Corrin41 Sau887"); people's names have none.

    Only what is shown is changed: the record and its JSON keep the source's value.
    """
    return " ".join(_DIGITS.sub("", name).split()) if name else name
