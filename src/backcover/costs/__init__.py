"""The cost engine: plan files, claim lines, the cost-sharing calculator, episodes and price tables.

The contract is CONTRACTS.md section 2. The calculator is pure. Program amounts, price tables,
episodes, pathways and templates come from a :class:`~backcover.knowledge.Knowledge` (the public
functions take ``knowledge=``, defaulting to the packaged one). See docs/costs.md.
"""

from __future__ import annotations

from backcover.costs._api import estimate_request
from backcover.costs._calc import Estimate, LineResult, estimate
from backcover.costs._cob import InjuryCoverage, coordinate, parse_injury_coverage
from backcover.costs._compare import (
    CareItem,
    Comparison,
    care_lines,
    compare_plans,
    parse_care,
    pathway,
    pathways,
)
from backcover.costs._directory import Directory, parse_resources
from backcover.costs._episodes import episode_info, episode_lines
from backcover.costs._lines import Line, NetworkSource, parse_lines, parse_lines_data
from backcover.costs._model import BENEFITS, KINDS, Plan
from backcover.costs._network import check_lines
from backcover.costs._plan import load_plan, parse_plan, parse_plan_data
from backcover.costs._prices import PriceTable, builtin_tables, load_price_table
from backcover.costs._templates import template_path, template_text, templates

__all__ = [
    "BENEFITS",
    "KINDS",
    "CareItem",
    "Comparison",
    "Directory",
    "Estimate",
    "InjuryCoverage",
    "Line",
    "LineResult",
    "NetworkSource",
    "Plan",
    "PriceTable",
    "builtin_tables",
    "care_lines",
    "check_lines",
    "compare_plans",
    "coordinate",
    "episode_info",
    "episode_lines",
    "estimate",
    "estimate_request",
    "load_plan",
    "load_price_table",
    "parse_care",
    "parse_injury_coverage",
    "parse_lines",
    "parse_lines_data",
    "parse_plan",
    "parse_plan_data",
    "parse_resources",
    "pathway",
    "pathways",
    "template_path",
    "template_text",
    "templates",
]
