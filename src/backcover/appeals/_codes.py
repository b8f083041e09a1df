"""Denial codes in plain language: CARC and RARC explanations and what usually fixes each.

Only the code numbers come from the official lists; every sentence is our own. An unknown code is
kept and flagged (``known`` is False), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import load_yaml

__all__ = ["CARC_URL", "RARC_URL", "CodeExplanation", "explain_carc", "explain_group", "explain_rarc"]

CODES_FILE = KNOWLEDGE_DIR / "denial_codes.yaml"
CARC_URL = "https://x12.org/codes/claim-adjustment-reason-codes"
RARC_URL = "https://x12.org/codes/remittance-advice-remark-codes"

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


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(CODES_FILE))


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


def explain_carc(code: object) -> CodeExplanation:
    """Explain a claim adjustment reason code such as ``50`` or ``197``."""
    key = _norm(code)
    if key.isdigit():
        key = str(int(key))
    entry = _data()["carc"].get(key)
    if entry is None:
        return CodeExplanation(
            "carc",
            key,
            False,
            f"CARC {key} is not in backcover's list, so it is kept but not explained.",
            "Look the code up in the official list, and ask the payer what it means for this claim.",
            "unknown",
            "unknown",
            CARC_URL,
        )
    return CodeExplanation(
        "carc",
        key,
        True,
        str(entry["summary"]),
        str(entry["fix"]),
        str(entry["route"]),
        str(entry["category"]),
        CARC_URL,
    )


def explain_rarc(code: object) -> CodeExplanation:
    """Explain a remittance advice remark code such as ``N115``."""
    key = _norm(code)
    entry = _data()["rarc"].get(key)
    if entry is None:
        return CodeExplanation(
            "rarc",
            key,
            False,
            f"Remark code {key} is not in backcover's list, so it is kept but not explained.",
            "Look the code up in the official list.",
            "unknown",
            "unknown",
            RARC_URL,
        )
    return CodeExplanation("rarc", key, True, str(entry["summary"]), "", "", "remark", RARC_URL)


def explain_group(code: object) -> CodeExplanation:
    """Explain a claim adjustment group code (CO, PR, OA, PI, CR)."""
    key = _norm(code)
    entry = _data()["group_codes"].get(key)
    if entry is None:
        return CodeExplanation(
            "group",
            key,
            False,
            f"Group code {key} is not a known group code.",
            "",
            "unknown",
            "unknown",
            CARC_URL,
        )
    return CodeExplanation("group", key, True, str(entry["summary"]), "", "", "group", CARC_URL)
