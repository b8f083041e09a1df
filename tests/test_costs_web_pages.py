"""The cost and compare pages through the ASGI client: a price typed for a group of therapy visits
prices each visit; compare-plans shows what an incomplete total leaves out and never an asterisk."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY

TODAY = date(2026, 11, 27)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        today=lambda: TODAY,
        access_key=WEB_KEY,
    )
    c = TestClient(app, base_url="http://127.0.0.1", headers=AUTH)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert m
    c.csrf = m.group(1)  # type: ignore[attr-defined]
    r = c.post("/start/plan", data={"csrf_token": m.group(1), "template": "ppo", "name": "work ppo"})
    assert r.status_code == 200
    return c


def test_a_price_for_the_group_of_visits_prices_every_visit(client: TestClient) -> None:
    r = client.get("/cost?procedure=63030&setting=asc&price-group:pt=50")
    assert r.status_code == 200, r.text
    row = re.search(r'data-testid="cost-row-therapist">(.*?)</tr>', r.text, re.S)
    assert row and "physical therapy after surgery × 6" in row.group(1)
    assert "$300.00" in row.group(1)  # 6 x $50, the price you gave, no range
    assert "the price you gave" in row.group(1) and "line-range" not in row.group(1)
    assert "price_source" not in r.text and "deductible_met" not in r.text


def test_compare_page_shows_what_is_left_out_instead_of_an_asterisk(client: TestClient) -> None:
    t = client.csrf  # type: ignore[attr-defined]
    plans = ["template:ppo", "template:original-medicare"]
    data = {"csrf_token": t, "plans": plans, "care": "pathway:fusion-year"}
    r = client.post("/compare", data=data)
    assert r.status_code == 200, r.text
    body = r.text
    assert "at least $" in body and "not priced:" in body
    assert "*</td>" not in body
    assert 'data-testid="compare-refused"' not in body  # both leave out the same lines
