"""Denials and appeals (pure): X12 835 adjustments, denial codes in plain language, appeal deadlines.

Public API: :func:`deadlines` (CONTRACTS.md section 3), :func:`parse_835`, :func:`explain_carc`,
:func:`explain_rarc`, :func:`explain_group`, and :func:`parse_codes` for codes a person types in.
"""

from __future__ import annotations

from backcover.appeals._codes import (
    CARC_URL,
    RARC_URL,
    CodeExplanation,
    explain_carc,
    explain_group,
    explain_rarc,
)
from backcover.appeals._deadlines import (
    PLAN_KINDS,
    Deadlines,
    Level,
    deadlines,
    duration,
    level_ids,
    next_level,
    normalize_plan_kind,
)
from backcover.appeals._typed import TypedCode, infer_from_text, parse_codes
from backcover.appeals._x12 import Adjustment, parse_835

__all__ = [
    "CARC_URL",
    "PLAN_KINDS",
    "RARC_URL",
    "Adjustment",
    "CodeExplanation",
    "Deadlines",
    "Level",
    "TypedCode",
    "deadlines",
    "duration",
    "explain_carc",
    "explain_group",
    "explain_rarc",
    "infer_from_text",
    "level_ids",
    "next_level",
    "normalize_plan_kind",
    "parse_835",
    "parse_codes",
]
