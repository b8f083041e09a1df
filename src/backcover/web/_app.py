"""The application factory: middleware, templates, static files, the API and the pages."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from backcover import DISCLAIMER, __version__
from backcover.clinic import ClinicSettings
from backcover.ehr import CdsSettings, cds_router
from backcover.errors import BadInput
from backcover.store import Refused
from backcover.web import _page_audit, _page_login, _page_users
from backcover.web._access import AccessKeyMiddleware
from backcover.web._api import router as api_router
from backcover.web._api_worklist import router as worklist_api_router
from backcover.web._context import HERE, WebContext, render
from backcover.web._pages import router as page_router
from backcover.web._policy import authorize
from backcover.web._security import (
    BodyLimitMiddleware,
    CatchAllMiddleware,
    HostGuardMiddleware,
    SecurityHeadersMiddleware,
    allowed_hosts_for,
)
from backcover.web._signin import SignInMiddleware
from backcover.web._workspace import Workspace

__all__ = ["create_app"]

DEFAULT_MAX_UPLOAD_MB = 32


def create_app(
    store_url: str | None = None,
    *,
    data_dir: Path | None = None,
    port: int | None = None,
    allowed_hosts: Iterable[str] | None = None,
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
    secret: bytes | None = None,
    today: Callable[[], date] = date.today,
    access_key: str | None = None,
    cds: CdsSettings | None = None,
    log_path: Path | None = None,
    clinic: ClinicSettings | None = None,
) -> FastAPI:
    """Build the web app.

    ``store_url`` is the database URL of the case store (``None``: the embedded SQLite default).
    ``data_dir`` keeps the workspace (uploaded records, plans, the treatment log); ``None`` uses a
    private temporary folder that lives as long as the process. ``port`` narrows the accepted Host
    header to the loopback names with that port; ``allowed_hosts`` adds more ``host[:port]`` values.
    ``today`` is the clock the pages use for "as of" (tests pass a fixed date). ``cds`` configures
    the CDS Hooks / DTR endpoints (their JWT trust and public URL); without a trust file they answer
    401. ``log_path`` is the treatment log (default: in the workspace; ``backcover serve`` shares the
    CLI's).
    ``access_key`` is the key every request must carry (``backcover serve`` passes the install's
    ``server-key``); ``None`` makes a random one, kept in ``app.state.web.access_key``.
    ``clinic`` turns on clinic mode (docs/clinic.md): signed-in users with roles replace the access
    key, every read and write of patient data is audited under the user's name, and the Host
    header may also be the public URL's host.
    """
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="backcover-web-"))
    workspace = Workspace(data_dir, log_path)
    web = WebContext(
        store_url=store_url,
        workspace=workspace,
        secret=secret or secrets.token_bytes(32),
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        today=today,
        access_key=access_key or secrets.token_urlsafe(32),
        clinic=clinic,
    )
    app = FastAPI(
        title="backcover",
        version=__version__,
        description="Coverage, costs, prior authorization and appeals for back care. " + DISCLAIMER,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(authorize)],  # the roles of clinic mode, route by route (web/_policy.py)
    )
    app.state.web = web
    _add_security_scheme(app, clinic is not None)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(api_router)
    app.include_router(_page_audit.api_router)
    if clinic is not None:
        app.include_router(_page_login.api_router)
        app.include_router(_page_login.page_router)
        app.include_router(_page_users.router)
    app.include_router(worklist_api_router)
    app.include_router(page_router)
    app.include_router(_page_audit.page_router)
    public = f"http://127.0.0.1:{port}" if port is not None else "http://127.0.0.1:8765"
    if clinic is not None:
        public = clinic.public_url
    app.include_router(cds_router(cds or CdsSettings(public_url=public, today=today)))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(exc.to_json(), status_code=400)
        return render(
            request, "error.html", {"title": "Something in the input needs fixing", "error": exc}, 400
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith("/api/"):
            return render(
                request, "error.html", {"title": "Page not found", "message": "There is no such page."}, 404
            )
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        body = {
            "error": str(first.get("msg", "the request is not valid")),
            "fix": "see the request schema at /docs",
            "file": None,
            "where": where or None,
            "detail": [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errs
            ],
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"error": str(exc.detail), "fix": "", "file": None, "where": None},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        return render(
            request,
            "error.html",
            {
                "title": "Page not found" if exc.status_code == 404 else "Something went wrong",
                "message": message,
            },
            exc.status_code,
        )

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        # the store's audit gate: a change by a user whose role may only read (rolled back)
        return await http_error(
            request, StarletteHTTPException(403, "your role may not change patient data; ask an admin")
        )

    extra_hosts = [*(allowed_hosts or ()), *([_host_of(clinic.public_url)] if clinic is not None else [])]
    hosts = allowed_hosts_for(port, extra_hosts) if port is not None or extra_hosts else None
    if clinic is not None:
        app.add_middleware(SignInMiddleware, web=web)  # inside CatchAll: a database error is a clean 500
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=web.max_upload_bytes)
    if clinic is None:
        app.add_middleware(AccessKeyMiddleware, key=web.access_key)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HostGuardMiddleware, allowed=hosts)
    return app


def _host_of(url: str) -> str:
    """``host[:port]`` of a URL, as a Host header names it."""
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.rpartition("@")[2].lower()


def _add_security_scheme(app: FastAPI, clinic: bool = False) -> None:
    """Describe the access key (or, in clinic mode, the session token) in the OpenAPI document:
    every /api operation needs it, except signing in."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = plain()
        scheme = "session" if clinic else "accessKey"
        doc.setdefault("components", {})["securitySchemes"] = {
            scheme: {
                "type": "http",
                "scheme": "bearer",
                "description": "the token POST /api/session returns (clinic mode)"
                if clinic
                else "the key in the data folder's server-key file "
                "(`backcover serve --print-url` shows the URL that carries it)",
            }
        }
        what = "session" if clinic else "access key"
        unauthorized = {"description": f"No valid {what}: the body is an error object, no data"}
        for path, ops in doc.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for method, op in ops.items():
                if not isinstance(op, dict):
                    continue
                if clinic and path == "/api/session" and method == "post":
                    op["security"] = []
                    continue
                op["security"] = [{scheme: []}]
                op.setdefault("responses", {})["401"] = unauthorized
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
