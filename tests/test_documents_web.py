"""The case page's letters and story through the web app: finalising without the payer's details is
refused with where to find them (nothing kept), deletion needs its confirmation box, and the case
list shows cases the command line opened (one store)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from backcover import services
from backcover.store import open_store
from tests._web_support import web_client

TODAY = date(2026, 11, 27)


def _client(tmp_path: Path) -> tuple[TestClient, str]:
    c = web_client(tmp_path, TODAY)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert m
    return c, m.group(1)


def test_final_letter_needs_member_id_and_delete_needs_confirmation(tmp_path: Path) -> None:
    c, t = _client(tmp_path)
    r = c.post(
        "/cases/new",
        data={"csrf_token": t, "procedure": "63030", "payer": "commercial"},
        follow_redirects=False,
    )
    url = r.headers["location"].split("?")[0]
    c.post(
        url + "/denial",
        data={"csrf_token": t, "denial_date": "2026-11-20", "codes": "CO-50", "reason": "Not necessary"},
    )
    r = c.post(url + "/letter/appeal/final", data={"csrf_token": t, "signer": "patient"})
    assert r.status_code == 400
    assert "member id is missing" in r.text and "denial notice" in r.text
    assert 'data-testid="before-you-send"' in r.text and "documents" not in re.findall(
        r'data-testid="(\w+)"', r.text
    )
    r = c.post(
        url + "/edit",
        data={"csrf_token": t, "member_id": "XJH1", "appeals_address": "PO Box 1\nPittsburgh, PA"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = c.post(
        url + "/letter/appeal/final", data={"csrf_token": t, "signer": "patient"}, follow_redirects=False
    )
    assert r.status_code == 303 and "done=final" in r.headers["location"]
    assert "sha256" in c.get(url).text
    assert c.post(url + "/delete", data={"csrf_token": t}).status_code == 400  # no confirmation
    r = c.post(url + "/delete", data={"csrf_token": t, "confirm": "yes"}, follow_redirects=False)
    assert r.status_code == 303 and c.get(url).status_code in (400, 404)


def test_the_case_list_shows_the_command_lines_cases(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}", actor="cli")
    services.open_case(
        store, services.case_input("62323", "medicare"), patient=services.PatientInput("Dana Cli")
    )
    store.close()
    c, _t = _client(tmp_path)
    page = c.get("/cases").text
    assert "epidural" in page.lower()
