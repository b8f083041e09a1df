"""CMS payment files saved as CSV: OPPS Addendum B, ASC Addendum AA, IPPS Table 5 and the
anesthesia base units. Each is found by its header row (CMS puts title rows above it).

Header layouts (confirmed from published copies of the files' headers, see docs/prices.md):
- OPPS Addendum B: ``HCPCS Code, Short Descriptor, SI, APC, Relative Weight, Payment Rate,
  National Unadjusted Copayment, Minimum Unadjusted Copayment, ...``
- IPPS Table 5: ``MS-DRG, ..., MDC, TYPE, MS-DRG Title, Weights, Geometric mean LOS,
  Arithmetic mean LOS``; it gives relative weights, not dollars.
Not confirmed from a primary copy (detected by the names CMS is known to use):
- ASC Addendum AA: ``HCPCS Code`` with columns containing ``Payment Indicator`` and ``Payment Rate``.
- Anesthesia base units: a ``CPT``/``Code`` column with one containing ``Base Unit``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

from backcover.pricefiles._model import Basis, Filters, Rate, Reading, csv_rows, parse_money

__all__ = ["LAYOUTS", "MedicareCsv", "find_layout"]

_HEADER_ROWS = 30
#: What CMS's spreadsheets put in a cell that has no figure.
_PLACEHOLDERS = frozenset({".", "na", "n/a", "**", "-", "--"})


def _n(h: str) -> str:
    return " ".join(h.replace("\n", " ").split()).lower()


def _find(cols: list[str], *needles: str) -> int | None:
    for needle in needles:
        for i, c in enumerate(cols):
            if c == needle:
                return i
    for needle in needles:
        for i, c in enumerate(cols):
            if needle in c:
                return i
    return None


#: format name -> (code column names, columns that must also be present, setting)
LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "cms-opps-addendum-b": (("hcpcs code",), ("payment rate", "si", "apc"), "outpatient"),
    "cms-asc-addendum-aa": (("hcpcs code",), ("payment indicator", "payment rate"), "asc"),
    "cms-ipps-table-5": (("ms-drg",), ("weights", "ms-drg title"), "inpatient"),
    "cms-anesthesia-base-units": (("cpt code", "code", "cpt"), ("base unit",), "both"),
}


def find_layout(rows: list[list[str]]) -> tuple[str, int, list[str]] | None:
    """The layout whose header row appears in the first rows: (format, row index, headers)."""
    for r, row in enumerate(rows[:_HEADER_ROWS]):
        cols = [_n(c) for c in row]
        for name, (code_cols, needs, _) in LAYOUTS.items():
            if _find(cols, *code_cols) is None:
                continue
            exact = {"si", "apc", "weights"}
            if all((n in cols) if n in exact else _find(cols, n) is not None for n in needs):
                return name, r, cols
    return None


class MedicareCsv(Reading):
    def __init__(self, fp: IO[bytes], file: str, filters: Filters, layout: str) -> None:
        super().__init__(file, filters)
        self.format = layout
        self.entity = "Centers for Medicare & Medicaid Services"
        self._text = io.TextIOWrapper(fp, encoding="utf-8-sig", errors="replace", newline="")

    def rows(self) -> Iterator[Rate]:
        reader = csv.reader(self._text)
        lines = csv_rows(reader, self.file)
        head: list[list[str]] = []
        for row in lines:
            head.append(row)
            if len(head) >= _HEADER_ROWS:
                break
        found = find_layout(head)
        assert found is not None and found[0] == self.format
        _, at, cols = found
        code_cols, _, setting = LAYOUTS[self.format]
        i_code = _find(cols, *code_cols)
        assert i_code is not None
        i_desc = _find(cols, "short descriptor", "ms-drg title", "descriptor", "description")
        i_pay = _find(cols, "payment rate")
        i_weight = _find(cols, "weights", "relative weight", "payment weight")
        i_units = _find(cols, "base unit")
        i_copay = _find(cols, "national unadjusted copayment")
        i_ind = _find(cols, "si", "payment indicator")

        def rows_after() -> Iterator[tuple[int, list[str]]]:
            for k, row in enumerate(head[at + 1 :], start=at + 2):
                yield k, row
            for row in lines:
                yield reader.line_num, row

        for line, row in rows_after():
            code = row[i_code].strip() if i_code < len(row) else ""
            if not code or not self.filters.wants_code(code):
                continue
            try:
                amount, weight, units, copay = (
                    self._num(row, i, cols, line) for i in (i_pay, i_weight, i_units, i_copay)
                )
            except ValueError:
                continue
            notes: list[str] = []
            if i_ind is not None and i_ind < len(row) and row[i_ind].strip():
                notes.append(f"{cols[i_ind]} {row[i_ind].strip()}")
            if copay is not None:
                notes.append(f"national unadjusted copayment {copay}")
            if self.format == "cms-ipps-table-5":
                notes.append("a relative weight: Medicare pays weight x the hospital's standardized amount")
            if self.format == "cms-anesthesia-base-units":
                notes.append("Medicare pays (base units + time units) x the anesthesia conversion factor")
            if amount is None and weight is None and units is None:
                continue
            yield Rate(
                code=code,
                code_type="MS-DRG" if self.format == "cms-ipps-table-5" else "HCPCS",
                basis=Basis.MEDICARE_PAYMENT,
                amount=amount,
                setting=setting,
                description=row[i_desc].strip() if i_desc is not None and i_desc < len(row) else None,
                payer="Medicare",
                relative_weight=weight if self.format != "cms-anesthesia-base-units" else None,
                base_units=units,
                notes=tuple(notes),
                where=f"line {line}",
            )

    def _num(self, row: list[str], i: int | None, cols: list[str], line: int) -> Decimal | None:
        if i is None or i >= len(row) or row[i].strip().lower() in _PLACEHOLDERS:
            return None
        try:
            return parse_money(row[i])
        except ValueError as exc:
            self.warnings.add(f"line {line}, column {cols[i]}", f"{exc}; row skipped")
            raise
