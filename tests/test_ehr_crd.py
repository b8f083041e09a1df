"""The CRD service as an EHR calls it: discovery, order-sign with prefetch, the fixtures, 412 and 400."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from backcover.ehr import CI_URL, payer_for_coverage
from backcover.ehr._fhir import ORDER_TYPES
from backcover.engine import check
from backcover.record.load import load_record
from tests._ehr_support import (
    COVERAGE,
    TODAY,
    Keys,
    auth,
    bundle,
    coverage_info,
    load,
    make_client,
    make_keys,
    mri_hook,
    mri_order,
    write_trust,
)
from tests.conftest import DATA, EXAMPLES

SIGN = "/cds-services/backcover-order-sign"


@pytest.fixture(scope="module")
def keys() -> Keys:
    return make_keys()


@pytest.fixture
def trust(tmp_path: Path, keys: Keys) -> Path:
    return write_trust(tmp_path, keys)


class Recorder:
    """A transport that answers like an unreachable server and remembers what was asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(str(request.url))
        raise httpx.ConnectError("unreachable", request=request)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(trust: Path, recorder: Recorder) -> TestClient:
    return make_client(trust, httpx.MockTransport(recorder))


def test_discovery_lists_the_four_hooks_with_prefetch(client: TestClient) -> None:
    services = client.get("/cds-services").json()["services"]
    assert {s["hook"] for s in services} == {
        "order-sign",
        "order-select",
        "order-dispatch",
        "appointment-book",
    }
    for s in services:
        assert s["id"] and s["title"] and s["description"]
        assert s["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        assert s["prefetch"]["coverage"].startswith("Coverage?patient={{context.patientId}}")
        assert {"conditions", "procedures", "medicationRequests", "observations"} <= set(s["prefetch"])


def test_lumbar_mri_without_six_weeks_of_care_is_conditional_with_clinical_documentation(
    client: TestClient, keys: Keys
) -> None:
    r = client.post(SIGN, json=mri_hook(), headers=auth(keys, SIGN))
    assert r.status_code == 200, r.text
    body = r.json()
    [action] = body["systemActions"]
    assert action["type"] == "update"
    assert action["resource"]["id"] == "mri1"
    info = coverage_info(action["resource"])
    assert info["covered"] == "conditional"
    assert info["doc-needed"] == "clinical"
    assert info["pa-needed"] == "auth-needed"  # commercial MRI needs prior authorization
    assert info["info-needed"] == "OTH"
    assert info["coverage"] == {"reference": "Coverage/cov1"}
    assert info["date"] == "2026-06-23"
    assert info["billingCode"]["code"] == "72148"
    assert info["expiry-date"] > info["date"]
    assert info["questionnaire"].startswith("http://testserver/fhir/Questionnaire/")
    details = [d for d in info["detail"]]
    texts = json.dumps(details)
    assert "6 weeks" in texts, "the detail names the missing weeks of care"
    assert "2026-07-14" in texts, "and the earliest eligible date"
    assert len(info["coverage-assertion-id"]) >= 16
    summaries = [c["summary"] for c in body["cards"]]
    assert any("2026-07-14" in s for s in summaries)
    [form] = [c for c in body["cards"] if c.get("links")]
    assert form["links"][0]["url"].endswith("/$render")
    assert all(len(c["summary"]) <= 140 and c["source"]["label"] for c in body["cards"])
    again = client.post(SIGN, json=mri_hook(), headers=auth(keys, SIGN)).json()
    other = coverage_info(again["systemActions"][0]["resource"])["coverage-assertion-id"]
    assert other != info["coverage-assertion-id"], "a new assertion id per answer"


def test_the_extension_follows_the_crd_structure(client: TestClient, keys: Keys) -> None:
    resource = client.post(SIGN, json=mri_hook(), headers=auth(keys, SIGN)).json()["systemActions"][0][
        "resource"
    ]
    [ext] = [e for e in resource["extension"] if e["url"] == CI_URL]
    for sub in ext["extension"]:
        assert set(sub) == {"url", "extension"} if sub["url"] == "detail" else len(sub) == 2
    order = [s["url"] for s in ext["extension"]]
    assert order[:2] == ["coverage", "covered"]


def test_order_select_gives_no_documentation_needed(client: TestClient, keys: Keys) -> None:
    path = "/cds-services/backcover-order-select"
    r = client.post(path, json=mri_hook("order-select"), headers=auth(keys, path))
    assert r.status_code == 200, r.text
    info = coverage_info(r.json()["systemActions"][0]["resource"])
    assert info["covered"] == "conditional"
    assert "doc-needed" not in info and "questionnaire" not in info
    assert not [c for c in r.json()["cards"] if c.get("links")]


def test_appointment_book_judges_a_booked_procedure(client: TestClient, keys: Keys) -> None:
    hook = mri_hook("appointment-book")
    appt = {
        "resourceType": "Appointment",
        "id": "a1",
        "status": "proposed",
        "serviceType": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]}],
    }
    hook["context"] = {
        "patientId": "example-mri",
        "userId": "Practitioner/p1",
        "appointments": bundle([appt]),
    }
    path = "/cds-services/backcover-appointment-book"
    r = client.post(path, json=hook, headers=auth(keys, path))
    assert r.status_code == 200, r.text
    [action] = r.json()["systemActions"]
    assert action["resource"]["resourceType"] == "Appointment"
    assert coverage_info(action["resource"])["coverage"] == {"reference": "Coverage/cov1"}


