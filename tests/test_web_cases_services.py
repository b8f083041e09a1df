"""The web app's cases go through the shared use cases: a medicaid-ffs case gets its appeal letter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from tests.test_web_pages import error_text, setup_person

TODAY = date(2026, 11, 27)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app = create_app(f"sqlite:///{tmp_path / 'store.db'}", data_dir=tmp_path / "ws", today=lambda: TODAY)
    return TestClient(app, base_url="http://127.0.0.1")


def test_a_medicaid_ffs_case_gets_its_appeal_letter(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "medicaid-ffs"})
    assert r.status_code == 200
    case_id = str(r.url).split("/")[-1].split("?")[0]
    r = client.post(
        f"/cases/{case_id}/denial", data={"csrf_token": t, "denial_date": "2026-11-02", "codes": "CO-50"}
    )
    assert r.status_code == 200
    r = client.post(f"/cases/{case_id}/letter/appeal", data={"csrf_token": t})
    assert r.status_code == 200, error_text(r.text)
    assert r.content[:5] == b"%PDF-"
    assert "--payer" not in r.text


def test_a_case_with_a_state_that_does_not_exist_is_refused_and_not_saved(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post(
        "/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "commercial", "state": "ZZ"}
    )
    assert r.status_code == 400 and "unknown state" in r.text
    assert "/cases/1" not in client.get("/cases").text
    r = client.post(
        "/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "commercial", "state": "New York"}
    )
    assert r.status_code == 200 and "NY" in r.text
