"""Who may call the CDS and DTR endpoints: JWTs from trusted issuers (CDS Hooks 2.0 security).

``TRUST.yaml`` lists the issuers: ``issuers: [{iss: "https://ehr.example", jwks_file: "keys.json"}]``
(or ``jwks_url:``; a relative ``jwks_file`` is read beside TRUST.yaml). Every call carries
``Authorization: Bearer JWT``: signed ES384 or RS384 (``none`` and HMAC are refused) by a key of
the issuer's JWKS, ``aud`` the endpoint's URL, ``exp`` and ``iat`` present and current, and a
``jti`` not seen before (an in-memory replay cache keeps each ``jti`` until its ``exp``).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from backcover.errors import BadInput
from backcover.yamlio import load_yaml

__all__ = ["ALGORITHMS", "Issuer", "JwtVerifier", "Trust", "Unauthorized", "load_trust"]

ALGORITHMS = ("ES384", "RS384")
_KTY = {"ES384": "EC", "RS384": "RSA"}
_JWKS_TTL = 300.0


class Unauthorized(Exception):
    """The caller's token is missing or not acceptable (HTTP 401). The reason names no patient data."""


@dataclass(frozen=True, slots=True)
class Issuer:
    iss: str
    jwks_file: Path | None = None
    jwks_url: str | None = None


@dataclass(frozen=True, slots=True)
class Trust:
    issuers: tuple[Issuer, ...]


def load_trust(path: Path) -> Trust:
    """Read TRUST.yaml (BadInput naming the file and place when it is wrong)."""
    data = load_yaml(path)
    file = str(path)
    entries = data.get("issuers") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BadInput(
            "the trust file lists no issuers",
            'write issuers: [{iss: "https://ehr.example", jwks_file: keys.json}]',
            file,
            "issuers",
        )
    out: list[Issuer] = []
    for i, e in enumerate(entries):
        where = f"issuers[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("iss"), str) or not e["iss"]:
            raise BadInput(
                "an issuer needs its iss", "give iss: the issuer URL the EHR puts in its tokens", file, where
            )
        jf, ju = e.get("jwks_file"), e.get("jwks_url")
        if bool(jf) == bool(ju):
            raise BadInput(
                "an issuer needs exactly one of jwks_file and jwks_url",
                "give the issuer's key set file or URL",
                file,
                where,
            )
        jwks_path = None
        if jf:
            jwks_path = Path(str(jf))
            if not jwks_path.is_absolute():
                jwks_path = path.parent / jwks_path
        out.append(Issuer(str(e["iss"]), jwks_path, str(ju) if ju else None))
    return Trust(tuple(out))


def _keys_from_jwks(doc: Any, where: str) -> list[jwt.PyJWK]:
    keys = doc.get("keys") if isinstance(doc, dict) else None
    if not isinstance(keys, list):
        raise BadInput("this is not a JWK Set", 'the file must hold {"keys": [...]}', where)
    out: list[jwt.PyJWK] = []
    for k in keys:
        if isinstance(k, dict) and k.get("kty") in ("EC", "RSA"):
            try:
                out.append(jwt.PyJWK(k))
            except (jwt.PyJWKError, jwt.InvalidKeyError):
                continue  # a key of another kind or curve: not usable for ES384/RS384
    return out


class JwtVerifier:
    """Verifies bearer tokens against a Trust. Thread-safe; keeps the replay cache in memory."""

    def __init__(
        self,
        trust: Trust | None,
        *,
        transport: httpx.BaseTransport | None = None,
        now: Callable[[], float] = time.time,
        leeway: int = 30,
    ) -> None:
        self.trust = trust
        self._issuers = {i.iss: i for i in trust.issuers} if trust else {}
        self._transport = transport
        self._now = now
        self._leeway = leeway
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], float] = {}
        self._next_purge = 0.0
        self._keys: dict[str, tuple[float, list[jwt.PyJWK]]] = {}

    def _jwks(self, issuer: Issuer, refresh: bool = False) -> list[jwt.PyJWK]:
        cached = self._keys.get(issuer.iss)
        if cached is not None and not refresh and (issuer.jwks_file or self._now() - cached[0] < _JWKS_TTL):
            return cached[1]
        if issuer.jwks_file is not None:
            try:
                doc = json.loads(issuer.jwks_file.read_bytes())
            except (OSError, ValueError):
                raise Unauthorized("the issuer's key set file cannot be read") from None
            keys = _keys_from_jwks(doc, str(issuer.jwks_file))
        else:
            try:
                with httpx.Client(transport=self._transport, timeout=5.0) as client:
                    r = client.get(str(issuer.jwks_url))
                    r.raise_for_status()
                    keys = _keys_from_jwks(r.json(), str(issuer.jwks_url))
            except (httpx.HTTPError, ValueError, BadInput):
                raise Unauthorized("the issuer's key set could not be fetched") from None
        self._keys[issuer.iss] = (self._now(), keys)
        return keys

    def _pick(self, issuer: Issuer, kid: Any, alg: str) -> jwt.PyJWK:
        for refresh in (False, True):
            keys = [k for k in self._jwks(issuer, refresh) if k.key_type == _KTY[alg]]
            match = [k for k in keys if kid is None or k.key_id == kid]
            if match:
                return match[0]
            if issuer.jwks_file is not None:
                break
        raise Unauthorized("no key of the issuer matches the token's kid and algorithm")

    def verify(self, authorization: str | None, audiences: Iterable[str]) -> dict[str, Any]:
        """The claims of a valid bearer token for one of ``audiences``; Unauthorized otherwise."""
        if self.trust is None:
            raise Unauthorized("this server trusts no issuer (start it with --cds-trust TRUST.yaml)")
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthorized("send Authorization: Bearer JWT")
        token = authorization[7:].strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        except (jwt.PyJWTError, ValueError, IndexError, binascii.Error):
            raise Unauthorized("the bearer token is not a JWT") from None
        if not isinstance(unverified, dict):
            raise Unauthorized("the bearer token is not a JWT")
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise Unauthorized("the token must be signed ES384 or RS384")
        issuer = self._issuers.get(str(unverified.get("iss")))
        if issuer is None:
            raise Unauthorized("the token's issuer is not trusted")
        key = self._pick(issuer, header.get("kid"), str(alg))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[str(alg)],
                audience=list(audiences),
                issuer=issuer.iss,
                leeway=self._leeway,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("the token's aud is not this endpoint's URL") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"the token is not valid ({type(exc).__name__})") from None
        self._remember(issuer.iss, str(claims["jti"]), float(claims["exp"]))
        return claims

    def _remember(self, iss: str, jti: str, exp: float) -> None:
        now = self._now()
        with self._lock:
            if now >= self._next_purge:
                self._seen = {k: v for k, v in self._seen.items() if v + self._leeway > now}
                self._next_purge = now + 10.0
            key = (iss, jti)
            if key in self._seen and self._seen[key] + self._leeway > now:
                raise Unauthorized("the token's jti was already used")
            self._seen[key] = exp
