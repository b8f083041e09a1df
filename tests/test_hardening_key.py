"""The local server's access key: without it no data, with it (header or cookie) everything works."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from backcover.web import create_app
from backcover.web._access import KEY_FILE, load_or_create_key
from tests._web_support import AUTH, WEB_KEY


@pytest.fixture()
def app(tmp_path: Path) -> object:
    return create_app(data_dir=tmp_path / "ws", access_key=WEB_KEY, today=lambda: date(2026, 11, 27))


@pytest.fixture()
def anon(app: object) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/api/patients", "/api/plan-templates", "/api/procedures?q=mri"])
def test_api_without_the_key_is_401_with_a_json_error(anon: TestClient, path: str) -> None:
    r = anon.get(path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    body = r.json()
    assert "access key" in body["error"] and "Authorization: Bearer" in body["fix"]
    assert anon.get(path, headers={"Authorization": "Bearer not-the-key"}).status_code == 401
    assert anon.get(path, headers={"Authorization": f"Basic {WEB_KEY}"}).status_code == 401
    assert anon.get(path, headers=AUTH).status_code == 200


def test_pages_without_the_key_ask_for_the_address_and_show_no_data(anon: TestClient) -> None:
    for path in ("/", "/record", "/cases", "/check"):
        r = anon.get(path)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("text/html")
        assert "--print-url" in r.text and "csrf_token" not in r.text
        assert "content-security-policy" in r.headers
    # A form post without the key cannot clear the imports either.
    assert anon.post("/start/clear", data={"csrf_token": "x"}).status_code == 401


def test_the_key_in_the_address_becomes_a_strict_httponly_cookie_and_leaves_the_address(
    anon: TestClient,
) -> None:
    r = anon.get(f"/check?procedure=72148&key={WEB_KEY}")
    assert r.status_code == 303
    assert r.headers["location"] == "/check?procedure=72148"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and WEB_KEY not in cookie
    after = anon.get("/record")
    assert after.status_code == 200 and "csrf_token" in after.text
    assert anon.get("/api/patients").status_code == 200  # the cookie serves the pages' own API calls
    # A wrong key in the address is not exchanged.
    fresh = TestClient(anon.app, base_url="http://127.0.0.1", follow_redirects=False)
    assert fresh.get("/?key=wrong").status_code == 401


def test_health_static_and_the_api_description_need_no_key(anon: TestClient) -> None:
    assert anon.get("/healthz").json() == {"status": "ok"}
    assert anon.get("/static/app.css").status_code == 200
    doc = anon.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["accessKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["accessKey"]["description"],
    }
    check = doc["paths"]["/api/check"]["post"]
    assert check["security"] == [{"accessKey": []}] and "401" in check["responses"]
    # The CDS Hooks and DTR endpoints carry their own JWT: the key check lets them through.
    assert anon.get("/cds-services").status_code == 200
    assert anon.get("/fhir/Questionnaire/unknown/$render").status_code == 404


def test_the_key_file_is_private_and_stable(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "home")
    path = tmp_path / "home" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 32
    assert load_or_create_key(tmp_path / "home") == key
    path.write_text("")  # cut off by a crash: a new key is made
    assert len(load_or_create_key(tmp_path / "home")) >= 32


def test_serve_print_url_uses_backcover_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backcover.cli import app
    from backcover.cli.web import default_data_dir

    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    r = CliRunner().invoke(app, ["serve", "--print-url", "--port", "9911"])
    assert r.exit_code == 0, r.output
    key = (tmp_path / "home" / KEY_FILE).read_text().strip()
    assert r.stdout.strip() == f"http://127.0.0.1:9911/?key={key}"
    assert default_data_dir() == tmp_path / "home" / "web"
