"""The case use cases: open a case, add a denial, record an appeal or a prior-authorization step.

Each is one transaction: everything is validated before the first write, and a failure part-way
leaves nothing behind (the store methods join the use case's transaction). Errors name the field
(``state``, ``payer``); the CLI and the web app say which option or form field that was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from backcover.appeals import Deadlines, explain_rarc, infer_from_text, parse_835, parse_codes
from backcover.appeals._x12 import is_denial
from backcover.catalog import resolve
from backcover.errors import BadInput
from backcover.services._deadlines import check_level, notice_deadlines
from backcover.store import Appeal, Case, CodeInput, Denial, PARequest, Store, case_plan_kind, check_document
from backcover.vocab import PlanKind, parse_state

__all__ = [
    "CaseInput",
    "DenialInput",
    "PatientInput",
    "PlanInput",
    "ProviderInput",
    "add_denial",
    "case_input",
    "denial_codes",
    "open_case",
    "record_appeal",
    "set_prior_auth",
]


@dataclass(frozen=True)
class PatientInput:
    name: str
    birth_date: date | None = None
    member_id: str | None = None
    address: str | None = None  # lines separated by newlines
    phone: str | None = None


@dataclass(frozen=True)
class ProviderInput:
    name: str
    npi: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class PlanInput:
    name: str
    kind: PlanKind
    plan_yaml: str | None = None
    member_id: str | None = None
    appeals_address: str | None = None


@dataclass(frozen=True)
class CaseInput:
    """A validated case: the procedure's code and setting resolved, payer and state parsed."""

    procedure: str
    name: str
    payer: PlanKind
    plan_kind: PlanKind | None
    setting: str | None
    state: str | None
    title: str | None = None
    service: str = "pre"
    urgent: bool = False


def case_input(
    procedure: str,
    payer: str,
    *,
    plan_kind: str | None = None,
    setting: str | None = None,
    state: str | None = None,
    title: str | None = None,
    service: str = "pre",
    urgent: bool = False,
) -> CaseInput:
    """Check every field of a new case (before anything is written)."""
    proc, where = resolve(procedure, setting)
    return CaseInput(
        procedure=procedure,
        name=proc.name,
        payer=case_plan_kind(payer, "payer"),
        plan_kind=case_plan_kind(plan_kind, "plan kind") if plan_kind else None,
        setting=where,
        state=parse_state(state, where="state") if state is not None else None,
        title=title,
        service=service,
        urgent=urgent,
    )


def open_case(
    store: Store,
    case: CaseInput,
    *,
    patient: int | PatientInput,
    provider: ProviderInput | None = None,
    plan: PlanInput | None = None,
) -> Case:
    """Open a case: the patient (found by name, or added), clinician, plan and case, all or nothing."""
    with store.transaction():
        if isinstance(patient, PatientInput):
            found = store.find_patient(patient.name)
            pid = (
                found.id
                if found
                else store.add_patient(
                    patient.name,
                    patient.birth_date,
                    member_id=patient.member_id,
                    address=patient.address,
                    phone=patient.phone,
                ).id
            )
        else:
            pid = store.get_patient(patient).id
        prov_id = (
            store.add_provider(pid, provider.name, npi=provider.npi, phone=provider.phone).id
            if provider
            else None
        )
        plan_id = None
        if plan is not None:
            plan_id = store.add_plan(
                pid,
                plan.name,
                plan.kind,
                plan_yaml=plan.plan_yaml,
                member_id=plan.member_id,
                appeals_address=plan.appeals_address,
            ).id
        return store.new_case(
            pid,
            case.procedure,
            case.payer,
            title=case.title or case.name,
            plan_kind=case.plan_kind or (plan.kind if plan is not None else None),
            setting=case.setting,
            state=case.state,
            provider_id=prov_id,
            plan_id=plan_id,
            service=case.service,
            urgent=case.urgent,
        )


@dataclass(frozen=True)
class DenialInput:
    """A denial's codes, how they were found, and the document to keep with it (content, type, name)."""

    codes: tuple[CodeInput, ...]
    source: str
    document: tuple[bytes, str, str | None] | None = None


