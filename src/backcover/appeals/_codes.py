"""Denial codes in plain language: CARC and RARC explanations and what usually fixes each.

Only the code numbers come from the official lists; every sentence is our own. An unknown code is
kept and flagged (``known`` is False), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcover.costs._yaml import plain
from backcover.knowledge import Knowledge
from backcover.yamlio import load_yaml

__all__ = ["CodeExplanation", "explain_carc", "explain_group", "explain_rarc"]

# Plain names for the routes in denial_codes.yaml.
ROUTES = {
    "check_plan": "Check against your plan",
    "corrected_claim": "Corrected claim from the provider",
    "appeal": "Appeal",
    "coding_review": "Coding review",
    "exception": "Exception or appeal",
    "retro_auth_or_appeal": "Retroactive authorization, or appeal",
    "extend_auth": "Extend the authorization",
    "nsa_or_network_exception": "No Surprises Act check, or network exception",
    "unknown": "Look the code up",
}


def _build_codes(kb: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = plain(load_yaml(kb.file("denial_codes.yaml")))
    return data


def _data(knowledge: Knowledge | None) -> dict[str, Any]:
    return (knowledge or Knowledge.packaged()).cached("appeals-denial-codes", _build_codes)


def _list_url(data: dict[str, Any], system: str) -> str:
    """The address of the official code list (``official_lists`` in denial_codes.yaml)."""
    return str(data["official_lists"][system])


@dataclass(frozen=True)
class CodeExplanation:
    """A code explained: ``known`` is False for a code backcover has no wording for."""

    system: str  # carc | rarc | group
    code: str
    known: bool
    summary: str
    fix: str
    route: str
    category: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "code": self.code,
            "known": self.known,
            "summary": self.summary,
            "fix": self.fix,
            "route": self.route,
            "route_label": ROUTES.get(self.route, self.route),
            "category": self.category,
            "official_list": self.url,
        }


def _norm(code: object) -> str:
    return str(code).strip().upper()


def explain_carc(code: object, *, knowledge: Knowledge | None = None) -> CodeExplanation:
    """Explain a claim adjustment reason code such as ``50`` or ``197``."""
    key = _norm(code)
    if key.isdigit():
        key = str(int(key))
    data = _data(knowledge)
    url = _list_url(data, "carc")
    entry = data["carc"].get(key)
    if entry is None:
        return CodeExplanation(
            "carc",
            key,
            False,
            f"CARC {key} is not in backcover's list, so it is kept but not explained.",
            "Look the code up in the official list, and ask the payer what it means for this claim.",
            "unknown",
            "unknown",
            url,
        )
    return CodeExplanation(
        "carc",
        key,
        True,
        str(entry["summary"]),
        str(entry["fix"]),
        str(entry["route"]),
        str(entry["category"]),
        url,
    )


def explain_rarc(code: object, *, knowledge: Knowledge | None = None) -> CodeExplanation:
    """Explain a remittance advice remark code such as ``N115``."""
    key = _norm(code)
    data = _data(knowledge)
    url = _list_url(data, "rarc")
    entry = data["rarc"].get(key)
    if entry is None:
        return CodeExplanation(
            "rarc",
            key,
            False,
            f"Remark code {key} is not in backcover's list, so it is kept but not explained.",
            "Look the code up in the official list.",
            "unknown",
            "unknown",
            url,
        )
    return CodeExplanation("rarc", key, True, str(entry["summary"]), "", "", "remark", url)


def explain_group(code: object, *, knowledge: Knowledge | None = None) -> CodeExplanation:
    """Explain a claim adjustment group code (CO, PR, OA, PI, CR)."""
    key = _norm(code)
    data = _data(knowledge)
    url = _list_url(data, "carc")  # group codes are part of the CARC list
    entry = data["group_codes"].get(key)
    if entry is None:
        return CodeExplanation(
            "group",
            key,
            False,
            f"Group code {key} is not a known group code.",
            "",
            "unknown",
            "unknown",
            url,
        )
    return CodeExplanation("group", key, True, str(entry["summary"]), "", "", "group", url)
