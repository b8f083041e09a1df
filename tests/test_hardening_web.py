"""Hostile input over HTTP: every reported crash is now a 4xx that says what to fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY

DEEP = "[" * 3000 + "]" * 3000
# Nine aliases of nine aliases of ... : 9**9 values if expanded.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
SURROGATE = 'pain:\n- date: 2026-01-05\n  score: 5\n  note: "\\ud800"\n'


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        access_key=WEB_KEY,
        max_upload_mb=1,
        today=lambda: date(2026, 11, 27),
    )
    return TestClient(app, base_url="http://127.0.0.1", headers=AUTH, raise_server_exceptions=False)


def _token(c: TestClient) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/record").text)
    assert m
    return m.group(1)


def _log(content: str) -> dict[str, object]:
    return {"records": [{"filename": "log.yaml", "content": content}]}


PLAN = "name: x\nkind: commercial\ndeductible: {individual: 100}\noop_max: {individual: 1000}\n"
CASES = [
    pytest.param("/api/estimate", {"plan": DEEP, "procedure": "72148"}, "nests more than", id="est-deep"),
    pytest.param("/api/estimate", {"plan": "name: x\nkind: !!int 'x'\n"}, "cannot be read", id="est-int-tag"),
    pytest.param("/api/estimate", {"plan": PLAN + "x: .nan\n", "procedure": "72148"}, "finite", id="est-nan"),
    pytest.param(
        "/api/estimate",
        {
            "plan_template": "marketplace-silver",
            "lines": "lines:\n- id: a\n  code: '72148'\n  allowed: .inf\n",
        },
        "finite",
        id="est-inf",
    ),
    pytest.param(
        "/api/estimate",
        {
            "plan_template": "marketplace-silver",
            "lines": "lines:\n- id: a\n  code: '72148'\n  allowed: !!float 1e400\n",
        },
        "",
        id="est-1e400",
    ),
    pytest.param(
        "/api/estimate",
        {"plan": PLAN.replace("100}", "100}\naccumulators: {oop_met: 12345678901234567890123456789012}")},
        "",
        id="est-32-digits",
    ),
    pytest.param("/api/records", _log(DEEP), "nests more than", id="records-deep"),
    pytest.param("/api/records", _log(BOMB), "aliases", id="records-bomb"),
    pytest.param(
        "/api/check", {"procedure": "72148", "payer": "commercial", **_log(DEEP)}, "nests", id="check-deep"
    ),
    pytest.param(
        "/api/check",
        {"procedure": "72148", "payer": "commercial", **_log(SURROGATE)},
        "surrogate",
        id="check-surr",
    ),
]


@pytest.mark.parametrize("path,body,words", CASES)
def test_hostile_yaml_over_the_api_is_a_clear_4xx(
    client: TestClient, path: str, body: dict, words: str
) -> None:
    r = client.post(path, json=body)
    assert 400 <= r.status_code < 500, r.text
    err = r.json()
    assert err["error"] and err["fix"]
    assert words in err["error"]


@pytest.mark.parametrize(
    "text", [DEEP, "name: *i\nkind: commercial\n" + BOMB, "name: [a, b]\nkind: commercial\n"]
)
def test_hostile_plan_text_on_start_is_refused_and_start_still_works(client: TestClient, text: str) -> None:
    tok = _token(client)
    r = client.post("/start/plan-text", data={"csrf_token": tok, "name": "p", "text": text})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    start = client.get("/")
    assert start.status_code == 200 and len(start.text) < 200_000


@pytest.mark.parametrize("content", [DEEP.encode(), BOMB.encode()])
def test_hostile_log_import_on_start_is_refused(client: TestClient, content: bytes) -> None:
    r = client.post(
        "/start/import", data={"csrf_token": _token(client)}, files={"files": ("log.yaml", content)}
    )
    assert r.status_code == 400
    assert client.get("/record").status_code in (200, 400)


def test_a_fresh_treatment_log_does_not_break_the_cases_page(client: TestClient) -> None:
    assert client.post("/record/start-log", data={"csrf_token": _token(client)}).status_code in (200, 303)
    r = client.get("/cases")
    assert r.status_code == 200


def test_an_html_route_that_fails_answers_with_an_html_page(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path, access_key=WEB_KEY)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("x")

    c = TestClient(app, base_url="http://127.0.0.1", headers=AUTH, raise_server_exceptions=False)
    r = c.get("/boom")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "RuntimeError" in r.text and "Back to Start" in r.text


def test_a_chunked_body_over_the_limit_is_413_not_400(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 32_768  # 1.25 MB in all, without a Content-Length; the limit is 1 MB

    tok = _token(client)
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{tok}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.ndjson"\r\n\r\n'
    ).encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from chunks()
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        "/start/import", content=body(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert r.status_code == 413 and "larger than the limit" in r.text
    r = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than the limit" in r.json()["error"]


def test_plan_check_refuses_a_name_that_is_a_list(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from backcover.cli import app

    runner = CliRunner()
    plan = tmp_path / "plan.yaml"
    assert runner.invoke(app, ["plan", "new", "--template", "ppo", "--output", str(plan)]).exit_code == 0
    plan.write_text(re.sub(r"(?m)^name:.*$", "name: [a, b]", plan.read_text()))
    r = runner.invoke(app, ["plan", "check", str(plan)])
    assert r.exit_code == 2
    assert "name must be text" in r.output and "plan.yaml" in r.output