def _hooks_from_fixtures() -> Iterator[Any]:
    for path in (
        sorted(DATA.glob("crd-testkit-*.json"))
        + sorted(DATA.glob("pas-testkit-*.json"))
        + sorted(DATA.glob("priorauth-ri-*.json"))
    ):
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and "hook" in doc:
            yield pytest.param(path.name, doc, id=path.name)
            continue
        # Anything else: its orders and Coverages, signed as draft orders (prefetch absent).
        found: list[dict[str, Any]] = []
        _walk(doc, found)
        orders = [r for r in found if r["resourceType"] in ORDER_TYPES]
        hook = {
            "hookInstance": "x",
            "hook": "order-sign",
            "fhirServer": "https://unreachable.example/fhir",
            "context": {
                "patientId": "p",
                "userId": "Practitioner/u",
                "draftOrders": bundle(orders + [r for r in found if r["resourceType"] == "Coverage"]),
            },
        }
        yield pytest.param(path.name, hook, id=path.name)


def _walk(doc: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(doc, dict):
        if isinstance(doc.get("resourceType"), str) and doc["resourceType"] != "Bundle":
            out.append(doc)
        for v in doc.values():
            _walk(v, out)
    elif isinstance(doc, list):
        for v in doc:
            _walk(v, out)


@pytest.mark.parametrize("name,hook", list(_hooks_from_fixtures()))
def test_fixture_orders_are_not_back_care_and_get_no_answer(
    name: str, hook: dict[str, Any], client: TestClient, keys: Keys, recorder: Recorder
) -> None:
    service = {"order-sign": "backcover-order-sign", "appointment-book": "backcover-appointment-book"}[
        hook["hook"]
    ]
    path = f"/cds-services/{service}"
    r = client.post(path, json=hook, headers=auth(keys, path))
    assert r.status_code == 200, r.text
    assert r.json() == {"cards": [], "systemActions": []}
    assert recorder.calls == [], "nothing is fetched for orders outside back care"


def test_the_fixture_hook_with_a_back_care_order_falls_back_to_the_unreachable_server(
    client: TestClient, keys: Keys, recorder: Recorder
) -> None:
    hook = load("crd-testkit-order_sign_hook_request.json")
    hook["context"]["draftOrders"]["entry"].append({"resource": mri_order()})
    r = client.post(SIGN, json=hook, headers=auth(keys, SIGN))
    assert r.status_code == 412, r.text
    assert r.json()["resourceType"] == "OperationOutcome"
    assert recorder.calls and recorder.calls[0].startswith("https://example/r4/")


def test_missing_prefetch_and_no_reachable_server_is_412(client: TestClient, keys: Keys) -> None:
    hook = mri_hook()
    del hook["prefetch"]["conditions"]
    r = client.post(SIGN, json=hook, headers=auth(keys, SIGN))
    assert r.status_code == 412
    assert "conditions" in r.json()["issue"][0]["diagnostics"]
    hook.pop("fhirServer")
    assert client.post(SIGN, json=hook, headers=auth(keys, SIGN)).status_code == 412


def test_missing_prefetch_is_read_from_the_fhir_server_with_its_token(trust: Path, keys: Keys) -> None:
    full = mri_hook()
    seen: list[tuple[str, str | None]] = []

    def fhir(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("authorization")))
        kind = request.url.path.rsplit("/", 1)[-1]
        key = {"Condition": "conditions", "Patient": "patient"}.get(kind, "")
        if request.url.path.endswith("/Patient/example-mri"):
            return httpx.Response(200, json=full["prefetch"]["patient"])
        return httpx.Response(200, json=full["prefetch"].get(key) or bundle([]))

    client = make_client(trust, httpx.MockTransport(fhir))
    hook = mri_hook()
    del hook["prefetch"]["conditions"], hook["prefetch"]["patient"]
    r = client.post(SIGN, json=hook, headers=auth(keys, SIGN))
    assert r.status_code == 200, r.text
    assert coverage_info(r.json()["systemActions"][0]["resource"])["covered"] == "conditional"
    assert ("/fhir/Condition", "Bearer T") in seen


