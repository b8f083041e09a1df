"""Known clinic histories for the worklist and metrics tests (and the browser test).

``two_patients``: four open cases of two patients, as of 2026-11-27, whose order of urgency is
C (overdue), A (expedited), B (due in 8 days), D (no date yet).

``pa_histories``: prior-authorization requests with known outcomes, for exact figures:

- Acme Health · MRI of the lower back, standard: 7 and 3 days to approval; 10 days to a denial whose
  appeal was overturned; 14 days to a denial whose appeal was upheld; one still waiting.
- Medicare Advantage · epidural steroid injection: expedited 1 day (approved), 3 days (denied, then
  overturned on reconsideration), 0 days (approved); standard 14 days (approved).
- One request sent in December 2025 (outside 2026).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backcover import services
from backcover.store import Store

TODAY = date(2026, 11, 27)
D = date.fromisoformat


@dataclass(frozen=True)
class Clinic:
    ann: int
    bob: int
    a: int  # Ann: ESI, Medicare Advantage, expedited, denied 2026-11-23 (file by 2027-01-27)
    b: int  # Bob: microdiscectomy, Acme Health, approved; authorization expires 2026-12-05
    c: int  # Ann: lumbar MRI, Acme Health, denied 2026-01-05: the filing deadline 2026-07-04 passed
    d: int  # Bob: lumbar MRI, Medicaid, request sent 2026-11-25 (no date yet)


def _case(store: Store, name: str, code: str, payer: str, *, urgent: bool = False) -> tuple[int, int]:
    case = services.open_case(
        store, services.case_input(code, payer, urgent=urgent), patient=services.PatientInput(name)
    )
    return case.id, case.patient_id


def _pa(store: Store, case_id: int, *steps: tuple[str, str], **last: str) -> None:
    for day, status in steps:
        approved = status == "approved"
        services.set_prior_auth(
            store,
            case_id,
            status,
            on_date=D(day),
            as_of=TODAY,
            auth_number=last.get("auth", f"AUTH-{case_id}") if approved else None,
            expires_on=D(last["expires"]) if approved and "expires" in last else None,
        )


def two_patients(store: Store) -> Clinic:
    a, ann = _case(store, "Ann Alpha", "64483", "medicare-advantage", urgent=True)
    _pa(store, a, ("2026-11-20", "submitted"), ("2026-11-23", "denied"))
    b, bob = _case(store, "Bob Beta", "63030", "commercial")
    services.edit_case(store, b, {"payer_name": "Acme Health"})
    _pa(store, b, ("2026-11-02", "submitted"), ("2026-11-09", "approved"), auth="A-77", expires="2026-12-05")
    c, _ = _case(store, "Ann Alpha", "72148", "commercial")
    services.edit_case(store, c, {"payer_name": "Acme Health"})
    _pa(store, c, ("2026-01-02", "submitted"), ("2026-01-05", "denied"))
    d, _ = _case(store, "Bob Beta", "72148", "medicaid")
    _pa(store, d, ("2026-11-25", "submitted"))
    return Clinic(ann, bob, a, b, c, d)


def _request(store: Store, name: str, code: str, payer: str, *steps: tuple[str, str],
             urgent: bool = False, plan_payer: str | None = None,
             appeal: tuple[str, str, str, str] | None = None) -> int:  # fmt: skip
    case_id, _ = _case(store, name, code, payer, urgent=urgent)
    if plan_payer:
        services.edit_case(store, case_id, {"payer_name": plan_payer})
    _pa(store, case_id, *steps)
    if appeal is not None:
        level, filed, outcome, decided = appeal
        services.record_appeal(store, case_id, level, filed_on=D(filed))
        services.record_appeal(store, case_id, level, outcome=outcome, outcome_date=D(decided))
    return case_id


def pa_histories(store: Store) -> list[int]:
    acme = {"plan_payer": "Acme Health"}
    return [
        _request(
            store,
            "Ann Alpha",
            "72148",
            "commercial",
            ("2026-03-02", "submitted"),
            ("2026-03-09", "approved"),
            **acme,
        ),
        _request(
            store,
            "Bob Beta",
            "72148",
            "commercial",
            ("2026-03-02", "submitted"),
            ("2026-03-05", "approved"),
            **acme,
        ),
        _request(
            store,
            "Ann Alpha",
            "72148",
            "commercial",
            ("2026-04-01", "submitted"),
            ("2026-04-11", "denied"),
            appeal=("internal_appeal", "2026-04-15", "overturned", "2026-05-01"),
            **acme,
        ),
        _request(
            store,
            "Bob Beta",
            "72148",
            "commercial",
            ("2026-05-01", "submitted"),
            ("2026-05-15", "denied"),
            appeal=("internal_appeal", "2026-05-20", "upheld", "2026-06-10"),
            **acme,
        ),
        _request(store, "Ann Alpha", "72148", "commercial", ("2026-06-01", "submitted"), **acme),
        _request(
            store,
            "Bob Beta",
            "64483",
            "medicare-advantage",
            ("2026-03-02", "submitted"),
            ("2026-03-03", "approved"),
            urgent=True,
        ),
        _request(
            store,
            "Ann Alpha",
            "64483",
            "medicare-advantage",
            ("2026-03-02", "submitted"),
            ("2026-03-05", "denied"),
            urgent=True,
            appeal=("plan_reconsideration", "2026-03-06", "overturned", "2026-03-08"),
        ),
        _request(
            store,
            "Bob Beta",
            "64483",
            "medicare-advantage",
            ("2026-03-10", "submitted"),
            ("2026-03-10", "approved"),
            urgent=True,
        ),
        _request(
            store,
            "Ann Alpha",
            "64483",
            "medicare-advantage",
            ("2026-03-02", "submitted"),
            ("2026-03-16", "approved"),
        ),
        _request(
            store,
            "Bob Beta",
            "72148",
            "commercial",
            ("2025-12-20", "submitted"),
            ("2025-12-22", "approved"),
            **acme,
        ),
    ]
