"""Hospital standard-charge JSON files, CMS schema v2.x and v3.0, streamed item by item.

Each ``standard_charge_information`` item has a description, ``code_information`` and
``standard_charges`` (per setting: gross_charge, discounted_cash, minimum, maximum and
``payers_information``). ``modifier_information`` (v3) describes payer-specific modifier
adjustments in text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from backcover.errors import BadInput
from backcover.pricefiles._hospital import Item, PayerCharge, item_rates
from backcover.pricefiles._model import Basis, Filters, Rate, Reading, parse_money
from backcover.pricefiles._stream import top_level

__all__ = ["HospitalJson"]

_ARRAYS = frozenset({"standard_charge_information", "modifier_information"})


class _SkipItem(Exception):
    pass


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class HospitalJson(Reading):
    format = "hospital-json"

    def __init__(self, fp: IO[bytes], file: str, filters: Filters) -> None:
        super().__init__(file, filters)
        self._fp = fp

    def _money(self, node: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        try:
            return parse_money(node.get(key))
        except ValueError as exc:
            self.warnings.add(f"{where}.{key}", f"{exc}; item skipped")
            raise _SkipItem from None

    def rows(self) -> Iterator[Rate]:
        seen_items = False
        for array, key, value in top_level(self._fp, self.file, _ARRAYS):
            if array == "":
                self._meta(str(key), value)
                continue
            where = f"$.{array}[{key}]"
            if not isinstance(value, Mapping):
                self.warnings.add(where, "not an object; skipped")
                continue
            seen_items = True
            if array == "modifier_information":
                yield from self._modifier(value, where)
                continue
            try:
                yield from self._item(value, where)
            except _SkipItem:
                continue
        if not seen_items and self.version is None:
            raise BadInput(
                "the JSON file has no hospital_name, version or standard_charge_information",
                "give a CMS hospital price file (schema v2.0 or v3.0)",
                self.file,
                "$",
            )

    def _meta(self, key: str, value: Any) -> None:
        if key == "hospital_name":
            self.entity = _text(value)
        elif key == "last_updated_on":
            self.last_updated = _text(value)
        elif key == "version":
            self.version = _text(value)
            major = (self.version or "").split(".")[0]
            if major not in ("2", "3"):
                raise BadInput(
                    f"unknown hospital price file version {self.version!r}",
                    "backcover reads CMS hospital price JSON schema v2.x and v3.0",
                    self.file,
                    "$.version",
                )
            self.format = f"hospital-v{major}-json"

    def _item(self, node: Mapping[str, Any], where: str) -> Iterator[Rate]:
        codes = [
            (str(c.get("code", "")).strip(), str(c.get("type", "")).strip().upper())
            for c in node.get("code_information") or []
            if isinstance(c, Mapping) and str(c.get("code", "")).strip()
        ]
        if not self.filters.wants_code(*(c for c, _ in codes)):
            return
        drug = node.get("drug_information")
        unit = None
        if isinstance(drug, Mapping):
            unit = " ".join(str(drug[k]) for k in ("unit", "type") if drug.get(k) is not None) or None
        items: list[tuple[Item, str]] = []
        for i, sc in enumerate(node.get("standard_charges") or []):
            if not isinstance(sc, Mapping):
                continue
            at = f"{where}.standard_charges[{i}]"
            mods = sc.get("modifier_code") or []
            item = Item(
                description=_text(node.get("description")),
                codes=codes,
                setting=(_text(sc.get("setting")) or "").lower() or None,
                modifiers=tuple(str(m) for m in mods) if isinstance(mods, list) else (str(mods),),
                drug_unit=unit,
                gross=self._money(sc, "gross_charge", at),
                cash=self._money(sc, "discounted_cash", at),
                minimum=self._money(sc, "minimum", at),
                maximum=self._money(sc, "maximum", at),
                notes=_text(sc.get("additional_generic_notes")),
                billing_class=(_text(sc.get("billing_class")) or "").lower() or None,
            )
            for j, p in enumerate(sc.get("payers_information") or []):
                if isinstance(p, Mapping):
                    item.payers.append(self._payer(p, f"{at}.payers_information[{j}]"))
            items.append((item, at))
        for item, at in items:
            yield from item_rates(item, at)

    def _payer(self, p: Mapping[str, Any], at: str) -> PayerCharge:
        pct = self._money(p, "standard_charge_percentage", at)
        return PayerCharge(
            payer=_text(p.get("payer_name")) or "",
            plan=_text(p.get("plan_name")),
            dollar=self._money(p, "standard_charge_dollar", at),
            percentage=pct,
            algorithm=_text(p.get("standard_charge_algorithm")),
            methodology=_text(p.get("methodology")),
            median=self._money(p, "median_amount", at),
            p10=self._money(p, "10th_percentile", at),
            p90=self._money(p, "90th_percentile", at),
            count=_text(p.get("count")),
            estimated=self._money(p, "estimated_amount", at),
            notes=_text(p.get("additional_payer_notes")),
        )

    def _modifier(self, node: Mapping[str, Any], where: str) -> Iterator[Rate]:
        mods = tuple(m.strip() for m in str(node.get("code", "")).split("|") if m.strip())
        for j, p in enumerate(node.get("modifier_payer_information") or []):
            if not isinstance(p, Mapping):
                continue
            yield Rate(
                code=None,
                code_type=None,
                basis=Basis.NEGOTIATED_ALGORITHM,
                amount=None,
                setting=_text(node.get("setting")),
                description=_text(node.get("description")),
                payer=_text(p.get("payer_name")),
                plan=_text(p.get("plan_name")),
                algorithm=_text(p.get("description")),
                modifiers=mods,
                notes=("a modifier's payment adjustment, stated in words",),
                where=f"{where}.modifier_payer_information[{j}]",
            )
