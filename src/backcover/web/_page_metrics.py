"""The metrics page: the clinic's own prior-authorization figures by payer and service, in the shape
of the CMS-0057-F public metrics, for a chosen period; the same figures as CSV from the API."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover import i18n, services
from backcover.caseload import RULE, Figures, Metrics
from backcover.errors import BadInput
from backcover.i18n import N_
from backcover.i18n import gettext as _
from backcover.web._actor import Action, require
from backcover.web._context import ctx, page_language, render
from backcover.web._forms import labelled

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

WORDS = {"since": N_("From"), "until": N_("To")}


def _day(request: Request, name: str) -> date | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise BadInput(
            f"{raw[:20]!r} is not a date", "give the date as YYYY-MM-DD", where=_(WORDS[name])
        ) from None


def _share(part: int, whole: int, of: str) -> dict[str, str]:
    if of == "decided":
        none, some = _("none decided"), _("%(part)s of %(whole)s decided")
    else:
        none, some = _("none appealed"), _("%(part)s of %(whole)s appealed")
    if not whole:
        return {"pct": "—", "count": none}
    return {"pct": f"{100 * part / whole:.1f}%", "count": some % {"part": part, "whole": whole}}


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return i18n.ngettext("%(num)s day", "%(num)s days", 1 if value == 1 else 2) % {"num": f"{value:g}"}


def _line(payer: str, service: str, kind: str, f: Figures) -> dict[str, Any]:
    return {
        "payer": payer,
        "service": service,
        "kind": kind,
        "requests": f.requests,
        "pending": f.pending,
        "approved": _share(f.approved, f.decided, "decided"),
        "denied": _share(f.denied, f.decided, "decided"),
        "after_appeal": _share(f.approved_after_appeal, f.appealed, "appealed"),
        "mean": _days(f.mean_days),
        "median": _days(f.median_days),
    }


def _rows(m: Metrics) -> list[dict[str, Any]]:
    """One line per payer, service and kind of request that had requests, then the totals."""
    out = []
    for g in m.groups:
        for kind, f in (("standard", g.standard), ("expedited", g.expedited)):
            if f.requests:
                out.append(_line(g.payer, g.service_name, kind, f))
    for kind, f in (("standard", m.standard), ("expedited", m.expedited)):
        out.append(_line(_("All payers"), _("all services"), kind, f) | {"total": True})
    return out


@router.get("/metrics")
def metrics_page(request: Request) -> Response:
    require(request, Action.READ)
    page_language(request)
    web = ctx(request)
    error: BadInput | None = None
    start = end = web.today()
    lines: list[dict[str, Any]] = []
    try:
        start, end = services.period(_day(request, "since"), _day(request, "until"), web.today())
        lines = _rows(services.pa_metrics(web.store(), start, end))
    except BadInput as exc:
        error = labelled(exc, WORDS)
    return render(
        request,
        "metrics.html",
        {
            "title": "Metrics",
            "rows": lines,
            "error": error,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "csv": "/api/metrics?" + urlencode({"since": start, "until": end, "format": "csv"}),
            "rule": RULE,
        },
        400 if error else 200,
    )
