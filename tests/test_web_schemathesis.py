"""Property-based API testing: schemathesis generates requests from /openapi.json; none may be a 5xx."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from backcover.web import create_app
from tests._web_support import AUTH, WEB_KEY

_tmp = Path(tempfile.mkdtemp(prefix="backcover-st-"))
# The ASGI test client calls itself "testserver": allow that name for this app only.
app = create_app(
    f"sqlite:///{_tmp / 'store.db'}",
    data_dir=_tmp / "ws",
    allowed_hosts=["testserver"],
    today=lambda: date(2026, 11, 27),
    access_key=WEB_KEY,
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error], headers=AUTH)


@schema.include(path_regex="^/api/").parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_api_data_without_the_key(case: schemathesis.Case) -> None:
    """Whatever the request, an /api operation without the access key answers 401 and no data."""
    response = case.call(headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert set(response.json()) == {"error", "fix", "file", "where"}
