"""The cost engine: plan files, claim lines, the cost-sharing calculator, episodes and price tables.

The contract is CONTRACTS.md section 2. The calculator is pure; loading knowledge files (templates,
price tables, episodes) reads package data only.
"""

from __future__ import annotations

from backcover.costs._calc import Estimate, LineResult, estimate
from backcover.costs._lines import Line, parse_lines
from backcover.costs._plan import BENEFITS, KINDS, Plan, load_plan, parse_plan

__all__ = [
    "BENEFITS",
    "KINDS",
    "Estimate",
    "Line",
    "LineResult",
    "Plan",
    "estimate",
    "load_plan",
    "parse_lines",
    "parse_plan",
]
