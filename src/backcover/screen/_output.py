"""The screen's output: Parquet rows (one per patient) and the population summary."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from backcover.vocab import Decision

__all__ = ["SCHEMA", "Summary", "combine", "write_rows"]

SCHEMA = pa.schema(
    [
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field("decision", pa.string(), nullable=False),
        pa.field("prior_authorization", pa.string(), nullable=False),
        pa.field("earliest_eligible_date", pa.date32()),
        pa.field("not_met", pa.list_(pa.string())),
        pa.field("unknown", pa.list_(pa.string())),
        pa.field("policy_versions", pa.list_(pa.string())),
    ]
)


def write_rows(rows: Sequence[dict[str, Any]], path: str) -> None:
    table = pa.Table.from_pylist(list(rows), schema=SCHEMA)
    pq.write_table(table, path)
    os.chmod(path, 0o600)


@dataclass(slots=True)
class Summary:
    """Counts over the whole population, built while the partitions are combined."""

    patients: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    prior_authorization: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    eligible_30: int = 0
    eligible_90: int = 0

    def add(self, table: pa.Table, as_of: date) -> None:
        self.patients += table.num_rows
        self.decisions.update(table.column("decision").to_pylist())
        self.prior_authorization.update(table.column("prior_authorization").to_pylist())
        for col in ("not_met", "unknown"):
            for ids in table.column(col).to_pylist():
                self.missing.update(ids or [])
        for d in table.column("earliest_eligible_date").to_pylist():
            if d is None:
                continue
            if d <= as_of + timedelta(days=30):
                self.eligible_30 += 1
            if d <= as_of + timedelta(days=90):
                self.eligible_90 += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "patients": self.patients,
            "decisions": {d.value: self.decisions.get(d.value, 0) for d in Decision},
            "prior_authorization": dict(sorted(self.prior_authorization.items())),
            "top_missing": [{"criterion": c, "patients": n} for c, n in self.missing.most_common(10)],
            "eligible_within_days": {"30": self.eligible_30, "90": self.eligible_90},
        }


def combine(parts: Sequence[str], out: Path, as_of: date) -> Summary:
    """Write every partition's rows, in partition order, into one Parquet file (one part at a time)."""
    summary = Summary()
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with pq.ParquetWriter(str(tmp), SCHEMA) as writer:
            for part in parts:
                table = pq.read_table(part, schema=SCHEMA)
                writer.write_table(table)
                summary.add(table, as_of)
            if not parts:
                writer.write_table(pa.Table.from_pylist([], schema=SCHEMA))
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return summary
