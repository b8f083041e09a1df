"""Every route, walked in clinic mode on PostgreSQL: the OpenAPI document's operations and every page.

- signed out: every API call answers 401 and every page redirects to /login (0 reads without a
  session), except the sign-in itself, /healthz, static files and the CDS Hooks / DTR endpoints;
- a viewer: every change to patient data (and every admin route) answers 403, and nothing changes;
- staff and admin: every read that succeeded is in the audit log under their name and its route.
"""

from __future__ import annotations

import re
from typing import Any

import fastapi.routing
from fastapi.routing import APIRoute
from sqlalchemy import select

from backcover.store import AuditEntry
from backcover.store._models import Base
from tests._clinic_support import (  # noqa: F401
    Clinic,
    cheap_hashes_fixture,
    clinic_app_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)
from tests.conftest import DATA

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Answered without a session (CONTRACTS.md section 8).
EXEMPT = {
    ("POST", "/api/session"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/healthz"),
    ("GET", "/cds-services"),
    ("POST", "/cds-services/{service_id}"),
    ("POST", "/fhir/Questionnaire/$questionnaire-package"),
    ("GET", "/fhir/Questionnaire/{qid}"),
    ("GET", "/fhir/Questionnaire/{qid}/$render"),
    ("POST", "/fhir/QuestionnaireResponse"),
}
# The changes a viewer may make: none to patient data. These POSTs compute or sign in and out.
VIEWER_MAY_POST = {
    ("POST", "/api/check"),
    ("POST", "/api/estimate"),
    ("POST", "/api/deadlines"),
    ("POST", "/cost"),
    ("POST", "/compare"),
    ("POST", "/cases/{case_id}/letter/{kind}"),
    ("POST", "/cases/{case_id}/letter/{kind}/review"),
    ("POST", "/cases/{case_id}/denial/read"),
    ("DELETE", "/api/session"),
    ("POST", "/logout"),
}
ADMIN_ONLY_GETS = {
    ("GET", "/api/audit"),
    ("GET", "/audit"),
    ("GET", "/audit.csv"),
    ("GET", "/users"),
    ("GET", "/my-data/download"),
}
# Reads that show no patient data: nothing to audit.
NO_PATIENT_DATA = {
    ("GET", "/help"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/api/procedures"),
    ("GET", "/api/plan-templates"),
    ("GET", "/api/insurers"),
    ("GET", "/check/procedures"),
    ("GET", "/api/me"),
    ("GET", "/users"),
    ("GET", "/api/audit"),
    ("GET", "/audit"),
    ("GET", "/audit.csv"),
}


def routes(app: Any) -> list[tuple[str, str]]:
    """(method, template) of every operation in the OpenAPI document and every page route."""
    out: set[tuple[str, str]] = set()
    for path, ops in app.openapi()["paths"].items():
        out.update((m.upper(), path) for m in ops if m.upper() in METHODS)
    flat = getattr(fastapi.routing, "iter_route_contexts", None)  # newer FastAPI keeps routers nested
    found = [rc.original_route for rc in flat(app.routes)] if flat else list(app.routes)
    for r in found:
        if isinstance(r, APIRoute) and not r.include_in_schema:
            out.update((m, r.path_format) for m in r.methods if m in METHODS)
        elif getattr(r, "path", None) == "/openapi.json":
            out.add(("GET", "/openapi.json"))
    return sorted(out)


def concrete(c: Clinic, template: str) -> str:
    values = {
        "case_id": str(c.cases[0]),
        "doc_id": str(c.documents[0]),
        "kind": "appeal",
        "section": "pain",
        "number": "1",
        "name": "viewer",
        "qid": "x",
        "service_id": "x",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _send(client: Any, method: str, path: str) -> Any:
    if path.startswith("/api/"):
        return client.request(method, path, json={} if method != "GET" else None)
    return client.request(method, path, data={} if method != "GET" else None)


def _rows(c: Clinic) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log (an assignment changes a row, not the count)."""
    with c.store.engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }


def test_signed_out_nothing_is_read(clinic_app: Clinic) -> None:
    walked = routes(clinic_app.app)
    assert len(walked) > 60
    anon = clinic_app.client(follow_redirects=False)
    exempt_seen, refused, leaks = set(), 0, []
    for method, template in walked:
        if (method, template) in EXEMPT:
            exempt_seen.add((method, template))
            continue
        r = _send(anon, method, concrete(clinic_app, template))
        if template.startswith("/api/") or template == "/openapi.json":
            ok = r.status_code == 401 and set(r.json()) == {"error", "fix", "file", "where"}
        else:
            ok = r.status_code == 303 and r.headers["location"].startswith("/login")
        refused += ok
        if not ok:
            leaks.append((method, template, r.status_code))
    assert leaks == []
    assert exempt_seen == EXEMPT
    assert refused == len(walked) - len(EXEMPT)
    # static files and health stay open
    assert anon.get("/healthz").json() == {"status": "ok"}
    assert anon.get("/static/app.css").status_code == 200
    # a page asked for while signed out comes back after signing in
    r = anon.get(f"/cases/{clinic_app.cases[0]}")
    assert r.headers["location"] == f"/login?next=/cases/{clinic_app.cases[0]}"


def test_a_viewer_changes_nothing(clinic_app: Clinic) -> None:
    before = _rows(clinic_app)
    viewer = clinic_app.client("viewer", follow_redirects=False)
    writes = [
        (m, t) for m, t in routes(clinic_app.app) if m != "GET" and (m, t) not in EXEMPT | VIEWER_MAY_POST
    ]
    assert len(writes) >= 25
    assert {("POST", "/api/cases/{case_id}/assign"), ("POST", "/worklist/assign")} <= set(writes)
    wrong = []
    for method, template in writes + sorted(ADMIN_ONLY_GETS):
        r = _send(viewer, method, concrete(clinic_app, template))
        if r.status_code != 403:
            wrong.append((method, template, r.status_code))
    assert wrong == []
    assert _rows(clinic_app) == before
    assert viewer.get("/api/me").json()["role"] == "viewer"  # still signed in


def test_every_read_in_the_walk_is_in_the_audit_log(clinic_app: Clinic) -> None:
    staff = clinic_app.client("staff", follow_redirects=False)
    patients = (DATA / "synthea-bulk10-Patient.ndjson").read_text()
    imported = staff.post(
        "/api/records", json={"records": [{"filename": "patients.ndjson", "content": patients}]}
    )
    assert imported.status_code == 200
    walked = routes(clinic_app.app)
    reads: list[tuple[str, str, str]] = []
    for role in ("staff", "admin"):
        client = clinic_app.client(role, follow_redirects=False)
        for method, template in walked:
            if method != "GET" or (method, template) in EXEMPT:
                continue
            if role == "staff" and (method, template) in ADMIN_ONLY_GETS:
                continue
            r = client.get(concrete(clinic_app, template))
            if r.status_code < 400 and (method, template) not in NO_PATIENT_DATA:
                reads.append((role, method, template))
    # the walk read something of every kind: store pages, the workspace, files, the export
    got = {t for _role, _m, t in reads}
    assert {
        "/",
        "/api/patients",
        "/cases",
        "/cases/{case_id}",
        "/cases/{case_id}/documents/{doc_id}",
        "/cases/{case_id}/calendar.ics",
        "/record",
        "/my-data/download",
        "/worklist",
        "/api/worklist",
        "/metrics",
        "/api/metrics",
    } <= got
    events = clinic_app.store.audit_events(limit=100_000)
    recorded = {(e.actor, e.route) for e in events}
    missing = [r for r in reads if (r[0], f"{r[1]} {r[2]}") not in recorded]
    assert missing == [], f"{len(reads) - len(missing)} of {len(reads)} reads recorded"
    # the case page names the case and its patient; the list names every patient it showed
    case_reads = [e for e in events if e.route == "GET /cases/{case_id}" and e.actor == "staff"]
    assert any(
        e.case_id == clinic_app.cases[0] and e.patient_id == clinic_app.patients[0] for e in case_reads
    )
    both = ",".join(str(p) for p in sorted(clinic_app.patients))
    lists = [e for e in events if e.route == "GET /cases" and e.entity == "case_list" and e.actor == "staff"]
    assert lists and lists[0].patient_ids == both
    # the worklist too, in one entry per read (no entry per patient, no second entry for the route)
    for route in ("GET /worklist", "GET /api/worklist"):
        entries = [(e.entity, e.patient_id, e.patient_ids) for e in events if e.route == route]
        assert entries == [("worklist", None, both)] * 2, route  # one read by staff, one by the admin
    # the import was recorded as a change by staff, and no event holds a patient's name
    assert ("staff", "POST /api/records") in recorded
    with clinic_app.store.engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(select(AuditEntry.__table__)) for v in row)
    assert "Kim" not in dumped and "Park" not in dumped


def test_staff_change_a_case_and_the_audit_says_who(clinic_app: Clinic) -> None:
    staff = clinic_app.client("staff", follow_redirects=False)
    cid = clinic_app.cases[0]
    page = staff.get(f"/cases/{cid}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = staff.post(
        f"/cases/{cid}/denial",
        data={"csrf_token": token.group(1), "denial_date": "2026-11-20", "codes": "CO-50", "reason": ""},
    )
    assert r.status_code == 303, r.text
    denial = [e for e in clinic_app.store.audit_events(actor="staff") if e.entity == "denial"]
    assert len(denial) == 1
    e = denial[0]
    assert (e.action, e.route, e.case_id, e.patient_id) == (
        "create",
        "POST /cases/{case_id}/denial",
        cid,
        clinic_app.patients[0],
    )
