"""Transparency in Coverage files (CMSgov price-transparency-guide), streamed with ijson.

- in-network rates: ``in_network`` items (billing code, ``negotiated_rates``), whose providers are
  given inline (``provider_groups``) or by id into the top-level ``provider_references``;
- allowed amounts: ``out_of_network`` items (``allowed_amounts`` -> ``payments``);
- table of contents: ``reporting_structure``, which names the in-network and allowed-amount files.

Real files run to many gigabytes: items are read one at a time, items whose billing code the
filters do not want are skipped without being built, and only provider references are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import IO, Any

from backcover.errors import BadInput
from backcover.pricefiles._model import Basis, Filters, Rate, Reading, parse_money
from backcover.pricefiles._stream import top_level

__all__ = ["TicFile"]

_ARRAYS = frozenset({"in_network", "out_of_network", "provider_references", "reporting_structure"})
_DOLLAR_TYPES = {"negotiated", "derived", "fee schedule"}
_NPI_SHOWN = 25

Providers = tuple[tuple[str, ...], tuple[str, ...]]


def _s(value: Any) -> str | None:
    return None if value is None else (str(value).strip() or None)


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


class TicFile(Reading):
    format = "tic"

    def __init__(self, fp: IO[bytes], file: str, filters: Filters) -> None:
        super().__init__(file, filters)
        self._fp = fp
        self._refs: dict[str, Providers] = {}
        self._refs_done = False
        self.items_read = 0

    def _skip(self, array: str, key: str, value: Any) -> bool:
        return (
            array in ("in_network", "out_of_network")
            and key == "billing_code"
            and not self.filters.wants_code(str(value))
        )

    def rows(self) -> Iterator[Rate]:
        pending: list[tuple[Mapping[str, Any], str]] = []
        kinds: set[str] = set()
        for array, key, value in top_level(self._fp, self.file, _ARRAYS, self._skip):
            if array == "":
                self._meta(str(key), value)
                continue
            kinds.add(array)
            where = f"$.{array}[{key}]"
            if not isinstance(value, Mapping):
                self.warnings.add(where, "not an object; skipped")
            elif array == "provider_references":
                self._reference(value, where)
            elif array == "reporting_structure":
                self._contents(value)
            elif array == "out_of_network":
                self.items_read += 1
                yield from self._allowed(value, where)
            elif self._unresolved(value):
                pending.append((value, where))
            else:
                self.items_read += 1
                yield from self._in_network(value, where)
        self._refs_done = True
        for value, where in pending:
            self.items_read += 1
            yield from self._in_network(value, where)
        self.format = (
            "tic-table-of-contents"
            if "reporting_structure" in kinds
            else "tic-allowed-amounts"
            if "out_of_network" in kinds
            else "tic-in-network-rates"
        )
        if not kinds and self.entity is None:
            raise BadInput(
                "the JSON file has none of in_network, out_of_network, reporting_structure",
                "give a Transparency in Coverage in-network-rates, allowed-amounts or table-of-contents file",
                self.file,
                "$",
            )

    def _meta(self, key: str, value: Any) -> None:
        if key == "reporting_entity_name":
            self.entity = _s(value)
        elif key == "last_updated_on":
            self.last_updated = _s(value)
        elif key == "version":
            self.version = _s(value)
        elif key == "plan_name":
            self.plan = _s(value)

    def _reference(self, node: Mapping[str, Any], where: str) -> None:
        gid = _s(node.get("provider_group_id"))
        if gid is None:
            self.warnings.add(where, "a provider reference without provider_group_id; skipped")
            return
        if node.get("location") and not node.get("provider_groups"):
            self.warnings.add(
                where, f"provider group {gid} is in another file ({node['location']}); not read"
            )
        self._refs[gid] = self._groups(node.get("provider_groups"))

    def _groups(self, groups: Any) -> Providers:
        npis: list[str] = []
        tins: list[str] = []
        for g in groups if isinstance(groups, list) else []:
            if not isinstance(g, Mapping):
                continue
            npis.extend(str(n) for n in g.get("npi") or [] if str(n) != "0")
            tin = g.get("tin")
            if isinstance(tin, Mapping) and tin.get("value"):
                tins.append(str(tin["value"]))
        if self.filters.npis:
            npis = [n for n in npis if n in self.filters.npis]
        return tuple(dict.fromkeys(npis)), tuple(dict.fromkeys(tins))

    def _unresolved(self, node: Mapping[str, Any]) -> bool:
        if self._refs_done:
            return False
        for nr in node.get("negotiated_rates") or []:
            refs = nr.get("provider_references") or [] if isinstance(nr, Mapping) else []
            if any(_s(r) not in self._refs for r in refs):
                return True
        return False

    def _providers(self, nr: Mapping[str, Any], where: str) -> Providers:
        npis: list[str] = []
        tins: list[str] = []
        for ref in nr.get("provider_references") or []:
            got = self._refs.get(_s(ref) or "")
            if got is None:
                self.warnings.add(where, f"provider reference {ref} is not in provider_references")
                continue
            npis.extend(got[0])
            tins.extend(got[1])
        inline = self._groups(nr.get("provider_groups"))
        npis.extend(inline[0])
        tins.extend(inline[1])
        return tuple(dict.fromkeys(npis)), tuple(dict.fromkeys(tins))

    def _base(self, node: Mapping[str, Any], basis: Basis) -> Rate:
        return Rate(
            code=_s(node.get("billing_code")),
            code_type=_s(node.get("billing_code_type")),
            basis=basis,
            amount=None,
            description=_s(node.get("description")) or _s(node.get("name")),
            payer=self.entity,
            plan=self.plan,
        )

    def _in_network(self, node: Mapping[str, Any], where: str) -> Iterator[Rate]:
        if not self.filters.wants_code(_s(node.get("billing_code"))):
            return
        for i, nr in enumerate(node.get("negotiated_rates") or []):
            if not isinstance(nr, Mapping):
                continue
            at = f"{where}.negotiated_rates[{i}]"
            npis, tins = self._providers(nr, at)
            if not self._wants_providers(npis, tins):
                continue
            for j, price in enumerate(nr.get("negotiated_prices") or []):
                if isinstance(price, Mapping):
                    rate = self._price(node, price, npis, tins, f"{at}.negotiated_prices[{j}]")
                    if rate is not None:
                        yield rate

    def _wants_providers(self, npis: tuple[str, ...], tins: tuple[str, ...]) -> bool:
        if self.filters.npis and not self.filters.npis.intersection(npis):
            return False
        return not self.filters.tins or bool(self.filters.tins.intersection(t.replace("-", "") for t in tins))

    def _price(
        self,
        node: Mapping[str, Any],
        price: Mapping[str, Any],
        npis: tuple[str, ...],
        tins: tuple[str, ...],
        at: str,
    ) -> Rate | None:
        kind = (_s(price.get("negotiated_type")) or "").lower()
        try:
            value = parse_money(price.get("negotiated_rate"))
        except ValueError as exc:
            self.warnings.add(f"{at}.negotiated_rate", f"{exc}; price skipped")
            return None
        notes: list[str] = []
        shown = npis[:_NPI_SHOWN]
        if len(npis) > len(shown):
            notes.append(f"{len(npis)} NPIs; the first {len(shown)} are listed (use --npi to pick yours)")
        if kind == "percentage":
            basis, amount, pct = Basis.NEGOTIATED_PERCENTAGE, None, value
            notes.append("a percentage of a base the file does not state: no dollar amount")
        elif kind == "per diem":
            basis, amount, pct = Basis.PER_DIEM, value, None
        elif kind in _DOLLAR_TYPES:
            basis, amount, pct = Basis.NEGOTIATED_DOLLAR, value, None
        else:
            self.warnings.add(f"{at}.negotiated_type", f"unknown negotiated_type {kind!r}; price skipped")
            return None
        info = _s(price.get("additional_information"))
        return replace(
            self._base(node, basis),
            amount=amount,
            percentage=pct,
            negotiated_type=kind,
            setting=_s(price.get("setting")),
            billing_class=_s(price.get("billing_class")),
            modifiers=_strs(price.get("billing_code_modifier")),
            service_codes=_strs(price.get("service_code")),
            expiration_date=_s(price.get("expiration_date")),
            algorithm=info,
            npi=shown,
            tin=tins,
            notes=tuple(notes),
            where=at,
        )

    def _allowed(self, node: Mapping[str, Any], where: str) -> Iterator[Rate]:
        if not self.filters.wants_code(_s(node.get("billing_code"))):
            return
        for i, aa in enumerate(node.get("allowed_amounts") or []):
            if not isinstance(aa, Mapping):
                continue
            tin = aa.get("tin")
            tins = (str(tin["value"]),) if isinstance(tin, Mapping) and tin.get("value") else ()
            for j, pay in enumerate(aa.get("payments") or []):
                if not isinstance(pay, Mapping):
                    continue
                at = f"{where}.allowed_amounts[{i}].payments[{j}]"
                try:
                    amount = parse_money(pay.get("allowed_amount"))
                except ValueError as exc:
                    self.warnings.add(f"{at}.allowed_amount", f"{exc}; payment skipped")
                    continue
                npis: list[str] = []
                billed: list[Decimal] = []
                for prov in pay.get("providers") or []:
                    if isinstance(prov, Mapping):
                        npis.extend(str(n) for n in prov.get("npi") or [])
                        b = prov.get("billed_charge")
                        if isinstance(b, Decimal | int):
                            billed.append(Decimal(b))
                if self.filters.npis:
                    npis = [n for n in npis if n in self.filters.npis]
                if not self._wants_providers(tuple(npis), tins):
                    continue
                notes = ["out-of-network claims: what the plan allowed"]
                if billed:
                    notes.append(f"billed charges {min(billed)} to {max(billed)}")
                yield replace(
                    self._base(node, Basis.ALLOWED_AMOUNT),
                    amount=amount,
                    billing_class=_s(aa.get("billing_class")),
                    service_codes=_strs(aa.get("service_code")),
                    modifiers=_strs(pay.get("billing_code_modifier")),
                    npi=tuple(dict.fromkeys(npis))[:_NPI_SHOWN],
                    tin=tins,
                    notes=tuple(notes),
                    where=at,
                )

    def _contents(self, node: Mapping[str, Any]) -> None:
        plans = [_s(p.get("plan_name")) for p in node.get("reporting_plans") or [] if isinstance(p, Mapping)]
        named = ", ".join(p for p in plans if p) or None
        files = [("in-network rates", f) for f in node.get("in_network_files") or []]
        if isinstance(node.get("allowed_amount_file"), Mapping):
            files.append(("allowed amounts", node["allowed_amount_file"]))
        for kind, f in files:
            if isinstance(f, Mapping):
                self.files.append(
                    {
                        "kind": kind,
                        "location": _s(f.get("location")),
                        "description": _s(f.get("description")),
                        "plans": named,
                    }
                )
