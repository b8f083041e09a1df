"""Explanations read as sentences: names go to lower case mid-sentence, abbreviations keep theirs."""

from __future__ import annotations

from datetime import date

from backcover.engine import check
from backcover.record.load import load_record
from tests.conftest import SYNTHEA_FILES, SYNTHEA_LBP


def test_abbreviations_keep_their_case_in_an_explanation() -> None:
    record = load_record(SYNTHEA_FILES, SYNTHEA_LBP)
    det = check(record, "63030", "commercial", state="NY", as_of=date(2014, 6, 1))
    imaging = next(c for c in det.criteria if c.kind == "imaging")
    assert "No MRI or CT" in imaging.explanation
    assert "mri or ct" not in imaging.explanation
