"""The clinic's worklist and prior-authorization figures on SQLite and on PostgreSQL: cases of two
patients most urgent first, the filters and "what is due in N days", assigning (audited, and refused
to a viewer), the figures of known request histories, and the upgrade of a store from before."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from starlette.types import ASGIApp, Receive, Scope, Send
from typer.testing import CliRunner

from backcover import services
from backcover.cli import app
from backcover.errors import BadInput
from backcover.store import Store, _db, open_store
from backcover.web import create_app
from backcover.web._actor import Actor, Role
from tests._caseload_support import TODAY, pa_histories, two_patients
from tests._cases_support import store_fixture, store_url_fixture  # noqa: F401
from tests._web_support import AUTH, WEB_KEY
from tests.test_web_labels import problems

OPENED = datetime(2026, 1, 1, tzinfo=UTC)


def _ids(items: list[Any]) -> list[int]:
    return [i.case_id for i in items]


def test_the_worklist_puts_overdue_then_expedited_then_the_soonest_first(store: Store) -> None:
    k = two_patients(store)
    items = services.worklist(store, TODAY)
    assert _ids(items) == [k.c, k.a, k.b, k.d]
    rows = {i.case_id: i.to_json(TODAY) for i in items}
    assert {r["patient"]["name"] for r in rows.values()} == {"Ann Alpha", "Bob Beta"}
    c, a, b, d = rows[k.c], rows[k.a], rows[k.b], rows[k.d]
    assert c["overdue"] and c["next_deadline"]["due"] == "2026-07-04" and c["next_deadline"]["days_left"] < 0
    assert (a["expedited"], a["overdue"], a["next_deadline"]["due"]) == (True, False, "2027-01-27")
    assert a["status"] == {"key": "denied", "label": "denied, no appeal filed yet"}
    assert a["payer"]["label"] == "Medicare Advantage" and a["procedure"]["code"] == "64483"
    assert (b["expedited"], b["next_deadline"]["kind"], b["payer"]["label"]) == (
        False,
        "auth_expires",
        "Acme Health",
    )
    assert b["status"]["key"] == "pa_approved" and d["status"]["key"] == "pa_submitted"
    assert d["next_deadline"] is None and d["assignee"] is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"payer": "Acme Health"}, "cb", id="payer-name"),
        pytest.param({"payer": "medicaid"}, "d", id="plan-kind"),
        pytest.param({"status": "denied"}, "ca", id="status"),
        pytest.param({"status": "prior authorization sent"}, "d", id="status-in-words"),
        pytest.param({"due_within_days": 10}, "cb", id="due-in-10-days"),
        pytest.param({"due_within_days": 61}, "cab", id="due-in-61-days"),
        pytest.param({"payer": "Acme Health", "due_within_days": 0}, "c", id="overdue-only"),
    ],
)
def test_the_worklist_filters(store: Store, filters: dict[str, Any], expected: str) -> None:
    k = two_patients(store)
    ids = {"a": k.a, "b": k.b, "c": k.c, "d": k.d}
    assert _ids(services.worklist(store, TODAY, **filters)) == [ids[x] for x in expected]


def test_assigning_a_case_is_audited_and_filters_the_worklist(store: Store) -> None:
    k = two_patients(store)
    row = services.assign_case(store, k.b, "  kim ", TODAY)
    assert row.assignee == "kim"
    services.assign_case(store, k.d, "lee", TODAY)
    assert store.assignees() == ["kim", "lee"]
    changes = [e for e in store.audit_entries() if e.entity == "case_assignment"]
    assert [(e.action, e.patient_id, e.entity_id) for e in changes] == [
        ("update", k.bob, str(k.b)),
        ("update", k.bob, str(k.d)),
    ]
    before = len(store.audit_entries())
    assert _ids(services.worklist(store, TODAY, assignee="KIM")) == [k.b]
    reads = [e for e in store.audit_entries()[before:] if e.entity == "worklist"]
    # one entry for the list, naming only the patient shown
    assert [(e.action, e.patient_id, e.patient_ids) for e in reads] == [("read", None, str(k.bob))]
    services.assign_case(store, k.b, None, TODAY)
    assert services.worklist(store, TODAY, assignee="kim") == []
    with pytest.raises(BadInput, match="at most 64"):
        services.assign_case(store, k.b, "x" * 65, TODAY)
    with pytest.raises(BadInput, match="no case 999"):
        services.assign_case(store, 999, "kim", TODAY)


def test_the_figures_of_known_histories(store: Store) -> None:
    pa_histories(store)
    m = services.pa_metrics(store, *services.period(None, None, TODAY))
    assert (m.since.isoformat(), m.until.isoformat()) == ("2026-01-01", "2026-11-27")
    groups = {(g.payer, g.service): g for g in m.groups}
    assert sorted(groups) == [("Acme Health", "lumbar_mri"), ("Medicare Advantage", "esi_transforaminal")]
    mri = groups["Acme Health", "lumbar_mri"].standard
    assert (mri.requests, mri.decided, mri.pending, mri.approved, mri.denied) == (5, 4, 1, 2, 2)
    assert (mri.approved_share, mri.denied_share) == (0.5, 0.5)
    assert (mri.appealed, mri.approved_after_appeal, mri.approved_after_appeal_share) == (2, 1, 0.5)
    assert (mri.mean_days, mri.median_days) == (8.5, 8.5)  # 7, 3, 10 and 14 days
    assert groups["Acme Health", "lumbar_mri"].expedited.requests == 0
    esi = groups["Medicare Advantage", "esi_transforaminal"]
    fast = esi.expedited
    assert (fast.requests, fast.approved_share, fast.denied_share) == (3, 0.6667, 0.3333)
    assert (fast.approved_after_appeal, fast.approved_after_appeal_share) == (1, 1.0)
    assert (fast.mean_days, fast.median_days) == (1.33, 1.0)  # 1, 3 and 0 days
    assert (esi.standard.requests, esi.standard.median_days) == (1, 14.0)
    assert (m.standard.requests, m.standard.approved_share, m.standard.mean_days, m.standard.median_days) == (
        6,
        0.6,
        9.6,
        10.0,
    )
    assert m.expedited == fast
    december = services.pa_metrics(store, *services.period(date(2025, 12, 1), date(2025, 12, 31), TODAY))
    assert (december.standard.requests, december.standard.median_days) == (1, 2.0)
    assert [e.patient_id for e in store.audit_entries() if e.entity == "pa_metrics"] == [None, None]


def test_a_request_stays_standard_when_its_case_is_marked_urgent_later(store: Store) -> None:
    ids = pa_histories(store)
    services.edit_case(store, ids[0], {"urgent": True})
    m = services.pa_metrics(store, date(2026, 1, 1), TODAY)
    mri = next(g for g in m.groups if g.service == "lumbar_mri")
    assert (mri.standard.requests, mri.expedited.requests) == (5, 0)


# -- the web app -----------------------------------------------------------------------------------
class FakeSignIn:
    """Stands in for clinic sign-in: the ``x-test-role`` header puts an actor on ``request.state``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            role = dict(scope["headers"]).get(b"x-test-role")
            if role:
                scope.setdefault("state", {})["actor"] = Actor(7, "val", Role(role.decode()))
        await self.app(scope, receive, send)


