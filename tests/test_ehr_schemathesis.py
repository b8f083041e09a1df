"""Property-based testing of the CDS/DTR routes from their OpenAPI: no request may be a 5xx.

The caller's JWT is accepted as it is here (a stub verifier), so that generated bodies reach the
hook parsing, the DTR package and the QuestionnaireResponse handling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from backcover.ehr import CdsSettings, JwtVerifier, cds_router
from tests._ehr_support import TODAY, offline


class _Anyone(JwtVerifier):
    def verify(self, authorization: str | None, audiences: Iterable[str]) -> dict[str, Any]:
        return {}


app = FastAPI()
app.include_router(
    cds_router(
        CdsSettings(
            public_url="http://testserver",
            transport=httpx.MockTransport(offline),
            today=lambda: TODAY,
            verifier=_Anyone(None),
        )
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
