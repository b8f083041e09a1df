"""Reading a Plan-Net directory: a local Bundle / NDJSON file, or a FHIR server's base URL (httpx).

This is the I/O edge of the directory check; the calculator never calls it. A directory that cannot
be reached or read is not an error for the estimate: the :class:`Directory` carries the reason and
every lookup in it is ``unknown`` (nothing is assumed in network). The HTTP transport is injectable,
so tests use ``httpx.MockTransport`` and no request leaves the machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from backcover.costs._directory import NPI_SYSTEM, Directory, parse_resources

__all__ = ["read_directory", "resources_from_text"]

_MAX_PAGES = 20


class _Unreadable(Exception):
    pass


def resources_from_text(text: str) -> list[Any]:
    """The resources of a FHIR Bundle, a single resource, or NDJSON (one resource a line)."""
    stripped = text.strip()
    if not stripped:
        raise _Unreadable("the file is empty")
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, Mapping):
        if data.get("resourceType") == "Bundle":
            return [e.get("resource") for e in data.get("entry") or [] if isinstance(e, Mapping)]
        if isinstance(data.get("resourceType"), str):
            return [data]
        raise _Unreadable("the JSON is not a FHIR resource or Bundle")
    if isinstance(data, list):
        return list(data)
    out: list[Any] = []
    for n, line in enumerate(stripped.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            raise _Unreadable(f"line {n} is not JSON (expected a Bundle or NDJSON)") from None
    return out


def read_directory(
    ref: str,
    *,
    npis: Iterable[str] = (),
    checked_at: str | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
) -> Directory:
    """Read the directory at ``ref`` (a path, or an http(s) FHIR base URL queried for ``npis``)."""
    try:
        if ref.startswith(("http://", "https://")):
            resources = _from_server(ref, sorted(set(npis)), transport, timeout)
        else:
            try:
                text = Path(ref).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise _Unreadable(f"cannot read the file ({type(exc).__name__})") from None
            resources = resources_from_text(text)
    except _Unreadable as exc:
        return Directory(source=ref, checked_at=checked_at, error=str(exc))
    return parse_resources(resources, ref, checked_at)


def _from_server(
    base: str, npis: list[str], transport: httpx.BaseTransport | None, timeout: float
) -> list[Any]:
    host = urlsplit(base).netloc
    headers = {"Accept": "application/fhir+json"}
    try:
        with httpx.Client(
            base_url=base.rstrip("/") + "/", transport=transport, timeout=timeout, headers=headers
        ) as client:
            out = _search(client, host, "InsurancePlan", {"_count": "100"})
            out += _search(client, host, "Organization", {"type": "ntwk", "_count": "100"})
            for npi in npis:
                ident = {"identifier": f"{NPI_SYSTEM}|{npi}"}
                people = _search(client, host, "Practitioner", ident)
                orgs = _search(client, host, "Organization", ident)
                out += people + orgs
                for p in people:
                    out += _search(
                        client,
                        host,
                        "PractitionerRole",
                        {
                            "practitioner": f"Practitioner/{p.get('id')}",
                            "_include": "PractitionerRole:location",
                        },
                    )
                for o in orgs:
                    out += _search(
                        client,
                        host,
                        "OrganizationAffiliation",
                        {"participating-organization": f"Organization/{o.get('id')}"},
                    )
            return out
    except httpx.HTTPError as exc:
        raise _Unreadable(f"could not reach {host} ({type(exc).__name__})") from None


def _search(client: httpx.Client, host: str, kind: str, params: Mapping[str, str]) -> list[Any]:
    """A FHIR search, following the Bundle's ``next`` links on the same host."""
    out: list[Any] = []
    resp = client.get(kind, params=dict(params))
    for _ in range(_MAX_PAGES):
        if resp.status_code != 200:
            raise _Unreadable(f"{host} answered {resp.status_code} to a {kind} search")
        try:
            bundle = resp.json()
        except ValueError:
            raise _Unreadable(f"{host} did not send JSON for a {kind} search") from None
        if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
            raise _Unreadable(f"{host} did not send a FHIR Bundle for a {kind} search")
        out.extend(e.get("resource") for e in bundle.get("entry") or [] if isinstance(e, Mapping))
        nxt = next(
            (
                lk.get("url")
                for lk in bundle.get("link") or []
                if isinstance(lk, Mapping) and lk.get("relation") == "next"
            ),
            None,
        )
        if not isinstance(nxt, str) or urlsplit(nxt).netloc not in ("", host):
            break
        resp = client.get(nxt)
    return out
