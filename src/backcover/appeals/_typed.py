"""Denial codes a person types in (``CO-50, N115``) and codes suggested by a denial letter's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backcover.appeals._codes import CodeExplanation, explain_carc, explain_rarc
from backcover.errors import BadInput
from backcover.knowledge import Knowledge

__all__ = ["TypedCode", "infer_from_text", "parse_codes"]

_TOKEN = re.compile(r"^(?:(?P<group>CO|PR|OA|PI|CR)[-:/]?)?(?P<code>[A-Z]{0,2}\d{1,4})$")


@dataclass(frozen=True)
class TypedCode:
    """A code from what a person typed (``source`` typed) or suggested by letter text (``text``)."""

    system: str  # carc | rarc
    code: str
    group: str | None
    source: str
    explanation: CodeExplanation

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "code": self.code,
            "group": self.group,
            "source": self.source,
            "explanation": self.explanation.to_json(),
        }


def parse_codes(text: str, *, where: str = "--codes", knowledge: Knowledge | None = None) -> list[TypedCode]:
    """Read codes such as ``CO-50 N115 197``. RARCs start with M or N; everything else is a CARC."""
    out: list[TypedCode] = []
    for raw in re.split(r"[,;\s]+", text.strip().upper()):
        if not raw:
            continue
        token = raw.removeprefix("CARC").removeprefix("RARC").strip("-:")
        m = _TOKEN.match(token)
        if not m:
            raise BadInput(
                f"{raw!r} is not a denial code",
                "give CARC codes such as 50 or CO-197, and remark codes such as N115, separated by commas",
                where=where,
            )
        code, group = m["code"], m["group"]
        if code[0] in "MN" and not code.isdigit():
            if group:
                raise BadInput(
                    f"{raw!r}: a remark code (RARC) has no group code",
                    "write the remark code alone, e.g. N115",
                    where=where,
                )
            out.append(TypedCode("rarc", code, None, "typed", explain_rarc(code, knowledge=knowledge)))
        else:
            exp = explain_carc(code, knowledge=knowledge)
            out.append(TypedCode("carc", exp.code, group, "typed", exp))
    if not out:
        raise BadInput("no codes given", "give at least one code, e.g. CO-50", where=where)
    return out


# Words in a denial letter that point at a CARC. Only a suggestion: the output says so.
_TEXT_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"not\s+(?:be\s+)?medically\s+necessary|medical\s+necessity", re.I), "50"),
    (re.compile(r"experimental|investigational", re.I), "55"),
    (
        re.compile(
            r"(?:prior\s+auth\w*|pre-?cert\w*|pre-?authori[sz]ation)[^.]{0,60}"
            r"(?:not\s+(?:obtained|received|on\s+file)|missing|absent|required)",
            re.I,
        ),
        "197",
    ),
    (re.compile(r"out[-\s]of[-\s]network|not\s+(?:a\s+)?(?:network|participating)\s+provider", re.I), "242"),
    (re.compile(r"benefit\s+maximum|visit\s+limit|maximum\s+(?:number\s+of\s+)?visits", re.I), "119"),
    (
        re.compile(r"not\s+a\s+covered\s+benefit|excluded\s+(?:service|benefit)|not\s+covered\s+under", re.I),
        "204",
    ),
)


def infer_from_text(text: str, *, knowledge: Knowledge | None = None) -> list[TypedCode]:
    """CARCs that the words of a denial letter suggest (never stored as the payer's own codes)."""
    found: list[TypedCode] = []
    for pattern, code in _TEXT_HINTS:
        if pattern.search(text) and all(t.code != code for t in found):
            found.append(TypedCode("carc", code, None, "text", explain_carc(code, knowledge=knowledge)))
    return found
