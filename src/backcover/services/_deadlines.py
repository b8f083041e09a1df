"""Deadlines of cases: derived from what the store holds and the appeal rules of :mod:`backcover.appeals`.

The store only keeps dates (a denial's notice date, an appeal's filing and outcome); every "last day
to file" and "decision due" comes from here, so the CLI, the web app and the letters agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from backcover.appeals import Deadlines, Level, deadlines, duration, level_ids, next_level
from backcover.errors import BadInput
from backcover.vocab import PlanKind, parse_plan_kind

if TYPE_CHECKING:  # the store's SQLAlchemy is not needed to count days (``backcover deadlines``)
    from backcover.store import Case, CaseSummary, Denial, DenialRow, Store

__all__ = [
    "DueItem",
    "LetterDeadline",
    "case_deadlines",
    "cases_due",
    "check_level",
    "first_level",
    "letter_deadline",
    "next_deadline",
    "notice_deadlines",
]


@dataclass(frozen=True)
class DueItem:
    """Something with a date on a case: a filing deadline, a decision due, an authorization expiring."""

    case_id: int
    patient_id: int
    due: date
    what: str
    kind: str  # file_appeal | decision_due | auth_expires | appeal_deadline
    rule: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "patient_id": self.patient_id,
            "due": self.due.isoformat(),
            "what": self.what,
            "kind": self.kind,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class LetterDeadline:
    """The level a letter asks for now, its last day to file and the rule behind it."""

    level_name: str
    file_by: date | None
    rule: str | None


def notice_deadlines(
    plan_kind: PlanKind | str,
    notice_date: date,
    *,
    received_date: date | None = None,
    urgent: bool = False,
    service: str = "post",
) -> Deadlines:
    """Every appeal level for a denial notice (CONTRACTS.md section 3)."""
    kind = plan_kind if isinstance(plan_kind, PlanKind) else parse_plan_kind(plan_kind, where="plan kind")
    if kind is PlanKind.UNINSURED:
        raise BadInput(
            "there are no appeal levels without insurance", "give the plan's kind", where="plan kind"
        )
    return deadlines(kind.value, notice_date, received_date=received_date, urgent=urgent, service=service)


def first_level(case: Case | CaseSummary, denial: Denial | DenialRow) -> Level:
    """The first appeal level for a denial on a case: its last day to file and its rule."""
    return notice_deadlines(
        case.plan_kind,
        denial.denial_date,
        received_date=denial.received_date,
        urgent=case.urgent,
        service=case.service,
    ).levels[0]


def check_level(case: Case, level: str) -> None:
    """Refuse an appeal level the case's plan kind does not have."""
    ids = level_ids(case.plan_kind)
    if level not in ids:
        raise BadInput(
            f"{level!r} is not an appeal level for {case.plan_kind} plans",
            "use one of: " + ", ".join(ids),
            where="level",
        )


# How the external-review deadline names its route (self-funded: federal; fully insured: state).
_ROUTE_WORDS = {
    "federal": " (federal process: the plan is self-funded)",
    "state": " (the state's process: the plan is fully insured)",
}


def _route_words(case: Case | CaseSummary, level: str) -> str:
    """Which external review the deadline is for, or a reminder to find out (commercial plans)."""
    if level != "external_review" or case.plan_kind not in ("commercial", "marketplace"):
        return ""
    route = case.external_route or ("state" if case.plan_kind == "marketplace" else None)
    return _ROUTE_WORDS.get(route or "", " (federal or state process: the SBC or plan document says which)")


def _appeal_items(case: Case | CaseSummary) -> list[DueItem]:
    items: list[DueItem] = []
    for a in case.appeals:
        if a.filed_on is None and a.deadline is not None:
            items.append(
                DueItem(case.id, case.patient_id, a.deadline, f"file appeal ({a.level})", "appeal_deadline")
            )
        elif a.filed_on is not None and a.outcome in (None, "pending"):
            lv = deadlines(case.plan_kind, a.filed_on, urgent=case.urgent, service=case.service)
            match = [x for x in lv.levels if x.level == a.level]
            if match and match[0].decision_within:
                due = a.filed_on + duration(match[0].decision_within)
                what = f"decision due ({a.level})"
                items.append(DueItem(case.id, case.patient_id, due, what, "decision_due", match[0].rule))
        elif a.outcome in ("upheld", "partial") and a.outcome_date is not None:
            later = any(
                b.id != a.id and b.filed_on is not None and b.filed_on >= a.outcome_date for b in case.appeals
            )
            nxt = next_level(
                case.plan_kind, a.level, a.outcome_date, urgent=case.urgent, service=case.service
            )
            if nxt is not None and nxt.file_by is not None and not later:
                what = f"file: {nxt.name}{_route_words(case, nxt.level)}"
                items.append(DueItem(case.id, case.patient_id, nxt.file_by, what, "file_appeal", nxt.rule))
    return items


def case_deadlines(case: Case | CaseSummary) -> list[DueItem]:
    """Every dated item of a loaded case (from ``Store.get_case`` or ``Store.list_cases``, or a
    ``CaseSummary`` of the worklist), by date."""
    items: list[DueItem] = []
    appealed = {a.denial_id for a in case.appeals if a.denial_id is not None and a.filed_on is not None}
    for d in case.denials:
        if d.id in appealed:
            continue
        first = first_level(case, d)
        if first.file_by is not None:
            what = f"file: {first.name}"
            items.append(DueItem(case.id, case.patient_id, first.file_by, what, "file_appeal", first.rule))
    items += _appeal_items(case)
    for pa in case.pa_requests:
        if pa.status == "approved" and pa.expires_on is not None:
            what = f"authorization {pa.auth_number} expires"
            items.append(DueItem(case.id, case.patient_id, pa.expires_on, what, "auth_expires"))
    return sorted(items, key=lambda i: (i.due, i.kind))


def next_deadline(case: Case, as_of: date) -> DueItem | None:
    """The first dated item on or after ``as_of``."""
    upcoming = [i for i in case_deadlines(case) if i.due >= as_of]
    return upcoming[0] if upcoming else None


def cases_due(store: Store, as_of: date, days: int) -> list[DueItem]:
    """Items of open cases due from ``as_of`` through ``as_of + days`` (and overdue ones before)."""
    if days < 0:
        raise BadInput(
            "the number of days must be 0 or more", "give a number of days such as 14", where="days"
        )
    end = as_of + timedelta(days=days)
    out: list[DueItem] = []
    for case in store.list_cases(status="open"):  # loads requests, denials and appeals in 4 queries
        out.extend(i for i in case_deadlines(case) if i.due <= end)
    return sorted(out, key=lambda i: (i.due, i.case_id))


def letter_deadline(case: Case) -> LetterDeadline:
    """The level to file now (after an upheld appeal, the next one), its last day and its rule."""
    upheld = [a for a in case.appeals if a.outcome in ("upheld", "partial") and a.outcome_date]
    if upheld:
        last = upheld[-1]
        assert last.outcome_date is not None
        nxt = next_level(
            case.plan_kind, last.level, last.outcome_date, urgent=case.urgent, service=case.service
        )
        if nxt is not None:
            return LetterDeadline(nxt.name, nxt.file_by, nxt.rule)
    if case.denials:
        first = first_level(case, case.denials[-1])
        return LetterDeadline(first.name, first.file_by, first.rule)
    return LetterDeadline("appeal", None, None)
