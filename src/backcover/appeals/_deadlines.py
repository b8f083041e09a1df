"""Appeal deadlines: which levels a plan kind has, when to file each, and how long a decision takes.

The rules are data (``knowledge/appeal_rules.yaml``), each with its citation. :func:`deadlines` is
pure: it takes the notice date (and, when known, the actual receipt date) and never reads the clock.
``file_by`` is the calendar date the rule gives. It is never moved for a weekend or a holiday; a
note says when it falls on one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backcover import DISCLAIMER
from backcover.appeals._rules import level_ids, normalize_plan_kind, rules
from backcover.dates import add_months
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.yamlio import suggest

__all__ = ["Deadlines", "Level", "add_months", "deadlines", "duration", "next_level"]

_SERVICES = ("pre", "post")


def duration(iso: str) -> timedelta:
    """An ISO 8601 duration of days or hours (``P30D``, ``PT72H``) as a timedelta."""
    if iso.startswith("PT") and iso.endswith("H"):
        return timedelta(hours=int(iso[2:-1]))
    if iso.startswith("P") and iso.endswith("D"):
        return timedelta(days=int(iso[1:-1]))
    raise ValueError(f"unsupported duration {iso!r}")


@dataclass(frozen=True)
class Level:
    """One appeal level: who decides, when to file, how long they have, and the rule."""

    level: str
    name: str
    file_by: date | None
    decision_within: str | None
    rule: str
    url: str
    file_within: str | None
    counts_from: str
    starts_after: str | None = None
    clock_starts: date | None = None
    amount_in_controversy: dict[str, str | int] | None = None
    confidence: str = "confirmed"
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "name": self.name,
            "file_by": self.file_by.isoformat() if self.file_by else None,
            "file_within": self.file_within,
            "counts_from": self.counts_from,
            "clock_starts": self.clock_starts.isoformat() if self.clock_starts else None,
            "starts_after": self.starts_after,
            "decision_within": self.decision_within,
            "rule": self.rule,
            "url": self.url,
            "amount_in_controversy": self.amount_in_controversy,
            "confidence": self.confidence,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Deadlines:
    """Every appeal level of one plan kind, in order, for one notice."""

    plan_kind: str
    label: str
    notice_date: date
    received_date: date | None
    urgent: bool
    service: str
    levels: tuple[Level, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def next_file_by(self) -> date | None:
        """The first level's last day to file (the date that matters now)."""
        return self.levels[0].file_by if self.levels else None

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_kind": self.plan_kind,
            "label": self.label,
            "notice_date": self.notice_date.isoformat(),
            "received_date": self.received_date.isoformat() if self.received_date else None,
            "urgent": self.urgent,
            "service": self.service,
            "levels": [lv.to_json() for lv in self.levels],
            "notes": list(self.notes),
            "disclaimer": DISCLAIMER,
        }


def _file_window(spec: dict[str, Any]) -> str:
    if "months" in spec:
        return f"P{int(spec['months'])}M"
    return f"P{int(spec['days'])}D"


def _weekend_note(d: date) -> str | None:
    if d.weekday() >= 5:
        day = "Saturday" if d.weekday() == 5 else "Sunday"
        return (
            f"{d.isoformat()} is a {day}. The date is not moved: file by then, or earlier if the office "
            "that receives it is closed that day."
        )
    return None


def _aic(spec: dict[str, Any] | None, year: int) -> tuple[dict[str, str | int] | None, str | None]:
    if not spec:
        return None, None
    table = {int(k): str(v) for k, v in spec["by_year"].items()}
    note = None
    use = year
    if year not in table:
        use = max(y for y in table if y <= year) if any(y <= year for y in table) else min(table)
        note = (
            f"The amount in controversy for {year} is not in backcover's data; {use}'s amount is shown. "
            "It is adjusted every year (unconfirmed for this year)."
        )
    amount = Decimal(table[use]).quantize(Decimal("0.01"))
    return {"minimum": str(amount), "year": use, "rule": str(spec["rule"]), "url": str(spec["url"])}, note


def deadlines(
    plan_kind: str,
    notice_date: date,
    *,
    received_date: date | None = None,
    urgent: bool = False,
    service: str = "post",
    knowledge: Knowledge | None = None,
) -> Deadlines:
    """Appeal levels and deadlines for a denial notice dated ``notice_date``.

    ``received_date`` is the day the notice actually arrived; without it, a rule that presumes a
    mailing delay (Medicare: 5 days) adds it. ``service`` is ``pre`` (care not yet received) or
    ``post`` (payment for care received). ``urgent`` asks for the expedited timelines.
    ``knowledge`` gives the appeal rules (default: the packaged ones).
    """
    return _deadlines(plan_kind, notice_date, 0, received_date, urgent, service, knowledge)


