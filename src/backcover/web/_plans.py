"""Plans in the web workspace: create from a built-in template, set the amounts met, edit the YAML.

The plan's YAML text is the source of truth (what ``backcover estimate --plan`` reads); every change
goes through :func:`backcover.costs.parse_plan` before it is saved, so a saved plan always parses.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.comments import CommentedMap

from backcover.costs import Plan, parse_plan, template_text, templates
from backcover.errors import BadInput
from backcover.vocab import PlanKind
from backcover.web import _sbc
from backcover.web._workspace import Workspace
from backcover.yamlio import dump_yaml, load_yaml_text

__all__ = [
    "ACCUMULATOR_FIELDS",
    "create_from_template",
    "current_plan",
    "current_plan_summary",
    "display_name",
    "save_form",
    "save_text",
    "set_accumulators",
    "template_choices",
]

ACCUMULATOR_FIELDS: tuple[str, ...] = (
    "deductible_met",
    "oop_met",
    "family_deductible_met",
    "family_oop_met",
    "oon_deductible_met",
    "oon_oop_met",
    "part_b_deductible_met",
    "part_a_deductible_met",
)
_FILE = "your plan"  # how messages name a saved plan (its file name means nothing to a person)
ACCUMULATOR_LABELS = {
    "deductible_met": "Deductible paid so far this year",
    "oop_met": "Paid toward the out-of-pocket maximum so far",
    "family_deductible_met": "Family deductible paid so far",
    "family_oop_met": "Family out-of-pocket paid so far",
    "oon_deductible_met": "Out-of-network deductible paid so far",
    "oon_oop_met": "Out-of-network out-of-pocket paid so far",
    "part_b_deductible_met": "Medicare Part B deductible paid so far",
    "part_a_deductible_met": "Medicare Part A deductible paid (this benefit period)",
}


def template_choices() -> list[tuple[str, str]]:
    """The built-in templates as (value, name in words): "Example PPO 2026", not "ppo"."""
    return [(t, _title(template_text(t), t)) for t in templates()]


def _title(text: str, fallback: str) -> str:
    try:
        return parse_plan(text, f"{fallback}.yaml").name
    except BadInput:
        return fallback


# The templates' comments cite the project's own files; a person's copy says it in words.
_INTERNAL_REFS = re.compile(
    r" ?The structure follows CONTRACTS\.md section \d+\.| ?\(CONTRACTS\.md rule \d+\)"
    r"|CONTRACTS\.md rule \d+; "
    r"|,? ?see\s+(?:#\s*)?(?:knowledge/plans/)?program-amounts\.yaml,?"
)


def _plain_comments(text: str) -> str:
    return _INTERNAL_REFS.sub("", text)


def create_from_template(ws: Workspace, template: str, name: str) -> str:
    if template not in templates():
        raise BadInput(
            f"there is no plan template {template!r}",
            "choose the closest kind of plan from the list",
            where="Closest kind of plan",
        )
    text = _plain_comments(template_text(template))
    if name:
        data = load_yaml_text(text, f"template {template}")
        data["name"] = name  # the plan is called what the person typed, on every page
        text = dump_yaml(data)
    parse_plan(text, f"template {template}")
    return ws.save_plan(name or template, text)


def display_name(ws: Workspace, slug: str | None) -> str | None:
    """A saved plan's own name ("My 2026 PPO"), not the file's."""
    if slug is None:
        return None
    try:
        return parse_plan(ws.plan_text(slug), _FILE).name
    except BadInput:
        return slug


def save_form(ws: Workspace, values: dict[str, str]) -> dict[str, BadInput]:
    """Save the SBC form's values into the current plan; the errors by field when nothing was saved."""
    cur = current_plan(ws)
    if cur is None:
        return {"plan": BadInput("there is no plan yet", "create a plan from a template first")}
    name, text, _plan = cur
    new_text, errors = _sbc.apply(text, _FILE, values)
    if new_text is not None:
        ws.save_plan(name, new_text)
    return errors


def current_plan(ws: Workspace) -> tuple[str, str, Plan] | None:
    name = ws.plan_name
    if name is None:
        return None
    text = ws.plan_text(name)
    return name, text, parse_plan(text, _FILE)


def save_text(ws: Workspace, name: str, text: str) -> str:
    parse_plan(text, _FILE)
    return ws.save_plan(name, text)


def set_accumulators(ws: Workspace, values: dict[str, str]) -> None:
    cur = current_plan(ws)
    if cur is None:
        raise BadInput("there is no plan yet", "create a plan from a template first", where="plan")
    name, text, _plan = cur
    data = load_yaml_text(text, _FILE)
    acc = data.get("accumulators")
    if not isinstance(acc, dict):
        acc = CommentedMap()
        data["accumulators"] = acc
    for key, raw in values.items():
        if key not in ACCUMULATOR_FIELDS:
            continue
        raw = raw.replace("$", "").replace(",", "").strip() or "0"
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise BadInput(
                f"{raw!r} is not an amount of money",
                "type a number such as 1250.00",
                where=ACCUMULATOR_LABELS[key],
            ) from None
        if amount < 0 or not amount.is_finite():
            raise BadInput("an amount cannot be negative", "type 0 or more", where=ACCUMULATOR_LABELS[key])
        # Keep the exact text: plan files are read as decimals from text.
        acc[key] = _yaml_number(amount)
    new_text = dump_yaml(data)
    parse_plan(new_text, _FILE)
    ws.save_plan(name, new_text)


def _yaml_number(d: Decimal) -> int | float:
    # A float written by ruamel is its shortest repr, which is the decimal text typed (the cost engine
    # reads it back through that text, never through the binary value).
    return int(d) if d == d.to_integral_value() else float(d)


def current_plan_summary(ws: Workspace) -> dict[str, Any] | None:
    """What the Start page shows about the chosen plan; a plan that no longer parses says why."""
    try:
        cur = current_plan(ws)
    except BadInput as exc:
        return {"name": ws.plan_name, "error": exc}
    if cur is None:
        return None
    name, text, plan = cur
    acc = plan.accumulators
    fields = [f for f in plan.accumulator_fields if f in ACCUMULATOR_FIELDS] or (
        ["part_b_deductible_met", "part_a_deductible_met"]
        if plan.kind == PlanKind.MEDICARE
        else ["deductible_met", "oop_met"]
    )
    return {
        "name": name,
        "title": plan.name,
        "kind": plan.kind,
        "network_type": plan.network_type,
        "year": plan.year,
        "deductible": plan.deductible.individual if plan.medicare is None else None,
        "oop_max": plan.oop_max.individual if plan.medicare is None else None,
        "example": plan.example,
        "text": text,
        "accumulators": [
            {"key": f, "label": ACCUMULATOR_LABELS[f], "value": getattr(acc, f, Decimal(0))} for f in fields
        ],
        "names": [(n, display_name(ws, n)) for n in ws.plan_names()],
        "sbc": None
        if plan.medicare is not None or plan.kind == PlanKind.UNINSURED
        else _sbc.values_of(text, _FILE),
    }
