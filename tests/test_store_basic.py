"""The store on SQLite and PostgreSQL: migrations, cases, documents, denials, audit, transactions."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backcover import services
from backcover.errors import BadInput
from backcover.store import MAX_DOCUMENT_BYTES, CodeInput, Store, open_store
from backcover.store._account_models import AccountBase
from backcover.store._db import MIGRATIONS
from backcover.store._models import Base, Case
from tests._cases_support import PDF, PNG, SHARED, store_fixture, store_url_fixture  # noqa: F401

TODAY = date(2026, 11, 27)


def _case(store: Store) -> Case:
    p = store.add_patient("Dana Whitfield", date(1968, 4, 2), member_id="XJ-778")
    return store.new_case(
        p.id, "63030", "commercial", title="Microdiscectomy L5-S1", setting="asc", state="PA"
    )


def _head() -> str:
    """The newest revision of the migration scripts (one chain: a single head)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"the migrations must form one chain, not {heads}"
    return heads[0]


def test_migrations_from_empty_match_the_models(store: Store) -> None:
    assert store.schema_revision() == _head()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), [Base.metadata, AccountBase.metadata])  # type: ignore[arg-type]
    assert diff == []
    # opening again is a no-op migration
    again = open_store(store.engine.url.render_as_string(hide_password=False))
    assert again.schema_revision() == _head()
    again.close()


def test_case_with_everything_round_trips(store: Store) -> None:
    case = _case(store)
    prov = store.add_provider(case.patient_id, "Dr. Ravi Menon", npi="1234567893", specialty="Neurosurgery")
    pa = store.add_pa_request(case.id, on_date=date(2026, 9, 1), status="draft")
    store.set_pa_status(pa.id, "submitted", on_date=date(2026, 9, 2))
    store.set_pa_status(pa.id, "denied", on_date=date(2026, 9, 20), note="missing paperwork")
    d = store.add_denial(
        case.id,
        date(2026, 9, 20),
        as_of=TODAY,
        codes=[CodeInput("carc", "197", "CO", "1800.00"), CodeInput("rarc", "N130")],
        reason_text="Prior authorization was not obtained.",
    )
    store.add_appeal(
        case.id, "internal_appeal", denial_id=d.id, filed_on=date(2026, 10, 1), outcome="pending"
    )
    store.add_peer_to_peer(
        case.id, date(2026, 10, 2), reviewer_name="Dr. Lee", reviewer_credentials="MD, anesthesiology"
    )
    store.add_external_review(case.id, date(2026, 11, 1), organization="IRO")
    full = store.get_case(case.id)
    assert full.patient.name == "Dana Whitfield"
    assert [e.status for e in full.pa_requests[0].events] == ["draft", "submitted", "denied"]
    assert full.pa_requests[0].submitted_on == date(2026, 9, 2)
    assert [(c.system, c.group_code, c.code, c.amount) for c in full.denials[0].codes] == [
        ("carc", "CO", "197", "1800.00"),
        ("rarc", None, "N130", None),
    ]
    assert full.appeals[0].level == "internal_appeal"
    assert full.peer_to_peers[0].reviewer_credentials == "MD, anesthesiology"
    assert prov.patient_id == case.patient_id


def test_pa_approval_needs_an_auth_number(store: Store) -> None:
    case = _case(store)
    pa = store.add_pa_request(case.id, on_date=date(2026, 9, 1), status="submitted")
    with pytest.raises(BadInput):
        store.set_pa_status(pa.id, "approved", on_date=date(2026, 9, 5))
    store.set_pa_status(
        pa.id, "approved", on_date=date(2026, 9, 5), auth_number="A-991", expires_on=date(2026, 12, 5)
    )
    full = store.get_case(case.id)
    assert full.pa_requests[0].auth_number == "A-991"
    due = services.case_deadlines(full)
    assert [(i.kind, i.due) for i in due] == [("auth_expires", date(2026, 12, 5))]


def test_denial_in_the_future_is_refused_and_nothing_stored(store: Store) -> None:
    case = _case(store)
    before = store.table_counts()
    with pytest.raises(BadInput) as exc:
        store.add_denial(case.id, date(2026, 12, 1), as_of=TODAY, codes=[CodeInput("carc", "50")])
    assert "in the future" in exc.value.problem
    assert store.table_counts()["denials"] == before["denials"] == 0


def test_a_failure_midway_leaves_no_half_written_case(store: Store) -> None:
    p = store.add_patient("Sam Ortiz")
    with pytest.raises(RuntimeError), store.transaction() as s:
        s.add(
            Case(
                patient_id=p.id,
                title="x",
                procedure_code="64635",
                payer="medicare",
                plan_kind="medicare",
                status="open",
                service="pre",
                urgent=False,
                created_at=datetime.now(UTC),
            )
        )
        s.flush()
        raise RuntimeError("power cut")
    assert store.list_cases(p.id) == []
    # a denial whose document is bad stores neither the document nor the denial
    case = store.new_case(p.id, "64635", "medicare")
    with pytest.raises(BadInput):
        store.add_denial(
            case.id,
            date(2026, 11, 1),
            as_of=TODAY,
            codes=[CodeInput("carc", "50")],
            document=(b"hello", "denial_letter", "x.txt"),
        )
    counts = store.table_counts()
    assert counts["denials"] == 0 and counts["denial_codes"] == 0 and counts["documents"] == 0


