"""Letters and packets: rendered to HTML and PDF from the same templates; never claim an unmet criterion."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from backcover import DISCLAIMER
from backcover.documents import (
    AppealLetter,
    CriterionView,
    DeterminationView,
    Party,
    criterion_statement,
    render_html,
    render_pdf,
)
from backcover.errors import BadInput
from tests._letters_support import DET, TODAY, all_letters

LETTERS = all_letters()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_pages(data: bytes) -> list[str]:
    return [_norm(p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in LETTERS])
def test_every_letter_renders_to_pdf_with_the_disclaimer_on_every_page(kind: str) -> None:
    pages = _pdf_pages(render_pdf(LETTERS[kind]))
    assert pages
    text = " ".join(pages)
    assert "Dana Whitfield" in text
    for page in pages:
        assert "not legal or medical advice" in page


@pytest.mark.parametrize(
    "kind",
    [pytest.param(k, id=k) for k in ("appeal_letter", "peer_to_peer_prep", "external_review_request")],
)
def test_denial_letters_carry_code_met_criteria_and_deadline(kind: str) -> None:
    text = " ".join(_pdf_pages(render_pdf(LETTERS[kind])))
    assert "CO-50" in text
    for c in DET.met:
        assert c.summary in text, c.summary
    deadline = {"external_review_request": "March 20, 2027"}.get(kind, "February 22, 2027")
    assert deadline in text


@pytest.mark.parametrize("final", [False, True])
@pytest.mark.parametrize("kind", ["appeal_letter", "external_review_request", "prior_auth_packet"])
def test_what_goes_to_the_payer_never_names_a_criterion_that_is_not_met(kind: str, final: bool) -> None:
    text = " ".join(_pdf_pages(render_pdf(LETTERS[kind], show_warnings=not final)))
    for c in DET.criteria:
        assert (c.summary in text) == (c.status == "met"), (c.summary, c.status)
    assert "Points not argued" not in text and "not met" not in text.lower()
    assert "does not apply" not in text  # a criterion that does not apply is not an argument


def test_prior_auth_packet_has_met_criteria_timeline_and_index() -> None:
    text = " ".join(_pdf_pages(render_pdf(LETTERS["prior_auth_packet"])))
    assert "Evidence timeline" in text and "2026-03-02 Physical therapy began" in text
    assert "Enclosed documents" in text and "Lumbar MRI report" in text
    assert "64635" in text


def test_appeal_letter_quotes_denial_and_asks_for_peer_to_peer_and_credentials() -> None:
    html = render_html(LETTERS["appeal_letter"])
    assert "documentation does not support the procedure" in html
    assert "peer-to-peer review" in html
    assert "board certification" in html
    assert "L39242" in html and "Reg Anesth Pain Med" in html


def test_a_letter_claims_met_only_for_met_criteria() -> None:
    for kind in ("appeal_letter", "external_review_request", "peer_to_peer_prep", "prior_auth_packet"):
        html = render_html(LETTERS[kind], show_warnings=False)
        blocks = re.findall(r'<div class="criterion ([a-z_]+)">(.*?)</div>\s*</div>', html, re.S)
        met = {c.summary for c in DET.met}
        for _status, block in blocks:
            assert any(m in block for m in met), block


@pytest.mark.parametrize("status", ["not_met", "unknown", "not_applicable"])
def test_statement_only_claims_met_for_met(status: str) -> None:
    c = CriterionView(
        "x", "imaging", status, "Imaging", "The engine said so.", to_satisfy="Attach the MRI report"
    )
    assert "is met" not in criterion_statement(c)
    assert "is met" in criterion_statement(
        CriterionView("x", "imaging", "met", "Imaging", "MRI on 2026-05-04.")
    )


def test_unknown_status_is_refused() -> None:
    with pytest.raises(BadInput):
        CriterionView("x", "imaging", "probably", "Imaging")


def test_drafts_say_draft_and_finals_do_not() -> None:
    letter = LETTERS["appeal_letter"]
    assert "DRAFT: not yet final" in render_html(letter)
    assert "DRAFT" not in render_html(letter, show_warnings=False)
    assert not any("criterion" in w.lower() for w in letter.warnings())


def test_late_appeal_is_flagged() -> None:
    p = Party("A Person")
    late = AppealLetter(p, p, Party("Plan"), TODAY, file_by=TODAY.replace(day=1))
    assert any("has passed" in w for w in late.warnings())


def test_determination_from_contract_json() -> None:
    data = {
        "procedure": {"code": "62323", "name": "Lumbar epidural steroid injection"},
        "payer": "medicare",
        "decision": "meets_criteria",
        "criteria": [
            {
                "id": "esi.conservative_care",
                "kind": "conservative_care",
                "status": "met",
                "summary": "Failed 4+ weeks of conservative care",
                "explanation": "PT and naproxen",
                "evidence": [{"resource": "Procedure/pt-1", "date": "2026-09-02", "provenance": "ehr"}],
                "source": {
                    "policy": "L36920",
                    "section": "Coverage Indications",
                    "url": "https://example.org",
                },
            }
        ],
        "policies": [{"id": "L36920", "title": "Epidural Steroid Injections", "url": "https://example.org"}],
    }
    det = DeterminationView.from_json(data)
    assert det.met[0].evidence[0].date is not None and det.met[0].evidence[0].date.isoformat() == "2026-09-02"
    assert det.policies[0].label == "L36920, Epidural Steroid Injections"

    assert DISCLAIMER in render_html(
        AppealLetter(Party("P"), Party("P"), Party("Plan"), TODAY, determination=det)
    )


def test_evidence_labels_name_items_in_words() -> None:
    labelled = DET.with_labels({"Procedure/pt-1": "Physical therapy visit", "Procedure/none": "unused"})
    ev = labelled.criteria[1].evidence[0]
    assert ev.note == "Physical therapy course"  # an existing note is kept
    bare = DeterminationView.from_json(
        {
            "criteria": [
                {
                    "id": "x",
                    "kind": "other",
                    "status": "met",
                    "summary": "S",
                    "evidence": [{"resource": "Procedure/pt-1", "date": "2026-01-02", "provenance": "ehr"}],
                }
            ]
        }
    ).with_labels({"Procedure/pt-1": "Physical therapy visit"})
    assert bare.criteria[0].evidence[0].label == "Physical therapy visit (2026-01-02, clinical record)"


def test_criteria_shown_with_the_claim_are_not_warnings_and_not_claimed() -> None:
    c = CriterionView(
        "g", "other", "unknown", "Done under fluoroscopy", to_satisfy="The procedure note", required=False
    )
    det = DeterminationView("meets_criteria", (c,), "64483", "ESI", "medicare")
    assert det.open == () and det.at_service == (c,)
    letter = AppealLetter(Party("P"), Party("P"), Party("Plan"), TODAY, determination=det)
    html = render_html(letter)
    assert "Done under fluoroscopy" not in html and "This criterion is met" not in html
    assert (
        DeterminationView.from_json(
            {
                "criteria": [
                    {"id": "g", "kind": "other", "status": "unknown", "summary": "S", "required": False}
                ]
            }
        )
        .criteria[0]
        .required
        is False
    )
