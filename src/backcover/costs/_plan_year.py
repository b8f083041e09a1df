"""The plan year: an episode that crosses the plan's renewal date starts its deductible and
out-of-pocket totals again, and the estimate splits its lines by year.

Pure: the dates come from the lines (``date``) and the plan (``plan_year_start``); nothing reads the
clock. The accumulators in the plan file belong to the plan year that starts on ``plan_year_start``
(default: January 1 of the first dated line's year). Original Medicare's year is the calendar year:
the Part B deductible starts again on January 1 with that year's amount; the Part A deductible
belongs to a benefit period, not a year, so it carries over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backcover.costs._lines import Line
from backcover.costs._model import Accumulators, Plan
from backcover.costs._money import ZERO, money
from backcover.costs._program import medicare_amounts
from backcover.costs._result import Estimate, LineResult, State
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import PlanKind

__all__ = ["PlanYears", "plan_year_start_of", "shift_years"]


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` later (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plan_year_start_of(anchor: dt.date, day: dt.date) -> dt.date:
    """The first day of the plan year holding ``day``, for a plan year that starts on ``anchor``."""
    start = shift_years(anchor, day.year - anchor.year)
    return shift_years(start, -1) if start > day else start


@dataclass(slots=True)
class _Segment:
    start: dt.date
    plan: Plan
    ids: list[str] = field(default_factory=list)
    accumulators_after: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PlanYears:
    """Walks the lines in order; when a line's date is in a later plan year, resets the state."""

    plan: Plan
    anchor: dt.date | None
    knowledge: Knowledge | None = None
    segments: list[_Segment] = field(default_factory=list)

    @classmethod
    def start(cls, plan: Plan, lines: list[Line], knowledge: Knowledge | None = None) -> PlanYears:
        dated = [ln.date for ln in lines if ln.date is not None]
        anchor = plan.plan_year_start
        if anchor is None and dated:
            anchor = dt.date(dated[0].year, 1, 1)
        years = cls(plan, anchor, knowledge)
        if anchor is not None:
            years.segments.append(_Segment(anchor, plan))
        return years

    @property
    def active(self) -> bool:
        return self.anchor is not None

    def enter(self, r: LineResult, idx: int, s: State) -> Plan:
        """Place the line in its plan year (resetting ``s`` when the year turns); the plan to use."""
        if self.anchor is None:
            return self.plan
        seg = self.segments[-1]
        day = r.line.date
        if day is not None:
            start = plan_year_start_of(self.anchor, day)
            if start < self.anchor:
                raise BadInput(
                    f"line {r.line.id!r} ({day}) is before the plan year the accumulators belong to "
                    f"(from {self.anchor})",
                    "set plan_year_start in the plan file to the first day of that plan year",
                    self.plan.file,
                    f"lines[{idx}].date",
                )
            if start < seg.start:
                raise BadInput(
                    f"line {r.line.id!r} ({day}) goes back to an earlier plan year",
                    "list the lines in date order: they are applied in the order given",
                    None,
                    f"lines[{idx}].date",
                )
            if start > seg.start:
                seg.accumulators_after = Estimate(seg.plan, [], s.copy()).accumulators_after()
                seg = self._turn(start, r, s)
        seg.ids.append(r.line.id)
        r.plan_year = seg.start.isoformat()
        return seg.plan

    def _turn(self, start: dt.date, r: LineResult, s: State) -> _Segment:
        plan = self.segments[-1].plan
        r.notes.append(
            f"A new plan year starts on {start.isoformat()}: the deductible and out-of-pocket totals start "
            "again from zero."
        )
        if plan.kind is PlanKind.MEDICARE:
            amounts = medicare_amounts(start.year, self.knowledge)
            if amounts is None:
                r.notes.append(
                    f"backcover has no Medicare amounts for {start.year}: {plan.year}'s are used, and the "
                    "real ones will differ."
                )
            else:
                plan = dataclasses.replace(plan, year=start.year, medicare=amounts)
                r.notes.append(
                    f"Medicare's {start.year} Part B deductible (${amounts.part_b_deductible}) applies "
                    f"({amounts.source})."
                )
        else:
            r.notes.append(
                "The new plan year's deductible and limits are taken to be this year's; check the plan's "
                "renewal notice or its new Summary of Benefits and Coverage."
            )
        fresh = State.start(dataclasses.replace(plan, accumulators=Accumulators()))
        fresh.part_a = s.part_a  # a benefit period, not a plan year
        s.take(fresh)
        seg = _Segment(start, plan)
        self.segments.append(seg)
        return seg

    def to_json(self, results: list[LineResult], s: State) -> list[dict[str, Any]]:
        if not self.segments:
            return []
        self.segments[-1].accumulators_after = Estimate(
            self.segments[-1].plan, [], s.copy()
        ).accumulators_after()
        by_id = {r.line.id: r for r in results}
        out: list[dict[str, Any]] = []
        for seg in self.segments:
            rs = [by_id[x] for x in seg.ids]
            patient = sum(((r.patient or ZERO) + (r.balance_bill or ZERO) for r in rs), ZERO)
            nxt = shift_years(seg.start, 1)
            out.append(
                {
                    "start": seg.start.isoformat(),
                    "end": (nxt - dt.timedelta(days=1)).isoformat(),
                    "lines": list(seg.ids),
                    "patient_total": money(patient),
                    "accumulators_after": seg.accumulators_after,
                }
            )
        return out
