"""The web app: the patient's coverage navigator (FastAPI, server-rendered pages, JSON API).

``create_app()`` builds the ASGI app; ``backcover serve`` runs it on 127.0.0.1. See docs/web.md.
"""

from __future__ import annotations

from backcover.web._app import create_app

__all__ = ["create_app"]
