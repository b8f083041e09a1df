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


def _build_rules(kb: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = plain(load_yaml(kb.file("appeal_rules.yaml")))["plan_kinds"]
    return data


def rules(knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Each plan kind's label, aliases and levels, as plain data (parsed once per bundle)."""
    return (knowledge or Knowledge.packaged()).cached("appeals-rules", _build_rules)


def _aliases(spec: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, entry in spec.items():
        out[kind] = kind
        for alias in entry.get("aliases") or []:
            out[str(alias)] = kind
    return out


def normalize_plan_kind(kind: str, *, knowledge: Knowledge | None = None) -> PlanKind:
    """A plan kind or an alias (``aca``, ``erisa``, ``part-c``...) as its :class:`PlanKind`, or BadInput."""
    spec = rules(knowledge)
    key = kind.strip().lower().replace("_", "-")
    aliases = _aliases(spec)
    known = ", ".join(values(PLAN_KINDS))
    fix = f"use one of: {known} (aca and erisa are accepted too)"
    try:
        found = PlanKind(aliases[key]) if key in aliases else parse_plan_kind(key, "--plan-kind")
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
