"""One guard for numbers read from outside: finite, in range, and the place named by the caller.

The FHIR mapping reads numbers with :func:`finite_decimal`; a value that is not finite or is too
large raises :class:`OutOfRange`, which the mapping turns into a BadInput naming the resource and
element. The YAML reader applies the same limit (``backcover.yamlio.MAX_NUMBER``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_NUMBER", "OutOfRange", "finite_decimal"]

# Numbers this large are never a price, a count, a score or a duration: 16 or more digits is a
# mistake or an attack (and past it, dates and Decimal formatting overflow).
MAX_NUMBER = 10**15


class OutOfRange(ValueError):
    """A number or date that cannot be right: its ``problem`` and ``fix`` are for the user."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def finite_decimal(value: Any, what: str = "a number") -> Decimal | None:
    """``value`` as a Decimal; ``None`` when it is not a number at all (absent, text, a boolean).

    Raises OutOfRange for infinities, NaN and numbers of 16 or more digits before the point.
    """
    if isinstance(value, bool) or value is None:
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        raise OutOfRange(f"{what} is {value!r}, which is not a finite number", "give a plain number")
    if abs(d) >= MAX_NUMBER:
        raise OutOfRange(
            f"{what} has 16 or more digits, far past any real value", "correct the number (it is too large)"
        )
    return d
