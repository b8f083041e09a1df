"""Use cases are all or nothing: a bad input or a failure part-way leaves nothing in the store."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from typer.testing import CliRunner

from backcover import services
from backcover.cli import app
from backcover.errors import BadInput
from backcover.store import Store, open_store

runner = CliRunner()
TODAY = date(2026, 11, 27)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKCOVER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BACKCOVER_DATABASE_URL", raising=False)
    return tmp_path


def _counts() -> dict[str, int]:
    with open_store() as store:
        c = store.table_counts()
    return {k: c[k] for k in ("patients", "providers", "cases", "plans")}


def _case_new(state: str, *more: str) -> Result:
    base = ["case", "new", "--procedure", "63030", "--name", "Pat Doe", "--provider", "Dr. A"]
    return runner.invoke(app, [*base, "--state", state, *more])


def test_case_new_with_a_state_that_does_not_exist_writes_nothing(home: Path) -> None:
    before = _counts()
    r = _case_new("ZZ", "--payer", "commercial")
    assert r.exit_code == 2 and "--state" in r.output and "unknown state" in r.output
    assert _counts() == before
    r = _case_new("New York", "--payer", "medicaid-ffs", "--format", "json")
    assert r.exit_code == 0, r.output
    case = orjson.loads(r.stdout)
    assert case["state"] == "NY" and case["payer"] == "medicaid-ffs"
    assert _counts() == {**before, "patients": 1, "providers": 1, "cases": 1}


def test_a_failure_part_way_through_opening_a_case_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    request = services.case_input("63030", "commercial", state="PA")

    def broken(*args: object, **kwargs: object) -> None:
        raise BadInput("the disk is full", "free some space")

    monkeypatch.setattr(Store, "new_case", broken)
    with pytest.raises(BadInput, match="disk is full"):
        services.open_case(
            store, request, patient=services.PatientInput("Pat Doe"), provider=services.ProviderInput("Dr. A")
        )
    counts = store.table_counts()
    assert counts["patients"] == counts["providers"] == counts["cases"] == 0
    store.close()


def test_a_denial_that_fails_after_its_letter_was_written_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    case = services.open_case(
        store, services.case_input("63030", "commercial"), patient=services.PatientInput("P")
    )
    with pytest.raises(BadInput):  # a bad code list is refused before anything is read into the store
        services.denial_codes(codes="CO-50, XX-##", letter=(PDF, "notice.pdf"))
    request = services.denial_codes(codes="CO-50", letter=(PDF, "notice.pdf"))

    def broken(*args: object, **kwargs: object) -> None:
        raise BadInput("no appeal rules for this plan", "check the knowledge files")

    # The denial, its code and the letter are written, then the deadlines fail: all of it is undone.
    monkeypatch.setattr(importlib.import_module("backcover.services._cases"), "notice_deadlines", broken)
    with pytest.raises(BadInput, match="no appeal rules"):
        services.add_denial(store, case.id, date(2026, 11, 2), request, as_of=TODAY)
    counts = store.table_counts()
    assert counts["denials"] == counts["denial_codes"] == counts["documents"] == counts["blobs"] == 0
    store.close()
