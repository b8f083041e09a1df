"""The import's fast paths make exactly what the plain ones make (issue 16: speed, same output)."""

from __future__ import annotations

import gc
from dataclasses import FrozenInstanceError, fields
from datetime import date

import pytest

from backcover.errors import BadInput
from backcover.record.details import empty_details
from backcover.record.fhir._context import codings
from backcover.record.fhir._read import collector_paused
from backcover.record.load import source_from_bytes
from backcover.record.model import Coding, Item, SourceRef, When, make_item, make_source, make_when
from backcover.vocab import ItemKind, Provenance


def test_fast_builders_make_the_same_frozen_values() -> None:
    when = make_when(date(2026, 1, 5), date(2026, 1, 9), False)
    assert type(when) is When and when == When(date(2026, 1, 5), date(2026, 1, 9))
    source = make_source("Procedure/p", "f.json")
    assert type(source) is SourceRef and source == SourceRef("Procedure/p", "f.json")
    details = empty_details(ItemKind.PROCEDURE)
    first = (ItemKind.PROCEDURE, when, (), Provenance.EHR, source)
    built = make_item(*first, None, (), None, "x", "completed", None, None, None, (), details)
    plain = Item(*first, text="x", status="completed", details=details)
    assert type(built) is Item and built == plain and hash(built) == hash(plain)
    assert [f.name for f in fields(Item)][:5] == ["kind", "when", "codes", "provenance", "source"]
    with pytest.raises(FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]


def test_shared_codings_keep_the_source_values_apart() -> None:
    # 1, 1.0, True and "1" hash alike; only text codes are shared, so each keeps its own spelling.
    cc = {"coding": [{"system": "s", "code": c} for c in ("1", 1, True, 1.0)]}
    assert [c.code for c in codings(cc)] == ["1", "1", "True", "1.0"]
    again = codings({"coding": [{"system": "s", "code": "1", "display": None}]})[0]
    assert again is codings(cc)[0] and again == Coding("s", "1", None)
    assert codings({"coding": [{"code": "1", "display": ["odd"]}]}) == [Coding("", "1", ["odd"])]  # type: ignore[arg-type]


def test_the_collector_is_paused_during_a_parse_and_restored_even_on_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer pause
    assert gc.isenabled()
    with pytest.raises(BadInput):
        source_from_bytes(
            b'{"resourceType": "Condition", "id": "c", "onsetDateTime": "2026-02-30"}', "x.json"
        )
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector the caller turned off stays off"
    finally:
        gc.enable()
