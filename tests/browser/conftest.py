"""Browser tests: real headless Debian chromium driven by Playwright, against a uvicorn on 127.0.0.1.

Playwright cannot download its own browser here, so the tests use /usr/bin/chromium. When it is
missing they fail under CI and are skipped with a loud warning elsewhere.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Self

import pytest
import uvicorn

from backcover.web import create_app
from tests._web_support import WEB_KEY

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def _screenshot_dir() -> Path:
    """../screenshots-web beside the repo (outside it), or a temporary folder where that cannot be written."""
    wanted = Path(os.environ.get("BACKCOVER_SCREENSHOTS", REPO.parent / "screenshots-web"))
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        probe = wanted / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return wanted
    except OSError:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="screenshots-web-"))


SCREENSHOTS = _screenshot_dir()
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TODAY = date(2026, 11, 27)


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    msg = f"{CHROMIUM} is missing: the browser tests cannot run (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    warnings.warn(msg, stacklevel=1)
    print(f"\n!!!!!!!! SKIPPING BROWSER TESTS: {msg} !!!!!!!!\n")
    pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ThreadServer:
    """An app served by uvicorn in a thread on a loopback port, as `backcover serve` runs it."""

    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.port = port
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class Server(ThreadServer):
    """The single-user app (SQLite, the access key) on a free port."""

    def __init__(self, data_dir: Path) -> None:
        port = free_port()
        app = create_app(
            f"sqlite:///{data_dir / 'store.db'}",
            data_dir=data_dir / "ws",
            port=port,
            today=lambda: TODAY,
            access_key=WEB_KEY,
        )
        super().__init__(app, port)

    @property
    def key_url(self) -> str:
        """The address `backcover serve` prints: opening it once gives the browser its access cookie."""
        return f"{self.url}/?key={WEB_KEY}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _need_chromium()
    with Server(tmp_path_factory.mktemp("web")) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page and return the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluate() runs through the DevTools protocol, so the page's CSP (no inline scripts) still
        # holds for the app's own code while the checker is loaded.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _shoot(page: Any, name: str) -> None:
    """Screenshots at desktop (1280x800) and phone (390x844) width, into ../screenshots-web/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, size in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size[0], (
            f"{name}: the page is {wide}px wide at a {size[0]}px screen (scrolls sideways)"
        )
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture(scope="session")
def run_axe() -> Any:
    return _run_axe


@pytest.fixture(scope="session")
def shoot() -> Any:
    return _shoot


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    return SCREENSHOTS
