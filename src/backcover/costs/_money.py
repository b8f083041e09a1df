"""Money helpers: decimals read from text, cents rounded half up, and the JSON form."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CENT", "ZERO", "cents", "money", "percent", "to_decimal"]

ZERO = Decimal("0")
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal | None:
    """A Decimal from YAML/JSON text or numbers, never through a binary float's digits.

    ruamel gives floats for ``1800.00``; ``str()`` of a Python float is its shortest repr, which is
    the text that was written (``1800.0``), so nothing of the binary value leaks in.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(float(value)))
    if isinstance(value, str):
        text = value.strip().replace(",", "").removeprefix("$")
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up (done once per line, at the end)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Money as a string with exactly two decimals."""
    return f"{cents(value):.2f}"


def percent(rate: Decimal) -> str:
    """A rate as a percentage without trailing zeros: 0.2 -> ``20%``, 1.15 -> ``115%``."""
    text = f"{rate * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"
