"""The worklist's pure part: a case's stage from its history, the dates still open on it, the order
of urgency, the filters, and the check of an assignee's name.

Nothing here reads the clock or the store: ``as_of`` comes in, and the dates come from the deadline
logic of :mod:`backcover.services` (turned into :class:`Due` there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from backcover.errors import BadInput
from backcover.vocab import PlanKind

__all__ = [
    "ACTION_KINDS",
    "MAX_ASSIGNEE",
    "MAX_DAYS",
    "STAGES",
    "Due",
    "WorkItem",
    "by_urgency",
    "check_assignee",
    "check_days",
    "due_within",
    "matches",
    "open_dates",
    "parse_stage",
    "stage_of",
    "urgency_key",
]

MAX_ASSIGNEE = 64
MAX_DAYS = 3650

# A case's stages in the order a case moves through them, with the words a person reads.
STAGES: dict[str, str] = {
    "new": "nothing sent yet",
    "pa_draft": "prior authorization being prepared",
    "pa_submitted": "prior authorization sent",
    "pa_pended": "the plan asked for more",
    "pa_approved": "approved",
    "pa_withdrawn": "request withdrawn",
    "denied": "denied, no appeal filed yet",
    "appeal_filed": "appeal filed, waiting for the decision",
    "appeal_overturned": "appeal won",
    "appeal_partial": "appeal partly won",
    "appeal_upheld": "appeal lost",
    "appeal_withdrawn": "appeal withdrawn",
    "external_review": "external review requested",
    "external_overturned": "external review won",
    "external_partial": "external review partly won",
    "external_upheld": "external review lost",
}
_RANK = {key: i for i, key in enumerate(STAGES)}
_SAME = {"pa_denied": "denied", "appeal_pending": "appeal_filed"}
_WORDS = {words: key for key, words in STAGES.items()}

# Past dates that still call for action: a missed filing, a decision the plan owes. An authorization
# that expired is history, not a task.
ACTION_KINDS = frozenset({"file_appeal", "appeal_deadline", "decision_due"})


def stage_of(steps: Iterable[tuple[date, str]]) -> str:
    """The stage of a case: its latest step (the furthest along when two fall on the same day);
    ``new`` when nothing has happened. Steps are ``(date, key)`` with keys of :data:`STAGES`."""
    best: tuple[date, int] | None = None
    found = "new"
    for day, key in steps:
        key = _SAME.get(key, key)
        if key not in _RANK:
            continue
        here = (day, _RANK[key])
        if best is None or here > best:
            best, found = here, key
    return found


def parse_stage(value: str) -> str:
    """A stage key, as given or in its words (``appeal_filed``, ``appeal filed``, ``appeal lost``)."""
    words = " ".join(value.lower().split())
    key = _WORDS.get(words) or words.replace(" ", "_").replace("-", "_")
    key = _SAME.get(key, key)
    if key not in STAGES:
        raise BadInput(f"unknown status {value[:40]!r}", "use one of: " + ", ".join(STAGES), where="status")
    return key


def check_assignee(value: str | None) -> str | None:
    """An assignee's name: trimmed, 1 to 64 characters, no control characters; ``None`` unassigns."""
    if value is None:
        return None
    name = value.strip()
    if not name:
        raise BadInput(
            "the assignee's name is empty",
            "give the clinic user's name, or unassign the case",
            where="assignee",
        )
    if len(name) > MAX_ASSIGNEE:
        raise BadInput(
            f"the assignee's name is {len(name):,} characters long; at most {MAX_ASSIGNEE} fit",
            "give the user's sign-in name",
            where="assignee",
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise BadInput("the assignee's name has control characters", "type the name again", where="assignee")
    return name


def check_days(days: int | None) -> int | None:
    if days is not None and not 0 <= days <= MAX_DAYS:
        raise BadInput(
            f"the number of days must be from 0 to {MAX_DAYS}",
            "give a number of days such as 14",
            where="days",
        )
    return days


@dataclass(frozen=True, slots=True)
class Due:
    """One dated item of a case: a last day to file, a decision due, an authorization expiring."""

    due: date
    what: str
    kind: str
    rule: str | None = None

    def to_json(self, as_of: date) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "what": self.what,
            "kind": self.kind,
            "rule": self.rule,
            "days_left": (self.due - as_of).days,
            "overdue": self.due < as_of,
        }


def open_dates(items: Iterable[Due], as_of: date) -> tuple[Due, ...]:
    """The dates still open on a case, soonest first: those to come, and past ones that call for action."""
    kept = [i for i in items if i.due >= as_of or i.kind in ACTION_KINDS]
    return tuple(sorted(kept, key=lambda i: (i.due, i.kind)))


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One open case as the worklist shows it."""

    case_id: int
    patient_id: int
    patient: str
    procedure_code: str
    procedure: str
    payer_kind: str
    payer_name: str | None
    stage: str
    assignee: str | None
    expedited: bool
    dates: tuple[Due, ...] = ()

    @property
    def next(self) -> Due | None:
        return self.dates[0] if self.dates else None

    @property
    def payer(self) -> str:
        """The payer's name when the plan gives it, else its kind in words."""
        return self.payer_name or _kind_words(self.payer_kind)

    def overdue(self, as_of: date) -> bool:
        return self.next is not None and self.next.due < as_of

    def to_json(self, as_of: date) -> dict[str, Any]:
        nxt = self.next
        return {
            "case_id": self.case_id,
            "patient": {"id": self.patient_id, "name": self.patient},
            "procedure": {"code": self.procedure_code, "name": self.procedure},
            "payer": {"kind": self.payer_kind, "name": self.payer_name, "label": self.payer},
            "status": {"key": self.stage, "label": STAGES.get(self.stage, self.stage)},
            "assignee": self.assignee,
            "expedited": self.expedited,
            "overdue": self.overdue(as_of),
            "next_deadline": nxt.to_json(as_of) if nxt else None,
            "deadlines": [d.to_json(as_of) for d in self.dates],
        }


def _kind_words(kind: str) -> str:
    try:
        return PlanKind(kind).label
    except ValueError:
        return kind


def urgency_key(item: WorkItem, as_of: date) -> tuple[int, int, date, int]:
    """Overdue first, then expedited, then the soonest date; cases with no date last."""
    nxt = item.next
    group = 0 if item.overdue(as_of) else 1 if item.expedited else 2
    return (group, 0 if item.expedited else 1, nxt.due if nxt else date.max, item.case_id)


def by_urgency(items: Iterable[WorkItem], as_of: date) -> list[WorkItem]:
    return sorted(items, key=lambda i: urgency_key(i, as_of))


def due_within(items: Iterable[WorkItem], as_of: date, days: int) -> list[WorkItem]:
    """The cases with something due by ``as_of + days`` (overdue included), each with only those dates."""
    end = as_of + timedelta(days=check_days(days) or 0)
    out = []
    for item in items:
        window = tuple(d for d in item.dates if d.due <= end)
        if window:
            out.append(replace(item, dates=window))
    return out


def matches(
    item: WorkItem, *, assignee: str | None = None, payer: str | None = None, stage: str | None = None
) -> bool:
    """Does the case pass the filters? Names are compared without regard to case; a payer matches by
    its name, its kind (``medicare-advantage``) or the kind's words."""
    if assignee is not None and (item.assignee or "").casefold() != assignee.strip().casefold():
        return False
    if payer is not None:
        wanted = payer.strip().casefold()
        names = {item.payer_kind.casefold(), item.payer.casefold(), _kind_words(item.payer_kind).casefold()}
        if wanted not in names:
            return False
    return stage is None or item.stage == stage
