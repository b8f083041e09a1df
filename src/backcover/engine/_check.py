"""``check()``: choose the packs that apply, evaluate them, and derive the decision.

Decision precedence (CONTRACTS.md section 1): not_covered > criteria_not_met > needs_documentation
> meets_criteria. The criteria form a tree of ``all``/``any``; a not-met criterion in an alternative
that another alternative satisfies does not count against the record (it becomes
``not_applicable``), and ``earliest_eligible_date`` is computed on the same tree: the latest date
over the time-based not-met criteria of an ``all``, the earliest over the alternatives of an ``any``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from backcover import catalog
from backcover.engine._choose import policy_ids, stale_notes, version_notes
from backcover.engine._insurers import choose_packs, insurer_prior_auth, resolve_insurer
from backcover.engine._library import packs
from backcover.engine._mac import mac_for
from backcover.engine._medicaid_check import medicaid_state_answer
from backcover.engine._model import (
    CriterionResult,
    Decision,
    Determination,
    Evidence,
    PolicyRef,
    Source,
    Status,
)
from backcover.engine._pack_model import Leaf, Node
from backcover.engine.criteria import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, Ctx, Outcome, evaluate
from backcover.knowledge import Knowledge
from backcover.record.model import Item, Record
from backcover.vocab import Payer, Provenance, parse_payer, parse_state

__all__ = ["check", "normalise_payer", "normalise_state", "stored_version_notes"]


def normalise_payer(payer: str) -> Payer:
    """The payer named (plan kinds too: ``marketplace``, ``medicaid-ffs``), or BadInput."""
    return parse_payer(payer)


def normalise_state(state: str | None) -> str | None:
    """The USPS code of a state given by code or name (``NY``, ``New York``); none when not given."""
    if state is None or not state.strip():
        return None
    return parse_state(state)


@dataclass(slots=True)
class _State:
    """A tree node's result: status, and for not_met the date it would be met (None: not by waiting)."""

    status: Status
    eligible: date | None = None


@dataclass(slots=True)
class _Run:
    ctx: Ctx
    results: dict[str, CriterionResult]
    order: list[str]
    policy_for: dict[str, tuple[str, str]]  # pack policy id -> (cited id, url)

    def source(self, src: Source) -> Source:
        hit = self.policy_for.get(src.policy)
        if hit is None:
            return src
        return replace(src, policy=hit[0], url=hit[1])


def _evidence(items: list[Item]) -> tuple[Evidence, ...]:
    seen: dict[str, Evidence] = {}
    for it in items:
        if it.id not in seen:
            seen[it.id] = Evidence(it.id, it.date, it.provenance, it.source.file)
    return tuple(seen.values())


def _leaf(run: _Run, leaf: Leaf) -> _State:
    if not leaf.in_force(run.ctx.as_of):
        return _State(MET)  # not a rule on that day: it is left out of the answer
    out: Outcome = evaluate(leaf.test, leaf.params, run.ctx)
    eligible = out.eligible_on if out.status == NOT_MET else None
    res = CriterionResult(
        id=leaf.id,
        kind=leaf.kind,
        status=out.status,
        summary=leaf.summary,
        explanation=out.explanation,
        evidence=_evidence(out.evidence),
        source=run.source(leaf.source),
        to_satisfy=leaf.to_satisfy,
        required=leaf.required,
        confidence=leaf.confidence or leaf.source.confidence,
        eligible_on=eligible,
    )
    run.results[leaf.id] = res
    run.order.append(leaf.id)
    if not leaf.required or out.status in (MET, NOT_APPLICABLE):
        return _State(MET)
    return _State(out.status, eligible)


def _ids(node: Node, run: _Run) -> list[str]:
    """The ids of the leaves under ``node`` that were evaluated (those in force on the day)."""
    if isinstance(node, Leaf):
        return [node.id] if node.id in run.results else []
    return [i for c in node.children for i in _ids(c, run)]


def _node(run: _Run, node: Node) -> _State:
    if isinstance(node, Leaf):
        return _leaf(run, node)
    states = [_node(run, c) for c in node.children]
    if node.op == "all":
        return _combine_all(states)
    for i, child in enumerate(node.children):
        for cid in _ids(child, run):
            run.results[cid] = replace(
                run.results[cid], branch=f"alternative {i + 1} of {len(node.children)}"
            )
    chosen = next((i for i, s in enumerate(states) if s.status == MET), None)
    if chosen is not None:
        for i, child in enumerate(node.children):
            if i == chosen:
                continue
            for cid in _ids(child, run):
                r = run.results[cid]
                if r.status != MET:
                    run.results[cid] = replace(r, status=NOT_APPLICABLE, eligible_on=None)
        return _State(MET)
    if any(s.status == UNKNOWN for s in states):
        return _State(UNKNOWN)
    dates = [s.eligible for s in states if s.eligible is not None]
    return _State(NOT_MET, min(dates) if dates else None)


def _combine_all(states: list[_State]) -> _State:
    failed = [s for s in states if s.status == NOT_MET]
    if failed:
        if all(s.eligible is not None for s in failed):
            return _State(NOT_MET, max(s.eligible for s in failed if s.eligible is not None))
        return _State(NOT_MET)
    if any(s.status == UNKNOWN for s in states):
        return _State(UNKNOWN)
    return _State(MET)


