"""The test-type registry, pack-load checks, injected knowledge and the CLI's payer and state words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check, load_pack_file, packs
from backcover.engine.criteria import REGISTRY
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.model import Record
from tests.conftest import EXAMPLES
from tests.engine_builders import dx, pt_series, record

AS_OF = date(2026, 6, 1)
runner = CliRunner()

_HEAD = "id: {id}\ntitle: {title}\npolicy: P-1\npublisher: Example\nkind: guideline\n"
_HEAD += "payers: [commercial]\ncodes: ['72148']\n"
_HEAD += "url: https://example.org/p1\neffective: {{from: 2020-01-01}}\ncriteria:\n"


def pack_text(pid: str, title: str, test: str) -> str:
    return _HEAD.format(id=pid, title=title) + (
        f"  - id: {pid}.care\n    kind: conservative_care\n    summary: Care first\n"
        f"    to_satisfy: Document care.\n    source: {{section: '1'}}\n    test: {test}\n"
    )


def write_pack(folder: Path, pid: str, title: str, test: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    path.write_text(pack_text(pid, title, test))
    return path


def refused(path: Path) -> str:
    with pytest.raises(BadInput) as err:
        load_pack_file(path)
    return err.value.message()


# --- load-time checks of parameters ---------------------------------------------------------------


def test_a_word_where_weeks_are_needed_is_refused_with_file_line_and_hint(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path, "x", "X", "{type: conservative_care, concepts: [conservative_care], weeks: four}"
    )
    msg = refused(path)
    assert str(path) in msg and "line 16" in msg
    assert "weeks" in msg and "'four'" in msg and "whole number" in msg


def test_an_unknown_parameter_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path, "x", "X", "{type: conservative_care, concepts: [conservative_care], wekks: 4}"
    )
    msg = refused(path)
    assert "wekks" in msg and "did you mean 'weeks'" in msg and "line 16" in msg


def test_a_missing_required_parameter_is_named(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "x", "X", "{type: block_relief, concepts: [medial_branch_block]}")
    msg = refused(path)
    assert "min_relief_pct" in msg and str(path) in msg


def test_an_unknown_concept_in_a_list_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "x", "X", "{type: conservative_care, concepts: [conservative_cere]}")
    msg = refused(path)
    assert "conservative_cere" in msg and "did you mean 'conservative_care'" in msg


def test_every_test_type_is_documented_and_used_by_a_packaged_pack() -> None:
    used = {leaf.test for p in packs() for leaf in p.all_leaves()}
    assert used == set(REGISTRY)
    for t in REGISTRY.values():
        assert len(t.description) > 40, t.name
        assert all(doc for _, _, _, doc in t.param_docs()), t.name


# --- knowledge injected into check ----------------------------------------------------------------


def care_record() -> Record:
    return record(dx("M54.16", date(2026, 1, 5)), pt_series(date(2026, 1, 12), 10))


def test_an_injected_pack_replaces_the_packaged_one_of_the_same_id(tmp_path: Path) -> None:
    rec = care_record()
    packaged = check(rec, "72148", "commercial", as_of=AS_OF)
    mri_pack = next(p for p in packs() if p.id == "commercial-lumbar-mri")
    assert [p.title for p in packaged.policies] == [mri_pack.title]
    path = write_pack(
        tmp_path,
        "commercial-lumbar-mri",
        "Clinic MRI rule",
        "{type: conservative_care, concepts: [conservative_care], weeks: 30}",
    )
    kb = Knowledge.packaged().with_packs(path)
    d = check(rec, "72148", "commercial", as_of=AS_OF, knowledge=kb)
    assert [p.title for p in d.policies] == ["Clinic MRI rule"]
    assert d.decision == "criteria_not_met"  # 30 weeks of care are not there yet
    assert [c.id for c in d.criteria] == ["commercial-lumbar-mri.care"]
    # the packaged bundle is untouched
    again = check(rec, "72148", "commercial", as_of=AS_OF)
    assert again.to_json() == packaged.to_json()


def test_an_injected_pack_with_a_new_id_adds_to_the_packaged_ones(tmp_path: Path) -> None:
    extra = load_pack_file(
        write_pack(
            tmp_path, "clinic-mri", "Clinic extra", "{type: conservative_care, concepts: [conservative_care]}"
        )
    )
    kb = Knowledge.packaged().with_packs(extra)  # a parsed Pack works as well as a path
    d = check(care_record(), "72148", "commercial", as_of=AS_OF, knowledge=kb)
    titles = [p.title for p in d.policies]
    assert "Clinic extra" in titles and len(titles) >= 2
    assert "clinic-mri.care" in {c.id for c in d.criteria}


def test_only_own_packs_isolates_a_folder_from_the_packaged_packs(tmp_path: Path) -> None:
    write_pack(
        tmp_path / "policies",
        "clinic-mri",
        "Clinic only",
        "{type: conservative_care, concepts: [conservative_care]}",
    )
    kb = Knowledge.from_dir(tmp_path, only_own_packs=True)
    assert [p.id for p in packs(kb)] == ["clinic-mri"]
    d = check(care_record(), "72148", "commercial", as_of=AS_OF, knowledge=kb)
    assert [p.title for p in d.policies] == ["Clinic only"]
    assert d.decision == "meets_criteria"
    # no packaged prior-authorization pack either: the answer says the payer's rule is unknown
    assert d.prior_authorization == "plan_dependent"
    assert d.prior_authorization_basis == ("No prior-authorization rule is known for this payer.",)


# --- the CLI's payer and state words ----------------------------------------------------------------


def cli_check(*extra: str) -> Result:
    return runner.invoke(
        app,
        [
            "check",
            "--record",
            str(EXAMPLES / "check-tfesi-medicare.json"),
            "--procedure",
            "64483",
            "--as-of",
            "2026-06-01",
            "--format",
            "json",
            *extra,
        ],
    )


def test_cli_accepts_a_state_by_its_name() -> None:
    r = cli_check("--payer", "medicare", "--state", "New York")
    assert r.exit_code == 0, r.output
    doc = orjson.loads(r.stdout)
    assert doc["state"] == "NY" and doc["mac"]["jurisdiction"] == "JK"


def test_cli_refuses_an_unknown_state_with_exit_2() -> None:
    r = cli_check("--payer", "medicare", "--state", "ZZ")
    assert r.exit_code == 2
    assert "ZZ" in r.stderr and "--state" in r.stderr


@pytest.mark.parametrize(("word", "payer"), [("medicaid-ffs", "medicaid"), ("marketplace", "commercial")])
def test_cli_accepts_plan_kinds_as_payers(word: str, payer: str) -> None:
    r = cli_check("--payer", word, "--state", "NY")
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.stdout)["payer"] == payer


def test_the_prior_authorization_answer_of_a_payer_comes_from_its_pack(tmp_path: Path) -> None:
    before = check(care_record(), "64483", "medicare-advantage", state="TX", as_of=AS_OF)
    assert before.prior_authorization == "plan_dependent"
    assert "42 CFR 422.138" in before.prior_authorization_basis[0]
    path = tmp_path / "medicare-advantage-prior-auth.yaml"
    path.write_text(
        "id: medicare-advantage-prior-auth\ntitle: Plan X list\npolicy: PX-1\npublisher: Plan X\n"
        "kind: prior_authorization\n"
        "payers: [medicare-advantage]\nurl: https://example.org/px\n"
        "when_no_rule:\n  prior_authorization: required\n  basis: Plan X reviews every injection.\n"
        "  source: {section: '2', effective: 2026-01-01}\n"
    )
    kb = Knowledge.packaged().with_packs(path)
    after = check(care_record(), "64483", "medicare-advantage", state="TX", as_of=AS_OF, knowledge=kb)
    assert after.prior_authorization == "required"
    assert after.prior_authorization_basis == ("Plan X reviews every injection.",)
