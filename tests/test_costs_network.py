# ruff: noqa: E501  (claim lines and FHIR resources read best one per line)
"""Every clinician's network, checked in a Da Vinci PDex Plan-Net directory (issue 19).

The directory is a small Plan-Net Bundle written for these tests (built below, following the IG's
profiles: a network is an Organization with the plannet-Network profile and type ``ntwk``; a
clinician's PractitionerRole names its network in the ``network-reference`` extension; a facility's
OrganizationAffiliation names it in ``network``; the InsurancePlan lists its networks).

The plan: deductible $1,000, 20% coinsurance in network; out of network a $2,000 deductible and 40%.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from backcover.costs import estimate, parse_lines, parse_plan
from backcover.costs._directory import NETWORK_REFERENCE, NPI_SYSTEM, parse_resources
from backcover.costs._directory_io import read_directory
from backcover.costs._network import check_lines, npis_of
from backcover.errors import BadInput

PLAN = """
name: Acme Silver PPO
kind: commercial
network_type: ppo
deductible: {individual: 1000}
oop_max: {individual: 5000}
out_of_network: {covered: true, deductible: {individual: 2000}, oop_max: {individual: 10000}, coinsurance: 0.4}
benefits:
  outpatient_physician: {coinsurance: 0.2, deductible_applies: true}
  outpatient_facility:  {coinsurance: 0.2, deductible_applies: true}
  anesthesia:           {coinsurance: 0.2, deductible_applies: true}
"""
SURGEON, ANES_OUT, ANES_UNLISTED, ASC = "1000000001", "1000000002", "1000000003", "1000000010"
CHECKED = "2026-12-01T10:00:00+00:00"
PLANNET = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/"


def _network(rid: str, name: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": rid,
        "meta": {"profile": [PLANNET + "plannet-Network"]},
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/OrgTypeCS",
                        "code": "ntwk",
                    }
                ]
            }
        ],
        "name": name,
    }


def _practitioner(rid: str, npi: str) -> dict[str, Any]:
    return {"resourceType": "Practitioner", "id": rid, "identifier": [{"system": NPI_SYSTEM, "value": npi}]}


def _role(rid: str, who: str, network: str) -> dict[str, Any]:
    return {
        "resourceType": "PractitionerRole",
        "id": rid,
        "meta": {"profile": [PLANNET + "plannet-PractitionerRole"]},
        "extension": [{"url": NETWORK_REFERENCE, "valueReference": {"reference": f"Organization/{network}"}}],
        "active": True,
        "practitioner": {"reference": f"Practitioner/{who}"},
        "organization": {"reference": "Organization/asc"},
        "location": [{"reference": "Location/asc-site"}],
    }


def bundle(*, plans: int = 1) -> dict[str, Any]:
    resources: list[dict[str, Any]] = [
        _network("acme-ppo", "Acme PPO Network"),
        _network("other-net", "Other Payer Network"),
        {
            "resourceType": "InsurancePlan",
            "id": "acme-silver",
            "name": "Acme Silver PPO",
            "network": [{"reference": "Organization/acme-ppo"}],
        },
        _practitioner("dr-surgeon", SURGEON),
        _practitioner("dr-anes", ANES_OUT),
        _role("role-surgeon", "dr-surgeon", "acme-ppo"),
        _role("role-anes", "dr-anes", "other-net"),
        {
            "resourceType": "Organization",
            "id": "asc",
            "identifier": [{"system": NPI_SYSTEM, "value": ASC}],
            "name": "Riverside Surgery Center",
        },
        {
            "resourceType": "OrganizationAffiliation",
            "id": "asc-in-acme",
            "active": True,
            "participatingOrganization": {"reference": "Organization/asc"},
            "network": [{"reference": "Organization/acme-ppo"}],
        },
        {"resourceType": "Location", "id": "asc-site", "name": "Riverside Surgery Center, Suite 2"},
    ]
    if plans > 1:
        resources.append(
            {
                "resourceType": "InsurancePlan",
                "id": "other",
                "name": "Other Plan",
                "network": [{"reference": "Organization/other-net"}],
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def _lines(setting: str, anes_npi: str) -> str:
    return f"""lines:
  - {{id: surgeon, benefit: outpatient_physician, role: surgeon, allowed: 2000, billed: 5000, npi: "{SURGEON}", facility_npi: "{ASC}", setting: {setting}}}
  - {{id: anes, benefit: anesthesia, role: anesthesia, allowed: 800, billed: 2400, npi: "{anes_npi}", facility_npi: "{ASC}", setting: {setting}}}
