"""The import's fast paths make exactly what the plain ones make (issue 16: speed, same output)."""

from __future__ import annotations

import gc
from dataclasses import FrozenInstanceError, fields
from datetime import date

import pytest

from backcover.errors import BadInput
from backcover.record.details import empty_details
from backcover.record.fhir._read import collector_paused
from backcover.record.fhir._values import codings
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


_REF = {"reference": "Patient/p1"}
_LINES = [
    {"resourceType": "Patient", "id": "p1", "birthDate": "1960-01-01", "name": [{"text": "A"}]},
    {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "active",
        "intent": "order",
        "subject": _REF,
        "medicationReference": {"reference": "Medication/m"},  # defined on a later line
        "authoredOn": "2026-01-01",
        "requester": {"reference": "PractitionerRole/role", "display": "Dr Shown"},
    },
    {"resourceType": "Medication", "id": "m", "code": {"text": "ibuprofen 200 MG"}},
    {"resourceType": "Medication", "id": "m", "code": {"text": "naproxen 500 MG"}},  # the later one wins
    {"resourceType": "PractitionerRole", "id": "role", "practitioner": {"reference": "Practitioner/pr"}},
    {"resourceType": "Practitioner", "id": "pr", "name": [{"given": ["Ann"], "family": "Lee"}]},
    {
        "resourceType": "Condition",
        "id": "c1",
        "subject": _REF,
        "clinicalStatus": "active",
        "code": {"text": "x"},
    },
    {"resourceType": "Patient", "id": "p1", "birthDate": "1961-01-01", "name": [{"text": "B"}]},
]


def _both(lines: list[bytes]) -> tuple[object, object]:
    from backcover.record import fhir

    data = b"\n".join(lines) + b"\n"

    def run(fn):  # type: ignore[no-untyped-def]
        try:
            parsed = fn()
        except BadInput as exc:
            return exc.message()
        items = {k: [it.to_json() for it in v] for k, v in parsed.items.items()}
        patients = {k: p.to_json() for k, p in parsed.patients.items()}
        return items, patients, parsed.notes, parsed.ignored, parsed.skipped_in_error, parsed.resource_count

    streamed = run(lambda: fhir.map_ndjson_bytes(data, "x.ndjson"))
    plain = run(lambda: fhir.parse_resources(fhir.parse_ndjson_bytes(data, "x.ndjson"), "x.ndjson"))
    return streamed, plain


@pytest.mark.parametrize("order", [None, "reversed"])
def test_one_pass_ndjson_maps_as_the_two_steps_do(order: str | None) -> None:
    import json

    docs = _LINES[::-1] if order else _LINES
    streamed, plain = _both([json.dumps(d).encode() for d in docs])
    assert streamed == plain
    items, _, notes, *_ = streamed  # type: ignore[misc]
    med = items["Patient/p1"][0 if order is None else 1]
    later = "ibuprofen 200 MG" if order else "naproxen 500 MG"  # of two resources with one id, the later
    assert med["text"] == later and med["details"]["performer"] == ["Ann Lee"]
    assert any("appears twice" in n for n in notes) and any("clinicalStatus" in n for n in notes)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b'{"resourceType": "Condition", "id": "cut', id="cut-line"),
        pytest.param(b'{"resourceType": "ProcedureRequest", "id": "x"}', id="stu3"),
        pytest.param(
            b'{"resourceType": "Condition", "id": "d", "subject": {"reference": "Patient/p1"}, '
            b'"onsetDateTime": "2026-02-30"}',
            id="bad-date",
        ),
        pytest.param(b"[1, 2]", id="not-a-resource"),
    ],
)
def test_one_pass_ndjson_refuses_with_the_same_first_error(bad: bytes) -> None:
    import json

    bad_date = b'{"resourceType": "MedicationRequest", "id": "m0", "subject": {"reference": "Patient/p1"}}'
    lines = [json.dumps(d).encode() for d in _LINES]
    for at in (0, 3, len(lines)):
        streamed, plain = _both([*lines[:at], bad_date, *lines[at:], bad])
        assert isinstance(plain, str) and streamed == plain


def test_one_patient_index_gives_each_persons_record() -> None:
    from backcover.record.load import read_source
    from backcover.record.merge import PatientIndex, merge
    from tests.conftest import SYNTHEA_FILES

    sources = [read_source(f) for f in SYNTHEA_FILES]
    index = PatientIndex(sources)
    people = sorted(p.split("/", 1)[1] for p in index.patients)
    assert len(people) > 1
    for pid in people:
        assert index.record(pid) == merge(sources, pid)
    with pytest.raises(BadInput, match="different people"):
        index.record()
