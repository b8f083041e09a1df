"""The clinic's caseload, pure: the worklist's order of urgency and filters, and prior-authorization
figures in the shape of the CMS-0057-F public metrics. No I/O and no clock (``as_of`` comes in);
:mod:`backcover.services` builds the values from the store. See docs/cases.md, "Worklist" and "Metrics".
"""

from __future__ import annotations

from backcover.caseload._metrics import (
    CSV_COLUMNS,
    RULE,
    Figures,
    Group,
    Metrics,
    Outcome,
    Request,
    Review,
    figures,
    metrics,
    outcome,
    with_reviews,
)
from backcover.caseload._urgency import (
    ACTION_KINDS,
    MAX_ASSIGNEE,
    MAX_DAYS,
    STAGES,
    Due,
    WorkItem,
    by_urgency,
    check_assignee,
    check_days,
    due_within,
    matches,
    open_dates,
    parse_stage,
    stage_of,
    urgency_key,
)

__all__ = [
    "ACTION_KINDS",
    "CSV_COLUMNS",
    "MAX_ASSIGNEE",
    "MAX_DAYS",
    "RULE",
    "STAGES",
    "Due",
    "Figures",
    "Group",
    "Metrics",
    "Outcome",
    "Request",
    "Review",
    "WorkItem",
    "by_urgency",
    "check_assignee",
    "check_days",
    "due_within",
    "figures",
    "matches",
    "metrics",
    "open_dates",
    "outcome",
    "parse_stage",
    "stage_of",
    "urgency_key",
    "with_reviews",
]
