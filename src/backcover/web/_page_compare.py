"""Compare plans over a year of back care."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from backcover.costs import (
    CareItem,
    compare_plans,
    parse_plan,
    pathway,
    pathways,
    template_text,
    templates,
)
from backcover.errors import BadInput
from backcover.web._context import ctx, render
from backcover.web._forms import (
    checked_form,
    field,
    procedure_choices,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _compare_context(request: Request, form: FormData | None) -> dict[str, Any]:
    ws = ctx(request).workspace
    saved = ws.plan_names()
    choices = [("saved:" + n, f"{n} (yours)") for n in saved] + [
        ("template:" + t, f"{t} (example)") for t in templates()
    ]
    result = None
    error: BadInput | None = None
    picked: list[str] = []
    care_choice = "pathway:conservative-care-then-esi"
    if form is not None:
        try:
            picked = [v for v in form.getlist("plans") if isinstance(v, str)]
            care_choice = field(form, "care") or care_choice
            if len(picked) < 2:
                raise BadInput(
                    "choose at least two plans to compare", "tick two or more plans", where="Plans"
                )
            plans = []
            premiums: dict[str, Decimal] = {}
            for i, key in enumerate(picked[:8]):
                kind, _, name = key.partition(":")
                text = ws.plan_text(name) if kind == "saved" else template_text(name)
                plan = parse_plan(text, f"{name}.yaml")
                plans.append(plan)
                raw = field(form, f"premium-{key}").replace("$", "").replace(",", "")
                if raw:
                    try:
                        premiums[plan.name] = Decimal(raw)
                    except InvalidOperation:
                        raise BadInput(
                            f"{raw!r} is not an amount",
                            "type the monthly premium, e.g. 420",
                            where=f"premium {i + 1}",
                        ) from None
            ckind, _, cname = care_choice.partition(":")
            if ckind == "pathway":
                title, care = pathway(cname)
            else:
                title, care = f"one {cname}", [CareItem(procedure=cname)]
            result = compare_plans(plans, care, title=title, premiums=premiums or None).to_json()
            labels = dict(choices)
            for row, key in zip(result["plans"], picked[:8], strict=False):
                row["label"] = labels.get(key, key)
        except BadInput as exc:
            error = exc
    care_choices = [(f"pathway:{p}", pathway(p)[0]) for p in pathways()] + [
        (f"procedure:{p['code']}", f"Just one: {p['name']}") for p in procedure_choices()
    ]
    return {
        "title": "Compare plans",
        "choices": choices,
        "picked": picked,
        "care_choices": care_choices,
        "care_choice": care_choice,
        "premiums": {
            k[8:]: v for k, v in (form.items() if form is not None else []) if k.startswith("premium-")
        },
        "result": result,
        "error": error,
    }


@router.get("/compare")
def compare_page(request: Request) -> Response:
    return render(request, "compare.html", _compare_context(request, None))


@router.post("/compare")
async def compare_post(request: Request) -> Response:
    form = await checked_form(request)
    c = _compare_context(request, form)
    return render(request, "compare.html", c, 400 if c["error"] else 200)
