"""Who may call the CDS service: RS384/ES384 tokens of trusted issuers pass; everything else is 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from backcover.ehr import Issuer, JwtVerifier, Trust, load_trust
from backcover.errors import BadInput
from tests._ehr_support import ISS, PUBLIC, Keys, make_client, make_keys, mri_hook, token, write_trust

SIGN = "/cds-services/backcover-order-sign"
AUD = PUBLIC + SIGN


@pytest.fixture(scope="module")
def keys() -> Keys:
    return make_keys()


@pytest.fixture
def client(tmp_path: Path, keys: Keys) -> TestClient:
    return make_client(write_trust(tmp_path, keys))


def call(client: TestClient, bearer: str | None) -> int:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer is not None else {}
    return client.post(SIGN, json=mri_hook(), headers=headers).status_code


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_a_valid_token_passes(client: TestClient, keys: Keys, alg: str) -> None:
    assert call(client, token(keys, AUD, alg)) == 200


def _unsigned(aud: str) -> str:
    def b64(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    now = int(time.time())
    return (
        b64({"alg": "none", "typ": "JWT"})
        + "."
        + b64({"iss": ISS, "aud": aud, "iat": now, "exp": now + 60, "jti": "n"})
        + "."
    )


def _hmac_token(claims: dict[str, object], secret: bytes) -> str:
    def b64(b: bytes) -> str:
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    signing = (
        b64(json.dumps({"alg": "HS384", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    )
    sig = hmac.new(secret, signing.encode(), hashlib.sha384).digest()
    return signing + "." + b64(sig)


def test_refused_tokens(client: TestClient, keys: Keys) -> None:
    now = int(time.time())
    claims = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 60, "jti": "h"}
    hs = jwt.encode(
        claims, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256", headers={"kid": "rsa1"}
    )
    # The classic confusion: an HMAC signed with the issuer's public key as the secret.
    pem = keys.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confused = _hmac_token(claims, pem)
    cases = {
        "none": _unsigned(AUD),
        "HS256": hs,
        "HS384 with the public key as secret": confused,
        "wrong aud": token(keys, PUBLIC + "/cds-services/backcover-order-select"),
        "expired": token(keys, AUD, exp=now - 600, iat=now - 900),
        "unknown iss": token(keys, AUD, iss="https://other.example"),
        "no jti": token(keys, AUD, jti=None),
        "RS256": jwt.encode(
            {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 60, "jti": "r"}, keys.rsa, algorithm="RS256"
        ),
        "garbage": "not-a-jwt",
    }
    for why, bearer in cases.items():
        assert call(client, bearer) == 401, why
    assert call(client, None) == 401, "no Authorization header"


def test_a_reused_jti_is_refused(client: TestClient, keys: Keys) -> None:
    t = token(keys, AUD, jti="once")
    assert call(client, t) == 200
    assert call(client, t) == 401
    assert call(client, token(keys, AUD, jti="once")) == 401, "even in a new token of the same issuer"


def test_without_a_trust_config_every_call_is_401(keys: Keys) -> None:
    client = make_client(None)
    r = client.post(SIGN, json=mri_hook(), headers={"Authorization": f"Bearer {token(keys, AUD)}"})
    assert r.status_code == 401
    assert "--cds-trust" in r.json()["issue"][0]["diagnostics"]
    assert client.get("/cds-services").status_code == 200, "discovery stays open"


def test_keys_from_a_jwks_url(keys: Keys) -> None:
    jwks = {"keys": [{**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys.ec.public_key())), "kid": "ec1"}]}
    asked: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, json=jwks)

    v = JwtVerifier(
        Trust((Issuer(ISS, jwks_url="https://ehr.example/jwks"),)), transport=httpx.MockTransport(serve)
    )
    assert v.verify(f"Bearer {token(keys, AUD)}", [AUD])["iss"] == ISS
    v.verify(f"Bearer {token(keys, AUD)}", [AUD])
    assert asked == ["https://ehr.example/jwks"], "the key set is fetched once and kept"


def test_a_bad_trust_file_names_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "TRUST.yaml"
    bad.write_text("issuers:\n  - iss: https://ehr.example\n")
    with pytest.raises(BadInput) as err:
        load_trust(bad)
    assert err.value.where == "issuers[0]" and "jwks" in err.value.problem
    bad.write_text("issuers: []\n")
    with pytest.raises(BadInput):
        load_trust(bad)
