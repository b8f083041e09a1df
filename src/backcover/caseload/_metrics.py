"""Prior-authorization figures in the shape of the CMS-0057-F public metrics, from the clinic's own
records: for each payer and service, the share of requests approved, denied and approved after appeal,
and the average and median days from request to decision, standard and expedited apart.

Pure arithmetic over :class:`Request` values (the services build them from the store). Definitions:

- a request counts in the period when it was *submitted* in it (``since`` to ``until``, both included);
- its decision is its first ``approved`` or ``denied`` step; without one it is *pending* and counts
  in ``requests`` and ``pending`` only;
- approved and denied shares are of the *decided* requests (they add up to 1);
- a denied request was *appealed* when an appeal or an external review was filed on or after the
  denial (before the case's next request), or when a later step of the request approved it;
- it was *approved after appeal* when one of those was decided ``overturned`` (a partly overturned
  one is not counted) or a later step approved it; that share is of the appealed denials, as payers'
  postings give it (their counts are shown beside every share);
- days to decision count calendar days from the date sent to the date of the decision.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from backcover.errors import BadInput

__all__ = [
    "CSV_COLUMNS",
    "RULE",
    "Figures",
    "Group",
    "Metrics",
    "Outcome",
    "Request",
    "Review",
    "figures",
    "metrics",
    "outcome",
    "with_reviews",
]

APPROVED, DENIED = "approved", "denied"

# The rule whose public metrics these figures mirror (sources: docs/cases.md, "Metrics").
RULE: dict[str, str] = {
    "id": "CMS-0057-F",
    "title": "CMS Interoperability and Prior Authorization Final Rule",
    "citation": "89 FR 8758 (February 8, 2024)",
    "url": "https://regulations.justia.com/regulations/fedreg/2024/02/08/2024-00895.html",
    "reporting": "Medicare Advantage, Medicaid and CHIP programs and plans, and QHP issuers on the federal "
    "exchanges post their prior-authorization metrics on their websites once a year, the first by "
    "March 31, 2026 (for 2025)",
    "faq": "https://www.cms.gov/priorities/burden-reduction/overview/interoperability/"
    "frequently-asked-questions/prior-authorization-api",
}
SOURCE = "the clinic's own records in backcover, not the payer's published figures"


@dataclass(frozen=True, slots=True)
class Review:
    """An appeal or an external review on the case: when it was filed and how it was decided."""

    filed_on: date | None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """One prior-authorization request with what followed it."""

    payer: str
    service: str
    service_name: str
    expedited: bool
    submitted: date
    steps: tuple[tuple[date, str], ...] = ()  # its status steps, in the order recorded
    reviews: tuple[Review, ...] = ()  # appeals and external reviews that followed its denial


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: str | None  # approved | denied | None (pending)
    days: int | None
    appealed: bool = False
    approved_after_appeal: bool = False


def _first_decision(req: Request) -> tuple[int, date, str] | None:
    for i, (day, status) in enumerate(req.steps):
        if status in (APPROVED, DENIED):
            return i, day, status
    return None


def outcome(req: Request) -> Outcome:
    """The request's decision, days to it, and whether a denial was appealed and overturned."""
    first = _first_decision(req)
    if first is None:
        return Outcome(None, None)
    i, day, status = first
    days = max(0, (day - req.submitted).days)
    if status == APPROVED:
        return Outcome(APPROVED, days)
    approved_later = any(s == APPROVED for _d, s in req.steps[i + 1 :])
    filed = [r for r in req.reviews if r.filed_on is not None and r.filed_on >= day]
    return Outcome(
        DENIED,
        days,
        appealed=bool(filed) or approved_later,
        approved_after_appeal=approved_later or any(r.outcome == "overturned" for r in filed),
    )


