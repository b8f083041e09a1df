"""The state's adult Medicaid rules applied to a determination (``check`` calls this last).

For chiropractic, acupuncture and physical therapy the state's adult coverage decides: a service the
state does not cover for adults is ``not_covered`` with the state's page cited; a covered or limited one
keeps the answer and the limits (visits, settings) are stated; an unconfirmed one says so and keeps the
general Medicaid answer. For imaging, injections, spinal cord stimulators and spine surgery, the state's
prior-authorization rule and its reviewer (a UM vendor such as eviCore, or the agency) go into the
prior-authorization answer. The facts used are added to the JSON as ``medicaid_state``. Pure.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from backcover.engine._medicaid import (
    PA_SERVICES,
    BenefitFact,
    FactSource,
    PaFact,
    StateProgram,
    medicaid_state,
)
from backcover.engine._model import Decision, Determination, PriorAuth
from backcover.knowledge import Knowledge
from backcover.states import state_name
from backcover.vocab import Payer

__all__ = ["PA_FAMILIES", "medicaid_state_answer", "medicaid_state_json"]

# Procedure families (knowledge/procedures.yaml) -> the state table's prior-authorization service.
PA_FAMILIES: dict[str, str] = {
    "lumbar_mri": "advanced_imaging",
    "lumbar_ct": "advanced_imaging",
    "esi_interlaminar": "injections",
    "esi_transforaminal": "injections",
    "facet_block": "injections",
    "facet_rfa": "injections",
    "scs_trial": "spinal_cord_stimulator",
    "scs_implant": "spinal_cord_stimulator",
    "microdiscectomy": "spine_surgery",
    "laminectomy": "spine_surgery",
    "lumbar_fusion": "spine_surgery",
    "lumbar_adr": "spine_surgery",
}
_LABEL = {
    "chiropractic": "chiropractic care",
    "acupuncture": "acupuncture",
    "physical_therapy": "physical therapy",
}
_RANK = {"unconfirmed": 0, "secondary": 1, "confirmed": 2}


def medicaid_state_answer(d: Determination, knowledge: Knowledge | None = None) -> Determination:
    """``d`` with the state's adult Medicaid facts applied; unchanged unless the payer is Medicaid and
    a state is given."""
    if d.payer != Payer.MEDICAID or not d.state:
        return d
    program = medicaid_state(d.state, knowledge)
    if program is None:
        note = (
            f"backcover's Medicaid table covers the 50 states and DC; it has nothing on "
            f"{state_name(d.state)}'s program, so the general Medicaid answer applies."
        )
        return replace(
            d,
            notes=(*d.notes, note),
            medicaid_state={
                "state": d.state,
                "state_name": state_name(d.state),
                "program": None,
                "facts": [],
            },
        )
    notes = list(d.notes)
    basis = list(d.prior_authorization_basis)
    decision, pa, earliest = d.decision, d.prior_authorization, d.earliest_eligible_date
    used: list[BenefitFact | PaFact] = []
    family = d.procedure.family
    if family in program.benefits:
        fact = program.benefits[family]
        used.append(fact)
        if fact.coverage == "not_covered":
            decision, earliest = Decision.NOT_COVERED, None
            notes = [n for n in notes if not n.startswith("Earliest date the criteria could be met")]
            notes.insert(0, _not_covered(program, fact))
        else:
            notes.append(_benefit_note(program, fact))
            pa, line = _benefit_pa(program, fact, pa)
            if line:
                _add_state_line(basis, line, d.insurer)
    service = PA_FAMILIES.get(family)
    if service is not None:
        fact_pa = program.prior_authorization[service]
        used.append(fact_pa)
        if fact_pa.required == "unconfirmed":
            notes.append(
                f"backcover has not confirmed {program.program}'s prior-authorization rule for "
                f"{PA_SERVICES[service]}: {fact_pa.note}"
            )
        else:
            if fact_pa.required == "required":
                pa = PriorAuth.REQUIRED
            _add_state_line(basis, _pa_line(program, fact_pa), d.insurer)
    if used and program.note:
        notes.append(f"{program.program}: {program.note}")
    return replace(
        d,
        decision=decision,
        prior_authorization=pa,
        earliest_eligible_date=earliest,
        prior_authorization_basis=tuple(dict.fromkeys(basis)),
        notes=tuple(dict.fromkeys(notes)),
        medicaid_state=medicaid_state_json(program, used),
    )


def _add_state_line(basis: list[str], line: str, insurer: str | None) -> None:
    """The state program's prior-authorization rule among the reasons: first for the state's own
    program, after the plan's own rules when a managed-care plan (a named insurer) answers."""
    if insurer:
        basis.append(line)
    else:
        basis.insert(0, line)


