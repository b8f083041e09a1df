"""Shared pieces of the EHR tests: signing keys, a trust file, tokens, and a tiny app with the router."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backcover.ehr import CdsSettings, cds_router, load_trust
from tests.conftest import DATA, EXAMPLES

ISS = "https://ehr.example"
PUBLIC = "http://testserver"
TODAY = date(2026, 6, 23)


@dataclass
class Keys:
    rsa: rsa.RSAPrivateKey
    ec: ec.EllipticCurvePrivateKey


def make_keys() -> Keys:
    return Keys(rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP384R1()))


def write_trust(folder: Path, keys: Keys) -> Path:
    jwks = {
        "keys": [
            {
                **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys.rsa.public_key())),
                "kid": "rsa1",
                "alg": "RS384",
            },
            {
                **json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys.ec.public_key())),
                "kid": "ec1",
                "alg": "ES384",
            },
        ]
    }
    (folder / "keys.json").write_text(json.dumps(jwks))
    trust = folder / "TRUST.yaml"
    trust.write_text(f'issuers:\n  - iss: "{ISS}"\n    jwks_file: keys.json\n')
    return trust


def token(keys: Keys, aud: str, alg: str = "ES384", **claims: Any) -> str:
    now = int(time.time())
    body: dict[str, Any] = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    body.update(claims)
    key: Any = keys.ec if alg == "ES384" else keys.rsa
    kid = "ec1" if alg == "ES384" else "rsa1"
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


def offline(request: httpx.Request) -> httpx.Response:
    """A FHIR server that cannot be reached (no request leaves the machine)."""
    raise httpx.ConnectError("unreachable", request=request)


def make_client(trust: Path | None, transport: httpx.BaseTransport | None = None) -> TestClient:
    settings = CdsSettings(
        public_url=PUBLIC,
        trust=load_trust(trust) if trust else None,
        transport=transport or httpx.MockTransport(offline),
        today=lambda: TODAY,
    )
    app = FastAPI()
    app.include_router(cds_router(settings))
    return TestClient(app)


def auth(keys: Keys, path: str, alg: str = "ES384") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(keys, PUBLIC + path, alg)}"}


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def example_resources(name: str = "check-mri-commercial-early.json") -> list[dict[str, Any]]:
    doc = json.loads((EXAMPLES / name).read_text())
    return [e["resource"] for e in doc["entry"]]


COVERAGE = {
    "resourceType": "Coverage",
    "id": "cov1",
    "status": "active",
    "type": {
        "coding": [{"system": "https://nahdo.org/sopt", "code": "5", "display": "Private health insurance"}]
    },
    "beneficiary": {"reference": "Patient/example-mri"},
    "payor": [{"display": "Example Health Plan"}],
}


def mri_order(oid: str = "mri1") -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": oid,
        "status": "draft",
        "intent": "order",
        "code": {
            "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148", "display": "MRI lumbar"}]
        },
        "subject": {"reference": "Patient/example-mri"},
        "insurance": [{"reference": "Coverage/cov1"}],
    }


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def mri_hook(hook: str = "order-sign", coverage: dict[str, Any] | None = COVERAGE) -> dict[str, Any]:
    res = example_resources()
    patient = next(r for r in res if r["resourceType"] == "Patient")
    others = [r for r in res if r["resourceType"] != "Patient"]
    return {
        "hookInstance": str(uuid.uuid4()),
        "hook": hook,
        "fhirServer": "https://ehr.example/fhir",
        "fhirAuthorization": {
            "access_token": "T",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "",
            "subject": "x",
        },
        "context": {
            "userId": "Practitioner/p1",
            "patientId": "example-mri",
            "draftOrders": bundle([mri_order()]),
            "selections": ["ServiceRequest/mri1"],
        },
        "prefetch": {
            "patient": patient,
            "coverage": bundle([coverage] if coverage else []),
            "conditions": bundle([r for r in others if r["resourceType"] == "Condition"]),
            "procedures": bundle([r for r in others if r["resourceType"] == "Procedure"]),
            "medicationRequests": bundle([r for r in others if r["resourceType"] == "MedicationRequest"]),
            "medicationStatements": bundle([r for r in others if r["resourceType"] == "MedicationStatement"]),
            "observations": bundle([r for r in others if r["resourceType"] == "Observation"]),
            "diagnosticReports": bundle([r for r in others if r["resourceType"] == "DiagnosticReport"]),
            "encounters": bundle([r for r in others if r["resourceType"] == "Encounter"]),
        },
    }


def coverage_info(resource: dict[str, Any]) -> dict[str, Any]:
    """The coverage-information extension of a resource, as {url: value}."""
    from backcover.ehr import CI_URL

    ext = next(e for e in resource["extension"] if e["url"] == CI_URL)
    out: dict[str, Any] = {}
    for sub in ext["extension"]:
        value = next(v for k, v in sub.items() if k.startswith("value") or k == "extension")
        out.setdefault(sub["url"], []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
