"""A screen leaves unread the resources no criterion can read, and its answers stay those of `check`.

`fhir.relevance` promises, from the JSON alone, that a resource gives an item with no concept that
is not a score (INVISIBLE) or no item at all (NOTHING). These tests hold it to that promise on every
public FHIR fixture, check that no criterion of any pack reads such items (the answers of `check` do
not change when they are taken out), and screen a population where it matters.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from backcover.codesets import codesets_for
from backcover.engine import check
from backcover.errors import BadInput
from backcover.record import fhir
from backcover.record.load import read_source
from backcover.record.merge import merge
from backcover.record.model import Record
from backcover.screen import Question, screen
from backcover.vocab import ItemKind
from tests.conftest import DATA, SYNTHEA_FILES

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
AS_OF = date(2026, 12, 1)
CS = codesets_for()
CODES = ["72148", "62323", "64483", "64493", "64635", "63650", "63685", "63030", "63047", "22612"]
CODES += ["22857", "97110", "98940", "97810", "97124", "72131"]
QUESTIONS: list[tuple[str, str | None, str | None]] = [
    ("commercial", None, None),
    ("medicare", "NY", None),
    ("medicaid", "TX", None),
    ("medicare-advantage", "FL", None),
    ("commercial", "NY", "aetna"),
    ("commercial", "NY", "cigna"),
    ("commercial", "CA", "unitedhealthcare"),
    ("commercial", "ME", "anthem"),
    ("medicare-advantage", "KY", "humana"),
]


def _public_resources() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in sorted(DATA.iterdir()):
        if f.suffix not in (".json", ".ndjson") or f.name.startswith(("hpt-", "crd-", "dtr-")):
            continue
        try:
            found = fhir.iter_resources(f.read_bytes(), f.name, f.suffix == ".ndjson")
        except BadInput:  # not a FHIR file the reader takes: nothing to promise
            continue
        out.extend(res for res, _, _ in found)
    return out


def _items_alone(res: dict[str, Any]) -> list[Any]:
    parsed = fhir.parse_resources([fhir.Found(res, "alone")], "alone")
    return [it for items in parsed.items.values() for it in items]


def test_the_promise_holds_for_every_public_fixture_resource() -> None:
    resources = _public_resources()
    assert len(resources) > 4000
    judged = {fhir.INVISIBLE: 0, fhir.NOTHING: 0}
    for res in resources:
        verdict = fhir.relevance(res, CS)
        if verdict == fhir.MATTERS:
            continue
        judged[verdict] += 1
        items = _items_alone(res)
        where = f"{res.get('resourceType')}/{res.get('id')}"
        if verdict == fhir.NOTHING:
            assert items == [], where
        else:
            assert len(items) == 1, where
            assert not items[0].concepts and items[0].kind is not ItemKind.SCORE, where
    assert judged[fhir.INVISIBLE] > 4000  # most Synthea resources carry no code any criterion uses


_REF = {"reference": "Patient/p"}


@pytest.mark.parametrize(
    ("res", "verdict"),
    [
        ({"resourceType": "Condition", "code": {"text": "low back pain"}}, fhir.INVISIBLE),
        (
            {
                "resourceType": "Condition",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "279039007"}]},
            },
            fhir.MATTERS,
        ),
        (
            {
                "resourceType": "Condition",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]},
            },
            fhir.MATTERS,
        ),
        (
            {"resourceType": "Condition", "code": {"coding": [{"code": 5}]}},
            fhir.MATTERS,
        ),  # odd: the mapper judges
        ({"resourceType": "Procedure", "code": {"coding": "x"}}, fhir.MATTERS),
        (
            {
                "resourceType": "MedicationRequest",
                "medicationCodeableConcept": {"text": "Ibuprofen 400 MG Oral Tablet"},
            },
            fhir.MATTERS,
        ),
        (
            {
                "resourceType": "MedicationRequest",
                "medicationCodeableConcept": {
                    "coding": [{"system": "x", "code": "1", "display": "naproxen 500 mg"}]
                },
            },
            fhir.MATTERS,
        ),
        (
            {"resourceType": "MedicationRequest", "medicationReference": {"reference": "Medication/m"}},
            fhir.MATTERS,
        ),
        (
            {"resourceType": "MedicationStatement", "medicationCodeableConcept": {"text": "Amoxicillin"}},
            fhir.INVISIBLE,
        ),
        (
            {"resourceType": "Condition", "verificationStatus": {"coding": [{"code": "refuted"}]}},
            fhir.NOTHING,
        ),
        ({"resourceType": "Procedure", "status": "entered-in-error"}, fhir.NOTHING),
        ({"resourceType": "Claim"}, fhir.NOTHING),
        ({"resourceType": "Observation", "code": {"text": "anything"}}, fhir.MATTERS),
        ({"resourceType": "Bundle"}, fhir.MATTERS),
    ],
)
def test_relevance_reads_the_codes_and_names_the_mapper_reads(res: dict[str, Any], verdict: int) -> None:
    res = {"id": "r", "subject": _REF, **res}
    assert fhir.relevance(res, CS) == verdict


def _fixture_records() -> list[Record]:
    records = [merge([read_source(f)], None) for f in sorted(FIXTURES.glob("*.json"))]
    sources = [read_source(f) for f in SYNTHEA_FILES]
    pids = sorted({p.split("/", 1)[1] for s in sources for p in s.patients})
    return records + [merge(sources, pid) for pid in pids]


def _visible(record: Record) -> Record:
    items = tuple(it for it in record.items if it.concepts or it.kind is ItemKind.SCORE)
    return Record(record.patient, items, record.unrecognized, record.warnings)


def test_no_criterion_reads_an_item_without_a_concept() -> None:
    """The whole answer of `check` is the same with every item left out that has no concept and is
    not a score: what a screen leaves unread can never change a decision."""
    records = _fixture_records()
    assert sum(len(r.items) - len(_visible(r).items) for r in records) > 4000
    for record in records:
        visible = _visible(record)
        for code in CODES:
            for payer, state, insurer in QUESTIONS:
                args: dict[str, Any] = {"state": state, "as_of": AS_OF, "insurer": insurer}
                full = check(record, code, payer, **args).to_json()
                assert check(visible, code, payer, **args).to_json() == full, (record.patient.id, code, payer)


# ----------------------------------------------------------------------------- a screened population


def _as_ndjson(bundle: Path, out: dict[str, list[str]]) -> None:
    """The fixture Bundle's resources as bulk-export lines, references rewritten to Type/id."""
    entries = json.loads(bundle.read_text())["entry"]
    names = {e["fullUrl"]: f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in entries}

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: names.get(v, v) if k == "reference" else fix(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    for e in entries:
        res = fix(e["resource"])
        out.setdefault(res["resourceType"], []).append(json.dumps(res))


def _duplicates(out: dict[str, list[str]]) -> None:
    """The same Condition id twice: first without a usable code, then with one (and the reverse)."""
    lbp = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]}
    blank = {"text": "follow-up"}
    for pid, first, second in (("dup1", blank, lbp), ("dup2", lbp, blank)):
        out["Patient"].append(json.dumps({"resourceType": "Patient", "id": pid, "birthDate": "1970-01-01"}))
        for code in (first, second):
            res = {"resourceType": "Condition", "id": f"c-{pid}", "subject": {"reference": f"Patient/{pid}"}}
            out["Condition"].append(json.dumps({**res, "code": code, "onsetDateTime": "2026-01-05"}))


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("population")
    lines: dict[str, list[str]] = {}
    for bundle in sorted(FIXTURES.glob("*.json")):
        _as_ndjson(bundle, lines)
    for f in SYNTHEA_FILES:
        rtype = f.name.rsplit("-", 1)[1].removesuffix(".ndjson")
        lines.setdefault(rtype, []).extend(ln for ln in f.read_text().splitlines() if ln.strip())
    _duplicates(lines)
    paths = []
    for rtype, rows in lines.items():
        path = folder / f"{rtype}.ndjson"
        path.write_text("\n".join(rows) + "\n")
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    ("code", "payer", "state"), [("62323", "commercial", None), ("22612", "medicaid", "TX")]
)
def test_a_screen_gives_what_check_gives_on_rich_records(
    population: list[Path], tmp_path: Path, code: str, payer: str, state: str | None
) -> None:
    out = tmp_path / "out.parquet"
    result = screen(population, Question(code, payer, None, state, AS_OF), out, workers=2)
    assert result.unread > 4000 and result.resources > result.unread
    rows = {r["patient_id"]: r for r in pq.read_table(out).to_pylist()}
    sources = [read_source(p) for p in population]
    assert {"dup1", "dup2", "acu"} <= set(rows)
    for pid, row in rows.items():
        det = check(merge(sources, pid), code, payer, state=state, as_of=AS_OF)
        assert (row["decision"], row["not_met"], row["unknown"]) == (
            str(det.decision),
            [c.id for c in det.criteria if c.status == "not_met"],
            [c.id for c in det.criteria if c.status == "unknown"],
        ), pid
        assert row["earliest_eligible_date"] == det.earliest_eligible_date, pid