def medicaid_state_json(program: StateProgram, used: list[BenefitFact | PaFact]) -> dict[str, Any]:
    """The ``medicaid_state`` object of the check JSON: the state, its program and the facts used."""
    sources = list(dict.fromkeys(f.source.url for f in used if f.source is not None))
    lowest = min((f.confidence for f in used), key=_RANK.__getitem__, default=None)
    return {
        "state": program.state,
        "state_name": program.name,
        "program": program.program,
        "agency": program.agency,
        "facts": [f.to_json() for f in used],
        "sources": sources,
        "confidence": lowest,
        "reviewers": list(program.reviewers),
        "fully_sourced": program.fully_sourced,
    }


def _cite(source: FactSource | None) -> str:
    if source is None:
        return ""
    when = (
        f", in force from {source.effective.isoformat()}"
        if source.effective
        else f", read {source.checked.isoformat()}"
        if source.checked
        else ""
    )
    return f" ({source.section}{when}; {source.url})"


def _caveat(confidence: str) -> str:
    if confidence == "secondary":
        return (
            " This comes from a secondary source (a survey or a plan's copy of the state's rule), not the "
            "program's own page; check the program's provider manual."
        )
    return ""


def _not_covered(program: StateProgram, fact: BenefitFact) -> str:
    why = f" {fact.limits}" if fact.limits else ""
    return (
        f"Not covered: {program.label} does not cover "
        f"{_LABEL[fact.service]} for adults.{why}{_cite(fact.source)}{_caveat(fact.confidence)}"
    )


def _benefit_note(program: StateProgram, fact: BenefitFact) -> str:
    label = _LABEL[fact.service]
    if fact.coverage == "unconfirmed":
        return (
            f"backcover has not confirmed whether {program.label} covers "
            f"{label} for adults ({fact.note}); the general Medicaid answer applies. Check the program's "
            "provider manual or member handbook."
        )
    head = f"{program.label} covers {label} for adults"
    parts = [head + (" only within limits." if fact.coverage == "limited" else ".")]
    if fact.visit_limit is not None:
        parts.append(f"Visit limit: {fact.visit_limit.text()}.")
    if fact.limits:
        parts.append(fact.limits.rstrip(".") + ".")
    return " ".join(parts) + _cite(fact.source).rstrip() + _caveat(fact.confidence)


def _benefit_pa(program: StateProgram, fact: BenefitFact, pa: PriorAuth) -> tuple[PriorAuth, str | None]:
    label = _LABEL[fact.service]
    rule = fact.prior_authorization
    if rule is None or rule == "unconfirmed":
        return pa, None
    if rule == "required":
        return PriorAuth.REQUIRED, (
            f"{program.program}: prior authorization is required for {label}{_cite(fact.source)}."
        )
    if rule == "not_required":
        return pa, (
            f"{program.program} (fee-for-service): no prior authorization for {label}{_cite(fact.source)}; "
            "a managed-care plan may set its own rules."
        )
    if rule == "after_visits":
        return pa, (
            f"{program.program}: prior authorization is needed after the first {fact.pa_after_visits} "
            f"visits of {label}{_cite(fact.source)}."
        )
    limit = f" ({fact.visit_limit.text()})" if fact.visit_limit else ""
    return pa, (
        f"{program.program}: prior authorization is needed to go past the limit{limit} for "
        f"{label}{_cite(fact.source)}."
    )


def _pa_line(program: StateProgram, fact: PaFact) -> str:
    what = PA_SERVICES[fact.service]
    by = f", reviewed by {fact.reviewer}" if fact.reviewer else ""
    if fact.required == "required":
        text = f"{program.program} (fee-for-service): prior authorization is required for {what}{by}"
    else:
        text = (
            f"{program.program} (fee-for-service): no prior authorization for {what}; a managed-care "
            "plan may require its own"
        )
    extra = f" {fact.note.rstrip('.')}." if fact.note else ""
    return text + _cite(fact.source) + "." + extra + _caveat(fact.confidence)