def with_reviews(requests: Sequence[Request], reviews: Iterable[Review]) -> list[Request]:
    """The requests of one case, each with the reviews filed after its first decision and before the
    case's next request was sent."""
    ordered = sorted(requests, key=lambda r: r.submitted)
    pool = [r for r in reviews if r.filed_on is not None]
    out = []
    for n, req in enumerate(ordered):
        first = _first_decision(req)
        if first is None or first[2] != DENIED:
            out.append(req)
            continue
        end = ordered[n + 1].submitted if n + 1 < len(ordered) else date.max
        mine = tuple(r for r in pool if r.filed_on is not None and first[1] <= r.filed_on < end)
        out.append(replace(req, reviews=mine))
    return out


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True, slots=True)
class Figures:
    """The counts and times of one kind of request (standard or expedited)."""

    requests: int = 0
    decided: int = 0
    approved: int = 0
    denied: int = 0
    appealed: int = 0
    approved_after_appeal: int = 0
    mean_days: float | None = None
    median_days: float | None = None

    @property
    def pending(self) -> int:
        return self.requests - self.decided

    @property
    def approved_share(self) -> float | None:
        return _share(self.approved, self.decided)

    @property
    def denied_share(self) -> float | None:
        return _share(self.denied, self.decided)

    @property
    def approved_after_appeal_share(self) -> float | None:
        return _share(self.approved_after_appeal, self.appealed)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "decided": self.decided,
            "pending": self.pending,
            "approved": self.approved,
            "denied": self.denied,
            "appealed": self.appealed,
            "approved_after_appeal": self.approved_after_appeal,
            "approved_share": self.approved_share,
            "denied_share": self.denied_share,
            "approved_after_appeal_share": self.approved_after_appeal_share,
            "mean_days_to_decision": self.mean_days,
            "median_days_to_decision": self.median_days,
        }


def figures(outcomes: Sequence[Outcome]) -> Figures:
    days = [o.days for o in outcomes if o.days is not None]
    return Figures(
        requests=len(outcomes),
        decided=sum(o.decision is not None for o in outcomes),
        approved=sum(o.decision == APPROVED for o in outcomes),
        denied=sum(o.decision == DENIED for o in outcomes),
        appealed=sum(o.appealed for o in outcomes),
        approved_after_appeal=sum(o.approved_after_appeal for o in outcomes),
        mean_days=round(statistics.fmean(days), 2) if days else None,
        median_days=round(float(statistics.median(days)), 2) if days else None,
    )


@dataclass(frozen=True, slots=True)
class Group:
    payer: str
    service: str
    service_name: str
    standard: Figures
    expedited: Figures

    def to_json(self) -> dict[str, Any]:
        return {
            "payer": self.payer,
            "service": self.service,
            "service_name": self.service_name,
            "standard": self.standard.to_json(),
            "expedited": self.expedited.to_json(),
        }


CSV_COLUMNS = (
    "payer",
    "service",
    "service_name",
    "kind",
    "requests",
    "decided",
    "pending",
    "approved",
    "denied",
    "appealed",
    "approved_after_appeal",
    "approved_share",
    "denied_share",
    "approved_after_appeal_share",
    "mean_days_to_decision",
    "median_days_to_decision",
)


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula (a payer's name is typed by people)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@dataclass(frozen=True, slots=True)
class Metrics:
    since: date
    until: date
    groups: tuple[Group, ...]
    standard: Figures
    expedited: Figures

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "source": SOURCE,
            "rule": dict(RULE),
            "groups": [g.to_json() for g in self.groups],
            "all": {"standard": self.standard.to_json(), "expedited": self.expedited.to_json()},
        }

    def to_csv(self) -> str:
        """One row per payer, service and kind of request, then the totals (payer and service ``all``)."""
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\r\n")
        out.writerow(CSV_COLUMNS)
        rows = [(g.payer, g.service, g.service_name, g.standard, g.expedited) for g in self.groups]
        rows.append(("all", "all", "all services", self.standard, self.expedited))
        for payer, service, name, standard, expedited in rows:
            for kind, figs in (("standard", standard), ("expedited", expedited)):
                data = figs.to_json()
                out.writerow(
                    [_cell(payer), _cell(service), _cell(name), kind]
                    + [_cell(data[c]) for c in CSV_COLUMNS[4:]]
                )
        return buf.getvalue()


def metrics(requests: Iterable[Request], since: date, until: date) -> Metrics:
    """The figures of the requests sent from ``since`` to ``until``, by payer and service."""
    if since > until:
        raise BadInput(
            f"the period starts ({since.isoformat()}) after it ends ({until.isoformat()})",
            "give a start date on or before the end date",
            where="since",
        )
    chosen = [r for r in requests if since <= r.submitted <= until]
    groups: dict[tuple[str, str], list[Request]] = {}
    for r in chosen:
        groups.setdefault((r.payer, r.service), []).append(r)

    def split(rs: Sequence[Request]) -> tuple[Figures, Figures]:
        return (
            figures([outcome(r) for r in rs if not r.expedited]),
            figures([outcome(r) for r in rs if r.expedited]),
        )

    out = []
    for (payer, service), rs in sorted(groups.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1])):
        standard, expedited = split(rs)
        out.append(Group(payer, service, rs[0].service_name, standard, expedited))
    total_standard, total_expedited = split(chosen)
    return Metrics(since, until, tuple(out), total_standard, total_expedited)
