"""The plan as a form: the Summary of Benefits and Coverage (SBC) numbers, field by field.

Each field says where it is on the uniform SBC template (the federal form every plan must use,
CMS-10407: page 1 is "Important Questions"; the chart of "Common Medical Event" rows begins on
page 2 and keeps its row order; chiropractic is listed under "Other Covered Services" after the
chart). The form edits the same plan YAML that ``backcover estimate --plan`` reads (CONTRACTS.md
section 2); every save goes through :func:`backcover.costs.parse_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.comments import CommentedMap

from backcover.costs import parse_plan
from backcover.errors import BadInput
from backcover.vocab import BenefitCategory
from backcover.yamlio import dump_yaml, load_yaml_text

__all__ = ["BENEFIT_ROWS", "FIELDS", "SbcField", "apply", "field_label", "values_of"]


@dataclass(frozen=True, slots=True)
class SbcField:
    key: str  # the form field's name: the YAML path joined by "."
    label: str
    kind: str  # money | percent | count | yesno
    sbc: str  # where it is on the SBC
    hint: str = ""


_P1 = "SBC page 1, Important Questions"
_OON = "SBC chart from page 2, column \u201cOut-of-Network Provider (You will pay the most)\u201d"

# The benefit rows: (category, the SBC's "Common Medical Event" and "Services You May Need").
BENEFIT_ROWS: tuple[tuple[BenefitCategory, str], ...] = (
    (
        BenefitCategory.SPECIALIST_VISIT,
        "page 2: If you visit a health care provider's office \u2192 Specialist visit",
    ),
    (BenefitCategory.IMAGING_ADVANCED, "page 2: If you have a test \u2192 Imaging (CT/PET scans, MRIs)"),
    (
        BenefitCategory.OUTPATIENT_FACILITY,
        "page 2 or 3: If you have outpatient surgery \u2192 Facility fee (e.g., ambulatory surgery center)",
    ),
    (
        BenefitCategory.OUTPATIENT_PHYSICIAN,
        "page 2 or 3: If you have outpatient surgery \u2192 Physician/surgeon fees",
    ),
    (
        BenefitCategory.ANESTHESIA,
        "page 2 or 3: If you have outpatient surgery \u2192 Physician/surgeon fees (anesthesia is often "
        "named in "
        "its Limitations column)",
    ),
    (
        BenefitCategory.REHABILITATION,
        "page 3: If you need help recovering or have other special health needs \u2192 "
        "Rehabilitation services",
    ),
    (BenefitCategory.CHIROPRACTIC, "last page: Other Covered Services \u2192 Chiropractic care"),
)
_LIMITED = {BenefitCategory.REHABILITATION, BenefitCategory.CHIROPRACTIC}


def _benefit_fields(cat: BenefitCategory, where: str) -> list[SbcField]:
    b = f"benefits.{cat.value}"
    out = [
        SbcField(f"{b}.covered", "Covered", "yesno", where),
        SbcField(f"{b}.copay", "Copay", "money", where, "a fixed dollar amount; empty if none"),
        SbcField(f"{b}.coinsurance", "Coinsurance", "percent", where, "a percent such as 20; empty if none"),
        SbcField(
            f"{b}.deductible_applies",
            "Deductible first",
            "yesno",
            where,
            "the SBC says \u201cafter deductible\u201d",
        ),
    ]
    if cat in _LIMITED:
        out.append(SbcField(f"{b}.visit_limit", "Visits a year", "count", where, "empty if no limit"))
    return out


FIELDS: tuple[SbcField, ...] = (
    SbcField(
        "deductible.individual", "Deductible (one person)", "money", f"{_P1}: What is the overall deductible?"
    ),
    SbcField(
        "deductible.family",
        "Family deductible",
        "money",
        f"{_P1}: What is the overall deductible?",
        "empty if self-only",
    ),
    SbcField(
        "oop_max.individual",
        "Out-of-pocket limit (one person)",
        "money",
        f"{_P1}: What is the out-of-pocket limit?",
    ),
    SbcField(
        "oop_max.family",
        "Family out-of-pocket limit",
        "money",
        f"{_P1}: What is the out-of-pocket limit?",
        "empty if self-only",
    ),
    *[f for cat, where in BENEFIT_ROWS for f in _benefit_fields(cat, where)],
    SbcField(
        "out_of_network.covered",
        "Pays for out-of-network care",
        "yesno",
        f"{_P1}: Will you pay less if you use a network provider?",
    ),
    SbcField(
        "out_of_network.deductible.individual",
        "Out-of-network deductible",
        "money",
        f"{_P1}: What is the overall deductible?",
    ),
    SbcField(
        "out_of_network.oop_max.individual",
        "Out-of-network out-of-pocket limit",
        "money",
        f"{_P1}: What is the out-of-pocket limit?",
        "empty if there is no limit",
    ),
    SbcField("out_of_network.coinsurance", "Out-of-network coinsurance", "percent", _OON),
)
_BY_KEY = {f.key: f for f in FIELDS}


def _get(data: Any, key: str) -> Any:
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(f: SbcField, v: Any) -> str:
    if f.kind == "yesno":  # covered and deductible_applies are yes unless the file says no
        return "no" if v is False else "yes"
    if v is None:
        return ""
    if f.kind == "percent":
        pct = (Decimal(str(v)) * 100).normalize()
        return f"{pct:f}"
    return f"{Decimal(str(v)).normalize():f}" if f.kind == "money" else str(v)


def values_of(text: str, file: str) -> dict[str, str]:
    """The form's values, read from a plan's YAML text."""
    data = load_yaml_text(text, file)
    out = {}
    for f in FIELDS:
        out[f.key] = _text(f, _get(data, f.key))
    if not isinstance(data.get("out_of_network"), dict):
        out["out_of_network.covered"] = "no"  # no out_of_network section: no out-of-network benefits
    return out


def _number(f: SbcField, raw: str) -> Decimal | int | bool | None:
    raw = raw.strip()
    if f.kind == "yesno":
        return raw == "yes"
    cleaned = raw.replace("$", "").replace(",", "").replace("%", "").strip()
    if not cleaned:
        return None
    try:
        d = Decimal(cleaned)
    except InvalidOperation:
        d = Decimal("NaN")
    if not d.is_finite() or d < 0:
        fix = {
            "money": "type an amount in dollars, such as 2000 or 50",
            "percent": "type a percent from 0 to 100, such as 20",
            "count": "type a whole number of visits, such as 20",
        }[f.kind]
        raise BadInput(f"{raw!r} is not a number backcover can use", fix, where=f.key)
    if f.kind == "percent":
        if d > 100:
            raise BadInput(f"{raw}% is more than 100%", "type a percent from 0 to 100", where=f.key)
        return d / 100
    if f.kind == "count":
        if d != d.to_integral_value():
            raise BadInput(f"{raw!r} is not a whole number", "type a whole number of visits", where=f.key)
        return int(d)
    return d


def _yaml_value(v: Decimal | int | bool | None) -> Any:
    if isinstance(v, Decimal):
        # A float written by ruamel is its shortest repr, the decimal text typed; plans are read as
        # decimals from that text, never through the binary value.
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _set(data: CommentedMap, key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = CommentedMap()
            node[part] = nxt
        node = nxt
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def apply(text: str, file: str, form: dict[str, str]) -> tuple[str | None, dict[str, BadInput]]:
    """The plan's new YAML text with the form's values, or the errors by field (nothing saved)."""
    errors: dict[str, BadInput] = {}
    parsed: dict[str, Any] = {}
    for f in FIELDS:
        try:
            parsed[f.key] = _number(f, form.get(f.key, ""))
        except BadInput as exc:
            errors[f.key] = exc
    if errors:
        return None, errors
    data = load_yaml_text(text, file)
    for f in FIELDS:
        v = parsed[f.key]
        if f.key.startswith("benefits.") and f.key.endswith(".covered") and v is True:
            v = None  # covered is the default: keep the file short
        _set(data, f.key, _yaml_value(v))
    for cat, _where in BENEFIT_ROWS:
        node = data.get("benefits", {}).get(cat.value)
        if isinstance(node, dict) and node.get("covered") is False:
            for k in ("copay", "coinsurance", "deductible_applies", "visit_limit"):
                node.pop(k, None)
    oon = data.get("out_of_network")
    if isinstance(oon, dict) and oon.get("covered") is False:
        for k in ("deductible", "oop_max", "coinsurance"):
            oon.pop(k, None)
    if isinstance(oon, dict) and isinstance(oon.get("oop_max"), dict) and "individual" not in oon["oop_max"]:
        oon["oop_max"]["individual"] = None
    data.pop("example", None)  # the numbers are now the person's own
    new_text = dump_yaml(data)
    try:
        parse_plan(new_text, file)
    except BadInput as exc:
        where = _field_for(exc)
        problem = exc.problem
        for f in sorted(FIELDS, key=lambda f: -len(f.key)):
            problem = problem.replace(f.key, field_label(f.key).lower())
        errors[where] = BadInput(
            problem, exc.fix.replace("the SBC", "your Summary of Benefits and Coverage"), None, where
        )
        return None, errors
    return new_text, {}


def _field_for(exc: BadInput) -> str:
    """The form field a plan-file error is about (the plan parser names YAML paths)."""
    text = f"{exc.problem} {exc.where or ''}"
    for f in sorted(FIELDS, key=lambda f: -len(f.key)):
        if f.key in text:
            return f.key
    return "plan"


def field_label(key: str) -> str:
    f = _BY_KEY.get(key)
    if f is None:
        return "the plan"
    if key.startswith("benefits."):
        cat = BenefitCategory(key.split(".")[1])
        return f"{cat.label}: {f.label.lower()}"
    return f.label
