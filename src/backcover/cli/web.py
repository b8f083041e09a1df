"""`backcover serve`: run the web app on this computer (127.0.0.1 by default)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from backcover.cli._app import app, err_console, guarded
from backcover.errors import BadInput

__all__ = ["serve"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def default_data_dir() -> Path:
    """The web workspace: ``web`` in the data folder (``$BACKCOVER_HOME`` when set)."""
    from backcover.paths import data_dir

    return data_dir() / "web"


@app.command("serve")
@guarded
def serve(
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = 8765,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on. Only loopback addresses, except in clinic mode (--clinic)."),
    ] = "127.0.0.1",
    store: Annotated[
        str | None, typer.Option("--store", help="Database URL of the case store (default: embedded SQLite).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder for imported records, plans and the treatment log.")
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Another Host header value to accept (host[:port])."),
    ] = None,
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.", min=1, max=2048)] = 32,
    cds_trust: Annotated[
        Path | None,
        typer.Option(
            "--cds-trust",
            help="TRUST.yaml listing the EHRs whose JWTs the CDS Hooks and DTR endpoints accept.",
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url", help="The address clients use (the JWT audience); default http://HOST:PORT."
        ),
    ] = None,
    print_url: Annotated[
        bool, typer.Option("--print-url", help="Print the address (with its access key) and exit.")
    ] = False,
    clinic: Annotated[
        bool,
        typer.Option(
            "--clinic",
            help="Clinic mode: signed-in users with roles, an audit of every read and write, on PostgreSQL "
            "(BACKCOVER_DATABASE_URL or --store). See docs/clinic.md.",
        ),
    ] = False,
    idle_minutes: Annotated[
        int,
        typer.Option("--idle-minutes", help="Clinic mode: sign out after this long idle.", min=1, max=1440),
    ] = 30,
    session_hours: Annotated[
        int,
        typer.Option(
            "--session-hours", help="Clinic mode: sign out this long after signing in.", min=1, max=168
        ),
    ] = 12,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Clinic mode: this many server processes (uvicorn workers) share the port.",
            min=1,
            max=32,
        ),
    ] = 1,
) -> None:
    """Start the web app and print its address (with the access key). Stop it with Ctrl-C."""
    from backcover.paths import data_dir as home
    from backcover.web._access import KEY_FILE, browser_url, load_or_create_key

    if clinic:
        from backcover.cli._serve_clinic import serve_clinic

        serve_clinic(
            host=host,
            port=port,
            store=store,
            data_dir=data_dir or default_data_dir(),
            allow_host=allow_host or [],
            max_upload_mb=max_upload_mb,
            cds_trust=cds_trust,
            public_url=public_url,
            print_url=print_url,
            idle_minutes=idle_minutes,
            session_hours=session_hours,
            workers=workers,
        )
        return
    if workers != 1:
        raise BadInput(
            "--workers is for clinic mode",
            "add --clinic, or leave --workers out: the single-user app runs one process",
            where="--workers",
        )
    if host not in _LOOPBACK:
        raise BadInput(
            f"refusing to listen on {host!r}: backcover serves health data and only listens on this computer",
            "use --host 127.0.0.1 (the default), localhost or ::1; a clinic server for several people "
            "is `backcover serve --clinic` (docs/clinic.md)",
            where="--host",
        )
    key = load_or_create_key(home())
    url = browser_url(host, port, key)
    if print_url:
        print(url, flush=True)
        return
    import uvicorn

    from backcover.ehr import CdsSettings
    from backcover.paths import default_log_path
    from backcover.web import create_app

    folder = data_dir or default_data_dir()
    shown = f"[{host}]" if ":" in host else host
    cds = CdsSettings.from_trust_file(cds_trust, public_url or f"http://{shown}:{port}")
    web_app = create_app(
        store,
        data_dir=folder,
        port=port,
        allowed_hosts=allow_host or (),
        max_upload_mb=max_upload_mb,
        access_key=key,
        cds=cds,
        # One treatment log for the web and `backcover log` (unless a separate folder is asked for).
        log_path=None if data_dir else default_log_path(),
    )
    err_console.print(f"backcover is running at [bold]{url}[/]  (Ctrl-C stops it)", highlight=False)
    err_console.print(
        f"open that address (it carries this computer's access key, kept in {home() / KEY_FILE}); "
        f"your files are kept in {folder}",
        highlight=False,
    )
    print(url, flush=True)
    # No access log: request lines can carry ids of people. Errors name only their type.
    logging.getLogger("uvicorn.access").disabled = True
    uvicorn.run(web_app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