"""


def _run(setting: str, anes_npi: str) -> dict[str, Any]:
    directory = parse_resources([e["resource"] for e in bundle()["entry"]], "acme-directory.json", CHECKED)
    lines = check_lines(parse_lines(_lines(setting, anes_npi)), directory)
    return estimate(parse_plan(PLAN), lines).to_json()


def test_out_of_network_anesthesiologist_at_an_in_network_asc_is_protected() -> None:
    """Surgeon in network: the $1,000 deductible, then 20% of $1,000 = $200: $1,200.
    The anesthesiologist is listed only in another payer's network, so out of network; the ASC is in
    network and anesthesia can never be waived, so the No Surprises Act gives in-network cost sharing:
    the deductible is met, 20% of $800 = $160, no balance bill. Total $1,360."""
    out = _run("asc", ANES_OUT)
    surgeon, anes = out["lines"]
    assert surgeon["network"] == "in" and surgeon["patient"] == "1200.00"
    assert surgeon["network_source"]["status"] == "in"
    assert surgeon["network_source"]["directory"] == "acme-directory.json"
    assert surgeon["network_source"]["network"] == "Acme PPO Network"
    assert surgeon["network_source"]["checked_at"] == CHECKED
    assert surgeon["network_source"]["facility"] == {"status": "in", "npi": ASC}
    assert anes["network"] == "out" and anes["network_source"]["status"] == "out"
    assert "Other Payer Network" in anes["network_source"]["reason"]
    assert anes["nsa_protected"] is True
    assert (anes["patient"], anes["plan"], anes["balance_bill"]) == ("160.00", "640.00", "0.00")
    assert out["totals"]["patient_total"] == "1360.00"


def test_the_same_in_an_office_is_not_protected() -> None:
    """In an office the Act's facility protections do not apply: the anesthesiologist's $800 all goes
    to the out-of-network deductible ($2,000), and the balance bill is $2,400 - $800 = $1,600.
    Total $1,200 + $800 + $1,600 = $3,600."""
    out = _run("office", ANES_OUT)
    anes = out["lines"][1]
    assert anes["nsa_protected"] is False
    assert (anes["patient"], anes["balance_bill"]) == ("800.00", "1600.00")
    assert any("does not protect" in n and "office" in n for n in anes["notes"])
    assert out["totals"]["patient_total"] == "3600.00"


def test_an_unlisted_anesthesiologist_is_unknown_and_priced_both_ways() -> None:
    """Not in the directory: unknown, never assumed in network. At the ASC both ways cost $160 (out of
    network the Act protects it). In an office: in network $160; out of network $800 + $1,600 balance
    bill = $2,400, and the totals take the worse: $1,200 + $2,400 = $3,600."""
    asc = _run("asc", ANES_UNLISTED)["lines"][1]
    assert asc["network"] == "unknown" and asc["network_source"]["status"] == "unknown"
    assert "does not list" in asc["network_source"]["reason"]
    assert asc["both_ways"]["in"]["patient_total"] == asc["both_ways"]["out"]["patient_total"] == "160.00"
    office = _run("office", ANES_UNLISTED)
    anes = office["lines"][1]
    assert anes["both_ways"]["in"]["patient_total"] == "160.00"
    assert anes["both_ways"]["out"]["patient_total"] == "2400.00"
    assert anes["both_ways"]["worse"] == "out"
    assert (anes["patient"], anes["balance_bill"]) == ("800.00", "1600.00")
    assert office["totals"]["patient_total"] == "3600.00"
    # the worse branch's accumulators are kept: the out-of-network deductible took $800
    assert office["accumulators_after"]["oon_deductible_met"] == "800.00"


def test_signed_consent_and_an_out_of_network_facility_are_not_protected() -> None:
    """A surgeon (waivable) out of network at an in-network ASC who signed consent, and an emergency-free
    line at an out-of-network facility: neither is protected, and each line says why."""
    plan = parse_plan(PLAN)
    lines = parse_lines("""lines:
  - {id: a, benefit: outpatient_physician, role: surgeon, allowed: 1000, network: out, facility_network: in, setting: asc, consent_signed: true}
  - {id: b, benefit: outpatient_physician, role: surgeon, allowed: 1000, network: out, facility_network: out, setting: asc}
