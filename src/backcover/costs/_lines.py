"""Claim lines: what a Good Faith Estimate, an insurer's estimate or an episode lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backcover.costs._model import BENEFITS
from backcover.costs._plan import TOP_KEYS
from backcover.costs._reader import Reader
from backcover.costs._yaml import load_money_yaml_text
from backcover.errors import BadInput
from backcover.vocab import Setting, values
from backcover.yamlio import check_keys, line_of, suggest

__all__ = [
    "FACILITY_SETTINGS",
    "INJURIES",
    "ROLES",
    "Line",
    "NetworkSource",
    "parse_lines",
    "parse_lines_data",
]

# Where the No Surprises Act's facility protections apply (CONTRACTS.md rule 4): not an office.
FACILITY_SETTINGS: frozenset[str] = frozenset({Setting.HOSPITAL_OUTPATIENT, Setting.ASC, Setting.INPATIENT})

# The roles a claim line may have. Which of them the No Surprises Act never lets a consent form
# waive is knowledge (plans/program-amounts.yaml, no_surprises_act.never_waivable_roles).
ROLES: tuple[str, ...] = (
    "anesthesia",
    "assistant_surgeon",
    "emergency_medicine",
    "hospitalist",
    "intensivist",
    "laboratory",
    "neonatology",
    "pathology",
    "radiology",
    "surgeon",
    "physician",
    "facility",
    "imaging",
    "neuromonitoring",
    "therapist",
    "chiropractor",
    "acupuncturist",
    "massage_therapist",
    "other",
)
_ALIASES = {
    "anesthesiologist": "anesthesia",
    "anesthesiology": "anesthesia",
    "crna": "anesthesia",
    "radiologist": "radiology",
    "pathologist": "pathology",
    "lab": "laboratory",
    "assistant": "assistant_surgeon",
}
_LINE_KEYS = (
    "id",
    "benefit",
    "code",
    "role",
    "allowed",
    "billed",
    "network",
    "facility_network",
    "setting",
    "consent_signed",
    "emergency",
    "recognized_amount",
    "medicare_part",
    "participating",
    "description",
    "price_source",
    "days",
    "good_faith_estimate",
    "accident",
    "npi",
    "facility_npi",
    "date",
    "injury",
)

# What caused an injury, when a line says so: a work injury is billed to workers' compensation and a
# crash to auto insurance before any health plan (see ``_cob``).
INJURIES: tuple[str, ...] = ("work", "auto")


@dataclass(frozen=True, slots=True)
class NetworkSource:
    """Where a line's network status came from: which directory was checked, for which NPI, and when."""

    status: str  # in | out | unknown
    npi: str | None
    directory: str
    network: str | None
    checked_at: str | None = None
    reason: str = ""
    facility_status: str | None = None
    facility_npi: str | None = None
    stated_on_line: bool = False
    details: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "status": self.status,
            "npi": self.npi,
            "directory": self.directory,
            "network": self.network,
            "checked_at": self.checked_at,
            "reason": self.reason,
        }
        if self.facility_npi is not None:
            out["facility"] = {"status": self.facility_status or "unknown", "npi": self.facility_npi}
        if self.stated_on_line:
            out["stated_on_line"] = True
        return out


@dataclass(frozen=True, slots=True)
class Line:
    """One claim line. ``allowed`` is ``None`` when no price is known yet (the estimate asks for it)."""

    id: str
    benefit: str
    allowed: Decimal | None
    billed: Decimal | None = None
    code: str | None = None
    role: str | None = None
    network: str = "in"
    facility_network: str | None = None
    setting: str | None = None
    consent_signed: bool = False
    emergency: bool = False
    recognized_amount: Decimal | None = None
    medicare_part: str = "B"
    participating: bool = True
    description: str = ""
    price_source: str | None = None
    days: int | None = None
    good_faith_estimate: Decimal | None = None
    accident: bool | None = None
    # the price table's note when ``allowed`` is not confirmed from the primary source (episodes only)
    price_confidence: str | None = None
    npi: str | None = None
    facility_npi: str | None = None
    date: dt.date | None = None
    injury: str | None = None
    # whether the line itself said `network:` / `facility_network:` (a directory decides the others)
    network_stated: bool = True
    facility_network_stated: bool = True
    network_source: NetworkSource | None = None
    # an estimated price's range (episodes only): ``allowed`` is the likely figure between them
    allowed_low: Decimal | None = None
    allowed_high: Decimal | None = None
    # lines that repeat one episode line (therapy visits) share its id here (episodes only)
    group: str | None = None
    # a Medicare hospital outpatient (OPPS) procedure: its copayment is capped at the year's inpatient
    # deductible (42 CFR 419.41(c)(4)(i)) (episodes only)
    opps_copay_cap: bool = False

    @property
    def is_range(self) -> bool:
        return self.allowed_low is not None and self.allowed_high is not None

    def bound(self, which: str) -> Line:
        """This line at the low or the high end of its range (itself when it has none)."""
        if not self.is_range:
            return self
        fields = {f: getattr(self, f) for f in self.__dataclass_fields__}
        fields.update(allowed=self.allowed_low if which == "low" else self.allowed_high)
        fields.update(allowed_low=None, allowed_high=None)
        return Line(**fields)

    def with_price(self, allowed: Decimal, source: str, billed: Decimal | None = None) -> Line:
        fields = {f: getattr(self, f) for f in self.__dataclass_fields__}
        fields.update(allowed=allowed, price_source=source, price_confidence=None)
        fields.update(allowed_low=None, allowed_high=None)
        if billed is not None:
            fields["billed"] = billed
        return Line(**fields)


