"""The worklist and the figures in clinic mode, on PostgreSQL, with real sign-in: each list read is one
audit entry under the signed-in user naming the patients shown, a viewer may not assign, and a case
is given only to one of the clinic's enabled staff or admin users."""

from __future__ import annotations

import re

from backcover import clinic
from backcover.store import Accounts, AuditEntry
from tests._clinic_support import (  # noqa: F401
    Clinic,
    cheap_hashes_fixture,
    clinic_app_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)


def _new_entries(c: Clinic, before: int) -> list[AuditEntry]:
    return sorted((e for e in c.store.audit_events(limit=100_000) if e.id > before), key=lambda e: e.id)


def _last_id(c: Clinic) -> int:
    return max((e.id for e in c.store.audit_events(limit=100_000)), default=0)


def test_a_worklist_read_is_one_entry_naming_the_patients_shown(clinic_app: Clinic) -> None:
    staff = clinic_app.client("staff")
    both = ",".join(str(p) for p in sorted(clinic_app.patients))
    for route, path in (("GET /worklist", "/worklist"), ("GET /api/worklist", "/api/worklist")):
        before = _last_id(clinic_app)
        r = staff.get(path)
        assert r.status_code == 200
        if path.startswith("/api/"):
            assert {c["patient"]["id"] for c in r.json()["cases"]} == set(clinic_app.patients)
        else:
            assert "Kim Park" in r.text and "Lee Chan" in r.text
        got = [
            (e.actor, e.action, e.route, e.entity, e.patient_id, e.patient_ids)
            for e in _new_entries(clinic_app, before)
        ]
        assert got == [("staff", "read", route, "worklist", None, both)]
    # a filtered list names only the patient it showed
    before = _last_id(clinic_app)
    r = staff.get("/api/worklist", params={"payer": "medicare"})
    assert [c["patient"]["id"] for c in r.json()["cases"]] == [clinic_app.patients[1]]
    [entry] = _new_entries(clinic_app, before)
    assert entry.patient_ids == str(clinic_app.patients[1])
    # a list that shows nobody is still a read, recorded once with no patients
    before = _last_id(clinic_app)
    assert staff.get("/api/worklist", params={"assignee": "nobody"}).json()["count"] == 0
    assert [(e.route, e.patient_ids) for e in _new_entries(clinic_app, before)] == [("GET /api/worklist", "")]
    # the admin's audit filter by patient finds the list read
    events = clinic_app.client("admin").get("/api/audit", params={"patient": clinic_app.patients[0]}).json()
    assert any(e["route"] == "GET /worklist" and e["actor"] == "staff" for e in events["events"])


def test_the_figures_are_recorded_as_a_read(clinic_app: Clinic) -> None:
    viewer = clinic_app.client("viewer")
    for route, path in (("GET /metrics", "/metrics"), ("GET /api/metrics", "/api/metrics?format=csv")):
        before = _last_id(clinic_app)
        assert viewer.get(path).status_code == 200
        got = [(e.actor, e.action, e.route, e.entity) for e in _new_entries(clinic_app, before)]
        assert got == [("viewer", "read", route, "pa_metrics")]


def test_a_viewer_may_not_assign_and_nothing_changes(clinic_app: Clinic) -> None:
    viewer = clinic_app.client("viewer", follow_redirects=False)
    cid = clinic_app.cases[0]
    before = _last_id(clinic_app)
    r = viewer.post(f"/api/cases/{cid}/assign", json={"assignee": "staff"})
    assert r.status_code == 403 and "viewer" in r.json()["error"]
    page = viewer.get("/worklist")
    assert page.status_code == 200 and 'action="/worklist/assign"' not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', viewer.get(f"/cases/{cid}").text)
    assert token
    form = {"csrf_token": token.group(1), "assignee": "staff"}
    assert viewer.post("/worklist/assign", data={**form, "case_id": str(cid)}).status_code == 403
    assert viewer.post(f"/cases/{cid}/assign", data=form).status_code == 403
    assert clinic_app.store.get_case(cid).assignee is None
    viewers = [(e.action, e.route) for e in _new_entries(clinic_app, before) if e.actor == "viewer"]
    assert viewers == [("read", "GET /worklist"), ("read", "GET /cases/{case_id}")]


def test_cases_go_to_the_clinics_enabled_staff_and_admins(clinic_app: Clinic) -> None:
    accounts = Accounts(clinic_app.store.engine, "test:setup")
    clinic.add_user(accounts, "robin", "staff", "another long password")
    clinic.add_user(accounts, "gone", "staff", "another long password")
    clinic.disable_user(accounts, "gone")
    staff = clinic_app.client("staff")
    page = staff.get("/worklist").text
    row = rf'<select id="as-{clinic_app.cases[0]}" name="assignee"[^>]*>(.*?)</select>'
    row_select = re.search(row, page)
    assert row_select, "the row's assign form offers a choice of users"
    assert re.findall(r'<option value="([^"]*)"', row_select.group(1)) == ["", "admin", "robin", "staff"]
    case_page = staff.get(f"/cases/{clinic_app.cases[0]}").text
    assert '<select id="assignee" name="assignee" required>' in case_page
    cid = clinic_app.cases[0]
    r = staff.post(f"/api/cases/{cid}/assign", json={"assignee": "Robin"})
    assert r.status_code == 200 and r.json()["case"]["assignee"] == "robin"
    for name in ("viewer", "gone", "someone else"):
        bad = staff.post(f"/api/cases/{cid}/assign", json={"assignee": name})
        assert bad.status_code == 400 and bad.json()["where"] == "assignee", name
    assert clinic_app.store.get_case(cid).assignee == "robin"
    # the filter offers the users and whoever has cases
    filt = re.search(r'<select id="wf-assignee" name="assignee">(.*?)</select>', staff.get("/worklist").text)
    assert filt and re.findall(r'<option value="([^"]*)"', filt.group(1)) == ["", "admin", "robin", "staff"]
    assert [c["case_id"] for c in staff.get("/api/worklist?assignee=robin").json()["cases"]] == [cid]