@pytest.fixture
def web(store_url: str) -> Iterator[tuple[TestClient, Store]]:
    app = create_app(store_url, data_dir=None, today=lambda: TODAY, access_key=WEB_KEY)
    app.add_middleware(FakeSignIn)
    store = open_store(store_url, actor="test:setup")
    try:
        with TestClient(app, base_url="http://127.0.0.1", headers=AUTH) as client:
            yield client, store
    finally:
        store.close()


def test_the_worklist_api_and_assign(web: tuple[TestClient, Store]) -> None:
    client, store = web
    k = two_patients(store)
    r = client.get("/api/worklist")
    assert r.status_code == 200
    data = r.json()
    assert data["as_of"] == "2026-11-27" and data["count"] == 4
    assert [c["case_id"] for c in data["cases"]] == [k.c, k.a, k.b, k.d]
    assert [c["expedited"] for c in data["cases"]] == [False, True, False, False]
    r = client.get("/api/worklist", params={"payer": "Acme Health", "due_within_days": 10})
    assert [c["case_id"] for c in r.json()["cases"]] == [k.c, k.b]
    r = client.post(f"/api/cases/{k.a}/assign", json={"assignee": "kim"})
    assert r.status_code == 200 and r.json()["case"]["assignee"] == "kim"
    assert [c["case_id"] for c in client.get("/api/worklist?assignee=kim").json()["cases"]] == [k.a]
    bad = client.post(f"/api/cases/{k.a}/assign", json={"assignee": ""})
    assert bad.status_code == 400 and bad.json()["where"] == "assignee"
    assert client.get("/api/worklist?status=lost").status_code == 400
    assert client.get("/api/worklist?due_within_days=-1").status_code == 422
    assert client.post("/api/cases/999/assign", json={"assignee": "kim"}).status_code == 400


