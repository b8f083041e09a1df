"""Check a procedure: the question in plain words and the answer, criterion by criterion."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover.catalog import resolve
from backcover.engine import insurer_table
from backcover.errors import BadInput
from backcover.vocab import STATES, parse_state
from backcover.web import _checkview, _services
from backcover.web._context import ctx, page_language, render
from backcover.web._forms import (
    PAYERS,
    SETTING_NAMES,
    plan_payer,
    procedure_choices,
)
from backcover.web._recordview import item_label

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def insurer_choices() -> list[tuple[str, str]]:
    """The "Which insurer?" options: the named insurers (the page adds "Not sure / other" = none)."""
    return [(i.slug, i.name) for i in insurer_table().by_slug.values()]


@router.get("/check/procedures")
def check_procedures(request: Request) -> Response:
    """htmx: the procedure options matching the words typed."""
    q = request.query_params.get("q", "")[:100]
    return render(
        request,
        "_procedure_options.html",
        {"procedures": procedure_choices(q), "selected": request.query_params.get("procedure")},
    )


@router.get("/check")
def check_page(request: Request) -> Response:
    web = ctx(request)
    qp = request.query_params
    page_language(request)  # the answer's words, too
    form = {
        "procedure": (qp.get("code") or qp.get("procedure") or "").strip()[:12],
        "payer": qp.get("payer") or plan_payer(request) or "commercial",
        "setting": qp.get("setting") or "",
        "state": (qp.get("state") or "").strip()[:40],
        "as_of": qp.get("as_of") or web.today().isoformat(),
        "insurer": (qp.get("insurer") or "").strip()[:40],
        "q": qp.get("q", "")[:100],
    }
    result = None
    error: BadInput | None = None
    status = 200
    if form["procedure"]:
        try:
            try:
                as_of = date.fromisoformat(form["as_of"])
            except ValueError:
                raise BadInput(
                    f"{form['as_of']!r} is not a date", "write the date as YYYY-MM-DD", where="As of"
                ) from None
            if form["payer"] not in dict(PAYERS):
                raise BadInput(f"unknown payer {form['payer']!r}", "choose one from the list", where="Payer")

            state = parse_state(form["state"], where="State") if form["state"] else None
            if state:
                form["state"] = state
            resolve(form["procedure"], form["setting"] or None)
            record = _services.workspace_record(web.workspace)
            det = _services.check(
                record,
                form["procedure"],
                form["payer"],
                setting=form["setting"] or None,
                state=state,
                as_of=as_of,
                insurer=form["insurer"] or None,
            )

            result = _checkview.view(det, {it.id: item_label(it) for it in record.items})
        except BadInput as exc:
            error, status = exc, 400
    return render(
        request,
        "check.html",
        {
            "title": "Check a procedure",
            "form": form,
            "payers": PAYERS,
            "insurers": insurer_choices(),
            "states": STATES,
            "settings": SETTING_NAMES,
            "procedures": procedure_choices(),
            "result": result,
            "error": error,
        },
        status,
    )
