"""State -> Medicare Administrative Contractor -> the id of its copy of an LCD family."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import load_yaml

__all__ = ["STATES", "Mac", "family_title", "mac_for", "mcd_url"]


@dataclass(frozen=True, slots=True)
class Mac:
    jurisdiction: str
    name: str
    lcds: dict[str, str]

    def lcd(self, family: str) -> str | None:
        return self.lcds.get(family)

    def to_json(self) -> dict[str, str]:
        return {"jurisdiction": self.jurisdiction, "name": self.name}


@cache
def _table() -> tuple[dict[str, Mac], dict[str, str]]:
    data = load_yaml(KNOWLEDGE_DIR / "mac_jurisdictions.yaml")
    by_state: dict[str, Mac] = {}
    for jur, e in data["jurisdictions"].items():
        mac = Mac(str(jur), str(e["mac"]), {str(k): str(v) for k, v in (e.get("lcds") or {}).items()})
        for st in e["states"]:
            by_state[str(st)] = mac
    titles = {str(k): str(v["title"]) for k, v in data["families"].items()}
    return by_state, titles


def mac_for(state: str | None) -> Mac | None:
    if state is None:
        return None
    return _table()[0].get(state.upper())


def family_title(family: str) -> str:
    return _table()[1].get(family, family)


def mcd_url(lcd_id: str) -> str:
    """The Medicare Coverage Database page of an LCD id such as ``L39240``."""
    return f"https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid={lcd_id.lstrip('L')}"


STATES: tuple[str, ...] = (
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "VI",
    "GU",
    "AS",
    "MP",
)
