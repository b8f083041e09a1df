"""Estimating out-of-pocket costs: a plan and either a procedure's usual episode or explicit lines."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from backcover.costs import Estimate, Plan, episode_lines, parse_lines
from backcover.costs import estimate as cost_estimate
from backcover.errors import BadInput
from backcover.knowledge import Knowledge

__all__ = ["estimate", "parse_prices"]


def parse_prices(raw: Mapping[str, str]) -> dict[str, Decimal]:
    """Prices a person typed for lines backcover has no price for (``{line id: "450.00"}``)."""
    out: dict[str, Decimal] = {}
    for line_id, text in raw.items():
        t = text.strip().replace(",", "").removeprefix("$")
        if not t:
            continue
        try:
            d = Decimal(t)
        except InvalidOperation:
            d = Decimal(-1)
        if not d.is_finite() or d < 0 or d > Decimal("10000000"):
            raise BadInput(
                f"{text!r} is not a price",
                "type the allowed amount in dollars, e.g. 450.00",
                where=f"price of {line_id}",
            )
        out[line_id] = d
    return out


def estimate(
    plan: Plan,
    *,
    procedure: str | None,
    setting: str | None,
    lines: str | None,
    prices: Mapping[str, Decimal] | None = None,
    knowledge: Knowledge | None = None,
) -> Estimate:
    """The estimate; ``prices`` fill in (or replace) the allowed amount of lines by id."""
    if (procedure is None) == (lines is None):
        raise BadInput(
            "give either a procedure or claim lines"
            if procedure is None
            else "give a procedure or lines, not both",
            "send `procedure` (and optionally `setting`) for the usual episode, or `lines` as YAML text",
            where="procedure/lines",
        )
    if procedure is not None:
        claim_lines = episode_lines(procedure, setting, plan, knowledge=knowledge)
    else:
        assert lines is not None
        claim_lines = parse_lines(lines, "lines")
    if prices:
        known = {ln.id for ln in claim_lines}
        for line_id in prices:
            if line_id not in known:
                raise BadInput(
                    f"there is no line {line_id!r} to give a price for",
                    f"the lines are: {', '.join(sorted(known))}",
                    where="prices",
                )
        claim_lines = [
            ln.with_price(prices[ln.id], "the price you gave") if ln.id in prices else ln
            for ln in claim_lines
        ]
    return cost_estimate(plan, claim_lines, knowledge=knowledge)
