"""The access key every test app is built with, the header an API client sends, and the usual client."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

WEB_KEY = "test-access-key-0123456789abcdefghijklmnopqrstuvwxyz"
AUTH = {"Authorization": f"Bearer {WEB_KEY}"}


def web_client(tmp_path: Path, today: date, **client: Any) -> TestClient:
    """An app with a SQLite store and a workspace in ``tmp_path``, and a client that has the key."""
    from backcover.web import create_app

    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        today=lambda: today,
        access_key=WEB_KEY,
    )
    return TestClient(app, base_url="http://127.0.0.1", headers=AUTH, **client)


def choose_synthea_patient(c: TestClient) -> str:
    """Import the public Synthea files through the start page and choose the back-pain patient.

    Returns the form token (CSRF) of the session, for the next form posts."""
    import re

    from tests.conftest import SYNTHEA_FILES, SYNTHEA_LBP

    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert found, "the start page has no form token"
    token = found.group(1)
    files = [("files", (p.name, p.read_bytes(), "application/x-ndjson")) for p in SYNTHEA_FILES]
    assert c.post("/start/import", data={"csrf_token": token}, files=files).status_code == 200
    chosen = {"csrf_token": token, "patient": SYNTHEA_LBP}
    assert c.post("/start/patient", data=chosen, follow_redirects=False).status_code == 303
    return token
