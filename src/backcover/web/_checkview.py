"""What the "Check a procedure" page shows, from the Determination JSON (CONTRACTS.md section 1).

The page reads the same JSON that ``POST /api/check`` returns, so the two always agree.
"""

from __future__ import annotations

import re
from typing import Any

from backcover.i18n import gettext as _
from backcover.vocab import CriterionKind, CriterionStatus, Decision, Provenance
from backcover.web._plainwords import plain

__all__ = ["DECISION_WORDS", "PA_WORDS", "STATUS_WORDS", "view"]

DECISION_WORDS = {d.value: d.label for d in Decision}
STATUS_WORDS = {s.value: s.label for s in CriterionStatus}
PA_WORDS = {
    "required": "Prior authorization is required: your clinic must get the plan's approval before the "
    "procedure.",
    "not_required": "Prior authorization is not required for this.",
    "plan_dependent": "Whether prior authorization is needed depends on your specific plan: call the number "
    "on your card or ask your clinic.",
}
PROVENANCE = {p.value: p.label for p in Provenance}
_MISSING_KEYS = (
    "to_satisfy",
    "missing",
    "needed",
    "how_to_satisfy",
    "would_satisfy",
    "what_would_satisfy",
    "fix",
)


def _sentence(det: dict[str, Any]) -> str:
    name = str((det.get("procedure") or {}).get("name") or "this procedure")
    d = det.get("decision")
    if d == "meets_criteria":
        return _("Your records meet the plan's criteria for %(name)s.") % {"name": name}
    if d == "needs_documentation":
        return _(
            "Nothing in your records rules out %(name)s, but some things the policy asks for are not written "
            "down yet."
        ) % {"name": name}
    if d == "criteria_not_met":
        when = det.get("earliest_eligible_date")
        tail = (
            (" " + _("It could qualify from %(date)s if your current care goes on.") % {"date": when})
            if when
            else ""
        )
        return (
            _("Not yet: your records show at least one requirement for %(name)s is not met.") % {"name": name}
            + tail
        )
    if d == "not_covered":
        return _("The plan does not cover %(name)s in your situation.") % {"name": name}
    return _("backcover could not reach a decision for %(name)s.") % {"name": name}


def _why_not(det: dict[str, Any], names: dict[str, str]) -> str | None:
    for n in det.get("notes") or []:
        if str(n).startswith("Not covered:"):
            return plain(str(n).removeprefix("Not covered:").strip(), names)
    return None


def _missing(c: dict[str, Any]) -> str | None:
    for k in _MISSING_KEYS:
        v = c.get(k)
        if isinstance(v, str) and v.strip():
            return v
        if isinstance(v, list) and v:
            return "; ".join(str(x) for x in v)
    return None


_UNCONFIRMED = (
    "Some of these criteria come from secondary sources or are not yet confirmed on the payer's own page; "
    "each one marked \u201cNot fully confirmed\u201d says why."
)
_ALT = re.compile(r"alternative (\d+) of (\d+)")
_KINDS = {k.value: k.label for k in CriterionKind}


def _choices(crits: list[dict[str, Any]]) -> dict[int, str]:
    """Distinct labels for the policy's either/or groups, in the policy's order: "choice A, way 2 of 2".

    The engine numbers the alternatives within each group; a group starts again at "alternative 1".
    """
    out: dict[int, str] = {}
    group = -1
    last = 0
    for i, c in enumerate(crits):
        m = _ALT.search(str(c.get("branch") or ""))
        if not m:
            last = 0
            continue
        n = int(m.group(1))
        if group < 0 or (n == 1 and last != 1):
            group += 1
        last = n
        out[i] = _("choice %(group)s, way %(n)s of %(of)s") % {
            "group": chr(ord("A") + group % 26),
            "n": n,
            "of": m.group(2),
        }
    return out


