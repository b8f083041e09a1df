"""Upgrades cannot lose data: the store is copied before a migration and put back if it fails."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from backcover.errors import BadInput
from backcover.store import _db, open_store
from backcover.store._upgrade import head_revision

FAILING = '''
"""a step that fails half-way (test only)"""
import sqlalchemy as sa
from alembic import op

revision = "9999_fails"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("audit_log")
    op.add_column("cases", sa.Column("half_done", sa.Integer()))
    raise RuntimeError("boom")
'''


def _old_store(path: Path) -> None:
    """A store at the first revision, with a patient in it, as an older backcover left it."""
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(_db.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO patients (id, name, profile, created_at) "
        "VALUES (1, 'Kim Old', '{}', '2026-01-01 00:00:00')"
    )
    con.commit()
    con.close()


def test_an_upgrade_keeps_a_private_copy_of_the_old_store(tmp_path: Path) -> None:
    db = tmp_path / "backcover.db"
    _old_store(db)
    store = open_store(f"sqlite:///{db}")
    assert store.get_patient(1).name == "Kim Old"
    store.close()
    copies = list(tmp_path.glob("backcover.db.before-0001-*.db"))
    assert len(copies) == 1 and stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    con = sqlite3.connect(copies[0])
    assert con.execute("SELECT name FROM patients").fetchall() == [("Kim Old",)]
    con.close()
    open_store(f"sqlite:///{db}").close()  # already current: no second copy
    assert len(list(tmp_path.glob("backcover.db.before-*"))) == 1


def test_a_failed_upgrade_leaves_the_old_store_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "backcover.db"
    _old_store(db)
    broken = tmp_path / "migrations"
    shutil.copytree(_db.MIGRATIONS, broken, ignore=shutil.ignore_patterns("__pycache__"))
    (broken / "versions" / "9999_fails.py").write_text(FAILING.format(head=head_revision(_db.MIGRATIONS)))
    monkeypatch.setattr(_db, "MIGRATIONS", broken)
    with pytest.raises(BadInput) as err:
        open_store(f"sqlite:///{db}")
    assert "upgrade from revision 0001" in err.value.problem and "put back" in err.value.fix
    monkeypatch.undo()
    # The real upgrade then runs on the intact old store, data and all.
    store = open_store(f"sqlite:///{db}")
    assert store.get_patient(1).name == "Kim Old"
    assert store.add_patient("Next").id == 2
    store.close()
