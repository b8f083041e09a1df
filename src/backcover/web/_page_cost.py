"""What will it cost: the episode's lines under the plan, prices the person knows, the warnings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover.costs._view import short_source, summary
from backcover.errors import BadInput
from backcover.web import _plans, _services
from backcover.web._charts import CostBar, cost_chart
from backcover.web._context import ctx, render
from backcover.web._forms import (
    SETTING_NAMES,
    checked_form,
    field,
    procedure_choices,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _cost_view(est: dict[str, Any]) -> dict[str, Any]:
    def dec(v: Any) -> Decimal:
        return Decimal(str(v)) if v not in (None, "") else Decimal(0)

    lines = est.get("lines") or []
    view = summary(est)
    rows = view["rows"]
    for row in rows:
        row["short_source"] = short_source(row.get("price_source"))
        notes = list(dict.fromkeys(row.get("notes") or []))
        row["citations"] = [n for n in notes if n.startswith("Unconfirmed price")]
        row["plain_notes"] = [n for n in notes if not n.startswith("Unconfirmed price")]
        row["shown"] = f"{row['label']} × {row['count']}" if row["count"] > 1 else row["label"]
    bars = [
        CostBar(str(r["shown"]), dec(r.get("patient")), dec(r.get("plan")), dec(r.get("balance_bill")))
        for r in rows
        if r.get("patient") is not None
    ]
    ids = {ln.get("id"): (ln.get("description") or ln.get("id")) for ln in lines}
    g = est.get("guidance") or {}
    return {
        "raw": est,
        "lines": lines,
        "rows": rows,
        "summary": view,
        "ids": ids,
        "totals": est.get("totals") or {},
        "chart": cost_chart(bars),
        "chart_has_bars": any(b.patient + b.plan + b.balance_bill > 0 for b in bars),
        "surprise": g.get("surprise_bills") or [],
        "nsa": g.get("no_surprises_act") or {},
        "hsa": g.get("hsa"),
        "gfe": g.get("good_faith_estimate"),
        "supplemental": g.get("supplemental") or [],
        "notes": est.get("notes") or [],
        "accumulators_after": est.get("accumulators_after") or {},
    }


def _expand_groups(prices: dict[str, str], est: dict[str, Any]) -> dict[str, str]:
    """A price typed for a group of lines (``group:pt``) applies to each of its lines."""
    out = {k: v for k, v in prices.items() if not k.startswith("group:")}
    for key, value in prices.items():
        if key.startswith("group:"):
            for ln in est.get("lines") or []:
                if ln.get("group") == key[6:]:
                    out.setdefault(str(ln["id"]), value)
    return out


def _cost_page(
    request: Request,
    *,
    procedure: str,
    setting: str,
    lines_text: str | None,
    prices: dict[str, str] | None = None,
) -> Response:
    ws = ctx(request).workspace
    error: BadInput | None = None
    result = None
    status = 200
    plan_name = ws.plan_name
    if procedure or lines_text:
        try:
            cur = _plans.current_plan(ws)
            if cur is None:
                raise BadInput(
                    "there is no plan yet", "create your plan on the Start page first", where="plan"
                )
            args: dict[str, Any] = {
                "procedure": procedure or None if not lines_text else None,
                "setting": setting or None,
                "lines": lines_text,
            }
            typed = prices or {}
            if any(k.startswith("group:") for k in typed):
                typed = _expand_groups(typed, _services.estimate(cur[2], **args))
            est = _services.estimate(cur[2], **args, prices=_services.parse_prices(typed))
            result = _cost_view(est)
        except BadInput as exc:
            error, status = exc, 400
    return render(
        request,
        "cost.html",
        {
            "title": "What will it cost",
            "form": {
                "procedure": procedure,
                "setting": setting,
                "lines": lines_text or "",
                "prices": prices or {},
            },
            "procedures": procedure_choices(),
            "settings": SETTING_NAMES,
            "plan_name": plan_name,
            "result": result,
            "error": error,
        },
        status,
    )


@router.get("/cost")
def cost_page(request: Request) -> Response:
    qp = request.query_params
    return _cost_page(
        request,
        procedure=(qp.get("procedure") or "").strip()[:12],
        setting=(qp.get("setting") or "").strip()[:30],
        lines_text=None,
        prices={k[6:][:60]: v[:20] for k, v in qp.items() if k.startswith("price-")},
    )


@router.post("/cost")
async def cost_lines(request: Request) -> Response:
    form = await checked_form(request)
    return _cost_page(request, procedure="", setting="", lines_text=field(form, "lines") or None)
