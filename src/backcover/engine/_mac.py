"""State -> Medicare Administrative Contractor -> the id of its copy of an LCD family."""

from __future__ import annotations

from dataclasses import dataclass

from backcover.knowledge import Knowledge

__all__ = ["Mac", "MacTable", "family_title", "mac_for", "mac_table", "mcd_url"]


@dataclass(frozen=True, slots=True)
class Mac:
    jurisdiction: str
    name: str
    lcds: dict[str, str]

    def lcd(self, family: str) -> str | None:
        return self.lcds.get(family)

    def to_json(self) -> dict[str, str]:
        return {"jurisdiction": self.jurisdiction, "name": self.name}


@dataclass(frozen=True, slots=True)
class MacTable:
    """State -> MAC, and LCD family -> its title."""

    by_state: dict[str, Mac]
    titles: dict[str, str]


def mac_table(knowledge: Knowledge | None = None) -> MacTable:
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    return kb.cached("mac_jurisdictions", _build_table)


def _build_table(kb: Knowledge) -> MacTable:
    from backcover.yamlio import load_yaml  # the YAML library loads only when parsing

    data = load_yaml(kb.file("mac_jurisdictions.yaml"))
    by_state: dict[str, Mac] = {}
    for jur, e in data["jurisdictions"].items():
        mac = Mac(str(jur), str(e["mac"]), {str(k): str(v) for k, v in (e.get("lcds") or {}).items()})
        for st in e["states"]:
            by_state[str(st)] = mac
    titles = {str(k): str(v["title"]) for k, v in data["families"].items()}
    return MacTable(by_state, titles)


def mac_for(state: str | None, knowledge: Knowledge | None = None) -> Mac | None:
    if state is None:
        return None
    return mac_table(knowledge).by_state.get(state.upper())


def family_title(family: str, knowledge: Knowledge | None = None) -> str:
    return mac_table(knowledge).titles.get(family, family)


def mcd_url(lcd_id: str) -> str:
    """The Medicare Coverage Database page of an LCD id such as ``L39240``."""
    return f"https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid={lcd_id.lstrip('L')}"
