"""The JSON API: each /api route, the same JSON as the core (and the CLI), and bad input -> 4xx."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests._web_support import web_client
from tests.conftest import EXAMPLES, SYNTHEA_FILES, SYNTHEA_LBP

TODAY = date(2026, 11, 27)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    return web_client(tmp_path, TODAY)


def import_synthea(c: TestClient) -> None:
    tok = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/record").text)
    assert tok
    files = [("files", (p.name, p.read_bytes(), "application/x-ndjson")) for p in SYNTHEA_FILES]
    r = c.post("/start/import", data={"csrf_token": tok.group(1)}, files=files)
    assert r.status_code == 200, r.text[:500]


def record_file(name: str) -> dict[str, str]:
    return {"filename": name, "content": (EXAMPLES / name).read_text()}


def assert_bad(r: Any, status: int, *words: str) -> dict[str, Any]:
    assert r.status_code == status, r.text[:500]
    body: dict[str, Any] = r.json()
    assert body["error"] and "fix" in body
    text = " ".join(str(v) for v in body.values()).lower()
    for w in words:
        assert w.lower() in text, (w, body)
    return body


# ----- /api/check --------------------------------------------------------------------------------


def test_check_returns_the_engine_json(client: TestClient) -> None:
    from backcover.engine import check
    from backcover.record.load import load_record

    body = {
        "procedure": "72148",
        "payer": "commercial",
        "setting": "office",
        "state": "PA",
        "as_of": "2026-06-23",
        "records": [record_file("check-mri-commercial-early.json")],
    }
    r = client.post("/api/check", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["decision"] == "criteria_not_met"
    assert got["prior_authorization"] == "required"
    assert got["earliest_eligible_date"] == "2026-07-14"
    record = load_record([EXAMPLES / "check-mri-commercial-early.json"])
    want = check(
        record, "72148", "commercial", setting="office", state="PA", as_of=date(2026, 6, 23)
    ).to_json()
    assert got == _normalise_sources(want, got)


def _normalise_sources(want: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """The API names uploaded files by their name, the CLI by their path: compare everything else."""
    import json

    text = json.dumps(want).replace(str(EXAMPLES) + "/", "")
    out: dict[str, Any] = json.loads(text)
    return out


def test_check_uses_the_imported_record_and_chosen_patient(client: TestClient) -> None:
    import_synthea(client)
    body = {"procedure": "72148", "payer": "commercial", "as_of": "2014-04-01", "patient": SYNTHEA_LBP}
    r = client.post("/api/check", json=body)
    assert r.status_code == 200, r.text
    det = r.json()
    assert det["procedure"]["code"] == "72148"
    cc = [c for c in det["criteria"] if c["kind"] == "conservative_care"]
    assert cc and cc[0]["evidence"], "the therapy and ibuprofen count as conservative care"


@pytest.mark.parametrize(
    "body,status,words",
    [
        pytest.param(
            {"procedure": "99999", "payer": "commercial"}, 400, ["99999", "72148"], id="unknown-code"
        ),
        pytest.param({"procedure": "72148", "payer": "aetna"}, 422, ["payer"], id="unknown-payer"),
        pytest.param(
            {"procedure": "72148", "payer": "medicare", "setting": "inpatient"},
            400,
            ["setting"],
            id="setting-not-for-procedure",
        ),
        pytest.param(
            {"procedure": "72148", "payer": "medicare", "as_of": "2026-02-30"},
            422,
            ["as_of"],
            id="impossible-date",
        ),
        pytest.param(
            {"procedure": "72148", "payer": "medicare", "state": "ZZ"},
            422,
            ["state"],
            id="state-not-a-state",
        ),
        pytest.param(
            {"procedure": "72148", "payer": "medicare", "colour": "red"}, 422, ["colour"], id="unknown-field"
        ),
        pytest.param({"payer": "medicare"}, 422, ["procedure"], id="missing-procedure"),
        pytest.param(
            {
                "procedure": "72148",
                "payer": "medicare",
                "records": [{"filename": "x.json", "content": "{not json"}],
            },
            400,
            ["x.json"],
            id="malformed-json",
        ),
        pytest.param(
            {
                "procedure": "72148",
                "payer": "medicare",
                "records": [{"filename": "x.json", "content": '{"hello": 1}'}],
            },
            400,
            ["x.json"],
            id="not-fhir",
        ),
        pytest.param(
            {
                "procedure": "72148",
                "payer": "medicare",
                "records": [{"filename": "x.pdf", "content": "%PDF"}],
            },
            400,
            ["x.pdf"],
            id="unreadable-file-type",
        ),
        pytest.param({"procedure": "72148", "payer": "medicare"}, 400, ["no records"], id="nothing-imported"),
    ],
)
def test_check_bad_input(client: TestClient, body: dict[str, Any], status: int, words: list[str]) -> None:
    assert_bad(client.post("/api/check", json=body), status, *words)


def test_check_several_people_without_patient_is_bad_input(client: TestClient) -> None:
    files = [{"filename": p.name, "content": p.read_text()} for p in SYNTHEA_FILES]
    r = client.post("/api/check", json={"procedure": "72148", "payer": "commercial", "records": files})
    assert_bad(r, 400, "patient")


@pytest.mark.parametrize(
    "content,ctype",
    [
        pytest.param(b"procedure=72148", "application/x-www-form-urlencoded", id="form-encoded"),
        pytest.param(b'{"procedure": "72148", "payer": "medicare"}', "text/plain", id="text-plain"),
        pytest.param(b"{", "application/json", id="cut-off-json"),
        pytest.param(b"[]", "application/json", id="json-array"),
    ],
)
def test_check_wrong_body_is_422(client: TestClient, content: bytes, ctype: str) -> None:
    r = client.post("/api/check", content=content, headers={"content-type": ctype})
    assert 400 <= r.status_code < 500
    assert r.json()["error"]


# ----- /api/estimate -----------------------------------------------------------------------------


def test_estimate_matches_the_worked_example(client: TestClient) -> None:
    body = {
        "plan": (EXAMPLES / "plan-silver-ppo.yaml").read_text(),
        "lines": (EXAMPLES / "lines-microdiscectomy-asc.yaml").read_text(),
    }
    r = client.post("/api/estimate", json=body)
    assert r.status_code == 200, r.text
    est = r.json()
    assert est["totals"]["patient"] == "2100.00"
    assert est["totals"]["plan"] == "400.00"
    assert est["totals"]["patient_total"] == "2100.00"
    anes = next(ln for ln in est["lines"] if ln["id"] == "anes")
    assert anes["nsa_protected"] is True and anes["patient"] == "300.00"
    assert est["accumulators_after"]["deductible_met"] == "2000.00"


def test_estimate_episode_from_template(client: TestClient) -> None:
    templates = client.get("/api/plan-templates").json()
    assert templates
    r = client.post("/api/estimate", json={"plan_template": templates[0], "procedure": "72148"})
    assert r.status_code == 200, r.text
    est = r.json()
    assert est["lines"] and all(ln.get("price_source") or not ln.get("price_known") for ln in est["lines"])


@pytest.mark.parametrize(
    "body,status,words",
    [
        pytest.param({"procedure": "72148"}, 400, ["plan"], id="no-plan"),
        pytest.param(
            {"plan_template": "no-such-plan", "procedure": "72148"},
            400,
            ["no-such-plan"],
            id="unknown-template",
        ),
        pytest.param({"plan_name": "mine", "procedure": "72148"}, 400, ["mine"], id="unknown-saved-plan"),
        pytest.param(
            {"plan": "name: x\nkind: commercial\n  bad: [", "procedure": "72148"},
            400,
            ["yaml"],
            id="plan-not-yaml",
        ),
        pytest.param({"plan_template": "x", "plan": "y", "procedure": "72148"}, 400, ["one"], id="two-plans"),
        pytest.param(
            {"plan": "@PLAN@", "procedure": "72148", "lines": "lines: []"},
            400,
            ["not both"],
            id="procedure-and-lines",
        ),
        pytest.param({"plan": "@PLAN@"}, 400, ["procedure"], id="neither-procedure-nor-lines"),
        pytest.param({"plan": "@PLAN20@", "procedure": "72148"}, 400, ["0.2"], id="coinsurance-20"),
        pytest.param({"plan": "@PLAN@", "procedure": "12345"}, 400, ["12345"], id="unknown-procedure"),
        pytest.param(
            {"plan": "@PLAN@", "procedure": "72148", "setting": "moon"},
            422,
            ["setting"],
            id="unknown-setting",
        ),
    ],
)
def test_estimate_bad_input(client: TestClient, body: dict[str, Any], status: int, words: list[str]) -> None:
    plan = (EXAMPLES / "plan-silver-ppo.yaml").read_text()
    if body.get("plan") == "@PLAN@":
        body = {**body, "plan": plan}
    if body.get("plan") == "@PLAN20@":
        body = {**body, "plan": plan.replace("coinsurance: 0.2", "coinsurance: 20", 1)}
    assert_bad(client.post("/api/estimate", json=body), status, *words)


# ----- /api/deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,first_file_by",
    [
        pytest.param("marketplace", "2026-12-12", id="marketplace-180-days-not-moved-off-saturday"),
        pytest.param("aca", "2026-12-12", id="aca-alias"),
        pytest.param("medicare", "2026-10-18", id="medicare-120-days-plus-5-presumed"),
    ],
)
def test_deadlines(client: TestClient, kind: str, first_file_by: str) -> None:
    r = client.post("/api/deadlines", json={"plan_kind": kind, "notice_date": "2026-06-15"})
    assert r.status_code == 200, r.text
    levels = r.json()["levels"]
    assert levels[0]["file_by"] == first_file_by
    assert all("rule" in lv and "decision_within" in lv for lv in levels)


def test_deadlines_same_as_core(client: TestClient) -> None:
    from backcover.appeals import deadlines

    body = {
        "plan_kind": "commercial",
        "notice_date": "2026-03-02",
        "received_date": "2026-03-09",
        "urgent": True,
        "service": "pre",
    }
    want = deadlines(
        "commercial", date(2026, 3, 2), received_date=date(2026, 3, 9), urgent=True, service="pre"
    )
    assert client.post("/api/deadlines", json=body).json() == want.to_json()


@pytest.mark.parametrize(
    "body,words",
    [
        pytest.param({"plan_kind": "bcbs", "notice_date": "2026-06-15"}, ["plan_kind"], id="unknown-kind"),
        pytest.param({"plan_kind": "medicare", "notice_date": "2026-13-01"}, ["notice_date"], id="bad-date"),
        pytest.param({"plan_kind": "medicare"}, ["notice_date"], id="missing-date"),
        pytest.param(
            {"plan_kind": "medicare", "notice_date": "2026-06-15", "service": "later"},
            ["service"],
            id="unknown-service",
        ),
    ],
)
def test_deadlines_bad_input(client: TestClient, body: dict[str, Any], words: list[str]) -> None:
    assert_bad(client.post("/api/deadlines", json=body), 422, *words)


def test_deadlines_received_before_notice_is_bad_input(client: TestClient) -> None:
    body = {"plan_kind": "medicare", "notice_date": "2026-06-15", "received_date": "2026-06-01"}
    r = client.post("/api/deadlines", json=body)
    assert 400 <= r.status_code < 500


# ----- look-ups and the OpenAPI document ---------------------------------------------------------


def test_procedures_lookup_in_plain_words(client: TestClient) -> None:
    hits = client.get("/api/procedures", params={"q": "mri"}).json()
    assert any(h["code"] == "72148" for h in hits)
    assert client.get("/api/procedures", params={"q": "x" * 200}).status_code == 422


def test_patients_lists_the_imported_people(client: TestClient) -> None:
    assert client.get("/api/patients").json() == []
    import_synthea(client)
    people = client.get("/api/patients").json()
    assert SYNTHEA_LBP in {p["id"] for p in people}


def test_openapi_describes_the_contracts_and_not_the_pages(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in ("/api/check", "/api/estimate", "/api/deadlines"):
        assert "post" in doc["paths"][path]
        assert "400" in doc["paths"][path]["post"]["responses"]
    # Besides the API: the CDS Hooks and DTR endpoints an EHR calls (CONTRACTS.md section 9), no pages.
    others = [p for p in doc["paths"] if not p.startswith(("/api/", "/cds-services", "/fhir/"))]
    assert not others
    assert "/cds-services" in doc["paths"]
    page = client.get("/docs")
    assert page.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_unknown_api_route_is_404_json(client: TestClient) -> None:
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["error"]


# ----- /api/records ------------------------------------------------------------------------------


def test_records_import_then_check_by_patient_id(client: TestClient) -> None:
    files = [{"filename": p.name, "content": p.read_text()} for p in SYNTHEA_FILES]
    r = client.post("/api/records", json={"records": files})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(body["files"]) == sorted(p.name for p in SYNTHEA_FILES)
    assert SYNTHEA_LBP in {p["id"] for p in body["patients"]}
    r = client.post(
        "/api/check",
        json={"procedure": "72148", "payer": "commercial", "as_of": "2014-04-01", "patient": SYNTHEA_LBP},
    )
    assert r.status_code == 200 and r.json()["procedure"]["code"] == "72148"
    r = client.post("/api/check", json={"procedure": "72148", "payer": "commercial"})
    assert_bad(r, 400, "none is chosen")  # several people, none named


def test_records_import_refuses_bad_files_and_keeps_nothing(client: TestClient) -> None:
    good = {"filename": "ok.json", "content": (EXAMPLES / "check-mri-commercial-early.json").read_text()}
    bad = {
        "filename": "cut.ndjson",
        "content": '{"resourceType": "Patient", "id": "a"}\n{"resourceType": "Proc',
    }
    assert_bad(client.post("/api/records", json={"records": [good, bad]}), 400, "cut.ndjson")
    assert client.get("/api/patients").json() == []
    assert_bad(
        client.post("/api/records", json={"records": [{"filename": "a.pdf", "content": "%PDF"}]}),
        400,
        "a.pdf",
    )
    assert_bad(client.post("/api/records", json={"records": []}), 422, "records")
    r = client.post("/api/records", json={"records": [good]})
    assert r.status_code == 200 and [p["id"] for p in r.json()["patients"]] == ["example-mri"]
    r = client.post("/api/records", json={"records": [good], "replace": True})
    assert r.json()["files"] == ["ok.json"]
