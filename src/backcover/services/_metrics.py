"""Prior-authorization figures from the store (CMS-0057-F style): the cases with a request sent in the
period become :class:`~backcover.caseload.Request` values, and :func:`backcover.caseload.metrics`
does the arithmetic.

A request's payer is the plan's payer name when the case has one (else the plan kind in words); its
service is the procedure family; it is expedited as recorded when it was made (older requests: as
the case is). Appeals and external reviews of the case count for the request whose denial they
followed.
"""

from __future__ import annotations

from datetime import date

from backcover.caseload import Metrics, Request, Review, metrics, with_reviews
from backcover.catalog import find
from backcover.errors import BadInput
from backcover.store import Case, CaseSummary, Store
from backcover.vocab import PlanKind

__all__ = ["pa_metrics", "period", "requests_of"]


def _payer(case: Case | CaseSummary) -> str:
    name = case.plan.payer if case.plan is not None else None
    if name:
        return name
    try:
        return PlanKind(case.payer).label
    except ValueError:
        return case.payer


def requests_of(case: Case | CaseSummary) -> list[Request]:
    """The sent prior-authorization requests of a loaded case, each with the reviews that followed it."""
    proc = find(case.procedure_code)
    code = case.procedure_code
    service, name = (proc.family, proc.name) if proc else (code, f"procedure {code}")
    payer = _payer(case)
    base = [
        Request(
            payer=payer,
            service=service,
            service_name=name,
            expedited=bool(case.urgent if pa.expedited is None else pa.expedited),
            submitted=pa.submitted_on,
            steps=tuple((e.on_date, e.status) for e in pa.events),
        )
        for pa in case.pa_requests
        if pa.submitted_on is not None
    ]
    reviews = [Review(a.filed_on, a.outcome) for a in case.appeals]
    reviews += [Review(r.requested_on, r.decision) for r in case.external_reviews]
    return with_reviews(base, reviews)


def period(since: date | None, until: date | None, as_of: date) -> tuple[date, date]:
    """The period asked for; by default from January 1 of ``until``'s year to ``until`` (today)."""
    end = until or as_of
    start = since or date(end.year, 1, 1)
    if start > end:
        raise BadInput(
            f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()})",
            "give a start date on or before the end date",
            where="since",
        )
    return start, end


def pa_metrics(store: Store, since: date, until: date) -> Metrics:
    """The figures for requests sent from ``since`` to ``until``; the read is audited (no patient named)."""
    result = metrics([r for c in store.metrics_cases(since, until) for r in requests_of(c)], since, until)
    store.record_list_read("pa_metrics", None)
    return result