def test_documents_are_content_addressed(store: Store) -> None:
    case = _case(store)
    a = store.add_document(
        case.patient_id,
        PDF,
        "imaging_report",
        doc_date=date(2026, 5, 4),
        source="Penn Imaging",
        filename="mri.pdf",
        case_id=case.id,
    )
    b = store.add_document(case.patient_id, PDF, "referral", filename="same-bytes.pdf")
    c = store.add_document(case.patient_id, PNG, "eob", filename="eob.png")
    assert a.sha256 == b.sha256 and a.media_type == "application/pdf" and c.media_type == "image/png"
    assert store.table_counts()["blobs"] == 2
    assert store.document_content(a.id) == PDF
    assert [d.doc_type for d in store.list_documents(case.patient_id, case.id)] == ["imaging_report"]
    remit = (SHARED / "data" / "x12-835-managed-care.835").read_bytes()
    assert store.add_document(case.patient_id, remit, "remittance").media_type == "application/edi-x12"


@pytest.mark.parametrize(
    ("content", "doc_type", "message"),
    [
        pytest.param(b"just text", "visit_note", "not a PDF or an image", id="not-pdf"),
        pytest.param(
            b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "visit_note", "over the 25 MB limit", id="too-big"
        ),
        pytest.param(PDF, "xray", "unknown document type", id="bad-type"),
        pytest.param(PDF, "remittance", "X12 835", id="remittance-not-x12"),
    ],
)
def test_bad_documents_store_nothing(store: Store, content: bytes, doc_type: str, message: str) -> None:
    p = store.add_patient("Kim Park")
    with pytest.raises(BadInput) as exc:
        store.add_document(p.id, content, doc_type, filename="f")
    assert message in exc.value.problem
    assert store.table_counts()["documents"] == 0 and store.table_counts()["blobs"] == 0


def test_audit_log_records_who_read_and_changed(store: Store) -> None:
    case = _case(store)
    store.get_case(case.id)
    log = store.audit_entries(case.patient_id)
    assert [(e.action, e.entity) for e in log] == [
        ("create", "patient"),
        ("create", "case"),
        ("read", "case"),
    ]
    assert {e.actor for e in log} == {"test:alice"}


def test_every_row_belongs_to_a_patient() -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in ("patients", "audit_log"):
            continue
        assert "patient_id" in table.columns, table.name
        assert not table.columns["patient_id"].nullable, table.name


def test_next_deadline_and_cases_due(store: Store) -> None:
    p = store.add_patient("Lee Chan")
    mk = store.new_case(p.id, "64635", "marketplace", service="post")
    mc = store.new_case(p.id, "62323", "medicare", service="post")
    store.add_denial(mk.id, date(2026, 6, 15), as_of=TODAY, codes=[CodeInput("carc", "50")])
    store.add_denial(mc.id, date(2026, 11, 20), as_of=TODAY, codes=[CodeInput("carc", "50")])
    assert services.next_deadline(store.get_case(mk.id), TODAY).due == date(2026, 12, 12)  # type: ignore[union-attr]
    # medicare: 11-20 + 5 days presumed receipt + 120 days = 2027-03-25
    assert services.next_deadline(store.get_case(mc.id), TODAY).due == date(2027, 3, 25)  # type: ignore[union-attr]
    due = services.cases_due(store, TODAY, 30)
    assert [(i.case_id, i.due) for i in due] == [(mk.id, date(2026, 12, 12))]
    assert services.cases_due(store, TODAY, 200)[-1].due == date(2027, 3, 25)
    # once appealed and upheld, the next level's clock starts from that decision
    store.add_appeal(
        mk.id,
        "internal_appeal",
        denial_id=store.get_case(mk.id).denials[0].id,
        filed_on=date(2026, 7, 1),
        outcome="upheld",
        outcome_date=date(2026, 8, 1),
    )
    nxt = services.next_deadline(store.get_case(mk.id), TODAY)
    assert nxt is not None and nxt.due == date(2026, 12, 1) and "External review" in nxt.what


def test_unreachable_database_names_host_not_password() -> None:
    with pytest.raises(BadInput) as exc:
        open_store("postgresql+psycopg://bob:s3cretpw@127.0.0.1:1/nodb")
    msg = exc.value.message()
    assert "127.0.0.1:1" in msg
    assert "s3cretpw" not in msg


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "bc.db"
    s = open_store(f"sqlite:///{path}")
    s.add_patient("Private Person")
    s.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_default_url_uses_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from backcover.store import default_url

    monkeypatch.setenv("BACKCOVER_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    assert default_url().endswith("x.db")
    monkeypatch.delenv("BACKCOVER_DATABASE_URL")
    assert default_url().startswith("sqlite:///") and "backcover" in default_url()


def test_migration_downgrades_to_empty_and_back(store: Store) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    again = open_store(store.engine.url.render_as_string(hide_password=False))
    assert again.schema_revision() == _head()
    assert again.add_patient("Back Again").id == 1
    again.close()


def test_rows_of_one_patient_cannot_be_attached_to_another(store: Store) -> None:
    a = store.add_patient("A Person")
    b = store.add_patient("B Person")
    prov = store.add_provider(a.id, "Dr. A")
    with pytest.raises(BadInput) as exc:
        store.new_case(b.id, "63030", "commercial", provider_id=prov.id)
    assert "belongs to another patient" in exc.value.problem
    case_a = store.new_case(a.id, "63030", "commercial")
    with pytest.raises(BadInput):
        store.add_document(b.id, PDF, "referral", case_id=case_a.id)
    with pytest.raises(BadInput) as exc:
        store.get_case(999)
    assert exc.value.where == "case"
    assert store.table_counts()["cases"] == 1
