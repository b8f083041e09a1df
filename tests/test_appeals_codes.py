"""Denial codes: 835 CAS parsing, typed codes, plain-language explanations and what fixes them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from backcover.appeals import (
    explain_carc,
    explain_group,
    explain_rarc,
    infer_from_text,
    parse_835,
    parse_codes,
)
from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR, Knowledge

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _read(name: str) -> str:
    return (DATA / name).read_text()


def test_managed_care_835_adjustments() -> None:
    adj = parse_835(_read("x12-835-managed-care.835"), "managed-care.835")
    got = [(a.claim_id, a.level, a.service_code, a.group, a.carc, a.amount) for a in adj]
    assert got == [
        ("5554555444", "claim", None, "CO", "A2", Decimal("50.00")),
        ("5554555444", "service", "99211", "PR", "1", Decimal("300.00")),
        ("8765432112", "claim", None, "CO", "A2", Decimal("55.00")),
        ("8765432112", "service", "93555", "PR", "1", Decimal("600.00")),
        ("8765432112", "service", "93555", "CO", "45", Decimal("50.00")),
    ]
    assert adj[0].payer == "RUSHMORE LIFE"
    assert str(adj[1].service_date) == "2002-03-01"
    # A2 is not in backcover's list: kept and flagged, not an error
    assert adj[0].explanation.known is False
    assert adj[1].explanation.known is True


def test_medicare_part_a_835_claim_remarks() -> None:
    adj = parse_835(_read("x12-835-medicare-part-a.835"), "part-a.835")
    assert [(a.claim_id, a.carc, str(a.amount)) for a in adj] == [
        ("666123", "45", "73348.57"),
        ("777777", "45", "3019.67"),
    ]
    assert adj[1].rarcs == ("MA02",)
    assert adj[0].to_json()["amount"] == "73348.57"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"resourceType": "Bundle"}', "not an X12 file", id="json"),
        pytest.param("", "not an X12 file", id="empty"),
        pytest.param("ISA*00*", "cut off", id="short-isa"),
    ],
)
def test_not_x12_is_bad_input(text: str, message: str) -> None:
    with pytest.raises(BadInput) as exc:
        parse_835(text, "x.835")
    assert message in str(exc.value)
    assert exc.value.file == "x.835"


def test_cut_off_835_is_bad_input() -> None:
    text = _read("x12-835-managed-care.835")
    cut = text[: text.index("CAS*PR*1*600.00")]
    with pytest.raises(BadInput) as exc:
        parse_835(cut, "cut.835")
    assert "IEA" in exc.value.problem


def test_segment_count_mismatch_is_bad_input() -> None:
    text = _read("x12-835-managed-care.835").replace("CAS*CO*45*50.00~\n", "")
    with pytest.raises(BadInput) as exc:
        parse_835(text, "x.835")
    assert "segments" in exc.value.problem


def test_other_transaction_is_not_835() -> None:
    text = _read("x12-835-managed-care.835").replace("ST*835*", "ST*837*")
    with pytest.raises(BadInput) as exc:
        parse_835(text, "x.835")
    assert "837" in exc.value.problem


@pytest.mark.parametrize(
    ("code", "route", "words"),
    [
        pytest.param("197", "retro_auth_or_appeal", "retroactive authorization", id="197"),
        pytest.param("50", "appeal", "criteria", id="50"),
        pytest.param("242", "nsa_or_network_exception", "No Surprises Act", id="242"),
        pytest.param("0119", "exception", "exception", id="119-leading-zero"),
    ],
)
def test_what_fixes_each_code(code: str, route: str, words: str) -> None:
    e = explain_carc(code)
    assert e.known
    assert e.route == route
    assert words in e.fix
    assert e.url == "https://x12.org/codes/claim-adjustment-reason-codes"


def test_unknown_code_is_kept_and_flagged() -> None:
    e = explain_carc("B99")
    assert e.known is False
    assert e.code == "B99"
    assert "not in backcover's list" in e.summary
    assert explain_rarc("N999").known is False
    assert explain_rarc("n115").summary.startswith("The decision was based on a Local Coverage")
    assert "cannot be billed" in explain_group("co").summary


def test_typed_codes() -> None:
    got = parse_codes("CO-50, N115  pr2;197")
    assert [(c.system, c.group, c.code) for c in got] == [
        ("carc", "CO", "50"),
        ("rarc", None, "N115"),
        ("carc", "PR", "2"),
        ("carc", None, "197"),
    ]
    with pytest.raises(BadInput):
        parse_codes("medical necessity")
    with pytest.raises(BadInput):
        parse_codes("  ")


def test_codes_suggested_by_letter_text() -> None:
    text = "Your request was denied as not medically necessary. Prior authorization was not obtained."
    assert [c.code for c in infer_from_text(text)] == ["50", "197"]
    assert all(c.source == "text" for c in infer_from_text(text))
    assert infer_from_text("Thank you for your payment.") == []


def test_other_separators_and_newline_terminator() -> None:
    text = _read("x12-835-medicare-part-a.835")
    isa = text[:106]
    assert isa[3] == "*" and isa[105] == "~"
    # the same file written with | between elements and a newline ending each segment
    other = text.replace("~\n", "\n").replace("~", "\n").replace("*", "|")
    adj = parse_835(other, "pipes.835")
    assert [(a.claim_id, a.carc, str(a.amount)) for a in adj] == [
        ("666123", "45", "73348.57"),
        ("777777", "45", "3019.67"),
    ]


def test_code_wording_comes_from_the_knowledge_given(tmp_path: Path) -> None:
    """A clinic's own denial_codes.yaml rewords a code for its bundle; the packaged wording stays."""
    text = (KNOWLEDGE_DIR / "denial_codes.yaml").read_text(encoding="utf-8")
    old = "The payer says the service was not medically necessary."
    assert old in text
    (tmp_path / "denial_codes.yaml").write_text(text.replace(old, "Not medically necessary, says the plan."))
    kb = Knowledge.from_dir(tmp_path)
    assert explain_carc("50", knowledge=kb).summary == "Not medically necessary, says the plan."
    assert [c.explanation.summary for c in parse_codes("CO-50", knowledge=kb)] == [
        "Not medically necessary, says the plan."
    ]
    assert explain_carc("50").summary == old