@pytest.mark.parametrize(
    "coverage",
    [
        None,
        {**COVERAGE, "status": "cancelled"},
        {**COVERAGE, "type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "3"}]}},
    ],
    ids=["no-coverage", "cancelled", "tricare"],
)
def test_an_order_without_a_handled_coverage_is_400(
    client: TestClient, keys: Keys, coverage: dict[str, Any] | None
) -> None:
    r = client.post(SIGN, json=mri_hook(coverage=coverage), headers=auth(keys, SIGN))
    assert r.status_code == 400
    out = r.json()
    assert out["resourceType"] == "OperationOutcome"
    assert "Coverage" in out["issue"][0]["diagnostics"]


def test_mixed_orders_answer_only_the_back_care_one(client: TestClient, keys: Keys) -> None:
    hook = mri_hook()
    diet = load("crd-testkit-order_sign_hook_request.json")["context"]["draftOrders"]["entry"][0]
    hook["context"]["draftOrders"]["entry"].append(diet)
    body = client.post(SIGN, json=hook, headers=auth(keys, SIGN)).json()
    assert [a["resource"]["id"] for a in body["systemActions"]] == ["mri1"]


def test_a_wrong_hook_or_service_is_refused(client: TestClient, keys: Keys) -> None:
    r = client.post(SIGN, json=mri_hook("order-select"), headers=auth(keys, SIGN))
    assert r.status_code == 400
    path = "/cds-services/nope"
    assert client.post(path, json=mri_hook(), headers=auth(keys, path)).status_code == 404


@pytest.mark.parametrize(
    "coverage,payer",
    [
        ({"type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "121"}]}}, "medicare-advantage"),
        ({"type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "1"}]}}, "medicare"),
        ({"type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "21"}]}}, "medicaid"),
        ({"payor": [{"display": "Humana Medicare Advantage PPO"}]}, "medicare-advantage"),
        ({"payor": [{"display": "Medi-Cal"}]}, "medicaid"),
        ({"class": [{"name": "Medicare Part B"}]}, "medicare"),
        (load("crd-testkit-crd_coverage_example.json"), "commercial"),
        ({"status": "draft", "payor": [{"display": "Aetna"}]}, None),
        ({}, None),
    ],
)
def test_coverage_to_payer(coverage: dict[str, Any], payer: str | None) -> None:
    assert payer_for_coverage({"resourceType": "Coverage", "status": "active", **coverage}) == payer


def test_order_dispatch_reads_the_dispatched_order_from_the_fhir_server(trust: Path, keys: Keys) -> None:
    def fhir(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/fhir/ServiceRequest/mri1"
        return httpx.Response(200, json=mri_order())

    client = make_client(trust, httpx.MockTransport(fhir))
    hook = mri_hook("order-dispatch")
    hook["context"] = {
        "patientId": "example-mri",
        "dispatchedOrders": ["ServiceRequest/mri1"],
        "performer": "Organization/o",
    }
    path = "/cds-services/backcover-order-dispatch"
    r = client.post(path, json=hook, headers=auth(keys, path))
    assert r.status_code == 200, r.text
    [action] = r.json()["systemActions"]
    assert coverage_info(action["resource"])["doc-needed"] == "clinical"


def test_medicare_coverage_is_judged_under_medicare(client: TestClient, keys: Keys) -> None:
    medicare = {**COVERAGE, "type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "1"}]}}
    body = client.post(SIGN, json=mri_hook(coverage=medicare), headers=auth(keys, SIGN)).json()
    info = coverage_info(body["systemActions"][0]["resource"])
    record = load_record([EXAMPLES / "check-mri-commercial-early.json"])
    want = check(record, "72148", "medicare", as_of=TODAY).crd_coverage_information()
    assert (info["covered"], info["pa-needed"]) == (want["covered"], want["pa-needed"])
    assert want["pa-needed"] != "auth-needed", "Original Medicare asks no prior authorization for an MRI"


def test_a_body_that_is_not_json_is_400(client: TestClient, keys: Keys) -> None:
    r = client.post(
        SIGN, content=b"{not json", headers={**auth(keys, SIGN), "Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
