"""Hostile inputs for every parser, shared by the property tests and `make fuzz` (bench/fuzz.py).

Each ``*_inputs`` strategy draws the text of one file; each ``run_*`` reads it as backcover would.
A run may succeed or raise BadInput; anything else is a crash.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import strategies as st

from backcover import services
from backcover.appeals._x12 import parse_835
from backcover.costs._lines import parse_lines
from backcover.costs._plan import parse_plan
from backcover.record.log import parse_log_text
from tests.conftest import DATA

AS_OF = date(2026, 6, 1)

# Dates at the ends of the calendar, impossible dates and odd precisions.
DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "2026-02-29",
        "2024-02-29",
        "2026-13-01",
        "0000-00-00",
        "2026",
        "2026-06",
        "",
        "tomorrow",
    ]
) | st.dates().map(date.isoformat)

# Huge, tiny, non-finite and badly typed numbers (as JSON values or YAML scalars).
NUMBERS: st.SearchStrategy[Any] = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63, 2**64, 10**30, 1e20, 1e300, -1e300, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["Infinity", "-Infinity", "NaN", "1e400", "10" * 16, "1,5", "", "½", True, None]),
)


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, float):
        if v != v:
            return ".nan"
        if v in (float("inf"), float("-inf")):
            return ".inf" if v > 0 else "-.inf"
    if isinstance(v, str):
        return json.dumps(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


YAML_NUMBERS = NUMBERS.map(_yaml_scalar) | st.sampled_from(
    [
        ".nan",
        ".inf",
        "!!float 1e400",
        "!!int 'x'",
        "*undefined",
        "&a 1",
        "[1, 2]",
        "{a: 1}",
        "0x7fffffffffffffffff",
    ]
)


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


STRUCTURE = st.sampled_from([_deep(70), _deep(3000), _bomb(3), _bomb(9), "{" * 200, "- " * 500 + "x"])


@st.composite
def log_inputs(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(STRUCTURE)
    return (
        f"pain:\n- date: {draw(DATES) or '2026-01-05'}\n  score: {draw(YAML_NUMBERS)}\n"
        f"- date: 2026-02-01\n  score: {draw(YAML_NUMBERS)}\n"
        f"medicines:\n- name: ibuprofen\n  start: {draw(DATES) or '2026-01-01'}\n"
        f"  end: {draw(DATES) or 'null'}\n"
        f"therapy:\n- start: 2026-01-01\n  sessions: {draw(YAML_NUMBERS)}\n"
    )


@st.composite
def plan_inputs(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(STRUCTURE)
    name = draw(st.sampled_from(["Acme", "[a, b]", "{x: 1}", "*a", "''"]))
    return (
        f"name: {name}\nkind: commercial\nyear: {draw(YAML_NUMBERS)}\n"
        f"deductible: {{individual: {draw(YAML_NUMBERS)}}}\noop_max: {{individual: {draw(YAML_NUMBERS)}}}\n"
        f"accumulators: {{deductible_met: {draw(YAML_NUMBERS)}, oop_met: {draw(YAML_NUMBERS)}}}\n"
        f"benefits:\n  imaging: {{coinsurance: {draw(YAML_NUMBERS)}, copay: {draw(YAML_NUMBERS)}}}\n"
    )


@st.composite
def lines_inputs(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(STRUCTURE)
    return (
        f"lines:\n- id: a\n  code: '72148'\n  allowed: {draw(YAML_NUMBERS)}\n  units: {draw(YAML_NUMBERS)}\n"
        f"- id: b\n  code: '99213'\n  billed: {draw(YAML_NUMBERS)}\n"
    )


_X12 = (DATA / "x12-835-managed-care.835").read_text()


@st.composite
def x12_inputs(draw: st.DrawFn) -> str:
    """The managed-care 835 with amounts, dates and counts replaced by hostile values."""
    text = _X12
    for _ in range(draw(st.integers(1, 4))):
        segs = text.split("~")
        i = draw(st.integers(0, len(segs) - 1))
        parts = segs[i].split("*")
        j = draw(st.integers(0, len(parts) - 1))
        parts[j] = draw(
            st.sampled_from(
                ["99999999", "00000000", "1e400", "NaN", "Infinity", "-0", "9" * 40, "", "*", "~"]
            )
            | NUMBERS.map(str)
        )
        segs[i] = "*".join(parts)
        text = "~".join(segs)
    return text


def _resource_bundle(resources: list[dict[str, Any]], entry_object: bool) -> dict[str, Any]:
    if entry_object:
        return {"resourceType": "Bundle", "type": "collection", "entry": {"resource": resources[0]}}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


@st.composite
def fhir_inputs(draw: st.DrawFn) -> bytes:
    """A Bundle with a Patient, a MedicationRequest, pain scores and a procedure, hostile values inside."""
    ref = {"reference": "Patient/p1"}
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": draw(DATES), "name": [{"family": "A"}]}
    med: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "active",
        "intent": "order",
        "subject": ref,
        "medicationCodeableConcept": {"text": "ibuprofen 600 MG"},
        "authoredOn": draw(DATES),
    }
    if draw(st.booleans()):
        med["dispenseRequest"] = {"expectedSupplyDuration": {"value": draw(NUMBERS), "unit": "days"}}
    scores = [
        {
            "resourceType": "Observation",
            "id": f"o{i}",
            "status": "final",
            "subject": ref,
            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
            "effectiveDateTime": draw(DATES),
            draw(st.sampled_from(["valueInteger", "valueQuantity"])): draw(NUMBERS),
        }
        for i in range(2)
    ]
    for s in scores:
        if "valueQuantity" in s:
            s["valueQuantity"] = {"value": s["valueQuantity"]}
    proc = {
        "resourceType": "Procedure",
        "id": "x1",
        "status": "completed",
        "subject": ref,
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "64483"}]},
        "performedPeriod": {"start": draw(DATES), "end": draw(DATES)},
    }
    twin = {**patient, "name": [{"family": "B"}]} if draw(st.booleans()) else None
    resources = [patient, med, *scores, proc, *([twin] if twin else [])]
    text = json.dumps(_resource_bundle(resources, draw(st.integers(0, 9)) == 0), default=str)
    return text.encode()


def run_fhir(data: bytes) -> None:
    record = services.read_uploads([("record.json", data)], None)
    services.check(record, "64483", "commercial", setting=None, state=None, as_of=AS_OF)


def run_log(text: str) -> None:
    parse_log_text(text, "treatment-log.yaml")


def run_plan(text: str) -> None:
    parse_plan(text, "plan.yaml")


def run_lines(text: str) -> None:
    parse_lines(text, "lines.yaml")


def run_835(text: str) -> None:
    parse_835(text, "remit.835")


PARSERS: dict[str, tuple[st.SearchStrategy[Any], Any]] = {
    "fhir": (fhir_inputs(), run_fhir),
    "log": (log_inputs(), run_log),
    "plan": (plan_inputs(), run_plan),
    "lines": (lines_inputs(), run_lines),
    "835": (x12_inputs(), run_835),
}
