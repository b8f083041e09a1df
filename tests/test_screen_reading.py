"""A screen partition is read in one pass, with what the two-step reading gives (issue 16: speed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backcover.errors import BadInput
from backcover.record import fhir
from backcover.screen._spill import _map_refusing, _resources, read_partition
from tests.conftest import SYNTHEA_FILES

_REF = {"reference": "Patient/p1"}
_LINES: list[dict[str, Any]] = [
    {"resourceType": "Patient", "id": "p1", "birthDate": "1960-01-01"},
    {
        "resourceType": "MedicationRequest",
        "id": "mr",
        "status": "active",
        "intent": "order",
        "subject": _REF,
        "medicationReference": {"reference": "Condition/bad", "display": "shown when unresolved"},
        "authoredOn": "2026-01-01",
    },
    # refused (an impossible date): left out, so the order above no longer finds it
    {
        "resourceType": "Condition",
        "id": "bad",
        "subject": _REF,
        "code": {"text": "naproxen"},
        "onsetDateTime": "2026-02-30",
    },
    {
        "resourceType": "Condition",
        "id": "ok",
        "subject": _REF,
        "code": {"text": "x"},
        "onsetDateTime": "2026-01-03",
    },
    {"resourceType": "Procedure", "id": "bad2", "subject": _REF, "performedDateTime": "2026-13-01"},
]


def _shown(parsed: fhir.Parsed) -> object:
    items = {k: [it.to_json() for it in v] for k, v in parsed.items.items()}
    return items, {k: p.to_json() for k, p in parsed.patients.items()}, parsed.notes, parsed.resource_count


def _two_step(files: list[str], name: str) -> tuple[object, list[str]]:
    warnings: list[str] = []
    data = b"".join(Path(f).read_bytes() for f in files)
    return _shown(_map_refusing(_resources(data, [], name, warnings), name, warnings)), warnings


@pytest.mark.parametrize("order", [1, -1])
def test_refused_resources_are_left_out_as_the_two_steps_do(tmp_path: Path, order: int) -> None:
    spill = tmp_path / "part.ndjson"
    spill.write_text("\n".join(json.dumps(d) for d in _LINES[::order]) + "\n")
    warnings: list[str] = []
    parsed = read_partition([str(spill)], [], "partition 0", warnings)
    assert (_shown(parsed), warnings) == _two_step([str(spill)], "partition 0")
    assert [w.split(":")[0] for w in warnings] == ["Condition/bad", "Procedure/bad2"][::order]
    (med,) = [it for it in parsed.items["Patient/p1"] if it.id == "MedicationRequest/mr"]
    assert med.text == "shown when unresolved"


def test_the_synthea_export_reads_as_the_two_steps_read_it() -> None:
    files = [str(f) for f in SYNTHEA_FILES]
    warnings: list[str] = []
    assert (_shown(read_partition(files, [], "p", warnings)), warnings) == _two_step(files, "p")


def test_a_spill_line_that_is_not_json_is_bad_input(tmp_path: Path) -> None:
    spill = tmp_path / "part.ndjson"
    spill.write_text(json.dumps(_LINES[0]) + '\n{"resourceType": "Condition", "subject": {"reference": "Pa\n')
    with pytest.raises(BadInput, match="line 2"):
        read_partition([str(spill)], [], "partition 0", [])
