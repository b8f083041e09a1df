"""What the "Check a procedure" page shows, from the Determination JSON (CONTRACTS.md section 1).

The page reads the same JSON that ``POST /api/check`` returns, so the two always agree.
"""

from __future__ import annotations

from typing import Any

from backcover.vocab import CriterionStatus, Decision, Provenance

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
        return f"Your records meet the plan's criteria for {name}."
    if d == "needs_documentation":
        return (
            f"Nothing in your records rules out {name}, but some things the policy asks for are not written "
            "down yet."
        )
    if d == "criteria_not_met":
        when = det.get("earliest_eligible_date")
        tail = f" It could qualify from {when} if your current care goes on." if when else ""
        return f"Not yet: your records show at least one requirement for {name} is not met.{tail}"
    if d == "not_covered":
        return f"The plan does not cover {name} in your situation, whatever else is documented."
    return f"backcover could not reach a decision for {name}."


def _missing(c: dict[str, Any]) -> str | None:
    for k in _MISSING_KEYS:
        v = c.get(k)
        if isinstance(v, str) and v.strip():
            return v
        if isinstance(v, list) and v:
            return "; ".join(str(x) for x in v)
    return None


def view(det: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    """``labels`` names the record's items by id, so evidence reads "Physical therapy", not an id."""
    labels = labels or {}
    criteria = []
    for c in det.get("criteria") or []:
        status = str(c.get("status") or "unknown")
        evidence = [
            {
                "resource": e.get("resource"),
                "date": e.get("date"),
                "provenance": PROVENANCE.get(str(e.get("provenance")), e.get("provenance")),
                "text": labels.get(str(e.get("resource"))) or e.get("note") or e.get("resource"),
            }
            for e in c.get("evidence") or []
        ]
        criteria.append(
            {
                "id": c.get("id"),
                "kind": c.get("kind"),
                "status": status,
                "status_words": STATUS_WORDS.get(status, status),
                "summary": c.get("summary") or c.get("id"),
                "explanation": c.get("explanation"),
                "evidence": evidence,
                "source": c.get("source") or {},
                "missing": _missing(c) if status in ("unknown", "not_met") else None,
                "required": c.get("required", True),
                "confidence": c.get("confidence"),
                "branch": c.get("branch"),
            }
        )
    order = {"not_met": 0, "unknown": 1, "met": 2, "not_applicable": 3}
    criteria.sort(key=lambda c: order.get(c["status"], 9))
    decision = str(det.get("decision"))
    pa = str(det.get("prior_authorization"))
    return {
        "raw": det,
        "procedure": det.get("procedure") or {},
        "decision": decision,
        "decision_words": DECISION_WORDS.get(decision, decision),
        "sentence": _sentence(det),
        "pa": pa,
        "pa_words": PA_WORDS.get(pa, pa),
        "pa_basis": [str(b) for b in det.get("prior_authorization_basis") or []],
        "earliest": det.get("earliest_eligible_date"),
        "criteria": criteria,
        "missing": [c for c in criteria if c["status"] in ("unknown", "not_met")],
        "policies": det.get("policies") or [],
        "notes": det.get("notes") or [],
        "payer": det.get("payer"),
        "setting": det.get("setting"),
        "state": det.get("state"),
        "as_of": det.get("as_of"),
    }