def test_a_viewer_reads_the_worklist_but_may_not_assign(web: tuple[TestClient, Store]) -> None:
    client, store = web
    k = two_patients(store)
    viewer = {"x-test-role": "viewer"}
    assert client.get("/api/worklist", headers=viewer).status_code == 200
    assert client.get("/api/metrics", headers=viewer).status_code == 200
    r = client.post(f"/api/cases/{k.b}/assign", json={"assignee": "val"}, headers=viewer)
    assert r.status_code == 403 and "viewer" in r.json()["error"]
    page = client.get("/worklist", headers=viewer)
    assert page.status_code == 200 and 'action="/worklist/assign"' not in page.text
    assert client.post("/worklist/assign", data={"case_id": str(k.b)}, headers=viewer).status_code == 403
    assert store.get_case(k.b).assignee is None
    staff = client.post(
        f"/api/cases/{k.b}/assign", json={"assignee": "val"}, headers={"x-test-role": "staff"}
    )
    assert staff.status_code == 200 and store.get_case(k.b).assignee == "val"


def test_the_metrics_api_as_json_and_csv(web: tuple[TestClient, Store]) -> None:
    client, store = web
    pa_histories(store)
    data = client.get("/api/metrics", params={"since": "2026-01-01", "until": "2026-12-31"}).json()
    assert data["rule"]["id"] == "CMS-0057-F" and "89 FR 8758" in data["rule"]["citation"]
    assert "not the payer's" in data["source"]
    assert data["all"]["expedited"]["approved_share"] == 0.6667
    r = client.get("/api/metrics", params={"since": "2026-01-01", "until": "2026-12-31", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="pa-metrics-2026-01-01-2026-12-31.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    mri = next(x for x in rows if x["payer"] == "Acme Health" and x["kind"] == "standard")
    assert (mri["requests"], mri["pending"], mri["approved_share"], mri["median_days_to_decision"]) == (
        "5",
        "1",
        "0.5",
        "8.5",
    )
    assert (mri["appealed"], mri["approved_after_appeal_share"]) == ("2", "0.5")
    assert [x["kind"] for x in rows if x["payer"] == "all"] == ["standard", "expedited"]
    bad = client.get("/api/metrics", params={"since": "2026-12-31", "until": "2026-01-01"})
    assert bad.status_code == 400 and bad.json()["where"] == "since"


def test_the_worklist_page_in_plain_words_with_its_assign_forms(web: tuple[TestClient, Store]) -> None:
    client, store = web
    k = two_patients(store)
    pa_histories(store)
    page = client.get("/worklist").text
    assert problems(page) == []
    assert page.index(f'id="case-{k.c}"') < page.index(f'id="case-{k.a}"') < page.index(f'id="case-{k.b}"')
    assert page.count('data-testid="expedited"') == 1 + 3  # Ann's case and the three expedited requests
    assert 'href="/worklist"' in page and 'href="/metrics"' in page  # the nav
    # the single user types any name (clinic mode offers its users instead)
    assert f'<input type="text" id="as-{k.c}" name="assignee" list="assignee-names"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(
        "/worklist/assign",
        data={
            "csrf_token": token,
            "case_id": str(k.c),
            "assignee": "kim",
            "back": "payer=Acme+Health&evil=1",
        },
        follow_redirects=False,
    )
    assert (
        r.status_code == 303
        and r.headers["location"] == f"/worklist?payer=Acme+Health&done=assigned#case-{k.c}"
    )
    assert store.get_case(k.c).assignee == "kim"
    r = client.post(
        f"/cases/{k.d}/assign", data={"csrf_token": token, "assignee": "lee"}, follow_redirects=False
    )
    assert r.status_code == 303
    case_page = client.get(r.headers["location"]).text
    assert "Case assigned." in case_page and 'data-testid="case-assignee">lee' in case_page
    assert client.get(f"/cases/{k.a}").text.count('data-testid="expedited"') == 1
    assert client.get("/worklist?due=lots").status_code == 400


def test_the_metrics_page_cites_the_rule_and_says_whose_figures_these_are(
    web: tuple[TestClient, Store],
) -> None:
    client, store = web
    pa_histories(store)
    metrics = client.get("/metrics?since=2026-01-01&until=2026-12-31")
    assert metrics.status_code == 200 and problems(metrics.text) == []
    body = metrics.text
    assert "CMS-0057-F" in body and "89 FR 8758" in body and "March 31, 2026" in body
    assert "clinic's own figures" in body and "not the payer's figures" in body
    assert '50.0% <span class="hint">1 of 2 appealed</span>' in body and "8.5 days" in body
    assert '66.7% <span class="hint">2 of 3 decided</span>' in body
    assert client.get("/metrics?since=yesterday").status_code == 400


# -- the upgrade -----------------------------------------------------------------------------------
def test_a_store_from_before_the_worklist_upgrades_with_its_requests_expedited_as_their_cases(
    store_url: str,
) -> None:
    engine = create_engine(store_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(_db.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002_text_columns")
        conn.execute(
            text("INSERT INTO patients (id, name, profile, created_at) VALUES (1, 'Kim Old', '{}', :t)"),
            {"t": OPENED},
        )
        for cid, urgent in ((1, True), (2, False)):
            conn.execute(
                text(
                    "INSERT INTO cases (id, patient_id, title, procedure_code, payer, plan_kind, "
                    "status, service, urgent, created_at) VALUES (:id, 1, 'MRI', '72148', "
                    "'commercial', 'commercial', 'open', 'pre', :u, :t)"
                ),
                {"id": cid, "u": urgent, "t": OPENED},
            )
            conn.execute(
                text(
                    "INSERT INTO pa_requests (id, patient_id, case_id, status, submitted_on) "
                    "VALUES (:id, 1, :id, 'submitted', :d)"
                ),
                {"id": cid, "d": TODAY},
            )
    engine.dispose()
    store = open_store(store_url)
    try:
        assert store.schema_revision() == "0004_worklist"
        assert [(c.id, c.assignee, c.pa_requests[0].expedited) for c in store.worklist_cases()] == [
            (1, None, True),
            (2, None, False),
        ]
        m = services.pa_metrics(store, TODAY, TODAY)
        assert (m.standard.requests, m.expedited.requests, m.expedited.pending) == (1, 1, 1)
    finally:
        store.close()


# -- the command line ------------------------------------------------------------------------------
def test_the_command_line_worklist_assign_and_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    with open_store() as store:
        k = two_patients(store)
        pa_histories(store)
    runner = CliRunner()
    r = runner.invoke(app, ["case", "assign", str(k.a), "--to", "kim"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["cases", "worklist", "--as-of", "2026-11-27", "--assignee", "kim", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    data = orjson.loads(r.stdout)
    assert [(c["case_id"], c["expedited"], c["assignee"]) for c in data["cases"]] == [(k.a, True, "kim")]
    r = runner.invoke(
        app, ["cases", "worklist", "--as-of", "2026-11-27", "--payer", "Acme Health", "--due-within", "10"]
    )
    assert r.exit_code == 0 and "OVERDUE" in r.stdout and "Bob Beta" in r.stdout
    r = runner.invoke(app, ["cases", "worklist", "--due-within", "-3"])
    assert r.exit_code == 2 and "--due-within" in r.output
    r = runner.invoke(app, ["case", "assign", str(k.a), "--to", " "])
    assert r.exit_code == 2 and "--to" in r.output and "empty" in r.output
    r = runner.invoke(
        app, ["cases", "metrics", "--since", "2026-03-01", "--until", "2026-03-31", "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    esi = next(x for x in rows if x["payer"] == "Medicare Advantage" and x["kind"] == "expedited")
    assert (esi["requests"], esi["approved_share"], esi["median_days_to_decision"]) == ("3", "0.6667", "1.0")
    r = runner.invoke(app, ["cases", "metrics", "--since", "2026-03-01", "--until", "2026-03-31"])
    assert r.exit_code == 0 and "CMS-0057-F" in r.stdout and "not the payer's" in r.stdout
    r = runner.invoke(app, ["cases", "metrics", "--since", "2026-04-01", "--until", "2026-03-01"])
    assert r.exit_code == 2 and "--since" in r.output