def next_level(
    plan_kind: str,
    after_level: str,
    decision_date: date,
    *,
    received_date: date | None = None,
    urgent: bool = False,
    service: str = "post",
    knowledge: Knowledge | None = None,
) -> Level | None:
    """The level after ``after_level``, its file_by counted from that level's decision notice."""
    ids = level_ids(plan_kind, knowledge=knowledge)
    if after_level not in ids:
        raise BadInput(
            f"unknown appeal level {after_level!r}{suggest(after_level, ids)}",
            "use one of: " + ", ".join(ids),
            where="level",
        )
    start = ids.index(after_level) + 1
    if start >= len(ids):
        return None
    return _deadlines(plan_kind, decision_date, start, received_date, urgent, service, knowledge).levels[0]


def _deadlines(
    plan_kind: str,
    notice_date: date,
    start: int,
    received_date: date | None,
    urgent: bool,
    service: str,
    knowledge: Knowledge | None,
) -> Deadlines:
    knowledge = knowledge or Knowledge.packaged()
    kind = normalize_plan_kind(plan_kind, knowledge=knowledge)
    if service not in _SERVICES:
        raise BadInput(
            f"unknown service {service!r}{suggest(service, _SERVICES)}",
            "use pre (care not yet received) or post (payment for care already received)",
            where="--service",
        )
    if received_date is not None and received_date < notice_date:
        raise BadInput(
            f"the received date {received_date.isoformat()} is before the notice date "
            f"{notice_date.isoformat()}",
            "give the day the notice arrived, on or after the date printed on it",
            where="--received-date",
        )
    spec = rules(knowledge)[kind.value]
    notes: list[str] = []
    timeline = service
    if urgent and service == "post":
        notes.append(
            "Expedited review is for care not yet received. A payment (post-service) appeal is decided "
            "on the standard timeline, shown here."
        )
    elif urgent:
        timeline = "urgent"
    levels: list[Level] = []
    for i, lv in enumerate(spec["levels"][start:]):
        fspec = lv.get("file")
        lnotes = [str(n) for n in lv.get("notes") or []]
        confidence = str(lv.get("confidence", "confirmed"))
        if confidence != "confirmed":
            lnotes.append(
                "Unconfirmed: " + str(lv.get("confidence_note") or "not yet checked against the regulation.")
            )
        if timeline == "urgent" and lv.get("urgent_note"):
            lnotes.append(str(lv["urgent_note"]))
        file_by: date | None = None
        clock: date | None = None
        window: str | None = None
        counts_from = "automatic"
        if fspec:
            window = _file_window(fspec)
            counts_from = str(fspec["counts_from"])
            presumed = int(fspec.get("presumed_receipt_days", 0))
            if i == 0:
                if counts_from == "notice_date":
                    clock = notice_date
                    if received_date is not None:
                        lnotes.append(
                            "This rule counts from the date on the notice, not from when it arrived."
                        )
                elif received_date is not None:
                    clock = received_date
                elif presumed:
                    clock = notice_date + timedelta(days=presumed)
                    lnotes.append(
                        f"Counted from receipt, presumed {presumed} days after the notice date "
                        f"({clock.isoformat()}). If it arrived later and you can show it, "
                        "give --received-date."
                    )
                else:
                    clock = notice_date
                    lnotes.append(
                        "The rule counts from when you received the notice; without that date, backcover "
                        "counts from the notice date, which is the earlier and safer date."
                    )
                file_by = (
                    add_months(clock, int(fspec["months"]))
                    if "months" in fspec
                    else clock + timedelta(days=int(fspec["days"]))
                )
                weekend = _weekend_note(file_by)
                if weekend:
                    lnotes.append(weekend)
            elif presumed:
                lnotes.append(
                    f"The clock starts when you receive that decision, presumed {presumed} days "
                    "after the date on it."
                )
        aic, aic_note = _aic(lv.get("amount_in_controversy"), notice_date.year)
        if aic_note:
            lnotes.append(aic_note)
        decision = lv.get("decision_within")
        levels.append(
            Level(
                level=str(lv["id"]),
                name=str(lv["name"]),
                file_by=file_by,
                decision_within=str(decision[timeline]) if decision else None,
                rule=str(lv["rule"]),
                url=str(lv["url"]),
                file_within=window,
                counts_from=counts_from,
                starts_after=str(lv["starts_after"]) if lv.get("starts_after") else None,
                clock_starts=clock,
                amount_in_controversy=aic,
                confidence=confidence,
                notes=tuple(lnotes),
            )
        )
    return Deadlines(
        plan_kind=kind.value,
        label=str(spec["label"]),
        notice_date=notice_date,
        received_date=received_date,
        urgent=urgent,
        service=service,
        levels=tuple(levels),
        notes=tuple(notes),
    )
