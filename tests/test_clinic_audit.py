"""The audit log in clinic mode, on PostgreSQL: the admin API and page with filters, the CSV export,
commands recorded under BACKCOVER_ACTOR, append-only rows, and the store's own refusal of a viewer's
change."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from backcover.cli import app as cli
from backcover.store import AuditScope, Refused, acting, open_store
from tests._clinic_support import (  # noqa: F401
    Clinic,
    cheap_hashes_fixture,
    clinic_app_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)

runner = CliRunner()


def test_the_audit_api_is_for_admins_newest_first(clinic_app: Clinic) -> None:
    staff = clinic_app.client("staff")
    assert staff.get(f"/cases/{clinic_app.cases[1]}").status_code == 200
    assert staff.get(f"/cases/{clinic_app.cases[0]}").status_code == 200
    for role in ("staff", "viewer"):
        r = clinic_app.client(role).get("/api/audit")
        assert r.status_code == 403 and "admin" in r.json()["error"]
    admin = clinic_app.client("admin")
    events = admin.get("/api/audit", params={"limit": 500}).json()["events"]
    assert {"at", "actor", "action", "route", "patient_id", "case_id"} <= set(events[0])
    ats = [datetime.fromisoformat(e["at"]) for e in events]
    assert ats == sorted(ats, reverse=True)
    case_reads = [e for e in events if e["actor"] == "staff" and e["route"] == "GET /cases/{case_id}"]
    assert [e["case_id"] for e in case_reads[:2]] == [clinic_app.cases[0], clinic_app.cases[1]]
    assert len(admin.get("/api/audit", params={"limit": 3}).json()["events"]) == 3


def test_audit_filters_by_user_patient_and_date(clinic_app: Clinic) -> None:
    kim, lee = clinic_app.patients
    clinic_app.client("staff").get("/cases")  # a list: both patients
    clinic_app.client("viewer").get(f"/cases/{clinic_app.cases[1]}")  # Lee only
    admin = clinic_app.client("admin")

    def get(**params: object) -> list[dict[str, object]]:
        r = admin.get("/api/audit", params={"limit": 1000, **params})
        assert r.status_code == 200, r.text
        events: list[dict[str, object]] = r.json()["events"]
        return events

    assert {e["actor"] for e in get(actor="viewer")} == {"viewer"}
    about_kim = get(patient=kim)
    assert about_kim and all(e["patient_id"] == kim or kim in e["patient_ids"] for e in about_kim)  # type: ignore[operator]
    assert any(e["route"] == "GET /cases" and e["patient_ids"] == [kim, lee] for e in about_kim)
    assert not any(e["actor"] == "viewer" for e in about_kim)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert get(since=tomorrow) == []
    assert len(get(since="2020-01-01")) == len(get())
    bad = admin.get("/api/audit", params={"since": "last week"})
    assert bad.status_code == 400 and bad.json()["where"] == "since"
    assert admin.get("/api/audit", params={"actor": "a\x00b"}).status_code == 422
    page = admin.get("/audit", params={"actor": "viewer"})
    assert page.status_code == 200 and "GET /cases/{case_id}" in page.text
    assert "Information, not advice" in page.text
    assert clinic_app.client("staff", follow_redirects=False).get("/audit").status_code == 403
    rows = list(csv.DictReader(io.StringIO(admin.get("/audit.csv", params={"actor": "viewer"}).text)))
    assert rows and {r["actor"] for r in rows} == {"viewer"}
    # the page's own form sends every box, the empty ones too: they are no filter
    form = {"actor": "viewer", "patient": "", "since": "", "limit": "200"}
    page = admin.get("/audit", params=form)
    assert page.status_code == 200 and "GET /cases/{case_id}" in page.text
    csv_rows = list(csv.DictReader(io.StringIO(admin.get("/audit.csv", params=form).text)))
    assert {r["actor"] for r in csv_rows} == {"viewer"}
    wrong = admin.get("/audit", params={**form, "patient": "kim"})
    assert wrong.status_code == 400 and "is not a patient number" in wrong.text
    assert 'value="kim"' in wrong.text  # what was typed stays in the box


def test_an_admin_cannot_disable_their_own_account_on_the_page(clinic_app: Clinic) -> None:
    admin = clinic_app.client("admin", follow_redirects=False)
    page = admin.get("/users").text
    assert 'action="/users/admin/disable"' not in page and 'action="/users/staff/disable"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = admin.post("/users/admin/disable", data={"csrf_token": token})
    assert r.status_code == 400 and "your own account" in r.text
    assert admin.get("/api/me").json()["username"] == "admin"  # still signed in
    assert admin.post("/users/staff/disable", data={"csrf_token": token}).status_code == 303


def test_the_audit_log_cannot_be_changed_or_emptied(clinic_app: Clinic) -> None:
    with clinic_app.store.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    for statement in (
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"), clinic_app.store.engine.begin() as conn:
            conn.execute(text(statement))
    with clinic_app.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == n
    # "delete everything" (the single user's) keeps it too
    clinic_app.store.delete_everything()
    with clinic_app.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == n + 1


def test_the_store_refuses_a_viewers_change_whatever_the_route(clinic_app: Clinic) -> None:
    store = clinic_app.store
    with acting(AuditScope(actor="viewer", route="GET /somewhere", may_write=False)):
        assert store.get_case(clinic_app.cases[0]).id == clinic_app.cases[0]  # reading is fine
        with pytest.raises(Refused):
            store.set_case_status(clinic_app.cases[0], "closed")
    assert store.get_case(clinic_app.cases[0]).status == "open"  # rolled back
    mine = [(e.action, e.route) for e in store.audit_events(actor="viewer") if e.route == "GET /somewhere"]
    assert mine == [("read", "GET /somewhere")]  # the refused change left no entry either


def test_commands_are_recorded_under_the_actor_and_exported_as_csv(
    clinic_app: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOVER_DATABASE_URL", clinic_app.url)
    monkeypatch.setenv("BACKCOVER_ACTOR", "pat.coordinator")
    shown = runner.invoke(cli, ["case", "show", str(clinic_app.cases[0])])
    assert shown.exit_code == 0, shown.output
    monkeypatch.delenv("BACKCOVER_ACTOR")
    out = runner.invoke(cli, ["audit", "export", "--since", "2020-01-01", "--actor", "pat.coordinator"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and all(r["actor"] == "pat.coordinator" for r in rows)
    assert any(
        r["action"] == "read" and r["case_id"] == str(clinic_app.cases[0]) and r["route"].startswith("cli: ")
        for r in rows
    )
    assert list(rows[0]) == [
        "at",
        "actor",
        "action",
        "route",
        "patient_id",
        "case_id",
        "patient_ids",
        "entity",
        "entity_id",
    ]
    # without BACKCOVER_ACTOR, the OS user
    runner.invoke(cli, ["case", "show", str(clinic_app.cases[0])])
    with open_store(clinic_app.url) as s:
        assert s.audit_events(limit=1)[0].actor.startswith("local:")
    bad = runner.invoke(cli, ["audit", "export", "--since", "yesterday"])
    assert bad.exit_code == 2 and "--since" in bad.output
