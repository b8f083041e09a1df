"""A prior-authorization rule that depends on the visits already had (Anthem Maine: none for 12 visits)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check
from backcover.engine._choose import prior_auth
from backcover.engine._packs import load_pack_file
from backcover.errors import BadInput
from backcover.record.model import Item
from backcover.vocab import Payer, PriorAuth
from backcover.web._checkview import view
from tests.engine_builders import dx, item, pt_series, record

AS_OF = date(2026, 6, 1)
START = date(2026, 3, 2)


def _anthem(*items: Item | list[Item], code: str = "97110", state: str | None = "ME") -> Any:
    r = record(dx("M54.50", date(2026, 1, 5)), *items)
    return check(r, code, "commercial", state=state, as_of=AS_OF, insurer="anthem")


def _evaluated(visits: int) -> list[Item]:
    """A PT evaluation on START, then ``visits - 1`` treatment visits a week apart."""
    return [item("cpt", "97161", START), *pt_series(START + timedelta(days=7), visits - 1)]


def test_three_earlier_visits_in_maine_need_no_prior_authorization() -> None:
    d = _anthem(_evaluated(3))
    assert d.prior_authorization == "not_required"
    (basis,) = d.prior_authorization_basis
    assert "visit 4 of the 12" in basis
    assert "evaluation on 2026-03-02" in basis
    assert "24-A MRSA §4304-A" in basis and "2023-10-25" in basis
    assert any("every carrier it regulates" in n for n in d.notes)
    # The rule's confidence marker comes with the answer.
    assert any(n.startswith("Unconfirmed (") and "◐" in n for n in d.notes)


def test_twelve_earlier_visits_in_maine_need_prior_authorization() -> None:
    d = _anthem(_evaluated(12))
    assert d.prior_authorization == "required"
    assert any("this would be visit 13" in b and "from visit 13" in b for b in d.prior_authorization_basis)


def test_outside_maine_the_plan_answers_as_usual() -> None:
    d = _anthem(_evaluated(3), state="NH")
    assert d.prior_authorization == "plan_dependent"
    assert not any("visit" in b for b in d.prior_authorization_basis)
    unnamed = _anthem(_evaluated(3), state=None)
    assert unnamed.prior_authorization == "plan_dependent"
    assert any("from visit 13 of an episode of care in ME" in n for n in unnamed.notes)


def test_an_unknown_episode_start_is_said_and_the_record_counted() -> None:
    d = _anthem(pt_series(START, 5))
    assert d.prior_authorization == "not_required"
    assert any("visit 6 of the 12" in b for b in d.prior_authorization_basis)
    assert any("does not show where this episode" in n and "5 visits" in n for n in d.notes)


def test_a_new_evaluation_or_a_long_break_begins_a_new_episode() -> None:
    old = pt_series(date(2025, 6, 2), 14)
    evaluation = item("cpt", "97164", date(2026, 5, 4))
    d = _anthem(old, evaluation, pt_series(date(2026, 5, 5), 2))
    assert any("visit 4 of the 12" in b for b in d.prior_authorization_basis)
    # 14 visits that ended more than 90 days before: this visit is the first of a new episode.
    gap = _anthem(old)
    assert gap.prior_authorization == "not_required"
    assert any("visit 1 of the 12" in b for b in gap.prior_authorization_basis)
    # An evaluation asked about begins the episode itself.
    ev = _anthem(_evaluated(12), code="97161")
    assert any("visit 1 of the 12" in b and "begins a new episode" in b for b in ev.prior_authorization_basis)


RULE = (
    "id: {id}\npublisher: X\ntitle: {id}\npolicy: P\nkind: prior_authorization\n"
    "payers: [commercial]\nurl: https://x\nrules:\n"
    "  - codes: ['97110']\n    category: therapy\n"
    "    source: {{section: s1, effective: 2020-01-01}}\n"
    "{extra}"
)


def _pack_file(tmp_path: Path, extra: str) -> Path:
    f = tmp_path / "visits.yaml"
    f.write_text(RULE.format(id="visits", extra=extra))
    return f


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("    after_visits: -1\n    visits_counted: [physical_therapy]\n", "line 12", "whole number"),
        ("    after_visits: twelve\n    visits_counted: [physical_therapy]\n", "line 12", "whole number"),
        ("    after_visits: 2.5\n    visits_counted: [physical_therapy]\n", "line 12", "whole number"),
        ("    after_visits: 12\n    visits_counted: [physio]\n", "line 13", "unknown concept"),
        ("    after_visits: 12\n", "line 9", "list of concepts"),
        ("    episode_gap_days: 90\n", "line 12", "goes with after_visits"),
        (
            "    after_visits: 12\n    visits_counted: [physical_therapy]\n    episode_gap_days: 0\n",
            "line 14",
            "whole number",
        ),
        (
            "    after_visits: 12\n    visits_counted: [physical_therapy]\n"
            "    prior_authorization: not_required\n",
            "line 12",
            "required rule",
        ),
    ],
)
def test_a_bad_threshold_names_the_file_and_the_line(
    tmp_path: Path, extra: str, line: str, words: str
) -> None:
    f = _pack_file(tmp_path, extra)
    with pytest.raises(BadInput) as err:
        load_pack_file(f)
    assert err.value.file == str(f)
    assert err.value.where == line, err.value.message()
    assert words in err.value.message()


def test_a_threshold_without_a_record_cannot_count(tmp_path: Path) -> None:
    pack = load_pack_file(
        _pack_file(tmp_path, "    after_visits: 12\n    visits_counted: [physical_therapy]\n")
    )
    answer, basis, _ = prior_auth((pack,), "97110", Payer.COMMERCIAL, "office", None, AS_OF, [])
    assert answer == PriorAuth.REQUIRED
    assert "cannot count" in basis[0]


def _procedure(i: int, code: str, day: date) -> dict[str, Any]:
    return {
        "resource": {
            "resourceType": "Procedure",
            "id": f"pt-{i}",
            "status": "completed",
            "performedDateTime": day.isoformat(),
            "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": code}]},
            "subject": {"reference": "Patient/p"},
        }
    }


def test_check_json_and_the_web_page_show_the_answer_and_its_basis(tmp_path: Path) -> None:
    days = [START + timedelta(days=7 * i) for i in range(3)]
    entries = [
        {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1970-01-01"}},
        {
            "resource": {
                "resourceType": "Condition",
                "id": "lbp",
                "onsetDateTime": "2026-01-05",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]},
                "subject": {"reference": "Patient/p"},
            }
        },
        *(_procedure(i, "97161" if i == 0 else "97110", d) for i, d in enumerate(days)),
    ]
    f = tmp_path / "pt.json"
    f.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    args = ["check", "--record", str(f), "--procedure", "97110", "--payer", "commercial", "--state", "ME"]
    r = CliRunner().invoke(
        app, [*args, "--insurer", "anthem", "--as-of", AS_OF.isoformat(), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["prior_authorization"] == "not_required"
    assert any("visit 4 of the 12" in b for b in out["prior_authorization_basis"])
    page = view(out)
    assert page["pa"] == "not_required"
    assert any("visit 4 of the 12" in b for b in page["pa_basis"])
