"""Hospital standard-charge CSV files, CMS templates v2.0 and v3.0, tall and wide layouts.

Row 1 names the file's general data elements (hospital_name, last_updated_on, version, ...),
row 2 gives their values, row 3 the column headers, and each further row one item. The tall
layout has one row per payer and plan (``payer_name``, ``plan_name``); the wide one a column
group per payer and plan (``standard_charge|PAYER|PLAN|negotiated_dollar``, and in v3
``median_amount|PAYER|PLAN``, ``10th_percentile|...``, ``90th_percentile|...``, ``count|...``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO

from backcover.errors import BadInput
from backcover.pricefiles._hospital import Item, PayerCharge, item_rates
from backcover.pricefiles._model import Filters, Rate, Reading, csv_rows, parse_money

__all__ = ["HospitalCsv"]

_REQUIRED = ("description", "setting")
_PAYER_PREFIXES = frozenset(
    {
        "standard_charge",
        "median_amount",
        "10th_percentile",
        "90th_percentile",
        "count",
        "additional_payer_notes",
        "estimated_amount",
    }
)
_GENERAL = (
    "standard_charge|gross",
    "standard_charge|discounted_cash",
    "standard_charge|min",
    "standard_charge|max",
)
_PAYER_MONEY = {
    "negotiated_dollar": "dollar",
    "negotiated_percentage": "percentage",
    "median_amount": "median",
    "10th_percentile": "p10",
    "90th_percentile": "p90",
    "estimated_amount": "estimated",
}
_PAYER_TEXT = {
    "negotiated_algorithm": "algorithm",
    "methodology": "methodology",
    "count": "count",
    "additional_payer_notes": "notes",
}


class _SkipRow(Exception):
    pass


def _key(header: str) -> str:
    return "|".join(p.strip() for p in header.split("|")).strip()


def _fixed(header: str) -> str:
    return _key(header).lower()


class HospitalCsv(Reading):
    def __init__(self, fp: IO[bytes], file: str, filters: Filters) -> None:
        super().__init__(file, filters)
        self._text = io.TextIOWrapper(fp, encoding="utf-8-sig", errors="replace", newline="")
        self._reader = csv.reader(self._text)
        self._lines = csv_rows(self._reader, file)
        names = next(self._lines, [])
        values = next(self._lines, [])
        meta = {_fixed(n): v.strip() for n, v in zip(names, values, strict=False) if n.strip()}
        self.entity = meta.get("hospital_name") or None
        self.last_updated = meta.get("last_updated_on") or None
        self.version = meta.get("version") or None
        major = (self.version or "").split(".")[0]
        if major not in ("2", "3"):
            raise BadInput(
                f"unknown hospital price file version {self.version!r} (row 2, column version)",
                "backcover reads CMS templates v2.0 and v3.0; row 1 must name hospital_name, "
                "last_updated_on, version and row 2 give their values",
                file,
                "line 2",
            )
        self._header = [_key(h) for h in next(self._lines, [])]
        low = [h.lower() for h in self._header]
        missing = [c for c in _REQUIRED if c not in low]
        if missing or not any(h.startswith("code|") for h in low):
            raise BadInput(
                f"row 3 lacks the columns {', '.join(missing or ['code|1'])}",
                "row 3 of a CMS hospital price file names description, code|1, code|1|type, setting, "
                "standard_charge|gross, standard_charge|discounted_cash and the payer columns",
                file,
                "line 3",
            )
        self._col = {h: i for i, h in enumerate(low) if h}
        self.tall = "payer_name" in self._col
        self._groups: dict[tuple[str, str], dict[str, int | None]] = self._payer_groups()
        self._tall_cols: dict[str, int | None] = {
            k: self._col.get(f"standard_charge|{k}")
            for k in ("negotiated_dollar", "negotiated_percentage", "negotiated_algorithm", "methodology")
        }
        for k in ("median_amount", "10th_percentile", "90th_percentile", "count", "estimated_amount"):
            self._tall_cols[k] = self._col.get(k)
        if not self.tall and not self._groups:
            raise BadInput(
                "row 3 has neither payer_name (tall layout) nor standard_charge|PAYER|PLAN|... (wide layout)",
                "use the CMS v2.0/v3.0 CSV template",
                file,
                "line 3",
            )
        self.format = f"hospital-v{major}-csv-{'tall' if self.tall else 'wide'}"
        self._codes = sorted(
            {h.split("|")[1] for h in self._col if h.startswith("code|") and len(h.split("|")) == 2},
            key=lambda s: (len(s), s),
        )

    def _payer_groups(self) -> dict[tuple[str, str], dict[str, int | None]]:
        groups: dict[tuple[str, str], dict[str, int | None]] = {}
        for i, h in enumerate(self._header):
            parts = h.split("|")
            head = parts[0].lower()
            if head not in _PAYER_PREFIXES or len(parts) < 3:
                continue
            if head == "standard_charge":
                if len(parts) != 4:
                    continue
                kind = parts[3].lower()
            else:
                kind = head
            groups.setdefault((parts[1], parts[2]), {})[kind] = i
        return groups

    def _cell(self, row: list[str], name: str) -> str:
        i = self._col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def _money(self, row: list[str], index: int | None, line: int) -> Decimal | None:
        if index is None or index >= len(row):
            return None
        try:
            return parse_money(row[index])
        except ValueError as exc:
            self.warnings.add(f"line {line}, column {self._header[index]}", f"{exc}; row skipped")
            raise _SkipRow from None

    def rows(self) -> Iterator[Rate]:
        last: tuple[object, ...] | None = None
        for row in self._lines:
            line = self._reader.line_num
            if not any(c.strip() for c in row):
                continue
            codes = [
                (self._cell(row, f"code|{i}"), self._cell(row, f"code|{i}|type").upper())
                for i in self._codes
                if self._cell(row, f"code|{i}")
            ]
            if not self.filters.wants_code(*(c for c, _ in codes)):
                continue
            try:
                item = self._item(row, codes, line)
            except _SkipRow:
                continue
            key = (
                item.description,
                tuple(codes),
                item.setting,
                item.modifiers,
                item.drug_unit,
                item.gross,
                item.cash,
                item.minimum,
                item.maximum,
            )
            yield from item_rates(item, f"line {line}", general=key != last)
            last = key

    def _item(self, row: list[str], codes: list[tuple[str, str]], line: int) -> Item:
        unit = " ".join(
            x
            for x in (
                self._cell(row, "drug_unit_of_measurement"),
                self._cell(row, "drug_type_of_measurement"),
            )
            if x
        )
        mods = tuple(m.strip() for m in self._cell(row, "modifiers").split("|") if m.strip())
        gross, cash, low, high = (self._money(row, self._col.get(c), line) for c in _GENERAL)
        item = Item(
            description=self._cell(row, "description") or None,
            codes=codes,
            setting=self._cell(row, "setting").lower() or None,
            modifiers=mods,
            drug_unit=unit or None,
            gross=gross,
            cash=cash,
            minimum=low,
            maximum=high,
            notes=self._cell(row, "additional_generic_notes") or None,
            billing_class=self._cell(row, "billing_class").lower() or None,
        )
        if self.tall:
            payer = self._cell(row, "payer_name")
            # In the tall layout a row's notes belong to its payer and plan.
            notes, item.notes = item.notes, None
            if payer:
                charge = self._payer(row, payer, self._cell(row, "plan_name"), self._tall_cols, line)
                charge.notes = notes
                item.payers.append(charge)
        else:
            for (payer, plan), group in self._groups.items():
                p = self._payer(row, payer, plan, group, line)
                if any(getattr(p, f) is not None for f in (*_PAYER_MONEY.values(), "algorithm")):
                    item.payers.append(p)
        return item

    def _payer(
        self, row: list[str], payer: str, plan: str, cols: Mapping[str, int | None], line: int
    ) -> PayerCharge:
        p = PayerCharge(payer=payer, plan=plan or None)
        for kind, attr in _PAYER_MONEY.items():
            setattr(p, attr, self._money(row, cols.get(kind), line))
        for kind, attr in _PAYER_TEXT.items():
            i = cols.get(kind)
            text = row[i].strip() if i is not None and i < len(row) else ""
            setattr(p, attr, text or None)
        return p
