"""DTR as a clinician meets it: the questionnaire of what the order lacks, the page, and the answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests._ehr_support import (
    COVERAGE,
    PUBLIC,
    TODAY,
    Keys,
    auth,
    coverage_info,
    example_resources,
    load,
    make_client,
    make_keys,
    mri_hook,
    mri_order,
    token,
    write_trust,
)

SIGN = "/cds-services/backcover-order-sign"
PACKAGE = "/fhir/Questionnaire/$questionnaire-package"
SUBMIT = "/fhir/QuestionnaireResponse"


@pytest.fixture(scope="module")
def keys() -> Keys:
    return make_keys()


@pytest.fixture
def client(tmp_path: Path, keys: Keys) -> TestClient:
    return make_client(write_trust(tmp_path, keys))


def _sign(client: TestClient, keys: Keys) -> dict[str, Any]:
    body = client.post(SIGN, json=mri_hook(), headers=auth(keys, SIGN)).json()
    return coverage_info(body["systemActions"][0]["resource"])


def _package(client: TestClient, keys: Keys, params: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post(
        PACKAGE, json={"resourceType": "Parameters", "parameter": params}, headers=auth(keys, PACKAGE)
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["resourceType"] == "Parameters" and out["parameter"][0]["name"] == "PackageBundle"
    return out["parameter"][0]["resource"]


def _links(q: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for it in items:
            out.append(it["linkId"])
            walk(it.get("item", []))

    walk(q["item"])
    return out


def test_the_questionnaire_asks_what_the_record_lacks(client: TestClient, keys: Keys) -> None:
    info = _sign(client, keys)
    bundle = _package(client, keys, [{"name": "context", "valueString": info["coverage-assertion-id"]}])
    [entry] = bundle["entry"]
    q = entry["resource"]
    assert q["resourceType"] == "Questionnaire" and q["url"] == info["questionnaire"]
    links = _links(q)
    assert "mri.intervention_candidate.documented" in links, "the referral the record does not show"
    care = [g for g in q["item"] if "conservative care" in g["text"].lower()]
    assert care and "3 weeks" in care[0]["text"], "the care not yet long enough, with what the record shows"
    assert all(it.get("readOnly") for g in q["item"] if g["linkId"] == "documented" for it in g["item"])
    json_q = client.get(
        f"/fhir/Questionnaire/{q['id']}", headers=auth(keys, f"/fhir/Questionnaire/{q['id']}")
    )
    assert json_q.status_code == 200 and json_q.json()["id"] == q["id"]


def test_the_form_page_shows_the_questions(client: TestClient, keys: Keys) -> None:
    info = _sign(client, keys)
    page = client.get(info["questionnaire"].removeprefix(PUBLIC) + "/$render")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "specialist visit or referral" in page.text
    assert 'type="checkbox"' in page.text and 'type="date"' in page.text
    assert client.get("/fhir/Questionnaire/unknown/$render").status_code == 404


def _answer(qid: str, answers: dict[str, Any]) -> dict[str, Any]:
    items = []
    for link, value in answers.items():
        key = {bool: "valueBoolean", str: "valueDate"}[type(value)]
        items.append({"linkId": link, "answer": [{key: value}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "questionnaire": qid,
        "status": "completed",
        "item": items,
    }


def test_the_answers_become_attested_items_and_the_order_is_judged_again(
    client: TestClient, keys: Keys
) -> None:
    info = _sign(client, keys)
    qr = _answer(
        info["questionnaire"],
        {
            "mri.intervention_candidate.documented": True,
            "mri.intervention_candidate.start": "2026-06-20",
        },
    )
    care = next(c for c in _crit(client, keys, info) if c.endswith(".documented") and "care" in c)
    onset = next(c for c in _crit(client, keys, info) if c.endswith(".documented") and "symptom" in c)
    qr["item"] += _answer(
        "",
        {
            care: True,
            care.replace(".documented", ".start"): "2026-04-01",
            care.replace(".documented", ".end"): "2026-06-15",
            onset: True,
            onset.replace(".documented", ".start"): "2026-03-25",
        },
    )["item"]
    r = client.post(SUBMIT, json=qr, headers=auth(keys, SUBMIT))
    assert r.status_code == 200, r.text
    out = r.json()
    assert {i["provenance"] for i in out["items"]} == {"clinician_attested"}
    assert len(out["items"]) == 3
    det = out["determination"]
    assert det["decision"] == "meets_criteria", [
        c["explanation"] for c in det["criteria"] if c["status"] != "met"
    ]
    new = coverage_info(out["questionnaireResponse"])
    assert new["covered"] == "covered" and new["pa-needed"] == "auth-needed"
    assert new["coverage-assertion-id"] != info["coverage-assertion-id"]


def _crit(client: TestClient, keys: Keys, info: dict[str, Any]) -> list[str]:
    bundle = _package(client, keys, [{"name": "context", "valueString": info["coverage-assertion-id"]}])
    return _links(bundle["entry"][0]["resource"])


def test_answers_need_a_known_questionnaire_and_sane_dates(client: TestClient, keys: Keys) -> None:
    r = client.post(SUBMIT, json=_answer("http://x/Questionnaire/nope", {}), headers=auth(keys, SUBMIT))
    assert r.status_code == 404 and r.json()["resourceType"] == "OperationOutcome"
    info = _sign(client, keys)
    care = next(c for c in _crit(client, keys, info) if c.endswith(".documented") and "care" in c)
    bad = _answer(
        info["questionnaire"],
        {
            care: True,
            care.replace(".documented", ".start"): "2026-06-01",
            care.replace(".documented", ".end"): "2026-05-01",
        },
    )
    r = client.post(SUBMIT, json=bad, headers=auth(keys, SUBMIT))
    assert r.status_code == 400 and "end date" in r.json()["issue"][0]["diagnostics"]
    assert client.post(SUBMIT, json=bad).status_code == 401


def test_the_dtr_testkit_package_request_is_answered(client: TestClient, keys: Keys) -> None:
    params = load("dtr-testkit-questionnaire_package_input_params_conformant.json")
    r = client.post(PACKAGE, json=params, headers=auth(keys, PACKAGE))
    assert r.status_code == 200, r.text
    assert r.json()["parameter"][0]["resource"]["entry"] == [], "a blood gas panel is not back care"
    assert client.post(PACKAGE, json=params).status_code == 401


def test_a_package_request_with_the_order_and_record_builds_the_questionnaire(
    client: TestClient, keys: Keys
) -> None:
    params = [
        {"name": "coverage", "resource": COVERAGE},
        {"name": "order", "resource": mri_order()},
        *({"name": "referenced", "resource": r} for r in example_resources()),
    ]
    bundle = _package(client, keys, params)
    assert "mri.intervention_candidate.documented" in _links(bundle["entry"][0]["resource"])


def test_the_router_mounts_on_the_web_app(tmp_path: Path, keys: Keys) -> None:
    from backcover.ehr import CdsSettings, load_trust
    from backcover.web import create_app

    public = "http://127.0.0.1"
    settings = CdsSettings(
        public_url=public, trust=load_trust(write_trust(tmp_path, keys)), today=lambda: TODAY
    )
    app = create_app(data_dir=tmp_path / "data", cds=settings)
    client = TestClient(app, base_url=public)
    assert {s["hook"] for s in client.get("/cds-services").json()["services"]} >= {"order-sign"}
    bearer = {"Authorization": f"Bearer {token(keys, public + SIGN)}"}
    r = client.post(SIGN, json=mri_hook(), headers=bearer)
    assert r.status_code == 200, r.text[:300]
    assert coverage_info(r.json()["systemActions"][0]["resource"])["covered"] == "conditional"
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for p in ("/cds-services", "/cds-services/{service_id}", PACKAGE, SUBMIT):
        assert p in paths, p