""")
    a, b = estimate(plan, lines).to_json()["lines"]
    assert not a["nsa_protected"] and any("notice-and-consent was signed" in n for n in a["notes"])
    assert not b["nsa_protected"] and any("facility itself is out of network" in n for n in b["notes"])


def test_a_line_that_states_its_network_is_not_overridden() -> None:
    directory = parse_resources([e["resource"] for e in bundle()["entry"]], "d.json", CHECKED)
    lines = parse_lines(
        f'lines:\n  - {{id: x, benefit: anesthesia, allowed: 100, network: in, npi: "{ANES_OUT}"}}\n'
    )
    assert check_lines(lines, directory)[0].network == "in"
    assert npis_of(lines) == []


def test_a_line_without_an_npi_is_unknown_under_a_directory() -> None:
    directory = parse_resources([e["resource"] for e in bundle()["entry"]], "d.json", CHECKED)
    line = check_lines(parse_lines("lines:\n  - {id: x, benefit: anesthesia, allowed: 100}\n"), directory)[0]
    assert line.network == "unknown" and line.network_source is not None
    assert "no npi" in line.network_source.reason


def test_unreadable_directory_leaves_every_line_unknown_with_the_reason(tmp_path: Path) -> None:
    missing = read_directory(str(tmp_path / "nowhere.json"), checked_at=CHECKED)
    broken = tmp_path / "broken.ndjson"
    broken.write_text('{"resourceType": "Practitioner", "id": "a"}\nnot json\n')
    for d in (missing, read_directory(str(broken))):
        line = check_lines(parse_lines(_lines("asc", SURGEON)), d)[0]
        assert line.network == "unknown" and line.facility_network is None
        assert line.network_source is not None and "could not be read" in line.network_source.reason


def test_ndjson_file_and_network_choice(tmp_path: Path) -> None:
    path = tmp_path / "dir.ndjson"
    path.write_text("\n".join(json.dumps(e["resource"]) for e in bundle(plans=2)["entry"]))
    d = read_directory(str(path), checked_at=CHECKED)
    with pytest.raises(BadInput) as err:
        check_lines(parse_lines(_lines("asc", SURGEON)), d)
    assert "--network" in err.value.message() and "Acme PPO Network" in err.value.message()
    with pytest.raises(BadInput):
        check_lines(parse_lines(_lines("asc", SURGEON)), d, network="Nope Network")
    # the anesthesiologist is in the other network: in network for that plan, out for Acme's
    other = check_lines(parse_lines(_lines("asc", ANES_OUT)), d, network="other-net")
    assert [ln.network for ln in other] == ["out", "in"]


def _server(calls: list[str], *, fail: bool = False) -> httpx.MockTransport:
    resources = [e["resource"] for e in bundle()["entry"]]

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if fail:
            return httpx.Response(503)
        kind = request.url.path.rstrip("/").split("/")[-1]
        params = request.url.params
        hits = [r for r in resources if r["resourceType"] == kind]
        if "identifier" in params:
            npi = params["identifier"].split("|")[-1]
            hits = [r for r in hits if any(i.get("value") == npi for i in r.get("identifier", []))]
        if "practitioner" in params:
            hits = [r for r in hits if r["practitioner"]["reference"] == params["practitioner"]]
            hits += [r for r in resources if r["resourceType"] == "Location"]
        if "participating-organization" in params:
            hits = [
                r
                for r in hits
                if r["participatingOrganization"]["reference"] == params["participating-organization"]
            ]
        if params.get("type") == "ntwk":
            hits = [r for r in hits if r["id"] in ("acme-ppo", "other-net")]
        return httpx.Response(
            200,
            json={"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in hits]},
        )

    return httpx.MockTransport(handler)


def test_fhir_server_through_an_injected_transport() -> None:
    calls: list[str] = []
    lines = parse_lines(_lines("asc", ANES_OUT))
    d = read_directory(
        "https://directory.example/fhir", npis=npis_of(lines), checked_at=CHECKED, transport=_server(calls)
    )
    checked = check_lines(lines, d)
    assert [ln.network for ln in checked] == ["in", "out"]
    assert [ln.facility_network for ln in checked] == ["in", "in"]
    assert all(c.startswith("https://directory.example/fhir/") for c in calls)
    out = estimate(parse_plan(PLAN), checked).to_json()
    assert out["totals"]["patient_total"] == "1360.00"
    assert Decimal(out["lines"][1]["patient"]) == Decimal("160.00")


def test_fhir_server_that_fails_is_unknown_not_in() -> None:
    lines = parse_lines(_lines("asc", SURGEON))
    d = read_directory(
        "https://directory.example/fhir", npis=npis_of(lines), transport=_server([], fail=True)
    )
    line = check_lines(lines, d)[0]
    assert line.network == "unknown"
    assert line.network_source is not None and "503" in line.network_source.reason


def test_cli_estimate_with_a_directory(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from backcover.cli import app

    (tmp_path / "dir.json").write_text(json.dumps(bundle()))
    (tmp_path / "plan.yaml").write_text(PLAN)
    (tmp_path / "lines.yaml").write_text(_lines("asc", ANES_OUT))
    base = ["estimate", "--plan", str(tmp_path / "plan.yaml"), "--lines", str(tmp_path / "lines.yaml")]
    runner = CliRunner()
    res = runner.invoke(app, [*base, "--directory", str(tmp_path / "dir.json"), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [ln["network_source"]["status"] for ln in out["lines"]] == ["in", "out"]
    assert out["lines"][0]["network_source"]["checked_at"]  # the CLI stamps when it checked
    text = runner.invoke(app, [*base, "--directory", str(tmp_path / "dir.json")])
    assert text.exit_code == 0 and "Who pays" in text.stdout and "checked in" in text.stdout
    bad = runner.invoke(app, [*base, "--network", "Acme PPO Network"])
    assert bad.exit_code == 2 and "--directory" in bad.output


def test_api_takes_an_inline_directory() -> None:
    from backcover.costs import estimate_request

    body = {
        "plan": {
            "name": "Acme",
            "kind": "commercial",
            "network_type": "ppo",
            "deductible": {"individual": 1000},
            "oop_max": {"individual": 5000},
            "benefits": {
                "outpatient_physician": {"coinsurance": 0.2},
                "anesthesia": {"coinsurance": 0.2},
            },
        },
        "lines": [
            {"id": "surgeon", "benefit": "outpatient_physician", "allowed": 2000, "npi": SURGEON},
            {"id": "anes", "benefit": "anesthesia", "allowed": 800, "npi": ANES_UNLISTED},
        ],
        "directory": bundle(),
    }
    out = estimate_request(body)
    assert [ln["network"] for ln in out["lines"]] == ["in", "unknown"]
    assert out["lines"][1]["both_ways"]["worse"] == "out"
    with pytest.raises(BadInput):
        estimate_request({**body, "directory": "https://example.org/fhir"})


def test_fhir_server_pages_on_its_own_host_and_timeouts_are_unknown() -> None:
    """The InsurancePlan search is split over two pages (a `next` link on the same host); a `next` link
    to another host is not followed; a timeout leaves the line unknown with the reason."""
    resources = [e["resource"] for e in bundle()["entry"]]
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host}{request.url.path}?{request.url.query.decode()}")
        kind = request.url.path.rsplit("/", 1)[-1]
        if kind == "InsurancePlan" and "page=2" not in str(request.url):
            nxt = "https://directory.example/fhir/InsurancePlan?page=2"
            return httpx.Response(
                200, json={"resourceType": "Bundle", "link": [{"relation": "next", "url": nxt}], "entry": []}
            )
        if kind == "InsurancePlan":
            plan = next(r for r in resources if r["resourceType"] == "InsurancePlan")
            away = "https://elsewhere.example/fhir/InsurancePlan?page=3"
            return httpx.Response(
                200,
                json={
                    "resourceType": "Bundle",
                    "link": [{"relation": "next", "url": away}],
                    "entry": [{"resource": plan}],
                },
            )
        return _server([]).handle_request(request)

    lines = parse_lines(_lines("asc", SURGEON))
    d = read_directory(
        "https://directory.example/fhir", npis=npis_of(lines), transport=httpx.MockTransport(handler)
    )
    assert check_lines(lines, d)[0].network == "in"
    assert not any(s.startswith("elsewhere.example") for s in seen)
    assert sum("InsurancePlan" in s for s in seen) == 2

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    d = read_directory(
        "https://directory.example/fhir", npis=npis_of(lines), transport=httpx.MockTransport(slow)
    )
    line = check_lines(lines, d)[0]
    assert line.network == "unknown" and line.network_source is not None
    assert "could not reach directory.example (ConnectTimeout)" in line.network_source.reason