def check(
    record: Record,
    code: str,
    payer: str,
    *,
    setting: str | None = None,
    state: str | None = None,
    as_of: date,
    knowledge: Knowledge | None = None,
    insurer: str | None = None,
) -> Determination:
    """Check ``record`` against the payer's policy for ``code`` on ``as_of``. Pure: no I/O, no clock.

    ``knowledge`` is the bundle of packs, catalog, MAC table and insurers to use (the packaged one by
    default). ``insurer`` (a slug of ``knowledge/insurers.yaml``) uses that insurer's own policies
    (CONTRACTS §5); an unknown one, or one that sells no plans of the payer kind, is BadInput.
    """
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    who = normalise_payer(payer)
    named = resolve_insurer(insurer, who, kb)
    state = normalise_state(state)
    proc, setting = catalog.resolve(code, setting, kb)
    code = proc.code
    every = packs(kb)
    ctx = Ctx.build(record, as_of, proc, who.value, setting, state)
    used, notes = choose_packs(every, proc, who, setting, state, as_of, named, kb)
    mac = mac_for(state, kb) if who in (Payer.MEDICARE, Payer.MEDICARE_ADVANTAGE) else None
    policies: list[PolicyRef] = []
    policy_for: dict[str, tuple[str, str]] = {}
    for pack in used:
        ref, sub, note = policy_ids(pack, mac, kb)
        policies.append(ref)
        if sub is not None:
            policy_for[pack.policy] = sub
        if note:
            notes.append(note)
    run = _Run(ctx, {}, [], policy_for)
    excluded: list[str] = []
    for pack in used:
        for nc in pack.noncovered_codes:
            if code in nc.codes and nc.in_force(as_of):
                excluded.append(f"{code}: {nc.reason} ({run.source(nc.source).policy}, {nc.source.section})")
    ex_states = [_leaf(run, leaf) for pack in used for leaf in pack.exclusions]
    crit_states = [_node(run, pack.criteria) for pack in used if pack.criteria is not None]
    hits = [
        run.results[leaf.id]
        for pack in used
        for leaf in pack.exclusions
        if leaf.id in run.results and run.results[leaf.id].status == NOT_MET
    ]
    exclusion_hit = bool(hits)
    root = _combine_all([s for s in ex_states if s.status != NOT_MET] + crit_states)
    decision: Decision
    earliest: date | None = None
    if excluded or exclusion_hit:
        decision = Decision.NOT_COVERED
        notes[:0] = [f"Not covered: {e}" for e in excluded] + [f"Not covered: {r.explanation}" for r in hits]
    elif root.status == NOT_MET:
        decision = Decision.CRITERIA_NOT_MET
        earliest = root.eligible
    elif root.status == UNKNOWN:
        decision = Decision.NEEDS_DOCUMENTATION
    else:
        decision = Decision.MEETS_CRITERIA
    criteria = tuple(run.results[i] for i in run.order)
    missing = [c for c in criteria if c.status == UNKNOWN and c.required]
    for c in missing:
        notes.append(f"To document ({c.id}): {c.to_satisfy}")
    if earliest is not None:
        notes.append(
            f"Earliest date the criteria could be met: {earliest.isoformat()}, if the current care goes on."
            + (" The undocumented criteria above must also be documented by then." if missing else "")
        )
    self_reported = sorted(
        {
            e.resource
            for c in criteria
            if c.status == MET
            for e in c.evidence
            if e.provenance == Provenance.SELF_REPORTED
        }
    )
    if self_reported:
        notes.append(
            "Some evidence is self-reported ("
            + ", ".join(self_reported)
            + "). It counts here, but the payer will "
            "want the clinical records (visit notes, pharmacy or therapy records) that show it."
        )
    unconfirmed = [c.id for c in criteria if c.confidence]
    if unconfirmed:
        notes.append(
            "Unconfirmed: these criteria come from secondary sources or are not confirmed on the "
            "payer's own page: " + ", ".join(unconfirmed) + ". Each one's `confidence` says why."
        )
    notes.extend(stale_notes(used, as_of))
    for pack in used:
        notes.extend(pack.notes)
    pa, basis, pa_notes = insurer_prior_auth(every, proc, who, setting, state, as_of, used, named, ctx)
    notes.extend(pa_notes)
    answer = Determination(
        procedure=proc,
        payer=who.value,
        setting=setting,
        state=state,
        as_of=as_of,
        decision=decision,
        prior_authorization=pa,
        criteria=criteria,
        earliest_eligible_date=earliest,
        policies=tuple(policies),
        notes=tuple(dict.fromkeys(notes)),
        prior_authorization_basis=tuple(basis),
        mac=mac.to_json() if mac else None,
        specific_policy=not any(p.fallback_for for p in used),
        insurer=named.slug if named else None,
    )
    return medicaid_state_answer(answer, kb)  # the state's adult Medicaid rules (payer medicaid + state)


def stored_version_notes(stored: Mapping[str, Any], current: Determination) -> Determination:
    """``current`` with a note for each policy whose version changed since ``stored`` was made.

    ``stored`` is an earlier determination's CONTRACTS §1 JSON (e.g. kept with a case).
    """
    extra = version_notes(stored, list(current.policies), current.as_of)
    if not extra:
        return current
    return replace(current, notes=tuple(dict.fromkeys((*current.notes, *extra))))
