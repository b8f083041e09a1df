"""Letters from the real coverage engine (runs once the engine is on the branch): the letter claims
exactly the criteria the engine found met, and names evidence in words."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from backcover.documents import AppealLetter, DenialView, DeterminationView, Party, render_html, render_pdf
from tests._cases_support import SHARED

engine = pytest.importorskip("backcover.engine")


def _letter() -> tuple[AppealLetter, DeterminationView]:
    from backcover.documents import evidence_labels
    from backcover.record.load import load_record

    record = load_record([SHARED / "examples" / "check-rfa-opd.json"])
    det = engine.check(
        record, "64635", "medicare", setting="hospital-outpatient", state="PA", as_of=date(2026, 11, 27)
    )
    view = DeterminationView.from_engine(det).with_labels(evidence_labels(record))
    letter = AppealLetter(
        Party("RFA Patient"),
        Party("RFA Patient"),
        Party("Novitas"),
        date(2026, 11, 27),
        denial=DenialView(date(2026, 11, 20), "Not reasonable and necessary.", (("CO-50", "Not necessary"),)),
        determination=view,
        file_by=date(2027, 3, 25),
    )
    return letter, view


def test_engine_letter_claims_only_met_criteria() -> None:
    letter, view = _letter()
    html = render_html(letter, show_warnings=False)
    blocks = re.findall(r'<div class="criterion ([a-z_]+)">(.*?)</div>\s*</div>', html, re.S)
    assert len(blocks) == len(view.met)
    for status, block in blocks:
        assert status == "met" and "This criterion is met" in block
    assert "Procedure/" not in html  # evidence is named in words


def test_engine_letter_pdf_text() -> None:
    letter, view = _letter()
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(letter))).pages)
    )
    assert "RFA Patient" in text and "CO-50" in text and "March 25, 2027" in text
    for c in view.criteria:
        assert (c.summary in text) == (c.status == "met"), c.summary
