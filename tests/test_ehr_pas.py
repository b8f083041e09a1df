"""Prior authorization over PAS and X12: the request, the payer's answers, and the pa commands."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.ehr._pas import Diagnosis, PasCoverage, PasPatient, PasProcedure, PasProvider, build_pas_bundle
from backcover.ehr._pas_response import ingest_claim_response
from backcover.ehr._x12 import segments_of, write_278
from backcover.errors import BadInput
from tests._ehr_support import load
from tests.conftest import DATA

runner = CliRunner()

PATIENT = PasPatient("pt1", "Whitfield", "Dana", date(1958, 4, 2), "female", "W123456789")
COVERAGE = PasCoverage("cov1", "Example Health Plan", "EHP01", "W123456789")
REQUESTER = PasProvider("pr1", "Menon", "Ravi", "1234567893")
MRI = PasProcedure("72148", "MRI lumbar spine without contrast", date(2026, 7, 1))
DX = [Diagnosis("M54.16", "Radiculopathy, lumbar region"), Diagnosis("M51.26")]


@pytest.mark.parametrize(
    "name,status,decision,auth",
    [
        ("pas-testkit-valid_pa_response_bundle.json", "approved", "certified", "AUTH0001"),
        ("pas-testkit-valid_pa_response_bundle_denial.json", "denied", "not_certified", "AUTH0001"),
        (
            "priorauth-ri-DeniedResponse.json",
            "denied",
            "not_certified",
            "451fe716-4701-4cdf-b5bb-a6eedbe43bbb",
        ),
        ("priorauth-ri-claimresponse-pended.json", "pended", "pended", None),
    ],
)
def test_claim_responses_ingest_to_their_status(
    name: str, status: str, decision: str, auth: str | None
) -> None:
    st = ingest_claim_response(load(name), name)
    assert (st.status, st.decision, st.auth_number) == (status, decision, auth)


def test_an_approval_carries_its_period() -> None:
    st = ingest_claim_response(load("pas-testkit-valid_pa_response_bundle.json"))
    assert (st.start, st.end, st.action_code) == (date(2005, 5, 2), date(2005, 6, 2), "A1")


def _response(*codes: str) -> dict[str, Any]:
    items = [
        {
            "itemSequence": i + 1,
            "adjudication": [
                {
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction",
                            "extension": [
                                {"url": "number", "valueString": f"N{i}"},
                                {
                                    "url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode",
                                    "valueCodeableConcept": {"coding": [{"code": c}]},
                                },
                            ],
                        }
                    ]
                }
            ],
        }
        for i, c in enumerate(codes)
    ]
    return {"resourceType": "ClaimResponse", "id": "r", "outcome": "complete", "item": items}


@pytest.mark.parametrize(
    "codes,decision,status",
    [
        (["A2"], "partial", "approved"),
        (["A6"], "modified", "approved"),
        (["A4"], "pended", "pended"),
        (["A1", "A3"], "partial", "approved"),
        (["A1", "A4"], "pended", "pended"),
        (["A3", "A3"], "not_certified", "denied"),
    ],
)
def test_review_action_codes(codes: list[str], decision: str, status: str) -> None:
    st = ingest_claim_response(_response(*codes))
    assert (st.decision, st.status) == (decision, status)


def test_older_shapes_and_unreadable_answers() -> None:
    base = {"resourceType": "ClaimResponse", "id": "x"}
    assert ingest_claim_response({**base, "disposition": "Granted", "preAuthRef": "P1"}).status == "approved"
    assert ingest_claim_response({**base, "outcome": "queued"}).status == "pended"
    assert ingest_claim_response({**base, "outcome": "complete", "preAuthRef": "P2"}).auth_number == "P2"
    with pytest.raises(BadInput) as err:
        ingest_claim_response({**base, "outcome": "complete"}, "answer.json")
    assert err.value.file == "answer.json" and "review action" in err.value.fix
    with pytest.raises(BadInput):
        ingest_claim_response(load("pas-testkit-conformant_pas_bundle_v110.json"))


def _bundle() -> dict[str, Any]:
    return build_pas_bundle(
        identifier="BC000001",
        created=datetime(2026, 6, 23, 9, 30, tzinfo=UTC),
        patient=PATIENT,
        coverage=COVERAGE,
        requester=REQUESTER,
        procedures=[MRI],
        diagnoses=DX,
        supporting=["DocumentReference/doc-1"],
    )


def test_the_pas_bundle_has_the_claim_and_everything_it_references() -> None:
    b = _bundle()
    assert b["resourceType"] == "Bundle" and b["type"] == "collection"
    resources = [e["resource"] for e in b["entry"]]
    claim = resources[0]
    assert claim["resourceType"] == "Claim" and claim["use"] == "preauthorization"
    ids = {f"{r['resourceType']}/{r['id']}" for r in resources}
    for ref in (claim["patient"], claim["insurer"], claim["provider"], claim["insurance"][0]["coverage"]):
        assert ref["reference"] in ids
    [item] = claim["item"]
    urls = {e["url"].rsplit("/", 1)[-1]: e for e in item["extension"]}
    assert urls["extension-certificationType"]["valueCodeableConcept"]["coding"][0]["code"] == "I"
    assert urls["extension-requestedService"]["valueReference"]["reference"] in ids
    assert item["productOrService"]["coding"][0]["code"] == "72148"
    assert [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in claim["diagnosis"]] == [
        "M54.16",
        "M51.26",
    ]
    assert claim["supportingInfo"][0]["valueReference"]["reference"] == "DocumentReference/doc-1"
    # Shaped like the PAS test kit's conformant request.
    kit = load("pas-testkit-conformant_pas_bundle_v110.json")
    kit_claim = kit["entry"][0]["resource"]
    assert set(kit_claim) - {"text", "meta", "identifier"} <= set(claim) | {"supportingInfo"}


def test_the_278_request_has_its_loops_and_counts() -> None:
    text = write_278(
        control=7,
        created=datetime(2026, 6, 23, 9, 30, tzinfo=UTC),
        sender_id="BACKCOVER",
        receiver_id="EHP01",
        reference="BC000007",
        patient=PATIENT,
        coverage=COVERAGE,
        requester=REQUESTER,
        procedures=[MRI],
        diagnoses=DX,
    )
    isa_line = text.splitlines()[0]
    assert len(isa_line) == 106, "ISA is fixed width"
    segs = segments_of(text)
    tags = [s[0] for s in segs]
    assert tags[:3] == ["ISA", "GS", "ST"] and tags[-3:] == ["SE", "GE", "IEA"]
    assert segs[1][8] == "005010X217" and segs[2][3] == "005010X217"
    st, se = tags.index("ST"), tags.index("SE")
    assert int(segs[se][1]) == se - st + 1, "SE01 counts ST through SE"
    hls = [s for s in segs if s[0] == "HL"]
    assert [(h[1], h[2], h[3]) for h in hls] == [
        ("1", "", "20"),
        ("2", "1", "21"),
        ("3", "2", "22"),
        ("4", "3", "EV"),
        ("5", "4", "SS"),
    ]
    nm1 = {s[1]: s for s in segs if s[0] == "NM1"}
    assert nm1["X3"][3] == "EXAMPLE HEALTH PLAN" and nm1["X3"][9] == "EHP01"
    assert nm1["1P"][8:10] == ["XX", "1234567893"]
    assert nm1["IL"][9] == "W123456789"
    assert ["HI", "ABK:M5416", "ABF:M5126"] in segs
    assert ["SV1", "HC:72148", "", "UN", "1"] in segs
    assert ["DTP", "472", "D8", "20260701"] in segs
    assert segs[-1] == ["IEA", "1", "000000007"]


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    args = ["case", "new", "--name", "Dana Whitfield", "--birth-date", "1958-04-02", "--procedure", "72148"]
    args += ["--payer", "commercial", "--state", "PA", "--member-id", "W123456789"]
    args += ["--provider", "Dr. Ravi Menon", "--npi", "1234567893"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return 1


def _timeline() -> list[dict[str, Any]]:
    r = runner.invoke(app, ["case", "show", "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    return list(orjson.loads(r.stdout)["prior_authorizations"])


def test_pa_ingest_records_the_payers_answer(case: int) -> None:
    r = runner.invoke(
        app,
        [
            "pa",
            "ingest",
            str(DATA / "pas-testkit-valid_pa_response_bundle.json"),
            "--case",
            "1",
            "--date",
            "2026-06-25",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "AUTH0001" in r.stdout
    [pa] = _timeline()
    assert pa["auth_number"] == "AUTH0001"
    assert [e["status"] for e in pa["timeline"]] == ["submitted", "approved"]
    r = runner.invoke(
        app, ["pa", "ingest", str(DATA / "priorauth-ri-claimresponse-pended.json"), "--case", "1"]
    )
    assert r.exit_code == 0, r.output
    bad = runner.invoke(app, ["pa", "ingest", str(DATA / "crd-testkit-valid_cards.json"), "--case", "1"])
    assert bad.exit_code == 2 and "ClaimResponse" in bad.output


def test_pa_export_x12_writes_the_case_as_a_278(case: int, tmp_path: Path) -> None:
    out = tmp_path / "req.x12"
    r = runner.invoke(
        app, ["pa", "export-x12", "--case", "1", "--dx", "M54.16", "--date", "2026-07-01", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    segs = segments_of(out.read_text())
    assert ["SV1", "HC:72148", "", "UN", "1"] in segs
    assert any(s[:2] == ["NM1", "IL"] and s[3] == "WHITFIELD" for s in segs)
    missing = runner.invoke(app, ["pa", "export-x12", "--case", "1"])
    assert missing.exit_code == 2 and "--dx" in missing.output


def test_pa_send_posts_the_bundle_and_records_the_answer(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[httpx.Request] = []

    def payer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            200, content=(DATA / "pas-testkit-valid_pa_response_bundle_denial.json").read_bytes()
        )

    def post(url: str, **kw: Any) -> httpx.Response:
        with httpx.Client(transport=httpx.MockTransport(payer)) as c:
            return c.post(url, **kw)

    monkeypatch.setattr(httpx, "post", post)
    r = runner.invoke(
        app, ["pa", "send", "--case", "1", "--to", "https://payer.example/fhir", "--dx", "M54.16", "--json"]
    )
    assert r.exit_code == 0, r.output
    assert str(sent[0].url) == "https://payer.example/fhir/Claim/$submit"
    body = orjson.loads(sent[0].content)
    assert body["entry"][0]["resource"]["use"] == "preauthorization"
    assert orjson.loads(r.stdout)["status"] == "denied"
    [pa] = _timeline()
    assert [e["status"] for e in pa["timeline"]] == ["submitted", "denied"]
