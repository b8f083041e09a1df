"""The appeal rules of a :class:`~backcover.knowledge.Knowledge` (``appeal_rules.yaml``) and the plan
kinds they cover: which words name a plan kind, and which levels each kind has."""

from __future__ import annotations

import difflib
from typing import Any

from backcover.costs._yaml import plain
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import PlanKind, parse_plan_kind, values
from backcover.yamlio import load_yaml

__all__ = ["PLAN_KINDS", "level_ids", "normalize_plan_kind", "rules"]

# The plan kinds that have appeal levels: every kind of plan (no insurance has no plan to appeal to).
PLAN_KINDS: tuple[PlanKind, ...] = tuple(k for k in PlanKind if k is not PlanKind.UNINSURED)


def _build_rules(kb: Knowledge) -> tuple[dict[str, Any], dict[str, str]]:
    spec: dict[str, Any] = plain(load_yaml(kb.file("appeal_rules.yaml")))["plan_kinds"]
    aliases: dict[str, str] = {}
    for kind, entry in spec.items():
        aliases[kind] = kind
        for alias in entry.get("aliases") or []:
            aliases[str(alias)] = kind
    return spec, aliases


def _parsed(knowledge: Knowledge | None) -> tuple[dict[str, Any], dict[str, str]]:
    return (knowledge or Knowledge.packaged()).cached("appeals-rules", _build_rules)


def rules(knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Each plan kind's label, aliases and levels, as plain data (parsed once per bundle)."""
    return _parsed(knowledge)[0]


def normalize_plan_kind(kind: str, *, knowledge: Knowledge | None = None) -> PlanKind:
    """A plan kind or an alias (``aca``, ``erisa``, ``part-c``...) as its :class:`PlanKind`, or BadInput."""
    spec, aliases = _parsed(knowledge)
    key = kind.strip().lower().replace("_", "-")
    if key in aliases:
        return PlanKind(aliases[key])
    fix = f"use one of: {', '.join(values(PLAN_KINDS))} (aca and erisa are accepted too)"
    try:
        found = parse_plan_kind(key, "--plan-kind")
    except BadInput:
        close = difflib.get_close_matches(key, sorted(aliases), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise BadInput(f"unknown plan kind {kind!r}", hint + fix, where="--plan-kind") from None
    if found.value not in spec:
        raise BadInput(
            f"plan kind {kind!r} has no appeal levels",
            "an appeal goes to a health plan; without insurance, a bill well over its Good Faith Estimate "
            f"can be disputed instead (backcover estimate says how). Otherwise {fix}",
            where="--plan-kind",
        )
    return found


def level_ids(plan_kind: str, *, knowledge: Knowledge | None = None) -> tuple[str, ...]:
    """The level ids of a plan kind, in order."""
    kind = normalize_plan_kind(plan_kind, knowledge=knowledge)
    return tuple(str(lv["id"]) for lv in rules(knowledge)[kind.value]["levels"])