def denial_codes(
    *,
    codes: str | None = None,
    text: str | None = None,
    x12: tuple[bytes, str] | None = None,
    claim: str | None = None,
    letter: tuple[bytes, str] | None = None,
) -> DenialInput:
    """The codes of a denial from typed codes, an X12 835 (one claim of it) and the letter's words."""
    if not (codes or text or x12):
        raise BadInput("nothing to record", "give the codes, the reason or an 835 file", where="codes")
    inputs: list[CodeInput] = []
    source = "typed"
    document: tuple[bytes, str, str | None] | None = None
    if codes:
        inputs += [
            CodeInput(c.system, c.code, c.group, None, c.explanation.known, "typed")
            for c in parse_codes(codes, where="codes")
        ]
    if x12 is not None:
        raw, name = x12
        try:
            adjustments = parse_835(raw.decode("utf-8", errors="replace"), name)
        except BadInput as exc:
            raise exc.at(name) from None
        claims = sorted({a.claim_id for a in adjustments})
        if claim is not None:
            adjustments = [a for a in adjustments if a.claim_id == claim]
            if not adjustments:
                raise BadInput(
                    f"claim {claim!r} has no adjustments in this file",
                    "claims in it: " + ", ".join(claims),
                    name,
                    "claim",
                )
        elif len(claims) > 1:
            raise BadInput(
                f"this 835 holds {len(claims)} claims", "pick one: " + ", ".join(claims), name, "claim"
            )
        if not is_denial(adjustments):
            raise BadInput(
                "this claim was paid: its only adjustments are the patient's deductible, coinsurance or "
                "copayment (PR-1, PR-2, PR-3), which is not a denial",
                "nothing to appeal and no appeal deadline; check the amounts against the plan's cost sharing",
                name,
                "claim",
            )
        for a in adjustments:
            inputs.append(
                CodeInput(
                    "carc",
                    a.carc,
                    a.group,
                    str(a.amount),
                    a.explanation.known,
                    "835",
                    a.claim_id,
                    a.service_code,
                )
            )
            inputs += [
                CodeInput("rarc", r, None, None, explain_rarc(r).known, "835", a.claim_id) for r in a.rarcs
            ]
        source = "835"
        if len(claims) == 1:  # the file holds this claim only: keep it (never other people's claims)
            document = (raw, "remittance", Path(name).name)
    if text:
        inputs += [
            CodeInput(c.system, c.code, None, None, True, "text")
            for c in infer_from_text(text)
            if not any(i.code == c.code and i.system == c.system for i in inputs)
        ]
        source = source if (codes or x12) else "text"
    if letter is not None:
        if document is not None:
            raise BadInput(
                "give either the denial letter or a one-claim 835 to keep, not both",
                "store the other as a document of the case",
                where="letter",
            )
        content, name = letter
        check_document(content, "denial_letter", file=name)
        document = (content, "denial_letter", Path(name).name)
    return DenialInput(tuple(inputs), source, document)


def add_denial(
    store: Store,
    case_id: int,
    denial_date: date,
    denial: DenialInput,
    *,
    as_of: date,
    reason_text: str | None = None,
    received_date: date | None = None,
) -> tuple[Denial, Deadlines]:
    """Record a denial (codes, letter or 835) on a case, with the appeal levels it opens."""
    with store.transaction():
        case = store.get_case(case_id)
        d = store.add_denial(
            case_id,
            denial_date,
            as_of=as_of,
            codes=denial.codes,
            reason_text=reason_text,
            received_date=received_date,
            source=denial.source,
            document=denial.document,
        )
        levels = notice_deadlines(
            case.plan_kind,
            denial_date,
            received_date=d.received_date,
            urgent=case.urgent,
            service=case.service,
        )
        return d, levels


def record_appeal(
    store: Store,
    case_id: int,
    level: str,
    *,
    denial_id: int | None = None,
    filed_on: date | None = None,
    outcome: str | None = None,
    outcome_date: date | None = None,
) -> Appeal:
    """Record an appeal when filed, or the outcome of the same level's open appeal."""
    with store.transaction():
        c = store.get_case(case_id)
        check_level(c, level)
        if denial_id is None and c.denials:
            denial_id = c.denials[-1].id
        open_ = [x for x in c.appeals if x.level == level and x.outcome in (None, "pending")]
        if outcome not in (None, "pending") and open_ and filed_on is None:
            if outcome_date is None:
                raise BadInput(
                    "an outcome needs its date", "give the date of the decision", where="outcome date"
                )
            assert outcome is not None
            return store.set_appeal_outcome(open_[-1].id, outcome, outcome_date)
        return store.add_appeal(
            case_id, level, denial_id=denial_id, filed_on=filed_on, outcome=outcome, outcome_date=outcome_date
        )


def set_prior_auth(
    store: Store,
    case_id: int,
    status: str,
    *,
    on_date: date,
    pa_id: int | None = None,
    auth_number: str | None = None,
    expires_on: date | None = None,
    note: str | None = None,
    as_of: date | None = None,
) -> PARequest:
    """Add a step to a prior-authorization request (the case's latest; a new one if it has none).

    A denial also records a denial on the case (pre-service), so its appeal deadline is counted."""
    with store.transaction():
        c = store.get_case(case_id)
        if pa_id is None and c.pa_requests:
            pa_id = c.pa_requests[-1].id
        if status == "denied":  # a denied request moves the case on: a denial with its appeal clock
            store.add_denial(
                case_id,
                on_date,
                as_of=max(on_date, as_of or on_date),
                reason_text=note or "The prior-authorization request was denied.",
                source="prior_auth",
            )
        if pa_id is None:
            return store.add_pa_request(
                case_id,
                on_date=on_date,
                status=status,
                note=note,
                auth_number=auth_number,
                expires_on=expires_on,
            )
        return store.set_pa_status(
            pa_id, status, on_date=on_date, auth_number=auth_number, expires_on=expires_on, note=note
        )
