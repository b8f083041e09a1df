"""Safety on localhost: Host header, cross-site writes, CSRF, upload limits, headers, no data in logs."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app = create_app(
        data_dir=tmp_path / "ws", max_upload_mb=1, today=lambda: date(2026, 11, 27), access_key=WEB_KEY
    )
    return TestClient(app, base_url="http://127.0.0.1", headers=AUTH)


def token(c: TestClient) -> str:
    r = c.get("/help")
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/record").text)
    assert r.status_code == 200 and m
    return m.group(1)


@pytest.mark.parametrize(
    "host,status",
    [
        pytest.param("127.0.0.1", 200, id="loopback"),
        pytest.param("localhost:8765", 200, id="localhost-with-port"),
        pytest.param("[::1]:8765", 200, id="ipv6-loopback"),
        pytest.param("evil.example", 421, id="rebinding-name"),
        pytest.param("127.0.0.1.evil.example", 421, id="prefix-trick"),
        pytest.param("", 421, id="no-host"),
    ],
)
def test_host_header_is_checked(client: TestClient, host: str, status: int) -> None:
    r = client.get("/help", headers={"host": host})
    assert r.status_code == status
    if status == 421:
        assert "127.0.0.1" in r.text
        api = client.get("/api/procedures", headers={"host": host})
        assert api.status_code == 421 and "127.0.0.1" in api.json()["error"]


def test_port_is_pinned_when_given(tmp_path: Path) -> None:
    c = TestClient(
        create_app(data_dir=tmp_path, port=8765, access_key=WEB_KEY),
        base_url="http://127.0.0.1:8765",
        headers=AUTH,
    )
    assert c.get("/help").status_code == 200
    assert c.get("/help", headers={"host": "127.0.0.1:9999"}).status_code == 421
    extra = TestClient(
        create_app(data_dir=tmp_path, port=8765, allowed_hosts=["backcover.lan:8765"], access_key=WEB_KEY),
        headers=AUTH,
    )
    assert extra.get("/help", headers={"host": "backcover.lan:8765"}).status_code == 200


def test_security_headers_and_csp_without_inline_script(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    # no inline <script> blocks and no inline event handlers in any page
    for path in ("/", "/record", "/check", "/cost", "/help", "/docs"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_session_cookie_is_httponly_and_strict(client: TestClient) -> None:
    r = client.get("/")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_form_without_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/record/start-log", data={})
    assert r.status_code == 403
    assert "Reload the page" in r.text
    r = client.post("/record/start-log", data={"csrf_token": "0" * 64})
    assert r.status_code == 403
    assert client.post("/record/start-log", data={"csrf_token": token(client)}).status_code in (200, 303)


def test_cross_site_post_is_refused(client: TestClient) -> None:
    tok = token(client)
    r = client.post("/record/start-log", data={"csrf_token": tok}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert "another site" in r.text
    r = client.post("/api/deadlines", json={}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "another site" in r.json()["error"]


def test_upload_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    tok = token(client)
    big = b'{"resourceType": "Patient"}\n' * 50_000  # about 1.4 MB, the limit is 1 MB
    r = client.post("/start/import", data={"csrf_token": tok}, files={"files": ("big.ndjson", big)})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")  # the page (or htmx) shows it
    assert "larger than the limit" in r.text
    r = client.post(
        "/api/check", content=b"{" + b" " * 1_100_000 + b"}", headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


def test_unexpected_errors_name_no_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from backcover.web._security import _route_of

    app = create_app(data_dir=tmp_path, access_key=WEB_KEY)

    @app.get("/api/boom/{who}")
    def boom(who: str) -> None:
        raise RuntimeError(f"record of {who}, born 1986-11-19")

    c = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, headers=AUTH)
    with caplog.at_level(logging.INFO):
        r = c.get("/api/boom/Corrin")
    assert r.status_code == 500
    assert "RuntimeError" in r.json()["error"]
    assert "Corrin" not in r.text and "1986" not in r.text
    ours = [rec.getMessage() for rec in caplog.records if rec.name.startswith(("backcover", "uvicorn"))]
    assert ours == ["internal error (RuntimeError) on GET /api/boom/{who}"]
    assert _route_of({"path": "/cases/123/denials/Jane-Doe"}) == "/cases/…"


def test_serve_refuses_to_listen_beyond_this_computer() -> None:
    from typer.testing import CliRunner

    from backcover.cli import app

    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "only listens on this computer" in r.output


def test_uploaded_records_are_private_files(tmp_path: Path) -> None:
    import stat

    from backcover.web._workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    path = ws.add_upload("../../etc/passwd.json", b'{"resourceType": "Patient", "id": "p"}')
    assert path.parent == tmp_path / "ws" / "records"  # no path tricks
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ws").stat().st_mode) == 0o700
    ws.save_plan("mine", "name: x\n")
    assert stat.S_IMODE((tmp_path / "ws" / "plans" / "mine.yaml").stat().st_mode) == 0o600
