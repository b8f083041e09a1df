"""Build a letter for a case from what the store holds (patient, clinician, plan, denial, documents)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcover.appeals import explain_carc, explain_rarc, next_level
from backcover.catalog import find
from backcover.documents import (
    AppealLetter,
    Attachment,
    DenialView,
    Document,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    Party,
    PeerToPeerPrep,
    PriorAuthPacket,
    TimelineEntry,
)
from backcover.store._models import Case
from backcover.store._store import Store, first_level

__all__ = ["build_letter", "evidence_labels"]

PAYER_NAMES = {
    "medicare": "Medicare Administrative Contractor (see the notice for the address)",
    "medicare-advantage": "Medicare Advantage plan, Appeals Department",
    "commercial": "Health plan, Appeals Department",
    "marketplace": "Health plan, Appeals Department",
    "medicaid": "Medicaid managed care plan, Appeals",
    "medicaid-ffs": "State Medicaid agency, Fair Hearings",
}


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").splitlines() if x.strip())


def _denial(case: Case) -> DenialView | None:
    if not case.denials:
        return None
    d = case.denials[-1]
    codes = []
    for c in d.codes:
        exp = explain_carc(c.code) if c.system == "carc" else explain_rarc(c.code)
        label = f"{c.group_code}-{c.code}" if c.group_code else c.code
        note = " (suggested by the letter's words)" if c.source == "text" else ""
        codes.append((label, exp.summary + note))
    claim = next((c.claim_id for c in d.codes if c.claim_id), None)
    return DenialView(d.denial_date, d.reason_text, tuple(codes), f"claim {claim}" if claim else None)


# Extra requests an appeal letter makes, by the route that usually fixes a denial code.
ROUTE_REQUESTS = {
    "retro_auth_or_appeal": "If prior authorization was required, treat this letter also as a request for "
    "retroactive authorization: the enclosed records show the service was needed when it was given.",
    "nsa_or_network_exception": "If the No Surprises Act protects this service (emergency care, or an "
    "out-of-network clinician at an in-network facility), apply in-network cost sharing; otherwise, if no "
    "in-network provider could provide it in time, treat this as a request for a network exception.",
    "extend_auth": "Extend or update the existing authorization to cover the services given.",
    "exception": "Grant an exception to the benefit limit, given the medical need documented here.",
}


def _requests(case: Case) -> tuple[str, ...]:
    if not case.denials:
        return ()
    routes = []
    for c in case.denials[-1].codes:
        if c.system == "carc":
            route = explain_carc(c.code).route
            if route in ROUTE_REQUESTS and route not in routes:
                routes.append(route)
    return tuple(ROUTE_REQUESTS[r] for r in routes)


def _deadline(case: Case) -> tuple[str, date | None, str | None]:
    """The level to file now, its last day and its rule."""
    upheld = [a for a in case.appeals if a.outcome in ("upheld", "partial") and a.outcome_date]
    if upheld:
        last = upheld[-1]
        assert last.outcome_date is not None
        nxt = next_level(
            case.plan_kind, last.level, last.outcome_date, urgent=case.urgent, service=case.service
        )
        if nxt is not None:
            return nxt.name, nxt.file_by, nxt.rule
    if case.denials:
        first = first_level(case, case.denials[-1])
        return first.name, first.file_by, first.rule
    return "appeal", None, None


TIMELINE_KINDS = ("procedure", "medication", "imaging", "encounter", "referral", "score")


def _record_timeline(record: Any) -> list[TimelineEntry]:
    """Treatment timeline entries from a loaded record (procedures, medicines, imaging, visits, scores)."""
    from backcover.codesets import concept_label

    out = []
    for item in record.items:
        if item.when is None or str(item.kind.value) not in TIMELINE_KINDS:
            continue
        label = item.text or (concept_label(item.concept) if item.concept else str(item.kind.value))
        if item.value is not None and item.scale:
            label = f"{label}: {item.scale.upper()} {item.value}{item.unit or ''}"
        prov = {"ehr": "clinical record", "claim": "claims record", "self_reported": "patient's log"}
        out.append(
            TimelineEntry(item.when.start_date, label[:140], prov.get(item.provenance, item.provenance))
        )
    return out


def build_letter(
    store: Store, case: Case, kind: str, det: Any, as_of: date, *, record: Any = None, sender: str = "patient"
) -> Document:
    """The letter ``kind`` (appeal, packet, p2p, external, gfe) for a case loaded by ``get_case``.

    ``det`` is a :class:`DeterminationView` or None; ``record`` (optional) adds the treatment
    timeline to the packet; ``sender`` is ``patient`` or ``provider`` (clinic staff sign for the
    clinician; the packet and the peer-to-peer sheet always come from the clinician when known).
    """
    p = case.patient
    patient = Party(
        p.name,
        _lines(p.address),
        phone=p.phone,
        email=p.email,
        member_id=p.member_id,
        birth_date=p.birth_date,
    )
    provider = (
        Party(
            case.provider.name,
            _lines(case.provider.address),
            phone=case.provider.phone,
            fax=case.provider.fax,
            npi=case.provider.npi,
            specialty=case.provider.specialty,
            organization=case.provider.organization,
        )
        if case.provider
        else None
    )
    plan = case.plan
    payer = (
        Party(plan.name, _lines(plan.appeals_address))
        if plan
        else Party(PAYER_NAMES.get(case.payer, case.payer))
    )
    attachments = tuple(
        Attachment(d.filename or d.doc_type.replace("_", " "), d.doc_type, d.doc_date, d.source, d.sha256)
        for d in case.documents
        if d.doc_type not in ("remittance", "appeal_letter") and d.source != "backcover"
    )
    denial = _denial(case)
    level, file_by, rule = _deadline(case)
    signer = provider if (provider and (kind in ("packet", "p2p") or sender == "provider")) else patient

    found = find(case.procedure_code)
    procedure = (case.procedure_code, found.name if found else case.title)
    if kind == "appeal":
        return AppealLetter(
            patient,
            signer,
            payer,
            as_of,
            denial=denial,
            determination=det,
            provider=provider,
            level_name=level[:1].lower() + level[1:],
            file_by=file_by,
            deadline_rule=rule,
            attachments=attachments,
            urgent=case.urgent,
            procedure=procedure,
            requests=_requests(case),
        )
    if kind == "packet":
        log = store.log_entries(case.patient_id)
        timeline = tuple(
            sorted(
                [
                    TimelineEntry(e.entry_date, e.text or e.kind.replace("_", " "), "patient's log")
                    for e in log
                ]
                + [
                    TimelineEntry(
                        d.doc_date, f"{d.doc_type.replace('_', ' ')}: {d.filename or ''}".strip(), d.source
                    )
                    for d in case.documents
                    if d.doc_date
                ]
                + (_record_timeline(record) if record is not None else []),
                key=lambda t: t.date,
            )
        )
        return PriorAuthPacket(
            patient,
            signer,
            payer,
            as_of,
            determination=det,
            provider=provider,
            setting=case.setting,
            timeline=timeline,
            attachments=attachments,
            urgent=case.urgent,
            procedure=procedure,
        )
    if kind == "p2p":
        return PeerToPeerPrep(
            patient,
            signer,
            payer,
            as_of,
            denial=denial,
            determination=det,
            file_by=file_by,
            procedure=procedure,
        )
    if kind == "external":
        final = [a for a in case.appeals if a.outcome in ("upheld", "partial")]
        return ExternalReviewRequest(
            patient,
            signer,
            Party("External review (see the plan's final notice for where to send this)"),
            as_of,
            denial=denial,
            determination=det,
            final_decision_date=final[-1].outcome_date if final else None,
            file_by=file_by if final else None,
            rule=rule if final else None,
            urgent=case.urgent,
            attachments=attachments,
            procedure=procedure,
        )
    return GoodFaithEstimateRequest(
        patient, patient, provider or Party("The provider's billing office"), as_of, services=(procedure,)
    )


def evidence_labels(record: Any) -> dict[str, str]:
    """Words for each record item, so letters say "Physical therapy" rather than "Procedure/p-4"."""
    from backcover.codesets import concept_label

    out: dict[str, str] = {}
    for item in record.items:
        label = item.text or (
            concept_label(item.concept) if item.concept else str(item.kind.value).replace("_", " ")
        )
        if item.value is not None and item.scale:
            label = f"{label}: {item.scale.upper()} {item.value}{item.unit or ''}"
        out.setdefault(item.source.resource, label[:120])
    return out
