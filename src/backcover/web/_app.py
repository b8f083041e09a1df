"""The application factory: middleware, templates, static files, the API and the pages."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from backcover import DISCLAIMER, __version__
from backcover.errors import BadInput
from backcover.web._glossary import GLOSSARY
from backcover.web._security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    BodyLimitMiddleware,
    CatchAllMiddleware,
    HostGuardMiddleware,
    SecurityHeadersMiddleware,
    allowed_hosts_for,
    csrf_token_for,
    new_session_id,
)
from backcover.web._workspace import Workspace

if TYPE_CHECKING:
    from backcover.store import Store
    from backcover.web._cases import StoreHolder

__all__ = ["WebContext", "create_app", "ctx", "render"]

HERE = Path(__file__).parent
DEFAULT_MAX_UPLOAD_MB = 32

NAV: tuple[tuple[str, str], ...] = (
    ("/", "Start"),
    ("/record", "My record"),
    ("/check", "Check a procedure"),
    ("/cost", "What will it cost"),
    ("/cases", "Cases"),
    ("/compare", "Compare plans"),
    ("/help", "Help"),
)


class WebContext:
    """What every request handler needs: settings, templates, the workspace and the store."""

    def __init__(
        self,
        *,
        store_url: str | None,
        workspace: Workspace,
        secret: bytes,
        max_upload_bytes: int,
        today: Callable[[], date],
    ) -> None:
        self.store_url = store_url
        self.workspace = workspace
        self.secret = secret
        self.max_upload_bytes = max_upload_bytes
        self.today = today
        self._store: StoreHolder | None = None
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.globals.update(
            DISCLAIMER=DISCLAIMER,
            VERSION=__version__,
            NAV=NAV,
            term=_term,
            GLOSSARY=GLOSSARY,
        )
        env.filters["money"] = _money

    def store(self) -> Store:
        """The case store, opened (and migrated) on first use."""
        if self._store is None:
            from backcover.web._cases import StoreHolder

            self._store = StoreHolder(self.store_url)
        return self._store.get()


def _money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        from decimal import Decimal

        d = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    sign = "-" if d < 0 else ""
    return f"{sign}${abs(d):,.2f}"


def _term(key: str, text: str | None = None) -> Markup:
    """A link from a word to its plain-language help."""
    t = GLOSSARY[key]
    return Markup('<a class="term" href="/help#{k}">{w}</a>').format(k=key, w=text or t.word.lower())


def ctx(request: Request) -> WebContext:
    web: WebContext = request.app.state.web
    return web


def session_id(request: Request) -> str:
    sid = request.cookies.get(CSRF_COOKIE)
    if sid and 16 <= len(sid) <= 64:
        return sid
    cached: str | None = getattr(request.state, "new_sid", None)
    if cached is None:
        cached = new_session_id()
        request.state.new_sid = cached
    return cached


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render a page with the layout's globals, and give the browser its session cookie if needed."""
    web = ctx(request)
    sid = session_id(request)
    c: dict[str, Any] = {
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token_for(web.secret, sid),
        "path": request.url.path,
        "ws": web.workspace,
        **(context or {}),
    }
    resp = web.templates.TemplateResponse(request, name, c, status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != sid:
        resp.set_cookie(CSRF_COOKIE, sid, httponly=True, samesite="strict", path="/")
    return resp


def create_app(
    store_url: str | None = None,
    *,
    data_dir: Path | None = None,
    port: int | None = None,
    allowed_hosts: Iterable[str] | None = None,
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
    secret: bytes | None = None,
    today: Callable[[], date] = date.today,
) -> FastAPI:
    """Build the web app.

    ``store_url`` is the database URL of the case store (``None``: the embedded SQLite default).
    ``data_dir`` keeps the workspace (uploaded records, plans, the treatment log); ``None`` uses a
    private temporary folder that lives as long as the process. ``port`` narrows the accepted Host
    header to the loopback names with that port; ``allowed_hosts`` adds more ``host[:port]`` values.
    ``today`` is the clock the pages use for "as of" (tests pass a fixed date).
    """
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="backcover-web-"))
    workspace = Workspace(data_dir)
    web = WebContext(
        store_url=store_url,
        workspace=workspace,
        secret=secret or secrets.token_bytes(32),
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        today=today,
    )
    app = FastAPI(
        title="backcover",
        version=__version__,
        description="Coverage, costs, prior authorization and appeals for back care. " + DISCLAIMER,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.web = web

    from backcover.web._api import router as api_router
    from backcover.web._pages import router as page_router

    app.include_router(api_router)
    app.include_router(page_router)
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

    hosts = allowed_hosts_for(port, allowed_hosts or ()) if port is not None or allowed_hosts else None
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=web.max_upload_bytes)
    app.add_middleware(HostGuardMiddleware, allowed=hosts)
    return app
