"""The clinic commands as an operator runs them: `users ...`, `db upgrade` from the schema before
clinic mode (with data in it, on PostgreSQL and SQLite), and `serve --clinic`'s refusals."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyotp
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from backcover.cli import app as cli
from backcover.clinic import ClinicSettings, SignIn, SignInRefused
from backcover.store import Accounts, open_store
from backcover.store._db import MIGRATIONS
from tests._clinic_support import (  # noqa: F401
    PASSWORD,
    cheap_hashes_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)

runner = CliRunner()
BEFORE = "0002_text_columns"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = runner.invoke(cli, list(args), input=stdin)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(name="db")
def db_fixture(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKCOVER_DATABASE_URL", pg_url)
    monkeypatch.setenv("BACKCOVER_ACTOR", "it.admin")
    return pg_url


def test_users_add_list_disable_reset_and_totp(db: str) -> None:
    code, _out, err = run(
        "users", "add", "Dana", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err
    assert "added dana (admin)" in err
    code, _out, err = run("users", "add", "dana", "--role", "staff", "--password-stdin", stdin=PASSWORD)
    assert code == 2 and "already a user named 'dana'" in err
    code, _out, err = run("users", "add", "sam", "--role", "staff", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 12" in err
    code, _out, err = run("users", "add", "sam", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert code == 2
    run("users", "add", "sam", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    code, out, _err = run("users", "list", "--format", "json")
    users = {u["name"]: u for u in orjson.loads(out)["users"]}
    assert set(users) == {"dana", "sam"} and users["sam"]["role"] == "viewer"
    assert not any(k in out for k in ("argon2", "password_hash", "totp_secret"))
    assert run("users", "disable", "sam")[0] == 0
    assert orjson.loads(run("users", "list", "--format", "json")[1])["users"][1]["disabled"] is True
    assert run("users", "disable", "nobody")[0] == 2
    new = "another long passphrase"
    assert run("users", "reset-password", "dana", "--password-stdin", stdin=new + "\n")[0] == 0
    code, out, _err = run("users", "totp", "enable", "dana")
    assert code == 0 and out.startswith("otpauth://totp/backcover:dana?")
    with open_store(db) as store:
        signin = SignIn(Accounts(store.engine, store.actor), ClinicSettings(delay_step=0))
        with pytest.raises(SignInRefused):
            signin.sign_in("dana", PASSWORD, None, "127.0.0.1")  # the old password no longer works
        code_now = pyotp.TOTP(pyotp.parse_uri(out.strip()).secret).now()
        assert signin.sign_in("dana", new, code_now, "127.0.0.2").user.role == "admin"
        changes = {
            (e.actor, e.action, e.entity_id): e.route
            for e in store.audit_events(limit=50)
            if e.entity == "user"
        }
    assert changes[("it.admin", "create", "dana")].endswith("users add")  # type: ignore[union-attr]
    assert changes[("it.admin", "disable", "sam")].startswith("cli: ")  # type: ignore[union-attr]
    assert ("it.admin", "password", "dana") in changes and ("it.admin", "totp_on", "dana") in changes
    assert ("dana", "signin", "dana") in changes


def test_a_password_is_never_an_argument(db: str) -> None:
    code, _out, err = run("users", "add", "kim", "--role", "staff")
    assert code == 2 and "--password-stdin" in err


def _at_revision_before_clinic(url: str) -> None:
    """The schema as it was before clinic mode, with a patient, a case and audit entries in it."""
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
    stamp = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO patients (id, name, profile, created_at) VALUES (1, 'Kim Old', '{}', :t)"),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO cases (id, patient_id, title, procedure_code, payer, plan_kind, status, "
                "service, urgent, created_at) VALUES (1, 1, 'MRI', '72148', 'commercial', 'commercial', "
                "'open', 'pre', false, :t)"
            ),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, patient_id, entity, entity_id) "
                "VALUES (:t, 'local:old', 'create', 1, 'case', '1')"
            ),
            {"t": stamp},
        )
    engine.dispose()


def test_db_upgrade_from_the_schema_before_clinic_mode_on_postgresql(db: str) -> None:
    _at_revision_before_clinic(db)
    code, out, _err = run("db", "status", "--format", "json")
    assert code == 0 and orjson.loads(out)["revision"] == BEFORE and orjson.loads(out)["current"] is False
    code, _out, err = run("db", "upgrade")
    assert code == 0, err
    assert f"from {BEFORE} to 0004_worklist" in err.replace("\n", " ")
    assert "nothing to do" in run("db", "upgrade")[2]
    with open_store(db) as store:
        assert store.get_case(1).patient.name == "Kim Old"
        old = store.audit_events(actor="local:old")
        assert [(e.action, e.case_id, e.route, e.patient_ids) for e in old] == [("create", None, None, None)]
        store.get_case(1)
        newest = store.audit_events(limit=1)[0]
        assert (newest.actor, newest.case_id) == ("it.admin", 1)
    assert run("users", "add", "dana", "--role", "admin", "--password-stdin", stdin=PASSWORD)[0] == 0
    engine = create_engine(db)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE actor = 'local:old'"))
    engine.dispose()


def test_db_upgrade_on_sqlite_keeps_a_copy_and_protects_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backcover.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("BACKCOVER_DATABASE_URL", url)
    _at_revision_before_clinic(url)
    code, _out, err = run("db", "upgrade")
    assert code == 0, err
    assert list(tmp_path.glob(f"backcover.db.before-{BEFORE}-*.db"))
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit_log SET actor = 'x'")
    con.close()


def test_serve_clinic_refuses_without_postgresql(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path))
    code, _out, err = run("serve", "--clinic")
    assert code == 2 and "needs a PostgreSQL database" in err and "BACKCOVER_DATABASE_URL" in err
    code, _out, err = run("serve", "--clinic", "--store", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 2 and "runs on PostgreSQL, not sqlite" in err


def test_only_clinic_mode_binds_beyond_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path))
    monkeypatch.setenv("BACKCOVER_DATABASE_URL", "postgresql+psycopg://clinic@db.internal/backcover")
    code, _out, err = run("serve", "--host", "0.0.0.0", "--print-url")
    assert code == 2 and "refusing to listen on '0.0.0.0'" in err and "--clinic" in err
    code, _out, err = run("serve", "--clinic", "--host", "0.0.0.0")
    assert code == 2 and "needs --public-url" in err
    code, _out, err = run("serve", "--clinic", "--host", "0.0.0.0", "--public-url", "https://x.example/app")
    assert code == 2 and "not a site address" in err
    code, out, _err = run(
        "serve",
        "--clinic",
        "--host",
        "0.0.0.0",
        "--public-url",
        "https://backcover.clinic.example",
        "--print-url",
    )
    assert code == 0 and out.strip() == "https://backcover.clinic.example/login"
    code, out, _err = run("serve", "--clinic", "--port", "9001", "--print-url")
    assert code == 0 and out.strip() == "http://127.0.0.1:9001/login"


def test_workers_are_for_clinic_mode_and_share_one_form_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    from backcover.cli import _serve_clinic

    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path))
    code, _out, err = run("serve", "--workers", "2", "--print-url")
    assert code == 2 and "--workers is for clinic mode" in err
    settings = {
        "url": "postgresql+psycopg://clinic@db.internal/backcover",
        "data_dir": str(tmp_path / "ws"),
        "port": 9001,
        "allow_host": [],
        "max_upload_mb": 32,
        "cds_trust": None,
        "public": "https://backcover.clinic.example",
        "idle_minutes": 20,
        "session_hours": 8,
        "secret": "ab" * 32,
    }
    monkeypatch.setenv("BACKCOVER_CLINIC_WORKER", json.dumps(settings))
    apps = [_serve_clinic.worker_app() for _ in range(2)]  # what each worker process makes
    webs = [a.state.web for a in apps]
    assert all(w.clinic is not None and w.clinic.idle.total_seconds() == 20 * 60 for w in webs)
    assert webs[0].secret == webs[1].secret == bytes.fromhex("ab" * 32)