def test_the_first_of_two_copies_of_a_resource_counts_as_in_check(
    population: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.parquet"
    screen(population, Question("72148", "commercial", None, None, AS_OF), out, workers=1)
    rows = {r["patient_id"]: r for r in pq.read_table(out).to_pylist()}
    # dup1's first copy has no usable code: check keeps it and drops the coded copy; dup2 the reverse.
    seen = {
        pid: (rows[pid]["decision"], rows[pid]["not_met"], rows[pid]["unknown"]) for pid in ("dup1", "dup2")
    }
    assert seen["dup1"] != seen["dup2"]
    sources = [read_source(p) for p in population]
    for pid in ("dup1", "dup2"):
        det = check(merge(sources, pid), "72148", "commercial", as_of=AS_OF)
        missing = (
            [c.id for c in det.criteria if c.status == "not_met"],
            [c.id for c in det.criteria if c.status == "unknown"],
        )
        assert seen[pid] == (str(det.decision), *missing), pid


def test_the_synthetic_population_screens_as_check_answers(tmp_path: Path) -> None:
    """The bench's population (bench/population.py: the Synthea export copied with fresh ids and
    names), screened on 2 workers: every row is what `check` says for that patient."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from population import generate

    folder = generate(40, tmp_path / "pop")
    out = tmp_path / "out.parquet"
    result = screen([folder], Question("62323", "medicare", None, "NY", AS_OF), out, workers=2)
    rows = {r["patient_id"]: r for r in pq.read_table(out).to_pylist()}
    assert len(rows) == result.summary.patients >= 40  # whole copies of the export
    sources = [read_source(p) for p in sorted(folder.glob("*.ndjson"))]
    for pid, row in rows.items():
        det = check(merge(sources, pid), "62323", "medicare", state="NY", as_of=AS_OF)
        assert (row["decision"], row["prior_authorization"], row["earliest_eligible_date"]) == (
            str(det.decision),
            str(det.prior_authorization),
            det.earliest_eligible_date,
        ), pid
        assert row["unknown"] == [c.id for c in det.criteria if c.status == "unknown"], pid