def _next_step(det: dict[str, Any], missing: list[dict[str, Any]]) -> str:
    """The one thing that matters most now."""
    d = det.get("decision")
    pa = det.get("prior_authorization")
    if d == "not_covered":
        return _(
            "Ask your clinician about a treatment this plan covers for your condition. If you think the plan "
            "has your diagnosis wrong, ask your clinic to send the plan the records that show it."
        )
    if d == "criteria_not_met":
        when = det.get("earliest_eligible_date")
        if when:
            return _("Keep up your current care and write it down; check again on %(date)s.") % {"date": when}
        first = next((c for c in missing if c["status"] == "not_met"), None)
        return (
            f"Talk with your clinician about \u201c{first['summary']}\u201d: it is not met yet."
            if first
            else ("Talk with your clinician about what is not met yet.")
        )
    if d == "needs_documentation" and missing:
        return _("Ask your clinic to put this in your chart: %(what)s") % {
            "what": missing[0]["missing"] or missing[0]["summary"]
        }
    if pa == "required":
        return _(
            "Ask your clinic to request prior authorization before the procedure is scheduled, and open a "
            "case here to follow it."
        )
    if pa == "plan_dependent":
        return _("Call the number on your insurance card and ask whether this needs prior authorization.")
    return _("Check what it will cost you, then ask your clinic to schedule it.")


def view(det: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    """``labels`` names the record's items by id, so evidence reads "Physical therapy", not an id."""
    labels = labels or {}
    criteria = []
    raw_crits = list(det.get("criteria") or [])
    names = {str(c.get("id")): str(c.get("summary") or "") for c in raw_crits}
    choices = _choices(raw_crits)
    for i, c in enumerate(raw_crits):
        seen_evidence: set[tuple[Any, Any]] = set()
        status = str(c.get("status") or "unknown")
        evidence = []
        for e in c.get("evidence") or []:
            text = (
                labels.get(str(e.get("resource"))) or plain(e.get("note"), names) or "an item of your record"
            )
            if (e.get("date"), text) in seen_evidence:
                continue  # the same fact twice (a report and its study) is shown once
            seen_evidence.add((e.get("date"), text))
            evidence.append(
                {
                    "resource": e.get("resource"),
                    "date": e.get("date"),
                    "provenance": PROVENANCE.get(str(e.get("provenance")), e.get("provenance")),
                    "text": text,
                }
            )
        criteria.append(
            {
                "id": c.get("id"),
                "kind": _KINDS.get(str(c.get("kind")), ""),
                "status": status,
                "status_words": STATUS_WORDS.get(status, status),
                "summary": plain(c.get("summary"), {}) or "A requirement of the policy",
                "explanation": plain(c.get("explanation"), names),
                "evidence": evidence,
                "source": c.get("source") or {},
                "missing": plain(_missing(c), names) if status in ("unknown", "not_met") else None,
                "required": c.get("required", True),
                "confidence": plain(c.get("confidence"), names),
                "branch": choices.get(i),
            }
        )
    order = {"not_met": 0, "unknown": 1, "met": 2, "not_applicable": 3}
    criteria.sort(key=lambda c: order.get(c["status"], 9))
    decision = str(det.get("decision"))
    pa = str(det.get("prior_authorization"))
    # A procedure the plan does not cover has nothing to obtain: the answer says so and stops there.
    missing = (
        [] if decision == "not_covered" else [c for c in criteria if c["status"] in ("unknown", "not_met")]
    )
    if decision == "not_covered":
        for c in criteria:
            c["missing"] = None
    notes = [
        _(_UNCONFIRMED) if str(n).startswith("Unconfirmed:") else plain(str(n), names)
        for n in det.get("notes") or []
        if not str(n).startswith("To document (")
        and not (decision == "not_covered" and str(n).startswith("Not covered:"))
    ]
    policies = [
        {
            **p,
            "title": plain(str(p.get("title") or ""), names),
            "show_id": str(p.get("id")) not in str(p.get("title")),
        }
        for p in det.get("policies") or []
    ]
    return {
        "raw": det,
        "procedure": det.get("procedure") or {},
        "decision": decision,
        "decision_words": DECISION_WORDS.get(decision, decision),
        "sentence": _sentence(det),
        "why_not": _why_not(det, names) if decision == "not_covered" else None,
        "next_step": _next_step(det, missing),
        "pa": pa,
        "pa_words": PA_WORDS.get(pa, pa),
        "pa_basis": [plain(str(b), names) for b in det.get("prior_authorization_basis") or []],
        "earliest": det.get("earliest_eligible_date"),
        "criteria": criteria,
        "missing": missing,
        "policies": policies,
        "notes": notes,
        "payer": det.get("payer"),
        "insurer": det.get("insurer"),
        "medicaid_state": det.get("medicaid_state"),
        "setting": det.get("setting"),
        "state": det.get("state"),
        "as_of": det.get("as_of"),
    }
