"""Long text behaves the same on SQLite and PostgreSQL: free text fits, a too-long code is named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backcover.errors import BadInput
from backcover.store import Store, open_store
from backcover.store._base import CodeInput
from tests._cases_support import store_fixture, store_url_fixture  # noqa: F401

LONG = "Ä" * 1200  # multi-byte too: the limit counts characters, as PostgreSQL does


def _long_free_text(s: Store) -> int:
    """A patient, provider and case whose names and title are far past the old VARCHAR limits."""
    p = s.add_patient(LONG)
    s.add_provider(p.id, LONG, organization=LONG, specialty=LONG)
    c = s.new_case(p.id, "72148", "commercial", title=LONG)
    return c.id


def test_free_text_of_any_length_is_kept(store: Store) -> None:
    cid = _long_free_text(store)
    assert store.get_case(cid).title == LONG


@pytest.mark.parametrize(
    ("write", "field"),
    [
        pytest.param(
            lambda s, c: s.add_pa_request(c, on_date=date(2026, 11, 2), auth_number="A" * 101),
            "auth_number",
            id="auth",
        ),
        pytest.param(
            lambda s, c: s.add_denial(
                c,
                date(2026, 11, 2),
                as_of=date(2026, 11, 3),
                codes=[CodeInput("carc", "50", "CO", claim_id="C" * 61)],
            ),
            "claim_id",
            id="835-claim-id",
        ),
    ],
)
def test_a_too_long_code_is_refused_by_name_on_both_databases(
    store: Store, write: object, field: str
) -> None:
    cid = _long_free_text(store)
    with pytest.raises(BadInput) as err:
        write(store, cid)  # type: ignore[operator]
    assert err.value.where == field
    assert "characters long" in err.value.problem and "shorten the" in err.value.fix
    # Nothing was half-written, and the store still works.
    assert store.get_case(cid).title == LONG
    store.add_pa_request(cid, on_date=date(2026, 11, 2), auth_number="A1")


def test_a_long_member_id_is_refused_before_postgresql_would(store: Store) -> None:
    with pytest.raises(BadInput) as err:
        store.add_patient("Kim", member_id="M" * 101)
    assert err.value.where == "member_id" and "patient's member id" in err.value.problem


def test_an_export_from_sqlite_imports_into_postgresql(store: Store, tmp_path: Path) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}", actor="test:" + "x" * 150)
    cid = _long_free_text(src)
    archive = src.export_archive()
    src.close()
    store.import_archive(archive)
    assert store.get_case(cid).title == LONG


def test_an_archive_with_a_too_long_code_names_the_place(store: Store, tmp_path: Path) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    cid = _long_free_text(src)
    src.add_pa_request(cid, on_date=date(2026, 11, 2), auth_number="A1")
    archive = src.export_archive()
    src.close()
    archive["tables"]["pa_requests"][0]["auth_number"] = "A" * 500  # as an old SQLite store may hold
    with pytest.raises(BadInput) as err:
        store.import_archive(archive)
    assert err.value.where == "$.tables.pa_requests[0].auth_number"
    assert "missing or duplicate" not in err.value.problem


def test_a_long_actor_is_refused_with_the_variable_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOVER_ACTOR", "a" * 5000)
    with pytest.raises(BadInput) as err:
        open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert err.value.where == "BACKCOVER_ACTOR"
