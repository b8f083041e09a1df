"""Shared fixtures for the cases/store tests: a fresh store on SQLite and on PostgreSQL.

PostgreSQL: each test gets its own uniquely named schema (others run tests on the same database at
the same time), dropped afterwards. If the server is unreachable, the tests FAIL when CI is set and
are skipped with a loud warning otherwise.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backcover.store import Store, open_store

PG_BASE = os.environ.get("BACKCOVER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SESSION_TAG = uuid.uuid4().hex[:8]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return type(exc).__name__


def require_postgresql(what: str) -> None:
    """Fail (CI set) or skip with a loud warning when the PostgreSQL server is unreachable."""
    problem = _pg_available()
    if problem is None:
        return
    message = f"POSTGRESQL UNREACHABLE at {PG_BASE.split('@')[-1]} ({problem}): {what} NOT RUN"
    if os.environ.get("CI"):
        pytest.fail(message)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@contextmanager
def fresh_schema(database_url: str, prefix: str) -> Iterator[str]:
    """A new, uniquely named schema in the database, as a store URL; dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(name="store_url", params=["sqlite", "postgresql"])
def store_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    require_postgresql("store tests on PostgreSQL")
    with fresh_schema(PG_BASE, f"bc_cases_{SESSION_TAG}") as url:
        yield url


@pytest.fixture(name="store")
def store_fixture(store_url: str) -> Iterator[Store]:
    s = open_store(store_url, actor="test:alice")
    try:
        yield s
    finally:
        s.close()


# A tiny valid PDF and PNG header for document tests.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
