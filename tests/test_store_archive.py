"""Export and import: one JSON archive with the documents; a round trip loses nothing."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import orjson
import pytest

from backcover.errors import BadInput
from backcover.store import CodeInput, Store, open_store
from tests._cases_support import PDF, PNG, store_fixture, store_url_fixture  # noqa: F401

TODAY = date(2026, 11, 27)


def _fill(store: Store) -> None:
    p = store.add_patient(
        "Dana Whitfield", date(1968, 4, 2), member_id="XJ-778", address="12 Elm St\nErie, PA"
    )
    q = store.add_patient("Sam Ortiz")
    plan = store.add_plan(p.id, "Silver PPO 2026", "commercial", plan_yaml="name: Silver\nkind: commercial\n")
    store.set_accumulators(plan.id, 2026, {"deductible_met": "1200.00", "visits_used": {"rehabilitation": 6}})
    prov = store.add_provider(p.id, "Dr. Ravi Menon", npi="1234567893")
    store.add_log_entry(p.id, date(2026, 9, 2), "pain_score", "NRS 7", {"value": "7", "scale": "nrs"})
    case = store.new_case(p.id, "63030", "commercial", plan_id=plan.id, provider_id=prov.id, setting="asc")
    pa = store.add_pa_request(case.id, on_date=date(2026, 9, 1), status="submitted")
    store.set_pa_status(
        pa.id, "approved", on_date=date(2026, 9, 5), auth_number="A1", expires_on=date(2026, 12, 5)
    )
    store.add_document(p.id, PDF, "imaging_report", doc_date=date(2026, 5, 4), source="Penn", case_id=case.id)
    d = store.add_denial(
        case.id,
        date(2026, 9, 20),
        as_of=TODAY,
        codes=[CodeInput("carc", "197", "CO", "1800.00"), CodeInput("carc", "ZZ9", known=False)],
        reason_text="No prior authorization.",
        document=(PNG, "denial_letter", "letter.png"),
    )
    store.add_appeal(
        case.id, "internal_appeal", denial_id=d.id, filed_on=date(2026, 10, 1), outcome="pending"
    )
    store.add_peer_to_peer(case.id, date(2026, 10, 2), reviewer_name="Dr. Lee")
    store.add_external_review(case.id, date(2026, 11, 1), organization="IRO")
    store.new_case(q.id, "97110", "medicaid")


def _without_audit(archive: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(archive)
    out["tables"].pop("audit_log")
    return out


def test_round_trip_loses_nothing(store: Store, tmp_path: Any) -> None:
    _fill(store)
    first = store.export_archive()
    text = orjson.dumps(first)
    assert all(first["tables"][t] for t in first["tables"]), [
        t for t in first["tables"] if not first["tables"][t]
    ]
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    counts = other.import_archive(orjson.loads(text))
    assert counts["documents"] == 2 and counts["blobs"] == 2
    second = other.export_archive()
    assert _without_audit(second) == _without_audit(first)
    # the audit history came along, plus the import and export entries
    n = len(first["tables"]["audit_log"])
    assert second["tables"]["audit_log"][:n] == first["tables"]["audit_log"]
    # the documents' bytes are there and new rows get fresh ids
    assert other.document_content(1) == PDF
    new = other.add_patient("After Import")
    assert new.id == 3
    other.close()


def test_import_into_postgres_and_back(store: Store, tmp_path: Any) -> None:
    """Same round trip, the other direction: from a SQLite store into the parametrized one."""
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    _fill(src)
    archive = src.export_archive()
    store.import_archive(archive)
    assert _without_audit(store.export_archive()) == _without_audit(archive)
    assert store.add_patient("Next").id == 3
    src.close()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(lambda a: a.update(format="zip"), "not a backcover archive", id="format"),
        pytest.param(lambda a: a.update(version=9), "version 9", id="version"),
        pytest.param(lambda a: a["tables"]["blobs"][0].update(content="aGVsbG8="), "sha256", id="tampered"),
        pytest.param(lambda a: a["tables"].update(nonsense=[]), "unknown table", id="table"),
    ],
)
def test_bad_archives_import_nothing(store: Store, tmp_path: Any, mutate: Any, message: str) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    _fill(src)
    archive = src.export_archive()
    mutate(archive)
    with pytest.raises(BadInput) as exc:
        store.import_archive(archive)
    assert message in exc.value.problem
    assert store.table_counts()["patients"] == 0
    src.close()


def test_import_refuses_a_store_with_data(store: Store, tmp_path: Any) -> None:
    _fill(store)
    with pytest.raises(BadInput) as exc:
        store.import_archive(store.export_archive())
    assert "already holds data" in exc.value.problem
