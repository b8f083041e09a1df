"""Phase two of a screen: one partition's people, each checked exactly as `backcover check` would.

A partition task reads the shared resources and its spill files, maps them to record items with
the same FHIR reader the CLI uses, and checks each Patient on its own (one Patient resource is one
person: nothing is merged across Patient resources). It writes its rows to a Parquet file of its
own, so the output is produced partition by partition and never held whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from backcover.engine import Determination, check
from backcover.record import fhir
from backcover.record.fhir import Found
from backcover.record.merge import Source, merge
from backcover.screen._spill import read_partition

__all__ = ["ROW_FIELDS", "PartitionResult", "Question", "check_partition", "row_for", "warm"]

ROW_FIELDS = (
    "patient_id",
    "decision",
    "prior_authorization",
    "earliest_eligible_date",
    "not_met",
    "unknown",
    "policy_versions",
)


@dataclass(frozen=True, slots=True)
class Question:
    """The check asked of every patient (the same arguments as `backcover check`)."""

    procedure: str
    payer: str
    setting: str | None
    state: str | None
    as_of: date
    insurer: str | None = None  # a named insurer's own policies (CONTRACTS §5), as `check --insurer`


@dataclass(slots=True)
class PartitionResult:
    index: int
    output: str | None
    patients: int = 0
    warnings: list[str] = field(default_factory=list)


def warm(question: Question) -> None:
    """Load the knowledge a check needs (packs, code sets) once, before worker processes fork."""
    probe = {
        "resourceType": "Condition",
        "id": "warm-up",
        "subject": {"reference": "Patient/warm-up"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "278860009"}]},
    }
    parsed = fhir.parse_resources([Found(probe, "warm-up")], "warm-up")
    items = parsed.items.get("Patient/warm-up", [])
    record = merge([Source(file="warm-up", patients={}, items={None: items})], None)
    check(
        record,
        question.procedure,
        question.payer,
        setting=question.setting,
        state=question.state,
        as_of=question.as_of,
        insurer=question.insurer,
    )


def row_for(patient_id: str, det: Determination) -> dict[str, Any]:
    """The Parquet row of one patient (CONTRACTS.md section 7)."""
    versions = []
    for p in det.policies:
        version = p.effective.isoformat() if p.effective else "undated"
        versions.append(f"{p.id}@{version}")
    return {
        "patient_id": patient_id,
        "decision": str(det.decision),
        "prior_authorization": str(det.prior_authorization),
        "earliest_eligible_date": det.earliest_eligible_date,
        "not_met": [c.id for c in det.criteria if c.status == "not_met"],
        "unknown": [c.id for c in det.criteria if c.status == "unknown"],
        "policy_versions": versions,
    }


def check_partition(
    index: int,
    files: Sequence[str],
    bundles: Sequence[str],
    question: Question,
    out_dir: str,
) -> PartitionResult:
    """Check every Patient of one partition and write its rows to ``out_dir/part-NNNNN.parquet``."""
    from backcover.screen._output import write_rows

    warnings: list[str] = []
    name = f"partition {index}"
    parsed = read_partition(files, bundles, name, warnings)
    rows: list[dict[str, Any]] = []
    for pid in sorted(parsed.patients):
        patient = parsed.patients[pid]
        source = Source(file=name, patients={pid: patient}, items={pid: parsed.items.get(pid, [])})
        record = merge([source], None)
        det = check(
            record,
            question.procedure,
            question.payer,
            setting=question.setting,
            state=question.state,
            as_of=question.as_of,
            insurer=question.insurer,
        )
        rows.append(row_for(pid.split("/", 1)[1], det))
    del parsed
    output = None
    if rows:
        output = str(Path(out_dir) / f"part-{index:05d}.parquet")
        write_rows(rows, output)
    return PartitionResult(index, output, len(rows), warnings)
