"""Reading what a hook's prefetch lacks from the EHR's FHIR server (the adapter's only outbound calls).

Each query is the service's prefetch template with ``{{context.patientId}}`` filled in, sent to
``fhirServer`` with ``fhirAuthorization.access_token`` as a bearer token, a short timeout and at most
a few pages. Any failure is a 412 (CDS Hooks 2.0: the service cannot get the data it needs).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from backcover.ehr._crd import PREFETCH, HookError, HookRequest

__all__ = ["MAX_PAGES", "complete_prefetch", "fetch_orders"]

MAX_PAGES = 5


def _client(req: HookRequest, transport: httpx.BaseTransport | None, timeout: float) -> httpx.Client:
    headers = {"Accept": "application/fhir+json"}
    if req.access_token:
        headers["Authorization"] = f"Bearer {req.access_token}"
    return httpx.Client(
        transport=transport, timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=False
    )


def _unavailable(what: str) -> HookError:
    return HookError(
        412,
        f"the {what} was not in the prefetch and could not be read from the FHIR server",
        "send the service's prefetch, or a reachable fhirServer with fhirAuthorization",
        "not-found",
    )


def _get(client: httpx.Client, url: str, what: str) -> Any:
    pages: list[Any] = []
    next_url: str | None = url
    while next_url and len(pages) < MAX_PAGES:
        try:
            r = client.get(next_url)
        except httpx.HTTPError:
            raise _unavailable(what) from None
        if r.status_code != 200:
            raise _unavailable(what)
        try:
            doc = r.json()
        except ValueError:
            raise _unavailable(what) from None
        pages.append(doc)
        links = doc.get("link") if isinstance(doc, dict) else None
        next_url = next(
            (
                str(lk.get("url"))
                for lk in links or []
                if isinstance(lk, dict) and lk.get("relation") == "next"
            ),
            None,
        )
    return pages[0] if len(pages) == 1 else pages


def complete_prefetch(
    req: HookRequest, transport: httpx.BaseTransport | None = None, timeout: float = 5.0
) -> dict[str, Any]:
    """The prefetch with every key of the service's templates, fetching those the EHR did not send."""
    data = dict(req.prefetch)
    missing = [k for k in PREFETCH if k not in data]
    if not missing:
        return data
    if req.fhir_server is None or req.patient_id is None:
        raise _unavailable(missing[0])
    base = req.fhir_server.rstrip("/")
    with _client(req, transport, timeout) as client:
        for key in missing:
            query = PREFETCH[key].replace("{{context.patientId}}", quote(req.patient_id, safe=""))
            data[key] = _get(client, f"{base}/{query}", key)
    return data


def fetch_orders(
    req: HookRequest, transport: httpx.BaseTransport | None = None, timeout: float = 5.0
) -> list[Any]:
    """order-dispatch: the dispatched orders, read by reference from the FHIR server."""
    if not req.dispatched:
        return []
    if req.fhir_server is None:
        raise _unavailable("dispatched order")
    base = req.fhir_server.rstrip("/")
    with _client(req, transport, timeout) as client:
        return [_get(client, f"{base}/{ref}", "dispatched order") for ref in req.dispatched]
