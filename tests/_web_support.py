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
