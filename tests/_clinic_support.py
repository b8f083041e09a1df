"""Clinic-mode fixtures on the real PostgreSQL: a database of this test run's own, a fresh schema per
test, users of each role, two patients with cases, and a client per role.

The database is named ``bc_clinic_auth_<random>`` (other test runs use the same server at the same
time) and dropped at the end. If the server is unreachable the tests FAIL when CI is set and are
skipped with a loud warning otherwise. Password hashing uses cheap Argon2id parameters here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backcover import clinic
from backcover.clinic import ClinicSettings
from backcover.store import Accounts, Store, open_store
from tests._cases_support import PG_BASE, fresh_schema, require_postgresql

TODAY = date(2026, 11, 27)
PASSWORD = "correct horse battery staple"
ROLES = ("admin", "staff", "viewer")


@pytest.fixture(name="clinic_database", scope="session")
def clinic_database_fixture() -> Iterator[str]:
    """The URL of a database made for this test run (dropped afterwards)."""
    require_postgresql("clinic tests")
    name = f"bc_clinic_auth_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_BASE).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(name="pg_url")
def pg_url_fixture(clinic_database: str) -> Iterator[str]:
    """A fresh, empty schema in the run's database, as a store URL."""
    with fresh_schema(clinic_database, "t") as url:
        yield url


@pytest.fixture(name="cheap_hashes", autouse=True)
def cheap_hashes_fixture() -> Iterator[None]:
    clinic.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    clinic.set_hasher(PasswordHasher())


@dataclass
class Clinic:
    """An app in clinic mode with its store, and what the tests need to walk it."""

    url: str
    app: Any
    store: Store
    patients: list[int]
    cases: list[int]
    documents: list[int] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = None, **kw: Any) -> TestClient:
        """A client signed in as the user of ``role`` (bearer token), or not signed in."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return TestClient(self.app, base_url="http://127.0.0.1", headers=headers, **kw)

    def sign_in(self, username: str, password: str = PASSWORD, **extra: str) -> Any:
        return self.client().post("/api/session", json={"username": username, "password": password, **extra})


def make_clinic(url: str, tmp_path: Path, settings: ClinicSettings | None = None) -> Clinic:
    from backcover.web import create_app

    store = open_store(url, actor="test:setup")
    accounts = Accounts(store.engine, store.actor)
    for role in ROLES:
        clinic.add_user(accounts, role, role, PASSWORD)
    kim = store.add_patient("Kim Park", date(1970, 3, 1))
    lee = store.add_patient("Lee Chan", date(1981, 7, 9))
    c1 = store.new_case(kim.id, "63030", "commercial", state="PA")
    c2 = store.new_case(lee.id, "62323", "medicare", state="NY")
    doc = store.add_document(kim.id, b"%PDF-1.4 test\n%%EOF\n", "other", filename="note.pdf", case_id=c1.id)
    app = create_app(
        url,
        data_dir=tmp_path / "ws",
        today=lambda: TODAY,
        clinic=settings or ClinicSettings(delay_step=0.0),
    )
    c = Clinic(url, app, store, [kim.id, lee.id], [c1.id, c2.id], [doc.id])
    for role in ROLES:
        r = c.sign_in(role)
        assert r.status_code == 200, r.text
        c.tokens[role] = r.json()["token"]
    return c


@pytest.fixture(name="clinic_app")
def clinic_app_fixture(pg_url: str, tmp_path: Path) -> Iterator[Clinic]:
    c = make_clinic(pg_url, tmp_path)
    try:
        yield c
    finally:
        c.app.state.web.store().close()
        c.store.close()
