"""`backcover serve --clinic`: the multi-user web app on PostgreSQL (docs/clinic.md).

Only clinic mode may listen beyond loopback, and then only with ``--public-url`` (the address
people use, normally the TLS proxy in front): it names the Host header accepted, the cookies'
Secure flag (for https) and the CDS Hooks audience.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from backcover.cli._app import err_console
from backcover.errors import BadInput

__all__ = ["serve_clinic", "worker_app"]

# How `--workers N` hands each worker process its settings (the app is made in each process).
_WORKER_ENV = "BACKCOVER_CLINIC_WORKER"

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
ENV_URL = "BACKCOVER_DATABASE_URL"


def _database(store: str | None) -> str:
    url = store or os.environ.get(ENV_URL)
    if not url:
        raise BadInput(
            "clinic mode needs a PostgreSQL database, and none is set",
            f"set {ENV_URL}=postgresql+psycopg://USER@HOST:5432/DBNAME (or pass --store)",
            where=ENV_URL,
        )
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = "?"
    if backend != "postgresql":
        raise BadInput(
            f"clinic mode runs on PostgreSQL, not {backend}: several people share one database, and the "
            "audit log's append-only rule and the sign-in throttle rely on it",
            f"set {ENV_URL} (or --store) to a postgresql+psycopg://... URL; the single-user app keeps SQLite",
            where=ENV_URL,
        )
    return url


def _public(public_url: str | None, host: str, port: int) -> str:
    if public_url is None:
        if host not in _LOOPBACK:
            raise BadInput(
                f"listening on {host} needs --public-url: the address people will use",
                "give it, e.g. --public-url https://backcover.clinic.example (the TLS proxy in front)",
                where="--public-url",
            )
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise BadInput(
            f"{public_url!r} is not a site address",
            "give the scheme and host only, e.g. https://backcover.clinic.example",
            where="--public-url",
        )
    return f"{parts.scheme}://{parts.netloc}"


def serve_clinic(
    *,
    host: str,
    port: int,
    store: str | None,
    data_dir: Path,
    allow_host: list[str],
    max_upload_mb: int,
    cds_trust: Path | None,
    public_url: str | None,
    print_url: bool,
    idle_minutes: int,
    session_hours: int,
    workers: int = 1,
) -> None:
    url = _database(store)
    public = _public(public_url, host, port)
    if print_url:
        print(f"{public}/login", flush=True)
        return
    import uvicorn

    from backcover.store import Accounts, open_store

    with open_store(url, route="cli: backcover serve --clinic") as s:  # migrates, and says if unreachable
        has_admin = any(u.role == "admin" and not u.disabled for u in Accounts(s.engine, s.actor).users())
    if host not in _LOOPBACK:
        err_console.print(
            f"[bold yellow]warning:[/] listening on {host}: backcover speaks plain HTTP. Terminate TLS in "
            "front of it (Caddy or nginx, docs/clinic.md) and let only that proxy reach this port.",
            highlight=False,
            soft_wrap=True,
        )
    if public.startswith("http://") and urlsplit(public).hostname not in ("127.0.0.1", "localhost", "[::1]"):
        err_console.print(
            "[bold yellow]warning:[/] the public URL is http://: passwords and session cookies would cross "
            "the network unencrypted; use https:// behind a TLS proxy",
            highlight=False,
            soft_wrap=True,
        )
    if not has_admin:
        err_console.print(
            "no admin user yet: add one with `backcover users add NAME --role admin --password-stdin`",
            highlight=False,
            soft_wrap=True,
        )
    settings = {
        "url": url,
        "data_dir": str(data_dir),
        "port": port,
        "allow_host": list(allow_host),
        "max_upload_mb": max_upload_mb,
        "cds_trust": None if cds_trust is None else str(cds_trust),
        "public": public,
        "idle_minutes": idle_minutes,
        "session_hours": session_hours,
        # one form-token secret for every worker: a form from one is accepted by the others
        "secret": secrets.token_hex(32),
    }
    err_console.print(
        f"backcover (clinic mode) is running; people sign in at [bold]{public}/login[/]"
        + (f" ({workers} worker processes)" if workers > 1 else ""),
        highlight=False,
    )
    print(f"{public}/login", flush=True)
    logging.getLogger("uvicorn.access").disabled = True
    options = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_level": "warning",
        "server_header": False,
        "proxy_headers": True,  # the client address from X-Forwarded-For, from FORWARDED_ALLOW_IPS only
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }
    if workers == 1:
        uvicorn.run(_make_app(settings), **options)  # type: ignore[arg-type]
        return
    os.environ[_WORKER_ENV] = json.dumps(settings)  # each worker process builds its own app from it
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def _make_app(settings: dict[str, Any]) -> Any:
    from backcover.clinic import ClinicSettings
    from backcover.ehr import CdsSettings
    from backcover.web import create_app

    public = settings["public"]
    trust = settings["cds_trust"]
    return create_app(
        settings["url"],
        data_dir=Path(settings["data_dir"]),
        port=settings["port"],
        allowed_hosts=settings["allow_host"],
        max_upload_mb=settings["max_upload_mb"],
        secret=bytes.fromhex(settings["secret"]),
        cds=CdsSettings.from_trust_file(None if trust is None else Path(trust), public),
        clinic=ClinicSettings(
            public_url=public,
            idle=timedelta(minutes=settings["idle_minutes"]),
            absolute=timedelta(hours=settings["session_hours"]),
        ),
    )


def worker_app() -> Any:
    """The app of one `serve --clinic --workers N` process (uvicorn calls this in each worker)."""
    return _make_app(json.loads(os.environ[_WORKER_ENV]))
