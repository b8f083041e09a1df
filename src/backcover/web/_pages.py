"""The HTML pages: one module per page (``_page_*.py``), gathered here into one router.

Every form posts back with a CSRF token. A POST that changes something answers with a redirect
(or, for htmx, the fragment to swap in); one that only computes (cost lines, compare) answers with
the page. Bad input re-renders the page with the message and a 4xx status. Page routes are left
out of the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover.web import (
    _page_cases,
    _page_check,
    _page_compare,
    _page_cost,
    _page_metrics,
    _page_mydata,
    _page_record,
    _page_start,
    _page_worklist,
)
from backcover.web._context import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/help")
def help_page(request: Request) -> Response:
    return render(request, "help.html", {"title": "Help"})


@router.get("/docs")
def docs_page(request: Request) -> Response:
    return render(request, "docs.html", {"title": "API"})


for _module in (
    _page_start,
    _page_record,
    _page_check,
    _page_cost,
    _page_cases,
    _page_worklist,
    _page_metrics,
    _page_compare,
    _page_mydata,
):
    router.include_router(_module.router)
