"""What the app factory and every router share: the per-app context, its templates, and rendering.

Routers import this module, never :mod:`backcover.web._app` (which imports the routers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from backcover import DISCLAIMER, __version__, i18n, marks
from backcover.web import _plans
from backcover.web._actor import actor_of
from backcover.web._glossary import GLOSSARY
from backcover.web._security import CSRF_COOKIE, CSRF_FIELD, csrf_token_for, new_session_id
from backcover.web._workspace import Workspace

if TYPE_CHECKING:
    from backcover.clinic import ClinicSettings, SignIn
    from backcover.store import Store
    from backcover.web._cases import StoreHolder

__all__ = ["HERE", "NAV", "WebContext", "ctx", "page_language", "render", "session_id"]

HERE = Path(__file__).parent

NAV: tuple[tuple[str, str], ...] = (
    ("/", "Start"),
    ("/record", "My record"),
    ("/check", "Check a procedure"),
    ("/cost", "What will it cost"),
    ("/cases", "Cases"),
    ("/worklist", "Worklist"),
    ("/metrics", "Metrics"),
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
        access_key: str,
        clinic: ClinicSettings | None = None,
    ) -> None:
        self.store_url = store_url
        self.workspace = workspace
        self.secret = secret
        self.max_upload_bytes = max_upload_bytes
        self.today = today
        self.access_key = access_key
        self.clinic = clinic
        self._store: StoreHolder | None = None
        self._signin: SignIn | None = None
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.globals.update(
            DISCLAIMER=DISCLAIMER,
            VERSION=__version__,
            NAV=NAV,
            term=_term,
            GLOSSARY=GLOSSARY,
            plan_title=_plans.display_name,
        )
        env.filters["money"] = _money
        env.filters["marks"] = marks.marks_html
        env.finalize = marks.finalize  # a mark printed without the filter still reads as words
        i18n.install(env)

    def store(self) -> Store:
        """The case store, opened (and migrated) on first use."""
        if self._store is None:
            from backcover.web._cases import StoreHolder

            self._store = StoreHolder(self.store_url)
        return self._store.get()

    def signin(self) -> SignIn:
        """Clinic mode's sign-in, over the store's database (made on first use)."""
        if self._signin is None:
            from backcover.clinic import ClinicSettings, SignIn
            from backcover.store import Accounts

            store = self.store()
            self._signin = SignIn(Accounts(store.engine, store.actor), self.clinic or ClinicSettings())
        return self._signin


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


def _relative(url: str) -> str:
    """The path and query of an absolute URL (links stay on this app, whatever the host)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


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


def page_language(request: Request) -> str:
    """Set this request's language (``?lang=``, then the cookie) before a page builds its words."""
    return i18n.set_language(
        i18n.parse_language(request.query_params.get("lang")) or request.cookies.get("lang")
    )


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render a page with the layout's globals, and give the browser its session cookie if needed."""
    web = ctx(request)
    sid = session_id(request)
    asked = i18n.parse_language(request.query_params.get("lang"))
    lang = page_language(request)
    c: dict[str, Any] = {
        "lang": lang,
        "lang_links": [
            (code, name, _relative(str(request.url.include_query_params(lang=code))))
            for code, name in i18n.LANGUAGES.items()
            if code != lang
        ],
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token_for(web.secret, sid),
        "path": request.url.path,
        "ws": web.workspace,
        "actor": actor_of(request),
        "clinic": web.clinic is not None,
        **(context or {}),
    }
    resp = web.templates.TemplateResponse(request, name, c, status_code=status_code)
    secure = web.clinic is not None and web.clinic.secure_cookies  # clinic mode behind https
    if asked and request.cookies.get("lang") != asked:
        resp.set_cookie("lang", asked, httponly=True, samesite="strict", path="/", secure=secure)
    if request.cookies.get(CSRF_COOKIE) != sid:
        resp.set_cookie(CSRF_COOKIE, sid, httponly=True, samesite="strict", path="/", secure=secure)
    return resp
