"""Denials and appeals (pure): X12 835 adjustments, denial codes in plain language, appeal deadlines.

Public API: :func:`deadlines` (CONTRACTS.md section 3), :func:`parse_835`, :func:`explain_carc`,
:func:`explain_rarc`, :func:`explain_group`, and :func:`parse_codes` for codes a person types in.
The rules and the code wording come from a :class:`~backcover.knowledge.Knowledge` (``knowledge=``,
default the packaged one).
"""

from __future__ import annotations

from backcover.appeals._codes import CodeExplanation, explain_carc, explain_group, explain_rarc
from backcover.appeals._deadlines import Deadlines, Level, deadlines, duration, next_level
from backcover.appeals._rules import PLAN_KINDS, level_ids, normalize_plan_kind
from backcover.appeals._typed import TypedCode, infer_from_text, parse_codes
from backcover.appeals._x12 import Adjustment, parse_835

__all__ = [
    "PLAN_KINDS",
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