def parse_lines(text: str, file: str = "<lines>") -> list[Line]:
    """Parse the YAML text of a lines file (``lines: [...]``)."""
    return parse_lines_data(load_money_yaml_text(text, file), file)


def parse_lines_data(data: Any, file: str) -> list[Line]:
    r = Reader(file)
    if isinstance(data, Mapping):
        check_keys(data, (*TOP_KEYS, "service_date", "source", "provider"), file, "the lines file")
        if "lines" not in data:
            raise BadInput(
                "the file has no `lines:` list", "add `lines:` with one entry per claim line", file, "line 1"
            )
        items = data["lines"]
        parent: Any = data
    else:
        items, parent = data, None
    if not isinstance(items, list) or not items:
        raise BadInput(
            "`lines` must be a non-empty list of claim lines",
            "write `lines:` then `- {id: surgeon, benefit: outpatient_physician, allowed: 1800.00}`",
            file,
            line_of(parent, "lines") if parent is not None else "line 1",
        )
    seen: set[str] = set()
    out: list[Line] = []
    for i, node in enumerate(items):
        if not isinstance(node, Mapping):
            raise r.bad(
                items, i, f"lines[{i}] must be a mapping", "write `- {id: ..., benefit: ..., allowed: ...}`"
            )
        out.append(_line(r, node, i, seen))
    return out


def _line(r: Reader, node: Mapping[str, Any], i: int, seen: set[str]) -> Line:
    what = f"lines[{i}]"
    check_keys(node, _LINE_KEYS, r.file, what)
    lid = str(node.get("id") or f"line{i + 1}")
    if lid in seen:
        raise r.bad(node, "id", f"two lines have the id {lid!r}", "give each line its own id")
    seen.add(lid)
    what = f"line {lid!r}"
    benefit = node.get("benefit")
    if benefit is None:
        raise r.bad(
            node, None, f"{what} has no benefit category", f"add `benefit:` ({', '.join(values(BENEFITS))})"
        )
    if str(benefit) not in BENEFITS:
        raise r.bad(
            node,
            "benefit",
            f"unknown benefit category {benefit!r} in {what}",
            suggest(str(benefit), values(BENEFITS)),
        )
    allowed = r.amount(node, "allowed", f"{what} allowed", nullable=True)
    billed = r.amount(node, "billed", f"{what} billed", nullable=True)
    if allowed is None and billed is None:
        raise r.bad(
            node,
            None,
            f"{what} has no price (neither allowed nor billed)",
            "add `allowed:` (the plan's price) or `billed:`",
        )
    role = node.get("role")
    if role is not None:
        role = _ALIASES.get(str(role).lower(), str(role))
        if role not in ROLES:
            raise r.bad(node, "role", f"unknown role {node['role']!r} in {what}", suggest(str(role), ROLES))
    network = r.choice(node, "network", f"{what} network", ("in", "out", "unknown"), "in")
    fnet = node.get("facility_network")
    if fnet is not None:
        fnet = r.choice(node, "facility_network", f"{what} facility_network", ("in", "out", "unknown"))
        fnet = None if fnet == "unknown" else fnet
    setting = node.get("setting")
    if setting is not None:
        setting = r.choice(node, "setting", f"{what} setting", Setting)
    days = r.count(node, "days", f"{what} days")
    accident = node.get("accident")
    injury = r.choice(node, "injury", f"{what} injury", INJURIES) if node.get("injury") is not None else None
    return Line(
        id=lid,
        benefit=str(benefit),
        allowed=allowed if allowed is not None else billed,
        billed=billed,
        code=str(node["code"]) if node.get("code") is not None else None,
        role=role,
        network=network,
        facility_network=fnet,
        setting=setting,
        consent_signed=r.boolean(node, "consent_signed", f"{what} consent_signed", False),
        emergency=r.boolean(node, "emergency", f"{what} emergency", False),
        recognized_amount=r.amount(node, "recognized_amount", f"{what} recognized_amount", nullable=True),
        medicare_part=r.choice(node, "medicare_part", f"{what} medicare_part", ("A", "B"), "B"),
        participating=r.boolean(node, "participating", f"{what} participating", True),
        description=str(node.get("description") or ""),
        price_source=str(node["price_source"]) if node.get("price_source") else None,
        days=days,
        good_faith_estimate=r.amount(
            node, "good_faith_estimate", f"{what} good_faith_estimate", nullable=True
        ),
        accident=accident if isinstance(accident, bool) else None,
        npi=_npi(r, node, "npi", what),
        facility_npi=_npi(r, node, "facility_npi", what),
        date=_date(r, node, what),
        injury=injury,
        network_stated="network" in node,
        facility_network_stated="facility_network" in node,
    )


def _npi(r: Reader, node: Mapping[str, Any], key: str, what: str) -> str | None:
    value = node.get(key)
    if value is None:
        return None
    text = str(value).strip()
    if not (len(text) == 10 and text.isdigit()):
        raise r.bad(
            node, key, f"{what} {key} must be a 10-digit NPI", 'write it in quotes, e.g. "1234567893"'
        )
    return text


def _date(r: Reader, node: Mapping[str, Any], what: str) -> dt.date | None:
    value = node.get("date")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise r.bad(node, "date", f"{what} date {value!r} is not a date", "write YYYY-MM-DD") from None
